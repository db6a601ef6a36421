using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Neurone.Autograd;
using Neurone.Cli;
using Neurone.Data;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Tensors;
using Neurone.Training;

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
        foreach (var file in new[] { "model.safetensors", "history.csv", "checkpoint.safetensors", "metrics.json", "settings.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);

        // The printed accuracy is the saved model's on the test split, counted here without the trainer; three
        // epochs of Adam on the digits get well past 85%.
        double accuracy = TestAccuracy(Model.Load(Path.Combine(run, "model.safetensors")));
        Assert.True(accuracy > 0.85, $"test accuracy {accuracy}");
        Assert.Equal(accuracy, Percent(output, @"test accuracy ([\d.]+) %"), 5e-5);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))))
        {
            Assert.Equal(accuracy, metrics.RootElement.GetProperty("accuracy").GetDouble(), 1e-6);
            Assert.Equal(3, metrics.RootElement.GetProperty("epochs").GetDouble());
        }

        // The saved model evaluates from the command line to the same accuracy.
        var (evalCode, evalOut, evalErr) = Run("evaluate", Path.Combine(run, "model.safetensors"), "--data", "digits");
        Assert.True(evalCode == 0, evalErr);
        Assert.Equal(accuracy, Percent(evalOut, @"359 samples: loss [\d.]+, accuracy ([\d.]+) %"), 5e-5);
        Assert.Contains("macro avg", evalOut);
    }

    /// <summary>The fraction printed as "NN.NN %" where <paramref name="pattern"/>'s group matches.</summary>
    static double Percent(string output, string pattern)
    {
        var match = Regex.Match(output, pattern);
        Assert.True(match.Success, $"'{pattern}' not in: {output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / 100;
    }

    /// <summary>The logits of <paramref name="model"/> for rows <paramref name="x"/>, in evaluation mode.</summary>
    static float[] Logits(Module model, Tensor x)
    {
        model.Eval();
        using (GradMode.NoGrad()) return model.Forward(x).ToArray();
    }

    /// <summary>The share of the digits' test split (the CLI's default seed 0) whose largest logit is the label.</summary>
    static double TestAccuracy(Module model)
    {
        var (x, y) = Digits.Load(seed: 0).Test.ToTensors();
        var logits = Logits(model, x);
        var labels = y.ToArray();
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
            if (best == (int)labels[i]) correct++;
        }
        return correct / (double)labels.Length;
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
        // Each row's class and probability are the softmax of the saved model's logits, computed here in double.
        var x = Tensor.FromArray([.. Enumerable.Repeat(0.5f, 64), .. Enumerable.Repeat(0f, 64)], 2, 64);
        var logits = Logits(Model.Load(Path.Combine(run, "model.safetensors")), x);
        for (int i = 0; i < 2; i++)
        {
            var row = logits.AsSpan(i * 10, 10).ToArray().Select(v => (double)v).ToArray();
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            int best = Array.IndexOf(row, max);
            var fields = lines[i + 1].Trim().Split(',');
            Assert.Equal([(i + 1).ToString(CultureInfo.InvariantCulture), best.ToString(CultureInfo.InvariantCulture)], fields[..2]);
            Assert.Equal(1 / sum, double.Parse(fields[2], CultureInfo.InvariantCulture), 6e-5);
        }

        File.WriteAllLines(rows, ["1,2,3"]);
        var bad = Run("predict", Path.Combine(run, "model.safetensors"), rows);
        Assert.Equal(2, bad.Code);
        Assert.Contains("3 features", bad.Err);
    }

    // Issue 17, defect 3: logits above 88 printed NaN probabilities and exited 0. A model whose logits for the rows
    // are [1010, 1000] and [−1e4, 1e4] now gives their probabilities; one with a NaN weight is refused, exit code 2.
    [Fact]
    public void PredictGivesProbabilitiesForHugeLogitsAndRefusesNonFiniteOutputs()
    {
        var layer = new Linear(2, 2);
        using (GradMode.NoGrad())
        {
            new[] { 1f, 0f, 0f, 1f }.CopyTo(layer.Weight.AsSpan());
            layer.Bias!.AsSpan().Clear();
        }
        string model = Path.Combine(folder, "identity.safetensors");
        Model.Save(new Sequential(layer), model);
        string rows = Path.Combine(folder, "huge.csv");
        File.WriteAllLines(rows, ["1010,1000", "-10000,10000"]);
        var (code, output, error) = Run("predict", model, rows);
        Assert.True(code == 0, error);
        var lines = output.Trim().Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Equal(["row,class,probability", "1,0,1.0000", "2,1,1.0000"], lines);

        using (GradMode.NoGrad()) layer.Weight.AsSpan()[0] = float.NaN;
        Model.Save(new Sequential(layer), model);
        var bad = Run("predict", model, rows);
        Assert.Equal(2, bad.Code);
        Assert.Equal("", bad.Out);
        Assert.Equal("neurone: the model's output for row 1 is NaN, not a probability: its weights or that row's features are not finite or are far outside their range.", bad.Err.Trim());
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
        // What the machine and the options say is printed as they say it; the timings (never asserted on) are
        // at least figures a measurement can give: finite and above zero.
        Assert.StartsWith($"neurone bench: {Environment.ProcessorCount} cores, 1 threads, SIMD {Simd.Best}", output);
        var figures = new[]
        {
            Regex.Match(output, @"sgemm 1024x1024x1024: (\d+) GFLOPS"),
            Regex.Match(output, @"sgemm 128x512x784 \(x·Wᵀ\): (\d+) GFLOPS"),
            Regex.Match(output, @"training step at batch 128 ([\d.]+) ms, inference at batch 1 ([\d.]+) µs"),
        };
        foreach (var match in figures)
        {
            Assert.True(match.Success, output);
            foreach (var group in match.Groups.Cast<Group>().Skip(1))
            {
                double value = double.Parse(group.Value, CultureInfo.InvariantCulture);
                Assert.True(double.IsFinite(value) && value > 0, $"{match.Value}: {value}");
            }
        }
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
        Assert.True(File.Exists(Path.Combine(tsne, "tsne.svg")));
        // tsne.csv holds the first 100 test samples' map and labels; the printed trustworthiness is that map's,
        // recounted here by its definition.
        var (x, y) = Digits.Load(seed: 0).Test.GetBatch([.. Enumerable.Range(0, 100)]);
        var rows = File.ReadAllLines(Path.Combine(tsne, "tsne.csv"));
        Assert.Equal("x,y,label", rows[0]);
        Assert.Equal(101, rows.Length);
        var embedding = new double[100, 2];
        for (int i = 0; i < 100; i++)
        {
            var f = rows[i + 1].Split(',');
            embedding[i, 0] = double.Parse(f[0], CultureInfo.InvariantCulture);
            embedding[i, 1] = double.Parse(f[1], CultureInfo.InvariantCulture);
            Assert.Equal((int)y.ToArray()[i], int.Parse(f[2], CultureInfo.InvariantCulture));
        }
        double printed = double.Parse(Regex.Match(map.Out, @"trustworthiness \(k=5\) (\d\.\d{4})").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Trustworthiness(x.ToArray(), 64, embedding, 5), printed, 6e-5);

        var search = Run("search", "--trials", "2", "--epochs", "1");
        Assert.True(search.Code == 0, search.Err);
        // The table ranks the two trials by validation accuracy; the trial named best is the first row's.
        var table = search.Out.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rank", table[0]);
        Assert.Contains("val_acc", table[0]);
        string bestTrial = table[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Equal(["1", "2"], table[1..3].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).Order());
        Assert.StartsWith($"best trial {bestTrial} (", table[3]);
    }

    /// <summary>
    /// Trustworthiness by its definition (Venna and Kaski): 1 − 2/(n·k·(2n − 3k − 1)) · Σᵢ Σ over i's k nearest in
    /// the map that are not among its k nearest in the input of (their rank in the input − k); ranks count from 1,
    /// ties go to the lower index.
    /// </summary>
    static double Trustworthiness(float[] x, int d, double[,] map, int k)
    {
        int n = map.GetLength(0);
        double Input(int i, int j) { double s = 0; for (int t = 0; t < d; t++) { double v = x[i * d + t] - x[j * d + t]; s += v * v; } return s; }
        double Map(int i, int j) => Math.Pow(map[i, 0] - map[j, 0], 2) + Math.Pow(map[i, 1] - map[j, 1], 2);
        double penalty = 0;
        for (int i = 0; i < n; i++)
        {
            var others = Enumerable.Range(0, n).Where(j => j != i).ToArray();
            var byInput = others.OrderBy(j => Input(i, j)).ThenBy(j => j).ToList();
            foreach (int j in others.OrderBy(j => Map(i, j)).ThenBy(j => j).Take(k))
                penalty += Math.Max(0, byInput.IndexOf(j) + 1 - k);
        }
        return 1 - 2.0 / (n * k * (2.0 * n - 3 * k - 1)) * penalty;
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
