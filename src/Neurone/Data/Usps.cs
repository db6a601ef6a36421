using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// USPS handwritten digits (Hull, 1994): 7,291 training and 2,007 test images of 16×16 grey values in
/// [-1, 1], as <see cref="TensorDataset"/>s of shape 1×16×16 with labels 0–9. Two file forms exist and
/// both are read: the <i>Elements of Statistical Learning</i> text files <c>zip.train.gz</c> /
/// <c>zip.test.gz</c> (<see cref="Load"/>; a label then 256 values per line) and LIBSVM's
/// <c>usps.bz2</c> / <c>usps.t.bz2</c> (<see cref="LoadLibSvm"/>; labels 1–10, shifted here to 0–9).
/// They hold the same digits in the same order with a different per-pixel preprocessing, so train and
/// test on one form. The values are kept as floats: they are decimal fractions, not bytes.
/// </summary>
public static class Usps
{
    const int Side = 16, Pixels = Side * Side, Classes = 10;

    /// <summary>
    /// The ESL files. Their checksums are of the decompressed text (the book's site serves gzip files
    /// whose compressed bytes vary by copy).
    /// </summary>
    public static DataSource EslSource { get; } = new("usps",
        ["https://hastie.su.domains/ElemStatLearn/datasets/"],
        [
            new("zip.train.gz", "sha256:cffe3715cf1d92aa5881a14674dbbf6343f59ca12dae90a73c1b6c7500f643aa", OfContent: true),
            new("zip.test.gz", "sha256:99a533840801264c6352c7987e5a4ee5fd8cc30ae722acc85a5d20a3d833c732", OfContent: true),
        ],
        "https://hastie.su.domains/ElemStatLearn/data.html");

    /// <summary>The LIBSVM files (the training file's MD5 is the one torchvision checks; the test file's SHA-256 is of the original bytes).</summary>
    public static DataSource LibSvmSource { get; } = new("usps",
        ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/"],
        [
            new("usps.bz2", "md5:ec16c51db3855ca6c91edd34d0e9b197"),
            new("usps.t.bz2", "sha256:a9c0164e797d60142a50604917f0baa604f326e9a689698763793fa5d12ffc4e"),
        ],
        "https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass.html#usps");

    /// <summary>Train and test from the ESL files in <paramref name="directory"/>, or in the cache (downloading what is missing).</summary>
    public static (TensorDataset Train, TensorDataset Test) Load(string? directory = null, Downloader? downloader = null)
    {
        string dir = Prepare(EslSource, directory, downloader);
        return (ReadEsl(Locate(dir, "zip.train")), ReadEsl(Locate(dir, "zip.test")));
    }

    /// <summary>Train and test from the LIBSVM files in <paramref name="directory"/>, or in the cache (downloading what is missing).</summary>
    public static (TensorDataset Train, TensorDataset Test) LoadLibSvm(string? directory = null, Downloader? downloader = null)
    {
        string dir = Prepare(LibSvmSource, directory, downloader);
        return (ReadLibSvm(Locate(dir, "usps")), ReadLibSvm(Locate(dir, "usps.t")));
    }

    /// <summary>One ESL-format file (<c>zip.train.gz</c>, <c>zip.test.gz</c>, or uncompressed).</summary>
    public static TensorDataset ReadEsl(string path)
    {
        var x = new List<float>();
        var y = new List<long>();
        foreach (var (line, text) in TextLines.Read(path))
        {
            var span = text.AsSpan().Trim();
            if (span.IsEmpty) continue;
            int field = 0;
            foreach (var range in span.SplitAny(' ', '\t'))
            {
                var token = span[range];
                if (token.IsEmpty) continue;
                field++;
                if (field > Pixels + 1) break;
                float v = TextLines.Parse(token, path, line, field, field == 1 ? "the label" : "a grey value");
                if (field == 1)
                {
                    y.Add(TextLines.ClassLabel(v, Classes, path, line));
                }
                else x.Add(v);
            }
            if (field != Pixels + 1)
                throw DataFiles.Bad(path, $"line {line}: expected a label and {Pixels} grey values ({Pixels + 1} fields), got {(field > Pixels + 1 ? "more" : field.ToString())}.");
        }
        if (y.Count == 0) throw DataFiles.Bad(path, "expected at least one digit, found none.");
        return new TensorDataset(Tensor.FromArray(x.ToArray(), y.Count, 1, Side, Side), Tensor.FromLongs(y.ToArray(), y.Count), Classes);
    }

    /// <summary>One LIBSVM-format USPS file (<c>usps.bz2</c>, <c>usps.t.bz2</c>, or decompressed), labels shifted from 1–10 to 0–9.</summary>
    public static TensorDataset ReadLibSvm(string path)
    {
        var raw = LibSvm.Load(path, features: Pixels);
        var values = raw.Y.AsReadOnlySpan();
        var labels = new long[values.Length];
        // Data lines count from 1 here because LIBSVM files have no header.
        for (int i = 0; i < labels.Length; i++) labels[i] = TextLines.ClassLabel(values[i] - 1, Classes, path, i + 1);
        return new TensorDataset(raw.X.Reshape(labels.Length, 1, Side, Side), Tensor.FromLongs(labels, labels.Length), Classes);
    }

    static string Prepare(DataSource source, string? directory, Downloader? downloader)
    {
        if (directory is not null) return directory;
        string dir = DataCache.DirectoryFor(source.Name);
        (downloader ?? Downloader.Default).EnsureFiles(source, dir);
        return dir;
    }

    static string Locate(string dir, string stem) =>
        DataFiles.Find(dir, stem + ".gz", stem + ".bz2", stem)
        ?? throw new FileNotFoundException($"usps: expected {stem}.gz, {stem}.bz2 or {stem} in {dir}, found none.", Path.Combine(dir, stem));
}
