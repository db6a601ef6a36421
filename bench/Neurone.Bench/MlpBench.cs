using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Bench;

/// <summary>
/// The workload of ../shared/bench/mlp_mnist.py, ours and PyTorch's side by side in one invocation:
/// MLP 784-512-256-10 ReLU, cross-entropy, batch 128, shuffled each epoch, SGD (lr 0.05, momentum 0.9)
/// or Adam (lr 1e-3). Reports seconds per epoch (median of epochs 2..N), test accuracy per epoch, one
/// training step at batch 1 and 128, inference at batch 1 and 1000.
/// Options: --opt sgd|adam (default sgd), --epochs N (5), --threads N (2), --seed N (0), --no-anchor,
/// --anchor-file PATH, --breakdown (time forward, backward, optimizer and batch gathering per step).
/// </summary>
static class MlpBench
{
    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        bool Flag(string name) => Array.IndexOf(args, name) >= 0;
        string opt = Opt("--opt") ?? "sgd";
        int epochs = int.Parse(Opt("--epochs") ?? "5", CultureInfo.InvariantCulture);
        int threads = int.Parse(Opt("--threads") ?? "2", CultureInfo.InvariantCulture);
        ulong seed = ulong.Parse(Opt("--seed") ?? "0", CultureInfo.InvariantCulture);
        Parallelism.Threads = threads;

        string dir = MnistIdx.Directory();
        Console.WriteLine($"# mlp_mnist: opt {opt}, {epochs} epochs, {threads} threads, SIMD {Simd.Best}, data {dir}");
        var (trainX, trainY, testX, testY) = MnistIdx.Load(dir);
        var xtr = Tensor.FromArray(trainX, trainY.Length, 784);
        var ytr = Tensor.FromLongs(trainY);
        var xte = Tensor.FromArray(testX, testY.Length, 784);
        var yte = Tensor.FromLongs(testY);

        var rng = new Rng(seed);
        var model = new Sequential(new Linear(784, 512, rng: rng), new ReLU(), new Linear(512, 256, rng: rng), new ReLU(), new Linear(256, 10, rng: rng));
        Optimizer optimizer = opt == "adam" ? new Adam(model.Parameters(), lr: 1e-3) : new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
        var lossFn = new CrossEntropyLoss();
        const int batch = 128;
        int n = trainY.Length;

        // Phase timers (--breakdown): forward with loss, backward, optimizer step, batch gathering.
        var phase = new double[4];
        bool breakdown = Flag("--breakdown");
        void Step(Tensor xb, Tensor yb)
        {
            long t0 = Stopwatch.GetTimestamp();
            var loss = lossFn.Forward(model.Forward(xb), yb);
            long t1 = Stopwatch.GetTimestamp();
            optimizer.ZeroGrad();
            loss.Backward();
            long t2 = Stopwatch.GetTimestamp();
            optimizer.Step();
            if (breakdown)
            {
                phase[0] += t1 - t0;
                phase[1] += t2 - t1;
                phase[2] += Stopwatch.GetTimestamp() - t2;
            }
        }

        var epochSeconds = new List<double>();
        var accuracies = new List<double>();
        var indices = new int[batch];
        for (int e = 0; e < epochs; e++)
        {
            model.Train();
            long t0 = Stopwatch.GetTimestamp();
            var perm = rng.Permutation(n);
            if (e == 1) Array.Clear(phase);
            for (int i = 0; i < n; i += batch)
            {
                var idx = perm.AsSpan(i, Math.Min(batch, n - i));
                long g0 = Stopwatch.GetTimestamp();
                var (xb, yb) = (xtr.GatherRows(idx), ytr.GatherRows(idx));
                phase[3] += Stopwatch.GetTimestamp() - g0;
                Step(xb, yb);
            }
            epochSeconds.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            model.Eval();
            accuracies.Add(Math.Round(Measure.Accuracy(model, xte, yte), 4));
            Console.WriteLine($"# epoch {e + 1}: {epochSeconds[^1]:F3} s, test accuracy {accuracies[^1]:P2}");
        }

