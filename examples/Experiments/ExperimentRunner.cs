using System.Diagnostics;
using System.Globalization;
using Neurone.Kernels;
using Neurone.Serialization;

namespace Neurone.Experiments;

/// <summary>
/// The experiments' command line. <c>list</c> names them; <c>NAME</c> runs one and <c>all</c> runs every one in
/// turn. After a full run each threshold is checked and printed with the figure it compares; the exit code is 1
/// when a run missed one (or failed), 2 for a bad command line, else 0. <c>--smoke</c> runs the tiny versions, whose
/// thresholds are not checked; <c>--write-docs [FILE]</c> writes each full run's row into the results table of
/// docs/experiments.md (or FILE).
/// </summary>
public static class ExperimentRunner
{
    public const string DefaultDocs = "docs/experiments.md";

    public static int Run(string[] args, TextWriter output, TextWriter error, IReadOnlyList<Experiment> experiments)
    {
        if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
        {
            output.WriteLine("experiments (run one with its name, every one with 'all'; --smoke for tiny versions, --write-docs to record full runs in " + DefaultDocs + "):");
            foreach (var e in experiments)
                output.WriteLine($"  {e.Name,-22} {e.Description}{(e.Goal.Length > 0 ? "; goal: " + e.Goal : "")}");
            return args.Length == 0 ? 2 : 0;
        }
        if (!TryParse(args, out var options, out string? problem))
        {
            error.WriteLine($"experiments: {problem}");
            return 2;
        }
        IReadOnlyList<Experiment> chosen = args[0] == "all" ? experiments : experiments.Where(e => e.Name == args[0]).ToList();
        if (chosen.Count == 0)
        {
            error.WriteLine($"experiments: unknown experiment '{args[0]}'; run 'list' for the names.");
            return 2;
        }
        if (options.Docs is { } docs && !ResultsTable.IsIn(docs, out problem))
        {
            error.WriteLine($"experiments: --write-docs: {problem}");
            return 2;
        }

        var missed = new List<string>();
        foreach (var experiment in chosen)
        {
            // One experiment: --output is its folder; all of them: --output holds a folder for each.
            string folder = args[0] == "all"
                ? Path.Combine(options.Output ?? Path.Combine("runs", "experiments"), experiment.Name)
                : options.Output ?? Path.Combine("runs", "experiments", experiment.Name);
            var context = new ExperimentContext(folder, options.Smoke, output, options.DataDirectory);
            var clock = Stopwatch.StartNew();
            ExperimentResult result;
            try { result = experiment.Run(context); }
            catch (Exception e)
            {
                error.WriteLine($"== {experiment.Name}: FAILED after {clock.Elapsed.TotalSeconds:F1} s: {e}");
                missed.Add(experiment.Name);
                continue;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {experiment.Name}: {seconds:F1} s wall time, SIMD {Simd.Best}"));
            foreach (var line in result.Lines) output.WriteLine("   " + line);
            if (options.Smoke)
            {
                if (experiment.Thresholds.Count > 0) output.WriteLine("   smoke run: its thresholds are for full runs and were not checked");
                continue;
            }
            var verdicts = experiment.Thresholds.Select(t => t.Check(result.Figures)).ToList();
            foreach (var verdict in verdicts) output.WriteLine("   " + verdict);
            if (verdicts.Any(v => !v.Met))
            {
                output.WriteLine($"== {experiment.Name}: MISSED its threshold");
                missed.Add(experiment.Name);
            }
            if (options.Docs is { } path)
            {
                // Written after each run, so that an 'all' stopped half-way keeps the rows it has.
                var row = ResultsTable.Row(experiment, result, verdicts, seconds, DateOnly.FromDateTime(DateTime.UtcNow), Simd.Best);
                string updated = ResultsTable.Update(File.ReadAllText(path), experiments, new Dictionary<string, string> { [experiment.Name] = row });
                AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(updated));
                output.WriteLine($"wrote the row of {experiment.Name} in {path}");
            }
        }
        if (args[0] == "all")
            output.WriteLine(missed.Count == 0
                ? $"all {chosen.Count} experiments ran{(options.Smoke ? " at smoke size" : " and met their thresholds")}"
                : $"{missed.Count} of {chosen.Count} experiments missed a threshold or failed: {string.Join(", ", missed)}");
        return missed.Count == 0 ? 0 : 1;
    }

    sealed record Options(bool Smoke, string? Output, string? DataDirectory, string? Docs);

    static bool TryParse(string[] args, out Options options, out string? problem)
    {
        bool smoke = false;
        string? output = null, data = null, docs = null;
        options = new(false, null, null, null);
        for (int i = 1; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            switch (args[i])
            {
                case "--smoke": smoke = true; break;
                case "--output": output = Value(); if (output is null) { problem = "--output needs a folder."; return false; } break;
                case "--data-dir": data = Value(); if (data is null) { problem = "--data-dir needs a folder."; return false; } break;
                case "--write-docs": docs = Value() ?? DefaultDocs; break;
                default: problem = $"unknown option '{args[i]}': expected --smoke, --output DIR, --data-dir DIR or --write-docs [FILE]."; return false;
            }
        }
        if (smoke && docs is not null)
        {
            problem = "--write-docs records full runs; a smoke run's figures do not belong in the docs.";
            return false;
        }
        options = new(smoke, output, data, docs);
        problem = null;
        return true;
    }
}
