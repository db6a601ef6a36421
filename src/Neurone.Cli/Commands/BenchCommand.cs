using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Cli.Commands;

/// <summary>
/// <c>neurone bench</c>: a one-minute look at this machine's speed with no data and no Python — SGEMM
/// GFLOPS and the MNIST-sized MLP's training step and inference. The side-by-side comparison with
/// PyTorch lives in bench/ (docs/performance.md).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var threads = new Option<int>("--threads") { Description = "Kernel threads (default: all cores).", DefaultValueFactory = _ => 0 };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--threads must be 0 (all cores) or more."); });
        var command = new Command("bench", """
            Measure SGEMM GFLOPS and a 784-512-256-10 MLP's training step and inference on random data.
            For figures next to PyTorch's, run the benchmark program in bench/ (docs/performance.md).

            Examples:
              neurone bench
              neurone bench --threads 1
            """) { threads };
        command.SetAction(r =>
        {
            if (r.GetValue(threads) > 0) Parallelism.Threads = r.GetValue(threads);
            output.WriteLine($"neurone bench: {Environment.ProcessorCount} cores, {Parallelism.Threads} threads, SIMD {Simd.Best}");
            foreach (var (m, n, k, transB) in new[] { (1024, 1024, 1024, false), (128, 512, 784, true) })
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sgemm {m}x{n}x{k}{(transB ? " (x·Wᵀ)" : "")}: {Gflops(m, n, k, transB):F0} GFLOPS"));
            var (step, infer) = Mlp();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  MLP 784-512-256-10, SGD: training step at batch 128 {step:F2} ms, inference at batch 1 {infer:F1} µs"));
            return 0;
        });
        return command;
    }

    static double Median(Action action, int reps)
    {
        for (int i = 0; i < Math.Max(3, reps / 10); i++) action();
        var t = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        Array.Sort(t);
        return t[reps / 2];
    }

    static double Gflops(int m, int n, int k, bool transB)
    {
        var rng = new Rng(0);
        var a = Tensor.Rand([m, k], rng).ToArray();
        var b = Tensor.Rand([k, n], rng).ToArray();
        var c = new float[m * n];
        double seconds = Median(() => Gemm.Multiply(false, transB, m, n, k, 1f, a, k, b, transB ? k : n, 0f, c, n), 20);
        return 2.0 * m * n * k / seconds / 1e9;
    }

    static (double StepMs, double InferUs) Mlp()
    {
        var rng = new Rng(0);
        var model = new Sequential(new Linear(784, 512, rng: rng), new ReLU(), new Linear(512, 256, rng: rng), new ReLU(), new Linear(256, 10, rng: rng));
        var optimizer = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var loss = new CrossEntropyLoss();
        var x = Tensor.Randn([128, 784], rng);
        var y = Tensor.FromLongs(Enumerable.Range(0, 128).Select(i => (long)(i % 10)).ToArray());
        double step = Median(() =>
        {
            var l = loss.Forward(model.Forward(x), y);
            optimizer.ZeroGrad();
            l.Backward();
            optimizer.Step();
        }, 200);
        model.Eval();
        var one = x.Slice(0, 1);
        double infer;
        using (GradMode.NoGrad()) infer = Median(() => model.Forward(one), 1000);
        return (step * 1e3, infer * 1e6);
    }
}