        if (breakdown && epochs > 1)
        {
            double perStep = 1e6 / Stopwatch.Frequency / ((epochs - 1) * ((n + batch - 1) / batch));
            Console.WriteLine($"# per step, epochs 2..{epochs}: forward+loss {phase[0] * perStep:F0} µs, backward {phase[1] * perStep:F0} µs, " +
                $"optimizer {phase[2] * perStep:F0} µs, gather {phase[3] * perStep:F0} µs");
        }
        breakdown = false;
        var x1 = xtr.Slice(0, 1); var y1 = ytr.Slice(0, 1);
        var x128 = xtr.Slice(0, 128); var y128 = ytr.Slice(0, 128);
        model.Train();
        var step1 = Measure.Time(() => Step(x1, y1), 300, 20).Select(t => t * 1e3).ToArray();
        var step128 = Measure.Time(() => Step(x128, y128), 300, 20).Select(t => t * 1e3).ToArray();
        model.Eval();
        double[] infer1, infer1000;
        using (GradMode.NoGrad())
        {
            infer1 = Measure.Time(() => model.Forward(x1), 1000, 50).Select(t => t * 1e6).ToArray();
            var x1000 = xte.Slice(0, 1000);
            infer1000 = Measure.Time(() => model.Forward(x1000), 50, 5).Select(t => 1000 / t).ToArray();
        }

        var ours = new Dictionary<string, object>
        {
            ["bench"] = "mlp_mnist", ["impl"] = "neurone", ["opt"] = opt, ["threads"] = threads,
            ["epoch_s"] = epochSeconds.Select(v => Math.Round(v, 3)).ToArray(),
            ["epoch_s_2toN"] = Stats.Of(epochSeconds.Skip(1)), ["test_acc"] = accuracies,
            ["train_step_ms_batch1"] = Stats.Of(step1), ["train_step_ms_batch128"] = Stats.Of(step128),
            ["infer_batch1_us"] = Stats.Of(infer1), ["infer_batch1000_samples_per_s"] = Stats.Of(infer1000),
        };
        Console.WriteLine(JsonSerializer.Serialize(ours));

        JsonElement? torch = Flag("--no-anchor") ? null
            : Anchor.Run("mlp_mnist.py", $"--threads {threads} --opt {opt} --epochs {epochs} --seed {seed}", Opt("--anchor-file"));
        PrintTable(ours, torch);
    }



    static void PrintTable(Dictionary<string, object> ours, JsonElement? torch)
    {
        double Ours(string key) => ((Stats)ours[key]).median;
        double? Torch(string key) => torch is { } t && t.TryGetProperty(key, out var v) ? v.GetProperty("median").GetDouble() : null;
        Console.WriteLine();
        Console.WriteLine($"{"figure",-34} {"Neurone",12} {"PyTorch",12} {"speed-up",9}");
        void Row(string label, string key, bool higherIsBetter)
        {
            double o = Ours(key);
            double? t = Torch(key);
            string ratio = t is null ? "-" : (higherIsBetter ? o / t.Value : t.Value / o).ToString("F2", CultureInfo.InvariantCulture) + "x";
            Console.WriteLine($"{label,-34} {o,12:G4} {(t is null ? "-" : t.Value.ToString("G4", CultureInfo.InvariantCulture)),12} {ratio,9}");
        }
        Row("epoch seconds (median 2..N)", "epoch_s_2toN", false);
        Row("train step batch 1 (ms)", "train_step_ms_batch1", false);
        Row("train step batch 128 (ms)", "train_step_ms_batch128", false);
        Row("inference batch 1 (µs)", "infer_batch1_us", false);
        Row("inference batch 1000 (samples/s)", "infer_batch1000_samples_per_s", true);
        string accOurs = string.Join(" ", ((List<double>)ours["test_acc"]).Select(a => a.ToString("F4", CultureInfo.InvariantCulture)));
        string accTorch = torch is { } tt && tt.TryGetProperty("test_acc", out var acc) ? string.Join(" ", acc.EnumerateArray().Select(a => a.GetDouble().ToString("F4", CultureInfo.InvariantCulture))) : "-";
        Console.WriteLine($"test accuracy per epoch: Neurone {accOurs} | PyTorch {accTorch}");
    }
}

/// <summary>Median, min, max and count, the form the reference scripts print.</summary>
sealed record Stats(double median, double min, double max, int n)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) return new(double.NaN, double.NaN, double.NaN, 0);
        return new(Math.Round(MedianOfSorted(v), 4), Math.Round(v[0], 4), Math.Round(v[^1], 4), v.Length);
    }

    /// <summary>The median unrounded, for figures finer than <see cref="Of"/>'s four decimals (one layer's time).</summary>
    public static double Median(IEnumerable<double> values) => MedianOfSorted(values.OrderBy(x => x).ToArray());

    static double MedianOfSorted(double[] v) => v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
}
