using System.Globalization;
using System.Text;
using Neurone.Nn;

namespace Neurone.Analysis;

/// <summary>
/// Every trial of a <see cref="HyperparameterSearch"/>, best validation accuracy first (a NaN accuracy
/// ranks last; equal accuracies keep drawing order), with the best trial's model when the trial function
/// returned one. <see cref="ToString"/> prints the table.
/// </summary>
public sealed class SearchResult
{
    internal SearchResult(IReadOnlyList<TrialResult> trials, Module? bestModel, IReadOnlyList<SearchSpace> rounds)
    {
        Trials = [.. trials.OrderByDescending(t => double.IsNaN(t.ValidationAccuracy) ? double.NegativeInfinity : t.ValidationAccuracy).ThenBy(t => t.Trial)];
        BestModel = bestModel;
        Rounds = rounds;
    }

    /// <summary>All trials, sorted by validation accuracy, best first.</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>The best trial.</summary>
    public TrialResult Best => Trials[0];

    /// <summary>The model the best trial returned, or null if it returned none.</summary>
    public Module? BestModel { get; }

    /// <summary>The space each round sampled from (one entry for plain random search; narrower ones after).</summary>
    public IReadOnlyList<SearchSpace> Rounds { get; }

    public override string ToString()
    {
        var names = Trials[0].Parameters.Values.Select(v => v.Key).ToArray();
        var header = new List<string> { "rank", "trial", "round", "val_acc" };
        header.AddRange(names);
        header.Add("time");
        var rows = new List<string[]> { header.ToArray() };
        for (int r = 0; r < Trials.Count; r++)
        {
            var t = Trials[r];
            var row = new List<string>
            {
                (r + 1).ToString(CultureInfo.InvariantCulture),
                t.Trial.ToString(CultureInfo.InvariantCulture),
                t.Round.ToString(CultureInfo.InvariantCulture),
                t.ValidationAccuracy.ToString("F4", CultureInfo.InvariantCulture),
            };
            row.AddRange(names.Select(n => TrialParameters.Format(t.Parameters[n])));
            row.Add(t.Duration.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s");
            rows.Add([.. row]);
        }
        var widths = new int[header.Count];
        foreach (var row in rows)
            for (int c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++) sb.Append(row[c].PadRight(widths[c] + (c + 1 < row.Length ? 2 : 0)));
            sb.Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }
}
