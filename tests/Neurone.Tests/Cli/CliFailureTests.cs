using System.Text.Json;
using Neurone.Cli;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Training;
using Xunit.Abstractions;

namespace Neurone.Tests.Cli;

/// <summary>
/// The command with bad data, huge labels, too little data, a diverging run, an exhausted heap and
/// SIGKILL: one line and a non-zero exit for every failure, nothing written before the data is
/// known to fit, and a killed run that resumes with its whole history.
/// </summary>
[Collection(ThreadSettingCollection.Name)]
public sealed class CliFailureTests(ITestOutputHelper log) : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A CSV of <paramref name="rows"/> rows "feature,label" with labels 0, 1, 2, … mod 3, and <paramref name="label"/> on line <paramref name="line"/>.</summary>
    string Table(string name, int rows, string? label = null, int line = 0)
    {
        var lines = Enumerable.Range(0, rows).Select(i => $"{(i * 0.1).ToString(System.Globalization.CultureInfo.InvariantCulture)},{i % 3}").ToArray();
        if (label is not null) lines[line - 1] = "0.5," + label;
        File.WriteAllLines(temp[name], lines);
        return temp[name];
    }

    static void OneLine(string error) => Assert.Single(error.Trim().Split('\n'));

    [Fact]
    public void AnImplausiblyLargeLabelIsRefusedUpFrontNamingFileLineAndTheOverride()
    {
        string run = temp["run"];
        foreach (var (label, classes) in new[] { ("5000", "5001"), ("10000000", "10000001") })
        {
            var (code, _, error) = Run("train", "--data", Table("huge.csv", 20, label, line: 7), "--model", "linear", "--epochs", "1", "--output", run);
            Assert.Equal(2, code);
            OneLine(error);
            Assert.Contains("huge.csv: line 7", error);
            Assert.Contains($"{classes} classes", error);
            Assert.Contains($"--classes {classes}", error);
            Assert.False(Directory.Exists(run));
        }
    }

    [Fact]
    public void TheClassesOptionAcceptsALargeCountAndAppliesToCsvFilesOnly()
    {
        string run = temp["run"];
        var (code, output, error) = Run("train", "--data", Table("t.csv", 20, "5000", line: 7), "--classes", "5001", "--model", "linear", "--epochs", "1", "--verbose", "0", "--output", run);
        Assert.True(code == 0, error);
        Assert.Contains("5001 classes", output);
        Assert.Contains("Not drawn: 5001 classes", File.ReadAllText(Path.Combine(run, "report.html")));

        var wrong = Run("train", "--data", "digits", "--classes", "12", "--epochs", "1", "--output", run);
        Assert.Equal(2, wrong.Code);
        Assert.Contains("--classes applies to a CSV file", wrong.Err);
        var small = Run("train", "--data", Table("t.csv", 20, "2", line: 3), "--classes", "2", "--epochs", "1", "--output", run);
        Assert.Equal(2, small.Code);
        Assert.Contains("line 3: label 2 is outside the class range; expected a whole number in [0, 2)", small.Err);
    }

    [Theory]
    [InlineData("-1", "line 4: label -1 is not a class index")]
    [InlineData("2.5", "line 4: label 2.5 is not a class index")]
    [InlineData("x", "line 4, field 2: expected a class label")]
    public void LabelErrorsNameTheFileAndTheLine(string label, string expected)
    {
        var (code, _, error) = Run("train", "--data", Table("bad.csv", 10, label, line: 4), "--epochs", "1", "--output", temp["run"]);
        Assert.Equal(2, code);
        OneLine(error);
        Assert.Contains("bad.csv: " + expected, error);
    }

    [Theory]
    [InlineData(1, "", "1 sample split into 1 for training and 0 for testing")]
    [InlineData(2, "", "2 samples split into 2 for training and 0 for testing")]
    [InlineData(5, "0.1", "--validation-split 0.1: 4 split into 4 for training and 0 for validation")]
    public void ACsvTooSmallForItsSplitIsRefusedBeforeAnythingIsWritten(int rows, string validation, string expected)
    {
        string run = temp["run"];
        var args = new List<string> { "train", "--data", Table("tiny.csv", rows), "--model", "linear", "--epochs", "1", "--output", run };
        if (validation.Length > 0) args.AddRange(["--validation-split", validation]);
        var (code, _, error) = Run([.. args]);
        Assert.Equal(2, code);
        OneLine(error);
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void ADivergedRunsMetricsAreValidJsonWithNullForNaN()
    {
        string run = temp["run"];
        var (code, output, error) = Run("train", "--data", "digits", "--model", "mlp:16", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "2", "--verbose", "0", "--output", run);
        Assert.True(code == 0, error);
        Assert.Contains("the loss became", output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        Assert.Equal(JsonValueKind.Null, metrics.RootElement.GetProperty("loss").ValueKind);
        Assert.Equal(JsonValueKind.Number, metrics.RootElement.GetProperty("accuracy").ValueKind);
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "settings.json"))).Dispose();
    }

    [Theory]
    [InlineData("--lr", "Infinity", "--lr must be a positive finite number")]
    [InlineData("--momentum", "NaN", "--momentum must be a finite number")]
    [InlineData("--weight-decay", "-1", "--weight-decay must be a finite number ≥ 0")]
    [InlineData("--classes", "-2", "--classes must be 0")]
    public void NonFiniteOrNegativeSettingsAreRefused(string option, string value, string expected)
    {
        var (code, _, error) = Run("demo", option, value, "--output", temp["run"]);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void AnyOtherFailureIsOneLineAndExitCodeOne()
    {
        var error = new StringWriter();
        Assert.Equal(1, Program.Report(new AggregateException(new InvalidOperationException("first line\nsecond line")), error));
        Assert.Equal("neurone: internal error: InvalidOperationException: first line second line (NEURONE_DEBUG=1 prints the stack trace)", error.ToString().Trim());
        error = new StringWriter();
        Assert.Equal(1, Program.Report(new OutOfMemoryException("Array dimensions exceeded supported range."), error));
        Assert.StartsWith("neurone: out of memory (Array dimensions exceeded supported range.)", error.ToString());
        error = new StringWriter();
        Assert.Equal(2, Program.Report(new InvalidDataException("t.csv: line 3: bad"), error));
        Assert.Equal("neurone: t.csv: line 3: bad", error.ToString().Trim());
    }

    [Fact]
    public void RunningOutOfMemoryEndsWithOneLineAndExitCodeOneNotARuntimeAbort()
    {
        // The built command in a child process whose heap is capped at 512 MB builds a 1 GB layer.
        var heapLimit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" };
        using var child = ChildProcess.Start("Neurone.Cli", heapLimit, "train", "--data", "digits", "--model", "mlp:16384,16384", "--epochs", "1", "--output", temp["run"]);
        int code = child.WaitForExit();
        string error = string.Join("\n", child.ErrorLines);
        log.WriteLine($"exit {code}: {error}");
        Assert.Equal(1, code);
        OneLine(error);
        Assert.StartsWith("neurone: out of memory", error);
    }

    [Fact]
    public void AKilledRunResumesToTheSameEndWithItsWholeHistoryAndNoTemporaryFiles()
    {
        string[] Args(string run) => ["demo", "--model", "mlp:128,128", "--epochs", "20", "--output", run, "--verbose", "2"];
        string whole = temp["whole"], killed = temp["killed"];
        Assert.Equal(0, Run(Args(whole)).Code);

        // SIGKILL the same command at seeded random moments: after a random epoch, a random time into the next.
        var rng = new Rng(7);
        int lastEpoch = 0;
        // On a loaded machine the child may run several epochs past the line the test reacts to before the kill
        // lands, so the next epoch to wait for is capped at the last one, and killing stops once too few are left.
        for (int k = 0; k < 3 && lastEpoch < 19; k++)
        {
            using var child = ChildProcess.Start("Neurone.Cli", Args(killed));
            int epoch = Math.Min(lastEpoch + 1 + rng.NextInt(3), 19);
            child.WaitFor(l => l.StartsWith($"epoch {epoch}/20", StringComparison.Ordinal));
            Thread.Sleep(rng.NextInt(20));
            child.Kill();
            log.WriteLine($"kill {k + 1} after: {child.Lines[^1]}");
            string history = Path.Combine(killed, "history.csv");
            lastEpoch = File.Exists(history) ? History.LoadCsv(history).Epochs[^1] : 0;
        }
        var (code, output, error) = Run(Args(killed));
        Assert.True(code == 0, error);
        if (lastEpoch < 20) Assert.Contains("resumed", output); // else the last child outran its kill and finished

        Assert.Equal(File.ReadAllText(Path.Combine(whole, "history.csv")), File.ReadAllText(Path.Combine(killed, "history.csv")));
        Assert.Equal(21, File.ReadAllLines(Path.Combine(killed, "history.csv")).Length);
        Assert.Equal(SafeTensors.Load(Path.Combine(whole, "model.safetensors"))["0.weight"].ToArray(),
                     SafeTensors.Load(Path.Combine(killed, "model.safetensors"))["0.weight"].ToArray());
        Assert.Empty(Directory.GetFiles(killed, ".*.tmp"));
        Assert.DoesNotContain("the curves show the epochs run since", File.ReadAllText(Path.Combine(killed, "report.html")));
    }

    [Fact]
    public void ANewRunInAFolderRemovesTheTemporaryFilesOfKilledRuns()
    {
        string run = temp["run"];
        Directory.CreateDirectory(run);
        using (var child = ChildProcess.Start("Neurone.SaveLoop", "hold", Path.Combine(run, "notes.bin")))
        {
            child.WaitFor(l => l == "holding");
            child.Kill();
        }
        Assert.Single(Directory.GetFiles(run, ".*.tmp"));
        Assert.Equal(0, Run("demo", "--epochs", "1", "--output", run, "--verbose", "0").Code);
        Assert.Empty(Directory.GetFiles(run, ".*.tmp"));
    }
}
