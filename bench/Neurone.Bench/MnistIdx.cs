using System.Buffers.Binary;
using System.IO.Compression;

namespace Neurone.Bench;

/// <summary>
/// A minimal IDX reader for the benchmark (the library's own loaders arrive with the data issue):
/// MNIST from MNIST_DIR or ~/.cache/neurone/mnist, normalised exactly as ../shared/bench/common.py does
/// (x/255, then standardised by the training set's global mean and standard deviation).
/// </summary>
static class MnistIdx
{
    public static string Directory() =>
        Environment.GetEnvironmentVariable("MNIST_DIR") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neurone", "mnist");

    public static (float[] TrainX, long[] TrainY, float[] TestX, long[] TestY) Load(string dir)
    {
        var trainX = Images(Find(dir, "train-images-idx3-ubyte"));
        var testX = Images(Find(dir, "t10k-images-idx3-ubyte"));
        double sum = 0, sumSq = 0;
        foreach (float v in trainX) { sum += v; sumSq += (double)v * v; }
        double mean = sum / trainX.Length, std = Math.Sqrt(sumSq / trainX.Length - mean * mean);
        foreach (var x in new[] { trainX, testX })
            for (int i = 0; i < x.Length; i++) x[i] = (float)((x[i] - mean) / std);
        return (trainX, Labels(Find(dir, "train-labels-idx1-ubyte")), testX, Labels(Find(dir, "t10k-labels-idx1-ubyte")));
    }

    static string Find(string dir, string stem)
    {
        foreach (var name in new[] { stem, stem + ".gz" })
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        throw new FileNotFoundException($"MNIST file {stem}(.gz) not found in {dir}; run ../shared/datasets/fetch-mnist.sh or set MNIST_DIR.");
    }

    static byte[] Read(string path)
    {
        using var file = File.OpenRead(path);
        using Stream s = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    static float[] Images(string path)
    {
        var b = Read(path);
        int n = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4)), rows = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(8)), cols = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(12));
        var x = new float[n * rows * cols];
        for (int i = 0; i < x.Length; i++) x[i] = b[16 + i] / 255f;
        return x;
    }

    static long[] Labels(string path)
    {
        var b = Read(path);
        int n = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4));
        var y = new long[n];
        for (int i = 0; i < n; i++) y[i] = b[8 + i];
        return y;
    }
}
