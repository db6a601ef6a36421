using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Neurone.Data;

namespace Neurone.Text;

/// <summary>
/// The Large Movie Review Dataset (Maas et al., 2011): 25,000 training and 25,000 test reviews, half positive,
/// in its official layout <c>aclImdb/{train,test}/{pos,neg}/ID_RATING.txt</c>. <c>Load(path)</c> takes the
/// <c>aclImdb</c> folder, a folder containing it, a folder containing the archive, or a <c>.tar.gz</c> archive
/// itself (the official <c>aclImdb_v1.tar.gz</c> or any archive of the same layout), read as a stream without
/// extracting. The unlabelled <c>train/unsup</c> reviews and the other files are skipped. <c>Load()</c> uses
/// <c>~/.cache/neurone/imdb</c> (or <c>$NEURONE_DATA/imdb</c>): it downloads <c>aclImdb_v1.tar.gz</c> when
/// nothing is there, SHA-256-checked, and reads the archive directly, so no 100,000 small files are written.
/// A review that is not valid UTF-8, an empty review, a file name that is not <c>ID_RATING.txt</c>, or a
/// missing split or class folder is one <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class Imdb
{
    /// <summary>The official archive's name.</summary>
    public const string ArchiveName = "aclImdb_v1.tar.gz";

    /// <summary>The extracted folder's name.</summary>
    public const string FolderName = "aclImdb";

    static readonly string[] Splits = ["train", "test"];
    static readonly string[] Classes = ["neg", "pos"];

    /// <summary>
    /// The official archive. Its SHA-256 is the one scikit-learn, burn-dataset and others check
    /// (the MD5 torchtext checks, 7c2ac02c03563afcf9b574c7e56c153a, is of the same file).
    /// </summary>
    public static DataSource Source { get; } = new("imdb",
        ["https://ai.stanford.edu/~amaas/data/sentiment/"],
        [new(ArchiveName, "sha256:c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe")],
        "https://ai.stanford.edu/~amaas/data/sentiment/");

    /// <summary>Train and test reviews from <paramref name="path"/> (folder or archive), or from the cache (downloading when needed) when it is null.</summary>
    public static (ImdbSplit Train, ImdbSplit Test) Load(string? path = null, Downloader? downloader = null) =>
        Load(path, downloader, Source, DataCache.DirectoryFor(Source.Name));

    /// <summary><see cref="Load(string?, Downloader?)"/> with the source and cache folder given (tests serve their own archive).</summary>
    internal static (ImdbSplit Train, ImdbSplit Test) Load(string? path, Downloader? downloader, DataSource source, string cacheDirectory)
    {
        if (path is null)
        {
            string dir = cacheDirectory;
            if (!Directory.Exists(dir) || (FindFolder(dir) is null && FindArchive(dir) is null))
                (downloader ?? Downloader.Default).EnsureFiles(source, dir);
            path = dir;
        }
        if (File.Exists(path)) return LoadArchive(path);
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"imdb: {path} does not exist; expected the {FolderName} folder, a folder containing it, or a .tar.gz archive of it.");
        if (FindFolder(path) is string folder) return LoadFolder(folder);
        if (FindArchive(path) is string archive) return LoadArchive(archive);
        throw new InvalidDataException($"{path}: expected an {FolderName} folder (with train/ and test/), train/ and test/ folders, or a .tar.gz archive of them; found none.");
    }

    static string? FindFolder(string dir)
    {
        foreach (var candidate in new[] { Path.Combine(dir, FolderName), dir })
            if (Directory.Exists(Path.Combine(candidate, "train")) || Directory.Exists(Path.Combine(candidate, "test")))
                return candidate;
        return null;
    }

    static string? FindArchive(string dir)
    {
        var official = Path.Combine(dir, ArchiveName);
        if (File.Exists(official)) return official;
        var others = Directory.GetFiles(dir, "aclImdb*.tar.gz");
        Array.Sort(others, StringComparer.Ordinal);
        return others.Length > 0 ? others[0] : null;
    }

    /// <summary>Reads the <c>train</c> and <c>test</c> folders under <paramref name="folder"/>.</summary>
    static (ImdbSplit, ImdbSplit) LoadFolder(string folder)
    {
        var collector = new Collector(folder);
        foreach (var split in Splits)
            foreach (var cls in Classes)
            {
                string dir = Path.Combine(folder, split, cls);
                if (!Directory.Exists(dir)) continue;
                foreach (var file in Directory.EnumerateFiles(dir))
                {
                    string name = Path.GetFileName(file);
                    if (name.StartsWith('.')) continue;
                    collector.Add(split, cls, name, file, File.ReadAllBytes(file));
                }
            }
        return collector.Finish($"{folder}{Path.DirectorySeparatorChar}");
    }

    static (ImdbSplit, ImdbSplit) LoadArchive(string archive)
    {
        var collector = new Collector(archive);
        using var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using Stream stream = archive.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) ? file : new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        using var reader = new TarReader(stream);
        var buffer = new byte[1 << 16];
        while (true)
        {
            TarEntry? entry;
            try { entry = reader.GetNextEntry(); }
            catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException)
            { throw new InvalidDataException($"{archive}: not a valid tar.gz archive ({e.Message})."); }
            if (entry is null) break;
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            // Accept any leading folders (aclImdb/, ./aclImdb/ or none): the last three parts say split, class and file.
            var parts = entry.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3) continue;
            string split = parts[^3], cls = parts[^2], name = parts[^1];
            if (Array.IndexOf(Splits, split) < 0 || Array.IndexOf(Classes, cls) < 0 || name.StartsWith('.')) continue;
            string where = $"{archive}:{entry.Name}";
            byte[] bytes;
            try { bytes = DataFiles.ReadExactly(entry.DataStream, entry.Length, where, "review text"); }
            catch (InvalidDataException) { throw; }
            catch (Exception e) when (e is EndOfStreamException or IOException) { throw new InvalidDataException($"{where}: truncated archive ({e.Message})."); }
            collector.Add(split, cls, name, where, bytes);
        }
        return collector.Finish($"{archive}:");
    }

    /// <summary>Gathers reviews, checks each, and builds the two splits in a fixed order.</summary>
    sealed class Collector(string origin)
    {
        static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        readonly List<(int Split, int Label, int Id, int Rating, string Text, string Source)> reviews = [];

        public void Add(string split, string cls, string name, string source, byte[] bytes)
        {
            int us = name.IndexOf('_');
            if (!name.EndsWith(".txt", StringComparison.Ordinal) || us <= 0
                || !int.TryParse(name.AsSpan(0, us), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id)
                || !int.TryParse(name.AsSpan(us + 1, name.Length - us - 5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int rating))
                throw new InvalidDataException($"{source}: expected a review file named ID_RATING.txt (e.g. 0_9.txt), got '{name}'.");
            if (rating < 1 || rating > 10)
                throw new InvalidDataException($"{source}: expected a rating from 1 to 10 in the file name, got {rating}.");
            string text;
            try { text = StrictUtf8.GetString(bytes); }
            catch (DecoderFallbackException e)
            { throw new InvalidDataException($"{source}: the review is not valid UTF-8 (byte offset {e.Index}); re-encode it as UTF-8."); }
            if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
            if (string.IsNullOrWhiteSpace(text))
                throw new InvalidDataException($"{source}: the review is empty.");
            reviews.Add((Array.IndexOf(Splits, split), Array.IndexOf(Classes, cls), id, rating, text, source));
        }

        public (ImdbSplit, ImdbSplit) Finish(string prefix)
        {
            var counts = new int[Splits.Length, Classes.Length];
            foreach (var r in reviews) counts[r.Split, r.Label]++;
            var missing = new List<string>();
            for (int s = 0; s < Splits.Length; s++)
                for (int c = 0; c < Classes.Length; c++)
                    if (counts[s, c] == 0) missing.Add($"{Splits[s]}/{Classes[c]}");
            if (missing.Count > 0)
                throw new InvalidDataException($"{origin}: expected reviews in {FolderName}/{{train,test}}/{{neg,pos}}/ID_RATING.txt; found none in {string.Join(", ", missing)} (looked under {prefix}). Is this the IMDB archive or folder?");
            reviews.Sort((a, b) => a.Split != b.Split ? a.Split.CompareTo(b.Split) : a.Label != b.Label ? a.Label.CompareTo(b.Label)
                : a.Id != b.Id ? a.Id.CompareTo(b.Id) : string.CompareOrdinal(a.Source, b.Source));
            return (Build(0), Build(1));
        }

        ImdbSplit Build(int split)
        {
            var rows = reviews.FindAll(r => r.Split == split);
            var texts = new string[rows.Count];
            var labels = new long[rows.Count];
            var ratings = new int[rows.Count];
            var ids = new int[rows.Count];
            var sources = new string[rows.Count];
            for (int i = 0; i < rows.Count; i++)
                (texts[i], labels[i], ratings[i], ids[i], sources[i]) = (rows[i].Text, rows[i].Label, rows[i].Rating, rows[i].Id, rows[i].Source);
            return new ImdbSplit(texts, labels, ratings, ids, sources);
        }
    }
}
