using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// The 8×8 optical digits (1,797 images, 64 pixel counts 0–16 each, labels 0–9): the UCI "Optical
/// Recognition of Handwritten Digits" test set as scikit-learn's <c>load_digits</c> ships it
/// (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0). The 57 KB file is embedded in the library, so this set
/// needs no download: it is what <c>neurone demo</c> trains on.
/// </summary>
public static class Digits
{
    /// <summary>The number of classes.</summary>
    public const int Classes = 10;

    /// <summary>All 1,797 digits: features [1797, 64] as pixel counts 0–16, labels 0–9.</summary>
    public static TensorDataset LoadAll()
    {
        using var stream = typeof(Digits).Assembly.GetManifestResourceStream("Neurone.Data.digits.csv.gz")
            ?? throw new InvalidOperationException("digits: the embedded resource 'Neurone.Data.digits.csv.gz' is missing from the Neurone assembly.");
        return Csv.Load(stream, "digits.csv.gz", labelColumn: -1, classes: Classes, hasHeader: false);
    }

    /// <summary>
    /// A seeded, stratified split into training and test sets (default 80/20, as scikit-learn's
    /// examples use), with pixel counts scaled to [0, 1] by dividing by 16.
    /// </summary>
    public static (Dataset Train, Dataset Test) Load(double testFraction = 0.2, ulong seed = 0)
    {
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "digits: expected a test fraction in (0, 1).");
        var all = LoadAll();
        var scaled = new TensorDataset(all.X / 16f, all.Y, Classes);
        var parts = Splits.ByFraction(scaled, [1 - testFraction, testFraction], new Rng(seed), stratify: true);
        return (parts[0], parts[1]);
    }
}
