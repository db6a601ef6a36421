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
/// The CNN workloads of ../shared/bench/cnn_mnist.py and cifar_cnn.py, ours and PyTorch's side by side in one
/// invocation. LeNet-like MNIST network (Adam 1e-3, batch 128): seconds per epoch (median of all epochs), test
/// accuracy per epoch, batch-1 inference. Keras CIFAR-10 network (Adam, batch 64, random data as the script):
/// seconds per 10,000 images (median of rounds). Then LeNet written as its own Module calling F ops
/// (<see cref="LeNetModule"/>) against the Sequential one: both from the same seed on the same batches, trained in
/// alternating blocks of steps so the machine's phases fall on both alike; both epoch times and their ratio, and
/// whether every loss agreed bit for bit.
/// Options: --epochs N (2), --rounds N (3), --threads N (2), --seed N (0), --no-anchor, --only lenet|cifar|module,
/// --no-module (skip the Module-versus-Sequential comparison),
/// --breakdown (LeNet's epoch split into gather, forward, backward and update per step), and for
/// profiling --only profile [--block N] [--batch N] (per-block times of one batch; batch 1 times inference
/// forwards without gradients), --only inference (batch-1 forwards) or --only kernels (LeNet's first layer,
/// kernel by kernel on one thread).
/// </summary>
static class CnnBench
{
    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        bool Flag(string name) => Array.IndexOf(args, name) >= 0;
        int epochs = int.Parse(Opt("--epochs") ?? "2", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Opt("--rounds") ?? "3", CultureInfo.InvariantCulture);
        int threads = int.Parse(Opt("--threads") ?? "2", CultureInfo.InvariantCulture);
        ulong seed = ulong.Parse(Opt("--seed") ?? "0", CultureInfo.InvariantCulture);
        string only = Opt("--only") ?? "";
        Parallelism.Threads = threads;
        if (only == "inference") { Inference(rounds); return; }
        if (only == "kernels") { FirstLayerKernels(rounds); return; }
        if (only == "profile")
        {
            Profile(Opt("--block") is { } b ? int.Parse(b, CultureInfo.InvariantCulture) : -1, rounds,
                int.Parse(Opt("--batch") ?? "128", CultureInfo.InvariantCulture));
            return;
        }
        if (only is "" or "lenet") LeNet(epochs, threads, seed, Flag("--no-anchor"), Flag("--breakdown"));
        if (only is "" or "cifar") Cifar(rounds, threads, seed, Flag("--no-anchor"));
        if (only is "" or "lenet" or "module" && !Flag("--no-module")) ModuleVersusSequential(epochs, seed);
    }

    public static Sequential LeNetModel(Rng rng) => new(
        new Conv2d(1, 32, 3, rng: rng), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, rng: rng), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(1600, 128, rng: rng), new ReLU(), new Linear(128, 10, rng: rng));

    public static Sequential CifarModel(Rng rng) => new(
        new Conv2d(3, 32, 3, rng: rng), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, rng: rng), new ReLU(), new MaxPool2d(2),
        new Conv2d(64, 64, 3, rng: rng), new ReLU(),
        new Flatten(), new Linear(1024, 64, rng: rng), new ReLU(), new Linear(64, 10, rng: rng));

    static void LeNet(int epochs, int threads, ulong seed, bool noAnchor, bool breakdown)
    {
        string dir = MnistIdx.Directory();
        Console.WriteLine($"# cnn_mnist: {epochs} epochs, {threads} threads, SIMD {Simd.Best}, data {dir}");
        var (trainX, trainY, testX, testY) = MnistIdx.Load(dir);
        var xtr = Tensor.FromArray(trainX, trainY.Length, 1, 28, 28);
        var ytr = Tensor.FromLongs(trainY);
        var xte = Tensor.FromArray(testX, testY.Length, 1, 28, 28);
        var yte = Tensor.FromLongs(testY);
        var rng = new Rng(seed);
        var model = LeNetModel(rng);
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var lossFn = new CrossEntropyLoss();
        const int batch = 128;
        int n = trainY.Length;
        var epochSeconds = new List<double>();
        var accuracies = new List<double>();
        for (int e = 0; e < epochs; e++)
        {
            model.Train();
            long t0 = Stopwatch.GetTimestamp();
            var perm = rng.Permutation(n);
            // Phase times of the epoch (--breakdown): the batch's gather, forward and loss, backward, update.
            var phases = new long[4];
            long mark = t0;
            void Lap(int phase)
            {
                if (!breakdown) return;
                long now = Stopwatch.GetTimestamp();
                phases[phase] += now - mark;
                mark = now;
            }
            for (int i = 0; i < n; i += batch)
            {
                var idx = perm.AsSpan(i, Math.Min(batch, n - i));
                var (x, y) = (xtr.GatherRows(idx), ytr.GatherRows(idx));
                Lap(0);
                var loss = lossFn.Forward(model.Forward(x), y);
                Lap(1);
                optimizer.ZeroGrad();
                loss.Backward();
                Lap(2);
                optimizer.Step();
                Lap(3);
            }
            epochSeconds.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            if (breakdown)
            {
                int steps = (n + batch - 1) / batch;
                string Per(int k) => $"{phases[k] * 1e3 / Stopwatch.Frequency / steps:F3}";
                Console.WriteLine($"# epoch {e + 1} per step (ms): gather {Per(0)}, forward+loss {Per(1)}, backward {Per(2)}, update {Per(3)}");
            }
            model.Eval();
            accuracies.Add(Math.Round(Measure.Accuracy(model, xte, yte), 4));
            Console.WriteLine($"# epoch {e + 1}: {epochSeconds[^1]:F3} s, test accuracy {accuracies[^1]:P2} GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalSeconds:F2}s, allocated {GC.GetTotalAllocatedBytes() / 1e9:F1} GB");
        }
        model.Eval();
        double[] infer1, infer1000;
        using (GradMode.NoGrad())
        {
            var x1 = xte.Slice(0, 1);
            infer1 = Measure.Time(() => model.Forward(x1), 1000, 100).Select(t => t * 1e6).ToArray();
            var x1000 = xte.Slice(0, 1000);
            infer1000 = Measure.Time(() => model.Forward(x1000), 10, 2).Select(t => 1000 / t).ToArray();
        }
        var ours = new Dictionary<string, object>
        {
            ["bench"] = "cnn_mnist", ["impl"] = "neurone", ["threads"] = threads,
            ["epoch_s"] = epochSeconds.Select(v => Math.Round(v, 3)).ToArray(), ["epoch_s_median"] = Stats.Of(epochSeconds),
            ["test_acc"] = accuracies, ["infer_batch1_us"] = Stats.Of(infer1), ["infer_batch1000_samples_per_s"] = Stats.Of(infer1000),
        };
        Console.WriteLine(JsonSerializer.Serialize(ours));
        JsonElement? torch = noAnchor ? null : Anchor.Run("cnn_mnist.py", $"--threads {threads} --epochs {epochs} --seed {seed}");
        double? torchEpoch = torch is { } t && t.TryGetProperty("epoch_s", out var es) ? Median(es.EnumerateArray().Select(v => v.GetDouble())) : null;
        Console.WriteLine();
        Console.WriteLine($"{"LeNet MNIST figure",-36} {"Neurone",12} {"PyTorch",12} {"speed-up",9}");
        Row("epoch seconds (median)", Stats.Of(epochSeconds).median, torchEpoch, false);
        Row("inference batch 1 (µs)", Stats.Of(infer1).median, TorchMedian(torch, "infer_batch1_us"), false);
        Row("inference batch 1000 (samples/s)", Stats.Of(infer1000).median, TorchMedian(torch, "infer_batch1000_samples_per_s"), true);
        string accTorch = torch is { } tt && tt.TryGetProperty("test_acc", out var acc) ? string.Join(" ", acc.EnumerateArray().Select(a => a.GetDouble().ToString("F4", CultureInfo.InvariantCulture))) : "-";
        Console.WriteLine($"test accuracy per epoch: Neurone {string.Join(" ", accuracies.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))} | PyTorch {accTorch}");
    }

    /// <summary>
    /// LeNet as a custom <see cref="LeNetModule"/> against the <see cref="Sequential"/> one, same seed, same batches:
    /// each epoch is run by both in alternating blocks of <c>Block</c> steps (the first model alternates too), and a
    /// model's epoch time is the sum of its blocks. A block of about half a second is long enough that switching
    /// models costs nothing measurable, and short enough that the shared machine's slow and fast phases fall on both.
    /// </summary>
    static void ModuleVersusSequential(int epochs, ulong seed)
    {
        const int batch = 128, Block = 40;
        Console.WriteLine($"# LeNet as a custom Module (F ops) against Sequential: {epochs} epochs each, interleaved in blocks of {Block} steps");
        var (trainX, trainY, _, _) = MnistIdx.Load(MnistIdx.Directory());
        var xtr = Tensor.FromArray(trainX, trainY.Length, 1, 28, 28);
        var ytr = Tensor.FromLongs(trainY);
        int n = trainY.Length, steps = (n + batch - 1) / batch;
        Module[] models = [LeNetModel(new Rng(seed)), new LeNetModule(new Rng(seed))];
        var optimizers = models.Select(m => new Adam(m.Parameters(), lr: 1e-3)).ToArray();
        var lossFn = new CrossEntropyLoss();
        var order = new Rng(seed + 1);
        var seconds = new List<double>[] { [], [] };
        var losses = new float[2][];
        bool same = true;
        for (int e = 0; e < epochs; e++)
        {
            var perm = order.Permutation(n);
            var epoch = new long[2];
            for (int first = 0; first < steps; first += Block)
            {
                int last = Math.Min(steps, first + Block);
                for (int k = 0; k < 2; k++)
                {
                    int which = (first / Block + k) % 2;
                    var (model, optimizer) = (models[which], optimizers[which]);
                    model.Train();
                    losses[which] = new float[last - first];
                    long t0 = Stopwatch.GetTimestamp();
                    for (int step = first; step < last; step++)
                    {
                        var idx = perm.AsSpan(step * batch, Math.Min(batch, n - step * batch));
                        var loss = lossFn.Forward(model.Forward(xtr.GatherRows(idx)), ytr.GatherRows(idx));
                        optimizer.ZeroGrad();
                        loss.Backward();
                        optimizer.Step();
                        losses[which][step - first] = loss.Item();
                    }
                    epoch[which] += Stopwatch.GetTimestamp() - t0;
                }
                same &= losses[0].AsSpan().SequenceEqual(losses[1]);
            }
            for (int k = 0; k < 2; k++) seconds[k].Add((double)epoch[k] / Stopwatch.Frequency);
            Console.WriteLine($"# epoch {e + 1}: Sequential {seconds[0][^1]:F3} s, LeNetModule {seconds[1][^1]:F3} s, ratio {seconds[1][^1] / seconds[0][^1]:F3}");
        }
        double seq = Stats.Of(seconds[0]).median, mod = Stats.Of(seconds[1]).median;
        Console.WriteLine($"{"LeNet epoch seconds (median)",-36} {"Sequential",12} {"Module",12} {"ratio",9}");
        Console.WriteLine($"{"",-36} {seq,12:F3} {mod,12:F3} {mod / seq,9:F3}");
        Console.WriteLine($"every loss bit for bit equal: {(same ? "yes" : "NO")}");
    }

    static void Cifar(int rounds, int threads, ulong seed, bool noAnchor)
    {
        Console.WriteLine($"# cifar_cnn (random data): {rounds} rounds of 10,000 images, batch 64, {threads} threads");
        var rng = new Rng(seed);
        const int n = 10_000, batch = 64;
        var x = Tensor.Randn([n, 3, 32, 32], rng);
        var y = Tensor.FromLongs(Enumerable.Range(0, n).Select(_ => (long)(rng.NextUInt64() % 10)).ToArray());
        var model = CifarModel(rng);
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var lossFn = new CrossEntropyLoss();
        void RunImages(int images)
        {
            var perm = rng.Permutation(n);
            for (int i = 0; i < images; i += batch)
            {
                var idx = perm.AsSpan(i, Math.Min(batch, images - i));
                var loss = lossFn.Forward(model.Forward(x.GatherRows(idx)), y.GatherRows(idx));
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
            }
        }
        RunImages(20 * batch);
        var secs = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            RunImages(n);
            secs.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        var ours = new Dictionary<string, object> { ["bench"] = "cifar_cnn_random", ["impl"] = "neurone", ["threads"] = threads, ["s_per_10k_images"] = Stats.Of(secs) };
        Console.WriteLine(JsonSerializer.Serialize(ours));
        JsonElement? torch = noAnchor ? null : Anchor.Run("cifar_cnn.py", $"--threads {threads} --rounds {rounds} --seed {seed}");
        Console.WriteLine();
        Console.WriteLine($"{"Keras CIFAR-10 CNN figure",-36} {"Neurone",12} {"PyTorch",12} {"speed-up",9}");
        Row("seconds per 10k images (batch 64)", Stats.Of(secs).median, TorchMedian(torch, "s_per_10k_images"), false);
    }

    /// <summary>Forward and backward time of each LeNet layer at batch 128 (medians), to find the hot spots.</summary>
    /// <summary>
    /// Batch-1 inference of an untrained LeNet on random images (speed does not depend on the weights), for a
    /// profiler: 1,000 × <paramref name="rounds"/> forwards, then the median.
    /// </summary>
    static void Inference(int rounds)
    {
        var model = LeNetModel(new Rng(0));
        model.Eval();
        var x1 = Tensor.Randn([1, 1, 28, 28], new Rng(1));
        using var _ = GradMode.NoGrad();
        var times = Measure.Time(() => model.Forward(x1), 1000 * rounds, 100);
        Console.WriteLine($"LeNet inference, batch 1: {Stats.Median(times) * 1e6:F1} µs (median of {times.Length})");
    }

    /// <summary>
    /// LeNet's kernels one by one on one thread: the first layer at batch 128 (the direct convolution, the pooling,
    /// both fused in registers, the unpooling and the weight gradient) and the second layer's lowerings of a group of
    /// 4 images (medians of 20 runs, times <paramref name="rounds"/>), so a change to one kernel shows apart from the
    /// others and from the second core's noise.
    /// </summary>
    static unsafe void FirstLayerKernels(int rounds)
    {
        const int batch = 128, outChannels = 32, taps = 9;
        var conv = WindowGeometry.Create("conv1", 28, 28, 3, 3, 1, 1, 0, 0, 1, 1);
        var pool = WindowGeometry.Create("pool1", 26, 26, 2, 2, 2, 2, 0, 0, 1, 1);
        var rng = new Rng(3);
        float[] images = Tensor.Randn([batch, 1, 28, 28], rng).ToArray(), weight = Tensor.Randn([outChannels, taps], rng).ToArray();
        float[] bias = Tensor.Randn([outChannels], rng).ToArray(), pooledGrad = Tensor.Randn([batch, outChannels, 13, 13], rng).ToArray();
        float[] planes = new float[batch * outChannels * conv.OutPlane], pooled = new float[batch * outChannels * pool.OutPlane];
        float[] gradPlanes = new float[planes.Length], cols = new float[taps * conv.OutPlane], gradWeight = new float[outChannels * taps];
        int[] winners = new int[pooled.Length];
        fixed (float* x = images, w = weight, b = bias, y = planes, py = pooled, gy = pooledGrad, gx = gradPlanes, c = cols, gw = gradWeight)
        fixed (int* at = winners)
        {
            float* xs = x, ws = w, bs = b, ys = y, pys = py, gys = gy, gxs = gx, cs = c, gws = gw;
            int* ats = at;
            int plane = conv.OutPlane, pooledPlane = pool.OutPlane;
            void Report(string name, Action body) =>
                Console.WriteLine($"{name,-44} {Stats.Median(Measure.Time(body, 20 * rounds, 3)) * 1e3,8:F3} ms");
            Report("direct convolution (128 images)", () =>
            {
                for (int n = 0; n < batch; n++)
                    DirectConvolution.Forward(conv, 1, xs + n * 784, ws, bs, 0, outChannels, ys + (nint)n * outChannels * plane, plane);
            });
            Report("max pooling 2×2 (128×32 planes)", () =>
            {
                for (int k = 0; k < batch * outChannels; k++)
                    MaxPool.ForwardPlane(pool, ys + (nint)k * plane, pys + k * pooledPlane, ats + k * pooledPlane, Simd.Best);
            });
            Report("conv + pooling in registers (128 images)", () =>
            {
                for (int n = 0; n < batch; n++)
                    PooledDirectConvolution.Forward(conv, pool, 1, xs + n * 784, ws, bs, 0, outChannels,
                        pys + (nint)n * outChannels * pooledPlane, ats + n * outChannels * pooledPlane);
            });
            Report("unpooling (128×32 planes)", () =>
            {
                for (int k = 0; k < batch * outChannels; k++)
                    MaxPool.BackwardPlane(pool, gys + k * pooledPlane, ats + k * pooledPlane, gxs + (nint)k * plane, pys + k * pooledPlane);
            });
            // LeNet's second layer (cut to the 10×10 outputs its pooling reads) on a group of 4 images: the weight
            // gradient's right operand, colsᵀ in 48-wide panels, packed from im2col or lowered straight.
            var conv2 = WindowGeometry.Create("conv2", 13, 13, 3, 3, 1, 1, 0, 0, 1, 1) with { OutHeight = 10, OutWidth = 10 };
            int group = 4, taps2 = 32 * 9, n2 = group * conv2.OutPlane;
            float[] images2 = Tensor.Randn([group, 32, 13, 13], rng).ToArray(), cols2 = new float[taps2 * n2], panels2 = new float[(taps2 + 47) / 48 * 48 * ((n2 + 47) / 48 * 48)];
            fixed (float* x2 = images2, c2 = cols2, pp = panels2)
            {
                float* xs2 = x2, cs2 = c2, pps = pp;
                Report("conv2 cols panels: lowered (×32)", () =>
                {
                    for (int r = 0; r < 32; r++) LoweredImages.Current.Set(conv2, 32, xs2, group).PackB(0, taps2, 0, n2, pps, 48);
                });
                Report("conv2 colsᵀ panels: im2col + packing (×32)", () =>
                {
                    for (int r = 0; r < 32; r++)
                    {
                        for (int i = 0; i < group; i++) Im2Col.Pack(conv2, 32, xs2 + i * 32 * 169, cs2 + i * conv2.OutPlane, n2);
                        GemmPacking.PackB(cs2, n2, true, 0, n2, 0, taps2, pps, 48);
                    }
                });
                Report("conv2 colsᵀ panels: lowered (×32)", () =>
                {
                    for (int r = 0; r < 32; r++) TransposedLoweredImages.Current.Set(conv2, 32, xs2, group).PackB(0, n2, 0, taps2, pps, 48);
                });
            }
            Report("im2col + weight gradient (128 images)", () =>
            {
                for (int n = 0; n < batch; n++)
                {
                    Im2Col.Pack(conv, 1, xs + n * 784, cs, plane);
                    DirectConvolution.WeightGradient(outChannels, taps, plane, gxs + (nint)n * outChannels * plane, plane, cs, plane, gws, n == 0 ? 0f : 1f);
                }
            });
        }
    }

    /// <summary>
    /// Times each block of LeNet at batch 128, forward and forward+backward (medians of 30 runs, times
    /// <paramref name="rounds"/>). With <paramref name="only"/> ≥ 0 just that block is timed, so a profiler
    /// run (perf) sees one layer's kernels alone.
    /// </summary>
    static void Profile(int only, int rounds, int batch)
    {
        var model = LeNetModel(new Rng(0));
        var x = Tensor.Randn([batch, 1, 28, 28], new Rng(1));
        // The blocks Sequential runs as one op each (convolution + ReLU + pooling, linear + ReLU).
        int[][] blocks = [[0, 1, 2], [3, 4, 5], [6], [7, 8], [9]];
        for (int k = 0; k < blocks.Length; k++)
        {
            var block = blocks[k];
            var part = new Sequential(block.Select(i => model[i]).ToArray());
            var input = x.Detach();
            // As in training: the images need no gradient, every later activation does.
            input.RequiresGrad = block[0] != 0;
            Tensor output = part.Forward(input);
            x = output.Detach();
            if (only >= 0 && k != only) continue;
            string name = string.Join(" + ", block.Select(i => model[i].Describe().Split('(')[0]));
            if (batch == 1)
            {
                // Inference, as the batch-1 figure: no graph, eval mode.
                part.Eval();
                using var noGrad = GradMode.NoGrad();
                var infer = Measure.Time(() => part.Forward(input), 1000 * rounds, 100);
                Console.WriteLine($"{name,-32} inference {Stats.Median(infer) * 1e6,8:F1} µs");
                continue;
            }
            var fwd = Measure.Time(() => part.Forward(input), 30 * rounds, 5);
            var grad = Tensor.Randn(output.ShapeArray(), new Rng(2));
            var bwd = Measure.Time(() => part.Forward(input).Backward(grad), 30 * rounds, 5);
            Console.WriteLine($"{name,-32} forward {Stats.Median(fwd) * 1e3,8:F3} ms  forward+backward {Stats.Median(bwd) * 1e3,8:F3} ms");
        }
    }

    static double? TorchMedian(JsonElement? torch, string key) =>
        torch is { } t && t.TryGetProperty(key, out var v) ? v.GetProperty("median").GetDouble() : null;

    static double Median(IEnumerable<double> values) => Stats.Of(values).median;

    static void Row(string label, double ours, double? torch, bool higherIsBetter)
    {
        string ratio = torch is null ? "-" : (higherIsBetter ? ours / torch.Value : torch.Value / ours).ToString("F2", CultureInfo.InvariantCulture) + "x";
        Console.WriteLine($"{label,-36} {ours,12:G4} {(torch is null ? "-" : torch.Value.ToString("G4", CultureInfo.InvariantCulture)),12} {ratio,9}");
    }


}
