using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Bench;

/// <summary>
/// The workload of ../shared/bench/twolayer_cifar_shape.py, ours and PyTorch's side by side in one
/// invocation: CS231n's two-layer net 3072-100-10 (ReLU, softmax cross-entropy + reg·(‖W1‖² + ‖W2‖²),
/// reg 0.25), plain SGD lr 1e-4, batches of 200 drawn with replacement from 49,000 random rows of CIFAR
/// shape. Weights start at 1e-4·N(0, 1) as in the assignment. Reports seconds per 1,000 iterations
/// (median of rounds, after 50 warm-up iterations), with the L2 term built in the graph exactly as the
/// script does, and once more with the same penalty applied as SGD weight decay 2·reg (Neurone's
/// idiomatic form; not timed for PyTorch).
/// Options: --threads N (2), --rounds N (3), --seed N (0), --no-anchor, --anchor-file PATH, --breakdown (time
/// batch gathering, forward with loss, backward and the optimizer step per iteration).
/// </summary>
static class TwoLayerBench
{
    const int N = 49_000, D = 3072, H = 100, C = 10, B = 200;
    const float Reg = 0.25f, Lr = 1e-4f;

    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        bool Flag(string name) => Array.IndexOf(args, name) >= 0;
        int threads = int.Parse(Opt("--threads") ?? "2", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Opt("--rounds") ?? "3", CultureInfo.InvariantCulture);
        ulong seed = ulong.Parse(Opt("--seed") ?? "0", CultureInfo.InvariantCulture);
        Parallelism.Threads = threads;
        Console.WriteLine($"# twolayer_cifar_shape: {D}-{H}-{C}, batch {B}, {threads} threads, SIMD {Simd.Best}, {rounds} rounds of 1,000 iterations");

        var rng = new Rng(seed);
        var x = Tensor.Randn([N, D], rng);
        var labels = new long[N];
        for (int i = 0; i < N; i++) labels[i] = rng.NextInt(C);
        var y = Tensor.FromLongs(labels);

        bool breakdown = Flag("--breakdown");
        var inGraph = Measure(x, y, rng, rounds, regInGraph: true, breakdown);
        var asDecay = Measure(x, y, rng, rounds, regInGraph: false, breakdown);
        var ours = new Dictionary<string, object>
        {
            ["bench"] = "twolayer_cifar_shape", ["impl"] = "neurone", ["threads"] = threads,
            ["s_per_1000_iters"] = Stats.Of(inGraph), ["s_per_1000_iters_weight_decay"] = Stats.Of(asDecay),
        };
        Console.WriteLine(JsonSerializer.Serialize(ours));

        JsonElement? torch = Flag("--no-anchor") ? null
            : Anchor.Run("twolayer_cifar_shape.py", $"--threads {threads} --rounds {rounds} --seed {seed}", Opt("--anchor-file"));
        double? t = torch is { } j && j.TryGetProperty("s_per_1000_iters", out var s) ? s.GetProperty("median").GetDouble() : null;
        double o = Stats.Of(inGraph).median, od = Stats.Of(asDecay).median;
        Console.WriteLine();
        Console.WriteLine($"{"seconds per 1,000 iterations (median)",-44} {"Neurone",9} {"PyTorch",9} {"speed-up",9}");
        Console.WriteLine($"{"L2 term in the graph (as the script)",-44} {o,9:F3} {(t is null ? "-" : t.Value.ToString("F3", CultureInfo.InvariantCulture)),9} {(t is null ? "-" : (t.Value / o).ToString("F2", CultureInfo.InvariantCulture) + "x"),9}");
        Console.WriteLine($"{"L2 as SGD weight decay",-44} {od,9:F3} {"-",9} {(t is null ? "-" : (t.Value / od).ToString("F2", CultureInfo.InvariantCulture) + "x"),9}");
    }

    static List<double> Measure(Tensor x, Tensor y, Rng rng, int rounds, bool regInGraph, bool breakdown)
    {
        var fc1 = new Linear(D, H, rng: rng);
        var fc2 = new Linear(H, C, rng: rng);
        rng.FillNormal(fc1.Weight.AsSpan(), 0f, 1e-4f);
        rng.FillNormal(fc2.Weight.AsSpan(), 0f, 1e-4f);
        fc1.Bias!.AsSpan().Clear();
        fc2.Bias!.AsSpan().Clear();
        var model = new Sequential(fc1, new ReLU(), fc2);
        var sgd = new SGD(model.Parameters(), lr: Lr, weightDecay: regInGraph ? 0 : 2 * Reg);
        var lossFn = new CrossEntropyLoss();
        var idx = new int[B];
        // Phase timers (--breakdown): gathering, forward with loss (and L2 term), backward, optimizer step.
        var phase = new long[4];

        void Iterations(int k)
        {
            for (int it = 0; it < k; it++)
            {
                long t0 = Stopwatch.GetTimestamp();
                // Sampling with replacement, as the assignment (and the script) do.
                for (int i = 0; i < B; i++) idx[i] = rng.NextInt(N);
                var (xb, yb) = (x.GatherRows(idx), y.GatherRows(idx));
                long t1 = Stopwatch.GetTimestamp();
                var loss = lossFn.Forward(model.Forward(xb), yb);
                if (regInGraph) loss = loss + Reg * (F.SumOfSquares(fc1.Weight) + F.SumOfSquares(fc2.Weight));
                long t2 = Stopwatch.GetTimestamp();
                sgd.ZeroGrad();
                loss.Backward();
                long t3 = Stopwatch.GetTimestamp();
                sgd.Step();
                if (breakdown)
                {
                    phase[0] += t1 - t0;
                    phase[1] += t2 - t1;
                    phase[2] += t3 - t2;
                    phase[3] += Stopwatch.GetTimestamp() - t3;
                }
            }
        }

        Iterations(50);
        Array.Clear(phase);
        var seconds = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Iterations(1000);
            seconds.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            Console.WriteLine($"# {(regInGraph ? "L2 in graph" : "weight decay")}, round {r + 1}: {seconds[^1]:F3} s per 1,000 iterations");
        }
        if (breakdown)
        {
            double us = 1e6 / Stopwatch.Frequency / (1000.0 * rounds);
            Console.WriteLine($"# {(regInGraph ? "L2 in graph" : "weight decay")}, per iteration: gather {phase[0] * us:F0} µs, " +
                $"forward+loss {phase[1] * us:F0} µs, backward {phase[2] * us:F0} µs, optimizer {phase[3] * us:F0} µs; " +
                $"GC so far {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");
        }
        return seconds;
    }
}
