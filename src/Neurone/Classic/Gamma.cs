using System.Globalization;

namespace Neurone.Classic;

/// <summary>
/// The kernel coefficient γ of a <see cref="Svc"/>: a fixed positive number, or derived from the
/// training features as scikit-learn does — <see cref="Scale"/> is 1 / (features · variance of all
/// feature values) (1 when that variance is 0), <see cref="Auto"/> is 1 / features. A double
/// converts implicitly, so <c>gamma: 0.5</c> and <c>gamma: Gamma.Scale</c> both read naturally.
/// </summary>
public readonly record struct Gamma
{
    readonly double value;
    readonly byte mode; // 0 value, 1 scale, 2 auto

    Gamma(double value, byte mode) => (this.value, this.mode) = (value, mode);

    /// <summary>1 / (features · Var(x)), scikit-learn's default.</summary>
    public static Gamma Scale => new(0, 1);

    /// <summary>1 / features.</summary>
    public static Gamma Auto => new(0, 2);

    /// <summary>A fixed γ &gt; 0.</summary>
    public static Gamma Value(double gamma)
    {
        if (!(gamma > 0) || double.IsInfinity(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Gamma: expected a finite gamma > 0.");
        return new(gamma, 0);
    }

    public static implicit operator Gamma(double gamma) => Value(gamma);

    /// <summary>The γ to use for training features <paramref name="x"/> with <paramref name="d"/> columns.</summary>
    internal double Resolve(ReadOnlySpan<float> x, int d)
    {
        if (mode == 0) return value;
        if (mode == 2) return 1.0 / d;
        // Two passes in double: the variance of 47 million MNIST pixels must not lose its digits.
        double mean = 0;
        for (int i = 0; i < x.Length; i++) mean += x[i];
        mean /= x.Length;
        double var = 0;
        for (int i = 0; i < x.Length; i++) { double e = x[i] - mean; var += e * e; }
        var /= x.Length;
        return var > 0 ? 1.0 / (d * var) : 1.0;
    }

    public override string ToString() => mode switch
    {
        1 => "scale",
        2 => "auto",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
