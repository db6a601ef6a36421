using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Experiments;

/// <summary>
/// The digit data sets of the MLP experiments as flat tensors: x [n, pixels] and class labels y [n].
/// A full run loads the real files (the --data-dir folder when it holds them, else the cache,
/// downloading as a user would). A smoke run uses a small slice of the real files when they are
/// already on disk and otherwise a stand-in of the same shape made from the embedded 8×8 digits, so
/// the smoke test never downloads; <see cref="DigitData.Source"/> says which was used.
/// </summary>
public static class DigitSets
{
    /// <summary>MNIST, pixels in [0, 1], 784 features.</summary>
    public static DigitData Mnist(ExperimentContext context, int smokeTrain = 600, int smokeTest = 300)
    {
        string? dir = Find(context, "mnist", "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte");
        if (dir is null && context.Smoke) return StandIn(28, 0f, 1f, smokeTrain, smokeTest, "MNIST");
        var (train, test) = Data.Mnist.Load(dir);
        var data = new DigitData(Flat(train), test.Flatten().ToTensors().X, train.Targets(), test.Targets(), "MNIST (60,000 / 10,000)");
        return context.Smoke ? data.Take(smokeTrain, smokeTest, "MNIST slice") : data;
    }

    /// <summary>USPS in the ESL format, grey values in [-1, 1], 256 features.</summary>
    public static DigitData Usps(ExperimentContext context, int smokeTrain = 600, int smokeTest = 300)
    {
        string? dir = Find(context, "usps", "zip.train.gz", "zip.train");
        if (dir is null && context.Smoke) return StandIn(16, -1f, 1f, smokeTrain, smokeTest, "USPS");
        var (train, test) = Data.Usps.Load(dir);
        var data = new DigitData(Flat(train), test.Flatten().ToTensors().X, train.Y, test.Y, $"USPS ESL ({train.Count:N0} / {test.Count:N0})");
        return context.Smoke ? data.Take(smokeTrain, smokeTest, "USPS slice") : data;
    }

    static Tensor Flat(Dataset d) => d.Flatten().ToTensors().X;

    /// <summary>The folder holding <paramref name="marker"/> (or its alternative), looked for in --data-dir, --data-dir/name and the cache.</summary>
    static string? Find(ExperimentContext context, string name, params string[] markers)
    {
        var candidates = new List<string>();
        if (context.DataDirectory is { } d) { candidates.Add(d); candidates.Add(Path.Combine(d, name)); }
        candidates.Add(DataCache.DirectoryFor(name));
        foreach (var c in candidates)
            if (markers.Any(m => File.Exists(Path.Combine(c, m)))) return c;
        return null;
    }

    /// <summary>
    /// The embedded 8×8 digits, bilinearly resized to side×side and mapped to [low, high]: same shape and
    /// value range as the real set, so every line of an experiment runs, at a fraction of the size.
    /// </summary>
    static DigitData StandIn(int side, float low, float high, int trainCount, int testCount, string name)
    {
        var all = Digits.LoadAll();
        var src = all.X.AsReadOnlySpan();
        var labels = all.Y.AsLongSpan();
        int n = Math.Min(trainCount + testCount, all.Count);
        int nTrain = Math.Min(trainCount, n * 2 / 3), nTest = n - nTrain;
        var x = new float[n * side * side];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                {
                    // Sample the 8×8 image at the centre of each output pixel.
                    float sy = Math.Clamp((r + 0.5f) * 8f / side - 0.5f, 0f, 7f), sx = Math.Clamp((c + 0.5f) * 8f / side - 0.5f, 0f, 7f);
                    int y0 = (int)sy, x0 = (int)sx, y1 = Math.Min(y0 + 1, 7), x1 = Math.Min(x0 + 1, 7);
                    float fy = sy - y0, fx = sx - x0;
                    float v = (1 - fy) * ((1 - fx) * src[i * 64 + y0 * 8 + x0] + fx * src[i * 64 + y0 * 8 + x1])
                            + fy * ((1 - fx) * src[i * 64 + y1 * 8 + x0] + fx * src[i * 64 + y1 * 8 + x1]);
                    x[(i * side + r) * side + c] = low + (high - low) * v / 16f;
                }
        var xs = Tensor.FromArray(x, n, side * side);
        var ys = Tensor.FromLongs(labels[..n].ToArray(), n);
        return new DigitData(xs.Slice(0, nTrain).Clone(), xs.Slice(nTrain, nTest).Clone(), ys.Slice(0, nTrain).Clone(), ys.Slice(nTrain, nTest).Clone(),
            $"stand-in: {n} embedded 8x8 digits resized to {side}x{side} ({name} not on disk; smoke run)");
    }
}

/// <summary>Flat digit images and labels, split into train and test, with a line saying where they came from.</summary>
public sealed record DigitData(Tensor TrainX, Tensor TestX, Tensor TrainY, Tensor TestY, string Source)
{
    public int Features => TrainX.Size(1);

    public TensorDataset Train => new(TrainX, TrainY, 10);

    public TensorDataset Test => new(TestX, TestY, 10);

    /// <summary>The Int64 labels as an int array.</summary>
    public static int[] Labels(Tensor y) => y.ToIntArray();

    /// <summary>The first rows of each split.</summary>
    public DigitData Take(int train, int test, string name)
    {
        train = Math.Min(train, TrainX.Size(0));
        test = Math.Min(test, TestX.Size(0));
        return new(TrainX.Slice(0, train).Clone(), TestX.Slice(0, test).Clone(), TrainY.Slice(0, train).Clone(), TestY.Slice(0, test).Clone(),
            $"{name}: first {train} training and {test} test images (smoke run)");
    }

    /// <summary>Standardised copies: each pixel minus its training mean, over its training standard deviation (constant pixels left centred).</summary>
    public DigitData Standardised()
    {
        var norm = Normalize.FitPerFeature(Train);
        Tensor Apply(Tensor t) { var c = t.Clone(); norm.Apply(c); return c; }
        return this with { TrainX = Apply(TrainX), TestX = Apply(TestX) };
    }
}
