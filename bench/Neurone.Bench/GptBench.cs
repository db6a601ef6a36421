using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Bench;

/// <summary>
/// The workload of ../shared/bench/gpt_char.py, ours and PyTorch's side by side in one invocation: nanoGPT's baby GPT
/// (4 layers, 4 heads, 128 wide, context 64, batch 12, tied head) on characters, AdamW with weight decay on the
/// weights only, gradient clipping at 1.0. Reports ms per iteration (median), the ratio to PyTorch and the share of
/// the machine's measured FP32 peak (6 flops per parameter and token for the dense layers, plus attention's
/// 12·layers·T·d per token: the usual transformer count). The text is Tiny Shakespeare when --text names it, otherwise
/// a generated text over 65 characters (speed does not depend on the characters).
/// Options: --iters N (60), --threads N (2), --no-anchor, --anchor-file PATH, --no-peak, --peak GFLOPS, --breakdown, --text PATH.
/// </summary>
static class GptBench
{
    const int Context = 64, Batch = 12, Width = 128, Layers = 4, Heads = 4;

    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        bool Flag(string name) => Array.IndexOf(args, name) >= 0;
        int iters = int.Parse(Opt("--iters") ?? "60", CultureInfo.InvariantCulture);
        int threads = int.Parse(Opt("--threads") ?? "2", CultureInfo.InvariantCulture);
        Parallelism.Threads = threads;
        Console.WriteLine($"# gpt_char: GPT {Layers} layers × {Heads} heads × {Width}, context {Context}, batch {Batch}, AdamW, clip 1.0, {threads} threads, SIMD {Simd.Best}, {iters} iterations");

        var corpus = new CharCorpus(Opt("--text") is string path ? File.ReadAllText(path) : GeneratedText(200_000));
        var rng = new Rng(0);
        var model = new GPT(corpus.VocabSize, Context, Width, Layers, Heads, 0f, rng);
        var optimizer = new AdamW(ParamGroup.DecayWeightsOnly(model, 0.1), 1e-3, 0.9, 0.99);
        var phase = new double[4];
        void Step()
        {
            long t0 = Stopwatch.GetTimestamp();
            var (x, y) = corpus.Batch(Batch, Context, rng);
            var logits = model.Forward(x);
            var loss = F.CrossEntropy(logits.Reshape(Batch * Context, corpus.VocabSize), y.Reshape(Batch * Context));
            long t1 = Stopwatch.GetTimestamp();
            optimizer.ZeroGrad();
            loss.Backward();
            long t2 = Stopwatch.GetTimestamp();
            ClipGrad.ClipGradNorm(optimizer, 1.0);
            long t3 = Stopwatch.GetTimestamp();
            optimizer.Step();
            phase[0] += t1 - t0;
            phase[1] += t2 - t1;
            phase[2] += t3 - t2;
            phase[3] += Stopwatch.GetTimestamp() - t3;
        }
        for (int i = 0; i < 5; i++) Step();
        Array.Clear(phase);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var times = Measure.Time(Step, iters, 0);
        double allocatedPerStep = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iters;
        string PhaseMs(int k) => (1e3 * phase[k] / Stopwatch.Frequency / iters).ToString("F1", CultureInfo.InvariantCulture);
        if (Flag("--breakdown"))
            Console.WriteLine($"# breakdown per step: forward with loss {PhaseMs(0)} ms, backward {PhaseMs(1)} ms, clipping {PhaseMs(2)} ms, optimizer {PhaseMs(3)} ms (means); {allocatedPerStep / 1e6:F1} MB allocated per step on the calling thread");
        double ms = 1e3 * Stats.Median(times);

        JsonElement? anchor = Flag("--no-anchor") ? null : Anchor.Run("gpt_char.py", $"--threads {threads} --iters {Math.Max(iters, 30)} --eval-iters 1", Opt("--anchor-file"));
        double? torchMs = anchor is JsonElement a && a.TryGetProperty("ms_per_iter", out var v) ? v.GetProperty("median").GetDouble() : null;
        double peak = Flag("--no-peak") ? 339 : double.Parse(Opt("--peak") ?? GemmBench.MeasurePeak().ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        double peakThreads = peak * Math.Min(threads, 2) / 2;
        long parameters = model.ParameterCount();
        double flops = (6.0 * parameters + 12.0 * Layers * Context * Width) * Batch * Context;
        static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"{"gpt_char",-24} {"ours",10} {"PyTorch",10} {"speed-up",9} {"of peak",8}");
        Console.WriteLine($"{"ms/iteration",-24} {F2(ms),10} {(torchMs is double t ? F2(t) : "-"),10} {(torchMs is double u ? F2(u / ms) + "×" : "-"),9} {(100 * flops / (ms / 1e3) / 1e9 / peakThreads).ToString("F1", CultureInfo.InvariantCulture) + "%",8}");
        Console.WriteLine($"# medians; ours min {F2(1e3 * times.Min())} max {F2(1e3 * times.Max())} ms; {parameters:N0} parameters, {flops / 1e9:F2} GFLOP per iteration; peak {peak:F0} GFLOPS on 2 threads; the machine is shared, so timings are noisy");
    }

    /// <summary>A text of <paramref name="length"/> characters over 65 symbols, seeded, with word-like runs.</summary>
    static string GeneratedText(int length)
    {
        const string symbols = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var rng = new Rng(7);
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = symbols[rng.NextInt(symbols.Length)];
        return new string(chars);
    }
}
