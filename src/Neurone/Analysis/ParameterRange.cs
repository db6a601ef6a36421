using System.Globalization;
using Neurone.Tensors;

namespace Neurone.Analysis;

/// <summary>The kinds of range a <see cref="SearchSpace"/> draws from.</summary>
public enum RangeKind
{
    /// <summary>A real number whose logarithm is uniform in [ln low, ln high] (learning rates, weight decay).</summary>
    LogUniform,
    /// <summary>A real number uniform in [low, high] (momentum, dropout).</summary>
    Uniform,
    /// <summary>One of a list of integers, equally likely (hidden size, batch size).</summary>
    IntChoice,
    /// <summary>One of a list of names, equally likely (optimizer, activation).</summary>
    Categorical,
}

/// <summary>
/// One named hyperparameter and where it may lie: a log-uniform or uniform interval, or a list of
/// integer or named choices. <see cref="HyperparameterSearch"/> samples it, and for coarse-to-fine search
/// narrows it around the best trials' values without ever leaving the original range.
/// </summary>
public sealed class ParameterRange
{
    internal ParameterRange(string name, RangeKind kind, double low, double high, object[] choices)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("search space: expected a parameter name, got an empty one.", nameof(name));
        if (kind is RangeKind.LogUniform or RangeKind.Uniform)
        {
            if (!(double.IsFinite(low) && double.IsFinite(high) && low <= high))
                throw new ArgumentException($"search space: '{name}' needs finite low ≤ high, got [{low}, {high}].");
            if (kind == RangeKind.LogUniform && !(low > 0))
                throw new ArgumentException($"search space: log-uniform '{name}' needs low > 0, got {low}.");
        }
        else if (choices.Length == 0) throw new ArgumentException($"search space: '{name}' needs at least one choice.");
        (Name, Kind, Low, High, Choices) = (name, kind, low, high, choices);
    }

    public string Name { get; }
    public RangeKind Kind { get; }

    /// <summary>The interval of a (log-)uniform range; unused for choices.</summary>
    public double Low { get; }
    public double High { get; }

    /// <summary>The values of a choice range (boxed int or string); empty for intervals.</summary>
    public IReadOnlyList<object> Choices { get; }

    internal object Sample(Rng rng) => Kind switch
    {
        RangeKind.LogUniform => Math.Exp(Math.Log(Low) + rng.NextDouble() * (Math.Log(High) - Math.Log(Low))),
        RangeKind.Uniform => Low + rng.NextDouble() * (High - Low),
        _ => Choices[rng.NextInt(Choices.Count)],
    };

    /// <summary>
    /// The range around <paramref name="best"/> (values this parameter took in the best trials): for intervals,
    /// their span widened on each side by half of itself or a twentieth of the range's span, whichever is more
    /// (in log space for log-uniform), clipped to <paramref name="original"/>; for choices, the choices that
    /// occur in them. The search narrows the original range each round, around the best trials so far.
    /// </summary>
    internal ParameterRange Narrow(IReadOnlyList<object> best, ParameterRange original)
    {
        if (Kind is RangeKind.IntChoice or RangeKind.Categorical)
        {
            var kept = Choices.Where(c => best.Any(b => b.Equals(c))).ToArray();
            return new ParameterRange(Name, Kind, 0, 0, kept.Length > 0 ? kept : [.. Choices]);
        }
        bool log = Kind == RangeKind.LogUniform;
        double Map(double v) => log ? Math.Log(v) : v;
        double Unmap(double v) => log ? Math.Exp(v) : v;
        double lo = best.Min(b => Map((double)b)), hi = best.Max(b => Map((double)b));
        double margin = Math.Max(0.5 * (hi - lo), 0.05 * (Map(High) - Map(Low)));
        lo = Math.Max(lo - margin, Map(original.Low));
        hi = Math.Min(hi + margin, Map(original.High));
        return new ParameterRange(Name, Kind, Math.Max(Unmap(lo), original.Low), Math.Min(Unmap(hi), original.High), []);
    }

    public override string ToString() => Kind switch
    {
        RangeKind.LogUniform => string.Create(CultureInfo.InvariantCulture, $"{Name}: log-uniform [{Low:G4}, {High:G4}]"),
        RangeKind.Uniform => string.Create(CultureInfo.InvariantCulture, $"{Name}: uniform [{Low:G4}, {High:G4}]"),
        _ => $"{Name}: one of {{{string.Join(", ", Choices)}}}",
    };
}
