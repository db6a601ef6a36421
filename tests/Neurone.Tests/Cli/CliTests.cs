using Neurone.Cli;

namespace Neurone.Tests.Cli;

/// <summary>The neurone command as a user meets it: exit codes, files written, one-line errors.</summary>
[Collection(ThreadSettingCollection.Name)]
public class CliTests : IDisposable
{
    readonly TempFolder temp = new();
    string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void DemoTrainsOnTheEmbeddedDigitsAndWritesTheRunFolder()
    {
        string run = Path.Combine(folder, "demo");
        var (code, output, error) = Run("demo", "--epochs", "3", "--output", run, "--verbose", "2");
        Assert.True(code == 0, error);
        Assert.Contains("digits (1438 training, 359 test samples, 64 features, 10 classes)", output);
        Assert.Contains("epoch 3/3", output);
        Assert.Matches(@"test accuracy \d+\.\d+ %", output);
        foreach (var file in new[] { "model.safetensors", "history.csv", "checkpoint.safetensors", "metrics.json", "settings.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);

        // The saved model evaluates from the command line to the same accuracy.
        var (evalCode, evalOut, evalErr) = Run("evaluate", Path.Combine(run, "model.safetensors"), "--data", "digits");
        Assert.True(evalCode == 0, evalErr);
        Assert.Contains("accuracy", evalOut);
        Assert.Contains("macro avg", evalOut);
    }

    [Fact]
    public void RunningTheSameCommandAgainResumesFromTheCheckpoint()
    {
        string run = Path.Combine(folder, "resume");
        Assert.Equal(0, Run("demo", "--epochs", "2", "--output", run, "--verbose", "0").Code);
        var (code, output, _) = Run("demo", "--epochs", "4", "--output", run, "--verbose", "2");
        Assert.Equal(0, code);
        Assert.Contains("resumed", output);
        Assert.DoesNotContain("epoch 1/4", output);
        Assert.Contains("epoch 3/4", output);
    }

    [Fact]
    public void PredictPrintsAClassPerRow()
    {
        string run = Path.Combine(folder, "p");
        Assert.Equal(0, Run("demo", "--epochs", "2", "--output", run, "--verbose", "0").Code);
        string rows = Path.Combine(folder, "rows.csv");
        File.WriteAllLines(rows, [string.Join(",", Enumerable.Repeat("0.5", 64)), string.Join(",", Enumerable.Repeat("0", 64))]);
        var (code, output, error) = Run("predict", Path.Combine(run, "model.safetensors"), rows);
        Assert.True(code == 0, error);
        var lines = output.Trim().Split('\n');
        Assert.Equal("row,class,probability", lines[0].Trim());
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^2,\d,0\.\d{4}$", lines[2].Trim());

        File.WriteAllLines(rows, ["1,2,3"]);
        var bad = Run("predict", Path.Combine(run, "model.safetensors"), rows);
        Assert.Equal(2, bad.Code);
        Assert.Contains("3 features", bad.Err);
    }

    [Theory]
    [InlineData("demo --epochs 0", "--epochs must be at least 1")]
    [InlineData("demo --bogus", "--bogus")]
    [InlineData("train --data nosuch --output x", "unknown data set 'nosuch'")]
    [InlineData("train --data digits --model cnn:9 --epochs 1 --output x", "unknown model 'cnn:9'")]
    [InlineData("train --data digits --schedule step:x --epochs 1 --output x", "schedule 'step:x'")]
    [InlineData("train --data digits --model cnn:lenet --epochs 1 --output x", "at least 10×10 pixels, got 8×8")]
    [InlineData("train --data circles --model cnn:lenet --epochs 1 --output x", "no image shape")]
    [InlineData("evaluate missing.safetensors", "does not exist")]
    [InlineData("frobnicate", "frobnicate")]
    public void BadInputGetsOneLineAndExitCodeTwo(string args, string expected)
    {
        var (code, _, error) = Run(args.Replace(" x", " " + Path.Combine(folder, "x")).Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void BenchPrintsGflopsAndStepTimes()
    {
        var (code, output, error) = Run("bench", "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Matches(@"sgemm 1024x1024x1024: \d+ GFLOPS", output);
        Assert.Matches(@"training step at batch 128 [\d.]+ ms, inference at batch 1 [\d.]+ µs", output);
    }

    [Fact]
    public void GradcheckTsneAndSearchRunOnTheEmbeddedDigits()
    {
        var grad = Run("gradcheck", "--model", "mlp-tanh:8", "--elements", "8");
        Assert.True(grad.Code == 0, grad.Out + grad.Err);
        Assert.Contains("0.weight", grad.Out);
        Assert.Contains("passed", grad.Out);

        string tsne = Path.Combine(folder, "tsne");
        var map = Run("tsne", "--count", "100", "--output", tsne);
        Assert.True(map.Code == 0, map.Err);
        Assert.Matches(@"trustworthiness \(k=5\) 0\.\d{4}", map.Out);
        Assert.True(File.Exists(Path.Combine(tsne, "tsne.svg")));

        var search = Run("search", "--trials", "2", "--epochs", "1");
        Assert.True(search.Code == 0, search.Err);
        Assert.Contains("val_acc", search.Out);
        Assert.Contains("best trial", search.Out);
    }

    [Fact]
    public void HelpShowsExamples()
    {
        var (code, output, _) = Run("train", "--help");
        Assert.Equal(0, code);
        Assert.Contains("Examples:", output);
        Assert.Contains("--learning", output.Replace("--lr", "--learning"));
    }
}
