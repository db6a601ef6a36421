using System.Globalization;
using System.Text;
using Neurone.Kernels;

namespace Neurone.Experiments;

/// <summary>
/// The results table of docs/experiments.md, written by full runs (<c>--write-docs</c>) rather than by hand: one row
/// per experiment, in the registry's order, between two marker comments. A run replaces its experiment's row; the
/// rows of experiments not run this time stay as they were.
/// </summary>
public static class ResultsTable
{
    public const string Begin = "<!-- results table: written by full runs with --write-docs; edits here are overwritten -->";
    public const string End = "<!-- end of results table -->";
    const string Header = "| experiment | command | reported elsewhere | Neurone must reach | Neurone measured | run |\n|---|---|---|---|---|---|";

    /// <summary>True when <paramref name="path"/> is a file holding both markers, in order.</summary>
    public static bool IsIn(string path, out string? problem)
    {
        problem = !File.Exists(path) ? $"'{path}' does not exist (run from the repository's root, or give the file)."
            : Locate(File.ReadAllText(path)) is null ? $"'{path}' has no results table: expected the lines {Begin} and {End}."
            : null;
        return problem is null;
    }

    /// <summary>
    /// The row of one full run: the experiment's own columns, the run's summary, and its date, SIMD level (the kernels'
    /// paths round differently, so a figure near its bound can land on either side), wall time and verdict.
    /// </summary>
    public static string Row(Experiment experiment, ExperimentResult result, IReadOnlyList<Verdict> verdicts, double seconds, DateOnly date, SimdLevel simd)
    {
        string verdict = verdicts.Count == 0 ? "no threshold" : verdicts.All(v => v.Met) ? "met" : "**missed**";
        string run = $"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {simd}, {Duration(seconds)}, {verdict}";
        return Cells(experiment.Title, $"`{experiment.Name}`", experiment.Reported, experiment.Goal, result.Summary, run);
    }

    /// <summary>
    /// <paramref name="document"/> with its table rebuilt: every experiment of <paramref name="order"/> gets its row
    /// from <paramref name="rows"/> (by name), else the row it had, else one saying it has not been run.
    /// </summary>
    public static string Update(string document, IReadOnlyList<Experiment> order, IReadOnlyDictionary<string, string> rows)
    {
        var span = Locate(document) ?? throw new InvalidDataException($"results table: the markers {Begin} and {End} were not found.");
        var existing = new Dictionary<string, string>();
        foreach (var line in document[span.Start..span.End].Split('\n'))
            if (line.StartsWith("| ", StringComparison.Ordinal) && line.Split('|') is { Length: > 3 } cells && cells[2].Trim() is var command
                && command.Length > 2 && command[0] == '`')
                existing[command.Trim('`')] = line.TrimEnd('\r');
        var table = new StringBuilder().Append('\n').Append(Header).Append('\n');
        foreach (var e in order)
            table.Append(rows.GetValueOrDefault(e.Name) ?? existing.GetValueOrDefault(e.Name)
                ?? Cells(e.Title, $"`{e.Name}`", e.Reported, e.Goal, "not run yet", "—")).Append('\n');
        return document[..span.Start] + table + document[span.End..];
    }

    /// <summary>Where the table goes: from the end of the first marker's line to the start of the second's.</summary>
    static (int Start, int End)? Locate(string document)
    {
        int begin = document.IndexOf(Begin, StringComparison.Ordinal);
        int end = begin < 0 ? -1 : document.IndexOf(End, begin, StringComparison.Ordinal);
        return end < 0 ? null : (begin + Begin.Length, end);
    }

    static string Cells(params string[] cells) => "| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |";

    static string Duration(double seconds) => seconds < 120
        ? seconds.ToString("F1", CultureInfo.InvariantCulture) + " s"
        : (seconds / 60).ToString("F1", CultureInfo.InvariantCulture) + " min";
}
