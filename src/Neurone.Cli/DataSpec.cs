using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Cli;

/// <summary>
/// Turns a data set name from the command line into training and test sets of flat rows:
/// mnist, fashion-mnist, cifar10, usps, digits, a synthetic set (xor, blobs, xor-blobs, circles, moons,
/// spirals, checkerboard, flower) or a CSV/TSV file (last column the label). Images are scaled and
/// standardised with statistics of the training split only.
/// </summary>
internal sealed record DataSpec(string Name, Dataset Train, Dataset Test, int Features, int Classes, int[]? ImageShape = null)
{
    /// <summary>The same data as images ([C, H, W] samples) for convolutional models.</summary>
    public DataSpec AsImages()
    {
        if (ImageShape is null) throw new CliException($"data set '{Name}' has no image shape; convolutional models need mnist, fashion-mnist, cifar10, usps or digits.");
        return this with { Train = Train.Reshape(ImageShape), Test = Test.Reshape(ImageShape) };
    }

    public static readonly string[] Known = ["mnist", "fashion-mnist", "cifar10", "usps", "digits", "xor", "blobs", "xor-blobs", "circles", "moons", "spirals", "checkerboard", "flower"];

    /// <summary>
    /// The named data set. <paramref name="classes"/> (0: the largest label + 1) is the class count of
    /// a CSV file's labels; other sets have their own.
    /// </summary>
    public static DataSpec Resolve(string name, string? directory, ulong seed, int classes = 0)
    {
        var rng = new Rng(seed);
        if (classes > 0 && Known.Contains(name.ToLowerInvariant()))
            throw new CliException($"--classes applies to a CSV file's labels; data set '{name}' has its own classes.");
        switch (name.ToLowerInvariant())
        {
            case "mnist": return Images("mnist", Mnist.Load(directory), [1, 28, 28]);
            case "fashion-mnist": return Images("fashion-mnist", FashionMnist.Load(directory), [1, 28, 28]);
            case "cifar10": return Images("cifar10", Cifar10.Load(directory), [3, 32, 32]);
            case "usps":
            {
                var (train, test) = Usps.Load(directory);
                return new("usps", train.Flatten(), test.Flatten(), train.SampleSize, 10, [1, 16, 16]);
            }
            case "digits":
            {
                var (train, test) = Digits.Load(seed: seed);
                return new("digits", train, test, 64, Digits.Classes, [1, 8, 8]);
            }
            case "xor": return new("xor", Synthetic.Xor(), Synthetic.Xor(), 2, 2);
            case "blobs": return Split("blobs", Synthetic.TwoBlobs(1000, rng), rng, 2);
            case "xor-blobs": return Split("xor-blobs", Synthetic.XorBlobs(1000, rng), rng, 2);
            case "circles": return Split("circles", Synthetic.Circles(1000, rng), rng, 2);
            case "moons": return Split("moons", Synthetic.Moons(1000, rng), rng, 2);
            case "spirals": return Split("spirals", Synthetic.Spirals(300, 3, rng), rng, 3);
            case "checkerboard": return Split("checkerboard", Synthetic.Checkerboard(2000, rng), rng, 2);
            case "flower": return Split("flower", Synthetic.Flower(800, rng), rng, 2);
        }
        if (File.Exists(name))
        {
            // Labels are checked as they are read, so a bad one is named with its file and line.
            var table = Csv.LoadClassification(name, classes: classes);
            return Split(Path.GetFileName(name), table, rng, table.Classes);
        }
        throw new CliException($"unknown data set '{name}': expected one of {string.Join(", ", Known)}, or the path of a CSV file.");
    }

    static DataSpec Images(string name, (ImageDataset Train, ImageDataset Test) sets, int[] shape)
    {
        var normalize = Normalize.FitGlobal(sets.Train);
        var train = sets.Train.WithTransform(normalize).Flatten();
        var test = sets.Test.WithTransform(normalize).Flatten();
        return new(name, train, test, train.SampleSize, sets.Train.Classes, shape);
    }

    static DataSpec Split(string name, TensorDataset all, Rng rng, int classes)
    {
        var parts = Splits.ByFraction(new TensorDataset(all.X, all.Y, classes), [0.8, 0.2], rng, stratify: true);
        return new(name, parts[0], parts[1], all.SampleSize, classes);
    }
}

/// <summary>A user error: printed as one line, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
