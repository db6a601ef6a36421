using System.Globalization;

namespace Neurone.Experiments;

/// <summary>
/// What one run of an experiment found: the result lines it prints, the one-cell summary the results table of
/// docs/experiments.md shows, and the named figures (fractions for accuracies) its <see cref="Threshold"/>s are
/// checked against.
/// </summary>
public sealed record ExperimentResult(IReadOnlyList<string> Lines, string Summary, IReadOnlyDictionary<string, double> Figures)
{
    /// <summary>An accuracy or other fraction as the tables print it: 0.98015 → "98.02%".</summary>
    public static string Percent(double fraction, int decimals = 2) =>
        (100 * fraction).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + "%";
}
