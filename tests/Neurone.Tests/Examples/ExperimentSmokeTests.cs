using Neurone.Experiments;

namespace Neurone.Tests.Examples;

/// <summary>
/// Every classic experiment, run at its smoke size so none of them rots: it must finish, report figures, name every
/// figure its thresholds check, and write its pictures. The full runs (docs/experiments.md) are opt-in, from the
/// command line; what is checked here is that their thresholds can fail them.
/// </summary>
public class ExperimentSmokeTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var e in ExperimentRegistry.All()) data.Add(e.Name);
        return data;
    }

    static Experiment Find(string name) => ExperimentRegistry.All().Single(e => e.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void RunsAtSmokeSize(string name)
    {
        using var temp = new TempFolder();
        var experiment = Find(name);
        var result = experiment.Run(new ExperimentContext(temp.Path, Smoke: true, TextWriter.Null));
        Assert.NotEmpty(result.Lines);
        Assert.False(string.IsNullOrWhiteSpace(result.Summary));
        Assert.NotEmpty(Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));
        // A full run can check each threshold only if the run reports its figure.
        foreach (var threshold in experiment.Thresholds)
            Assert.True(result.Figures.TryGetValue(threshold.Figure, out double value) && double.IsFinite(value),
                $"{name} does not report '{threshold.Figure}', which its threshold {threshold} checks; it reports {string.Join(", ", result.Figures.Keys)}");
        Assert.False(string.IsNullOrWhiteSpace(experiment.Goal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryThresholdFailsARunJustShortOfIt(string name)
    {
        var thresholds = Find(name).Thresholds;
        var atBounds = thresholds.ToDictionary(t => t.Figure, t => t.Bound);
        Assert.All(thresholds, t => Assert.True(t.Check(atBounds).Met, $"{t} at its bound"));
        foreach (var t in thresholds)
        {
            // The smallest step to the wrong side, then NaN, then the figure missing: each a miss.
            var past = new Dictionary<string, double>(atBounds) { [t.Figure] = t.AtMost ? Math.BitIncrement(t.Bound) : Math.BitDecrement(t.Bound) };
            Assert.False(t.Check(past).Met, $"{t} at {past[t.Figure]:R}");
            Assert.False(t.Check(new Dictionary<string, double>(atBounds) { [t.Figure] = double.NaN }).Met, $"{t} at NaN");
            Assert.False(t.Check(atBounds.Where(kv => kv.Key != t.Figure).ToDictionary()).Met, $"{t} not reported");
        }
    }

    /// <summary>An experiment whose run reports the accuracy it is given, against a threshold of 90%.</summary>
    sealed class Fixed(string name, double accuracy) : Experiment
    {
        public override string Name => name;
        public override string Description => "a run with a set accuracy";
        public override string Title => "fixed " + name;
        public override string Reported => "—";
        public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.9)];

        public override ExperimentResult Run(ExperimentContext context) =>
            new(["a line"], ExperimentResult.Percent(accuracy), new Dictionary<string, double> { ["test accuracy"] = accuracy });
    }

    static (int Code, string Out, string Err) Run(IReadOnlyList<Experiment> experiments, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ExperimentRunner.Run(args, output, error, experiments);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void AFullRunThatMissesItsThresholdExitsWithOneAndSaysByHowMuch()
    {
        using var temp = new TempFolder();
        Experiment[] experiments = [new Fixed("short", 0.8512), new Fixed("enough", 0.95)];
        var missed = Run(experiments, "short", "--output", temp.Path);
        Assert.Equal(1, missed.Code);
        Assert.Contains("test accuracy 85.12%, must be ≥ 90%: MISSED", missed.Out);
        var met = Run(experiments, "enough", "--output", temp.Path);
        Assert.Equal(0, met.Code);
        Assert.Contains("test accuracy 95.00%, must be ≥ 90%: met", met.Out);
        // Smoke runs are tiny: their figures are not held to the full runs' thresholds.
        var smoke = Run(experiments, "short", "--smoke", "--output", temp.Path);
        Assert.Equal(0, smoke.Code);
        Assert.DoesNotContain("MISSED", smoke.Out);

        // 'all' runs every experiment even after a miss, names the ones that missed, and fails.
        var all = Run(experiments, "all", "--output", temp.Path);
        Assert.Equal(1, all.Code);
        Assert.Contains("== enough:", all.Out);
        Assert.EndsWith("1 of 2 experiments missed a threshold or failed: short", all.Out.TrimEnd());
        Assert.Equal(0, Run([experiments[1]], "all", "--output", temp.Path).Code);
    }

    [Fact]
    public void AnExperimentThatThrowsFailsTheRun()
    {
        using var temp = new TempFolder();
        var (code, _, error) = Run([new Throwing()], "throwing", "--output", temp.Path);
        Assert.Equal(1, code);
        Assert.Contains("== throwing: FAILED", error);
        Assert.Contains("no data here", error);
    }

    sealed class Throwing : Experiment
    {
        public override string Name => "throwing";
        public override string Description => "a run that fails";
        public override string Title => "throwing";
        public override string Reported => "—";
        public override ExperimentResult Run(ExperimentContext context) => throw new FileNotFoundException("no data here");
    }

    [Fact]
    public void WriteDocsReplacesTheRowsOfTheExperimentsRunAndKeepsTheOthers()
    {
        using var temp = new TempFolder();
        string docs = temp.File("experiments.md");
        File.WriteAllText(docs, string.Join('\n',
            "# Results", "", ResultsTable.Begin,
            "| experiment | command | reported elsewhere | Neurone must reach | Neurone measured | run |", "|---|---|---|---|---|---|",
            "| fixed a | `a` | — | test accuracy ≥ 90% | 91.00% | 2026-01-01, 1.0 s, met |",
            "| fixed b | `b` | — | test accuracy ≥ 90% | 99.00% | 2026-01-01, 1.0 s, met |",
            "| gone | `gone` | — | — | 1% | 2026-01-01, 1.0 s, met |",
            ResultsTable.End, "", "Text after the table."));
        Experiment[] experiments = [new Fixed("a", 0.8512), new Fixed("b", 0.97), new Fixed("c", 0.93)];
        var (code, output, error) = Run(experiments, "a", "--output", temp.File("runs"), "--write-docs", docs);
        Assert.Equal(1, code);
        Assert.Equal("", error);
        Assert.Contains($"wrote the row of a in {docs}", output);
        var lines = File.ReadAllLines(docs);
        int begin = Array.IndexOf(lines, ResultsTable.Begin), end = Array.IndexOf(lines, ResultsTable.End);
        var rows = lines[(begin + 3)..end];
        // The row of the run (a miss is recorded as one), b's row as it was, a row for c that was never run; the
        // row of an experiment that no longer exists is gone; the text around the table is kept.
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("| fixed a | `a` | — | test accuracy ≥ 90% | 85.12% | ", rows[0]);
        Assert.EndsWith(", **missed** |", rows[0]);
        Assert.Equal("| fixed b | `b` | — | test accuracy ≥ 90% | 99.00% | 2026-01-01, 1.0 s, met |", rows[1]);
        Assert.Equal("| fixed c | `c` | — | test accuracy ≥ 90% | not run yet | — |", rows[2]);
        Assert.Equal(["# Results", ""], lines[..begin]);
        Assert.Equal(["", "Text after the table."], lines[(end + 1)..]);

        // A smoke run's figures never go into the docs, and a file without the markers is refused before any run.
        Assert.Equal(2, Run(experiments, "a", "--smoke", "--write-docs", docs).Code);
        File.WriteAllText(docs, "no table");
        var refused = Run(experiments, "a", "--output", temp.File("runs"), "--write-docs", docs);
        Assert.Equal(2, refused.Code);
        Assert.Contains("has no results table", refused.Err);
        Assert.Equal("no table", File.ReadAllText(docs));
    }

    [Fact]
    public void TheDocsHoldTheResultsTableWithARowForEveryExperiment()
    {
        string docs = Path.Combine(RepositoryRoot(), "docs", "experiments.md");
        string text = File.ReadAllText(docs);
        Assert.True(ResultsTable.IsIn(docs, out string? problem), problem);
        // Rebuilding the table without new runs changes nothing: every experiment already has its row, in order.
        Assert.Equal(text, ResultsTable.Update(text, ExperimentRegistry.All(), new Dictionary<string, string>()));
    }

    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Neurone.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException($"no Neurone.slnx above {AppContext.BaseDirectory}");
    }
}
