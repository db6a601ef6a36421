using System.Diagnostics;
using System.Security.Cryptography;
using Neurone.Data;
using Xunit.Abstractions;

namespace Neurone.Tests.Data;

/// <summary>A test that runs only when NEURONE_REAL_DATA=1: it reads the full data sets from disk.</summary>
public sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NEURONE_REAL_DATA") != "1")
            Skip = "real data sets are opt-in: set NEURONE_REAL_DATA=1 (files from ../shared/datasets, see docs/data.md)";
    }
}

/// <summary>
/// The full data sets from their real files: documented counts, shapes, class balance, and for the
/// byte-exact MNIST copies the official checksums of the raw content. Folders come from
/// NEURONE_DATA's layout (mnist/, fashion-mnist/) and SHARED_DATASETS (default ../shared/datasets).
/// </summary>
public class RealDataTests(ITestOutputHelper output)
{
    static string Shared => Environment.GetEnvironmentVariable("SHARED_DATASETS") ?? "/work/shared/datasets";

    T Timed<T>(string what, Func<T> load)
    {
        var sw = Stopwatch.StartNew();
        var result = load();
        output.WriteLine($"{what}: {sw.Elapsed.TotalSeconds:0.000} s");
        return result;
    }

    static void RawChecksum(string path, string sha256)
    {
        using var s = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(s)));
    }

    void CheckIdxSet(DataSource source, (ImageDataset Train, ImageDataset Test) sets, string dir)
    {
        Assert.Equal(60000, sets.Train.Count);
        Assert.Equal(10000, sets.Test.Count);
        Assert.Equal([1, 28, 28], sets.Train.SampleShape.ToArray());
        foreach (var f in source.Files) RawChecksum(Path.Combine(dir, f.Name), f.Checksum["sha256:".Length..]);
        output.WriteLine($"{source.Name} train class counts: {string.Join(" ", sets.Train.ClassCounts())}");
    }

    [RealDataFact]
    public void Mnist()
    {
        string dir = DataCache.DirectoryFor("mnist");
        var sets = Timed("MNIST load", () => Neurone.Data.Mnist.Load(dir));
        CheckIdxSet(Neurone.Data.Mnist.Source, sets, dir);
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], sets.Train.ClassCounts());
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], sets.Test.ClassCounts());
    }

    [RealDataFact]
    public void FashionMnist()
    {
        string dir = DataCache.DirectoryFor("fashion-mnist");
        var sets = Timed("Fashion-MNIST load", () => Neurone.Data.FashionMnist.Load(dir));
        CheckIdxSet(Neurone.Data.FashionMnist.Source, sets, dir);
        Assert.All(sets.Train.ClassCounts(), c => Assert.Equal(6000, c));
        Assert.All(sets.Test.ClassCounts(), c => Assert.Equal(1000, c));
    }

    [RealDataFact]
    public void Cifar10FromTheArchive()
    {
        var (train, test) = Timed("CIFAR-10 load (tar.gz, streamed)", () => Cifar10.Load(Path.Combine(Shared, "cifar-10-binary.tar.gz")));
        Assert.Equal(50000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal([3, 32, 32], train.SampleShape.ToArray());
        Assert.All(train.ClassCounts(), c => Assert.Equal(5000, c));
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
        Assert.Equal([6L, 9L, 9L, 4L, 1L, 1L, 2L, 7L, 8L, 3L], train.Subset([.. Enumerable.Range(0, 10)]).Targets().ToLongArray());
        Assert.Equal("airplane", train.ClassNames[0]);
    }

    [RealDataFact]
    public void UspsBothForms()
    {
        string dir = Path.Combine(Shared, "usps");
        var (train, test) = Timed("USPS ESL load", () => Usps.Load(dir));
        Assert.Equal(7291, train.Count);
        Assert.Equal(2007, test.Count);
        Assert.Equal([1, 16, 16], train.SampleShape.ToArray());
        int[] Counts(TensorDataset d) { var c = new int[10]; foreach (long v in d.Y.AsLongSpan()) c[(int)v]++; return c; }
        Assert.Equal([1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644], Counts(train));
        Assert.Equal([359, 264, 198, 166, 200, 160, 170, 147, 166, 177], Counts(test));
        var libsvm = Timed("USPS LIBSVM test load (bz2)", () => Usps.ReadLibSvm(Path.Combine(dir, "usps.t.bz2")));
        Assert.Equal(2007, libsvm.Count);
        Assert.Equal(test.Y.ToLongArray(), libsvm.Y.ToLongArray());
        var digits = Timed("digits CSV load", () => Csv.Load(Path.Combine(Shared, "digits", "digits.csv.gz"), classes: 10));
        Assert.Equal(1797, digits.Count);
        Assert.Equal(64, digits.SampleSize);
    }
}
