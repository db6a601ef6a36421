using System.Globalization;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Cli;

/// <summary>
/// Builds a model from the command line: "mlp:512,256" (ReLU hidden layers; "mlp:64" one layer),
/// "mlp-tanh:16", "linear" (softmax regression), "cnn:lenet" (two 3×3 convolutions with max pooling, then
/// a 128-unit dense layer; needs image data), or the path of a JSON architecture file in the format saved
/// models carry (docs/saving.md).
/// </summary>
internal static class ModelSpec
{
    public static bool IsConvolutional(string spec) => spec.StartsWith("cnn", StringComparison.Ordinal);

    public static Sequential Build(string spec, int inputs, int classes, Rng rng, int[]? imageShape = null)
    {
        if (spec == "cnn:lenet")
        {
            if (imageShape is null) throw new CliException("model 'cnn:lenet' needs image data (mnist, fashion-mnist, cifar10, usps or digits).");
            int size = imageShape[1];
            int after = ((size - 2) / 2 - 2) / 2;   // two 3×3 convolutions, each followed by 2×2 pooling
            if (after < 1) throw new CliException($"model 'cnn:lenet' needs images of at least 10×10 pixels, got {size}×{imageShape[2]}.");
            return new Sequential(
                new Conv2d(imageShape[0], 32, 3, rng: rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, rng: rng), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * after * after, 128, rng: rng), new ReLU(), new Linear(128, classes, rng: rng));
        }
        if (File.Exists(spec)) return BuildFromFile(spec, rng);
        if (spec == "linear") return new Sequential(new Linear(inputs, classes, rng: rng));
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? spec : spec[..colon];
        if (kind is not ("mlp" or "mlp-tanh"))
            throw new CliException($"unknown model '{spec}': expected mlp:H1,H2,…, mlp-tanh:H1,…, linear, cnn:lenet, or a JSON architecture file.");
        var hidden = new List<int>();
        foreach (var part in (colon < 0 ? "128" : spec[(colon + 1)..]).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int h) || h < 1)
                throw new CliException($"model '{spec}': '{part}' is not a positive layer size.");
            hidden.Add(h);
        }
        var model = new Sequential();
        int previous = inputs;
        foreach (int h in hidden)
        {
            model.Add(new Linear(previous, h, rng: rng));
            model.Add(kind == "mlp" ? new ReLU() : new Tanh());
            previous = h;
        }
        model.Add(new Linear(previous, classes, rng: rng));
        return model;
    }

    // A JSON architecture file: a Sequential, as an array of layers or as a {"type":"Sequential"} object.
    static Sequential BuildFromFile(string path, Rng rng) =>
        Architecture.Build(File.ReadAllText(path), rng) is Sequential model ? model
            : throw new CliException($"model file '{path}' describes a module tree whose root is not a Sequential; the command trains Sequentials.");
}
