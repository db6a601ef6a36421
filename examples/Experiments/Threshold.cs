using System.Globalization;

namespace Neurone.Experiments;

/// <summary>
/// A figure a full run must reach, such as "test accuracy ≥ 97.5%": the figure's name as the run reports it in
/// <see cref="ExperimentResult.Figures"/>, the bound, and which side of it passes. Accuracies and errors are
/// fractions shown as percentages; other figures (counts, differences) as plain numbers.
/// </summary>
public sealed record Threshold(string Figure, double Bound, bool AtMost = false, bool Percent = true)
{
    /// <summary>The figure must be at least <paramref name="bound"/>.</summary>
    public static Threshold AtLeast(string figure, double bound, bool percent = true) => new(figure, bound, false, percent);

    /// <summary>The figure must be at most <paramref name="bound"/>.</summary>
    public static Threshold NoMoreThan(string figure, double bound, bool percent = true) => new(figure, bound, true, percent);

    /// <summary>True when <paramref name="value"/> is on the passing side of the bound; NaN never is.</summary>
    public bool IsMetBy(double value) => AtMost ? value <= Bound : value >= Bound;

    /// <summary>The verdict on a run's figures; a figure the run did not report is a miss.</summary>
    public Verdict Check(IReadOnlyDictionary<string, double> figures) =>
        new(this, figures.TryGetValue(Figure, out double value) ? value : null);

    /// <summary>A measured value as this figure prints: "98.02%", or "3.8E-06".</summary>
    public string Show(double value) => Percent ? ExperimentResult.Percent(value) : value.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>"≥ 97.5%": the side and the bound, with no more digits than the bound has.</summary>
    public string Requirement => (AtMost ? "≤ " : "≥ ") + (Percent
        ? (100 * Bound).ToString("0.###", CultureInfo.InvariantCulture) + "%"
        : Bound.ToString("G", CultureInfo.InvariantCulture));

    /// <summary>"test accuracy ≥ 97.5%".</summary>
    public override string ToString() => $"{Figure} {Requirement}";
}

/// <summary>How one run's figure stands against its <see cref="Threshold"/>.</summary>
public sealed record Verdict(Threshold Threshold, double? Measured)
{
    /// <summary>True when the run reported the figure and it is on the passing side.</summary>
    public bool Met => Measured is double value && Threshold.IsMetBy(value);

    /// <summary>"test accuracy 98.02%, must be ≥ 97.5%: met", or "…: MISSED".</summary>
    public override string ToString() =>
        $"{Threshold.Figure} {(Measured is double value ? Threshold.Show(value) : "not reported by the run")}, must be {Threshold.Requirement}: {(Met ? "met" : "MISSED")}";
}
