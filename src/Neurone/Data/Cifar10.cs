using System.Formats.Tar;
using System.IO.Compression;

namespace Neurone.Data;

/// <summary>
/// CIFAR-10 (Krizhevsky, 2009), binary version: 50,000 training images in <c>data_batch_1..5.bin</c> and
/// 10,000 test images in <c>test_batch.bin</c>, each record one label byte (0–9) then 3×32×32 bytes
/// (red, green, blue planes, row-major), read into byte <see cref="ImageDataset"/>s of shape 3×32×32.
/// <c>Load(path)</c> takes the extracted <c>cifar-10-batches-bin</c> folder, a folder containing it, or
/// the <c>cifar-10-binary.tar.gz</c> archive itself (read without extracting). <c>Load()</c> uses
/// <c>~/.cache/neurone/cifar-10</c>: it downloads the archive when needed (MD5-checked, the only checksum
/// the publisher gives), extracts it safely once, and reads the extracted batches afterwards.
/// </summary>
public static class Cifar10
{
    public const int RecordSize = 1 + 3 * 32 * 32;
    public const string ArchiveName = "cifar-10-binary.tar.gz", FolderName = "cifar-10-batches-bin";
    static readonly string[] TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    const string TestFile = "test_batch.bin";

    /// <summary>The official class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames => Names;

    static readonly string[] Names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public static DataSource Source { get; } = new("cifar-10",
        ["https://www.cs.toronto.edu/~kriz/"],
        [new(ArchiveName, "md5:c32a1d4ab5d03f1284b67883e8d87530")],
        "https://www.cs.toronto.edu/~kriz/cifar.html");

    /// <summary>Train and test sets from <paramref name="path"/> (folder or archive), or from the cache when it is null.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string? path = null, Downloader? downloader = null)
    {
        if (path is null)
        {
            string dir = DataCache.DirectoryFor(Source.Name);
            if (FindBatches(dir) is null)
            {
                (downloader ?? Downloader.Default).EnsureFiles(Source, dir);
                TarExtractor.Extract(Path.Combine(dir, ArchiveName), dir);
            }
            path = dir;
        }
        if (File.Exists(path)) return LoadArchive(path);
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"cifar-10: {path} does not exist; expected the {FolderName} folder, a folder containing it, or {ArchiveName}.");
        var batches = FindBatches(path);
        if (batches is null)
        {
            var archive = Path.Combine(path, ArchiveName);
            if (File.Exists(archive)) return LoadArchive(archive);
            throw new FileNotFoundException($"cifar-10: expected {string.Join(", ", TrainFiles)} and {TestFile} in {path} or {Path.Combine(path, FolderName)}, or {ArchiveName} in {path}; found none of these complete.");
        }
        var train = new List<(byte[], string)>();
        foreach (var f in TrainFiles) train.Add((ReadFile(Path.Combine(batches, f)), Path.Combine(batches, f)));
        var testPath = Path.Combine(batches, TestFile);
        var names = ReadNames(Path.Combine(batches, "batches.meta.txt"));
        return (Build(train, names), Build([(ReadFile(testPath), testPath)], names));
    }

    /// <summary>One batch file (or any file of CIFAR-10 records) as a data set.</summary>
    public static ImageDataset ReadBatch(string path) => Build([(ReadFile(path), path)], Names);

    static string? FindBatches(string dir)
    {
        foreach (var candidate in new[] { Path.Combine(dir, FolderName), dir })
            if (TrainFiles.All(f => File.Exists(Path.Combine(candidate, f))) && File.Exists(Path.Combine(candidate, TestFile)))
                return candidate;
        return null;
    }

    static byte[] ReadFile(string path)
    {
        long length = new FileInfo(path).Length;
        CheckLength(path, length);
        using var s = File.OpenRead(path);
        return DataFiles.ReadExactly(s, length, path, "CIFAR-10 records");
    }

    static void CheckLength(string path, long length)
    {
        if (length == 0 || length % RecordSize != 0)
            throw DataFiles.Bad(path, $"expected a whole number of {RecordSize}-byte records (1 label + 3072 pixels), got {length} bytes ({length / RecordSize} records and {length % RecordSize} bytes over); the file is truncated or not CIFAR-10 binary.");
    }

    static (ImageDataset, ImageDataset) LoadArchive(string archive)
    {
        var found = new Dictionary<string, byte[]>();
        string[]? names = null;
        using (var file = File.OpenRead(archive))
        using (var gz = new GZipStream(file, CompressionMode.Decompress))
        using (var reader = new TarReader(gz))
        {
            while (true)
            {
                TarEntry? entry;
                try { entry = reader.GetNextEntry(); }
                catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException)
                { throw DataFiles.Bad(archive, $"not a valid tar.gz archive ({e.Message})."); }
                if (entry is null) break;
                string name = Path.GetFileName(entry.Name);
                string where = $"{archive}:{entry.Name}";
                if (entry.DataStream is null) continue;
                if (name == "batches.meta.txt")
                {
                    using var sr = new StreamReader(entry.DataStream);
                    names = ParseNames(sr.ReadToEnd());
                }
                else if (name == TestFile || TrainFiles.Contains(name))
                {
                    CheckLength(where, entry.Length);
                    found[name] = DataFiles.ReadExactly(entry.DataStream, entry.Length, where, "CIFAR-10 records");
                }
            }
        }
        var missing = TrainFiles.Append(TestFile).Where(f => !found.ContainsKey(f)).ToList();
        if (missing.Count > 0) throw DataFiles.Bad(archive, $"expected {FolderName}/{string.Join(", ", missing)} in the archive; not found.");
        names ??= Names;
        return (Build(TrainFiles.Select(f => (found[f], $"{archive}:{f}")).ToList(), names), Build([(found[TestFile], $"{archive}:{TestFile}")], names));
    }

    static ImageDataset Build(List<(byte[] Bytes, string Path)> files, string[] names)
    {
        long records = 0;
        foreach (var (b, _) in files) records += b.Length / RecordSize;
        var pixels = GC.AllocateUninitializedArray<byte>(checked((int)(records * (RecordSize - 1))));
        var labels = new byte[records];
        int r = 0;
        foreach (var (bytes, path) in files)
        {
            int n = bytes.Length / RecordSize;
            for (int i = 0; i < n; i++, r++)
            {
                byte label = bytes[(long)i * RecordSize];
                if (label >= names.Length)
                    throw DataFiles.Bad(path, $"record {i} (byte offset {(long)i * RecordSize}) has label {label}, expected a class in [0, {names.Length}).");
                labels[r] = label;
                bytes.AsSpan(i * RecordSize + 1, RecordSize - 1).CopyTo(pixels.AsSpan(r * (RecordSize - 1)));
            }
        }
        return new ImageDataset(pixels, labels, 3, 32, 32, names);
    }

    static string[] ReadNames(string metaPath) => File.Exists(metaPath) ? ParseNames(File.ReadAllText(metaPath)) : Names;

    static string[] ParseNames(string text)
    {
        var names = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        // A meta file that does not name ten classes is ignored rather than trusted over the official list.
        return names.Length == 10 ? names : Names;
    }
}
