using System.Globalization;
using System.Text.Json;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Bench;

/// <summary>
/// The workload of ../shared/bench/lstm_imdb.py, ours and PyTorch's side by side in one invocation: the Keras IMDB
/// model Embedding(20000, 128) → LSTM(128) → Linear(128, 1) on its final hidden state, BCE with logits, Adam 1e-3,
/// batch 32, 200 tokens, random tokens (speed only). Reports the training step (ms, median), inference latency at
/// batch 1 (ms) and throughput at batch 256 (sequences/s), the ratio to PyTorch and the share of the machine's
/// measured FP32 peak (the LSTM's GEMM flops: 2·B·T·4H·(I + H) forward, three times that for a training step).
/// Options: --steps N (30), --threads N (2), --seed N (0), --no-anchor, --anchor-file PATH, --no-peak, --peak GFLOPS, --breakdown.
/// </summary>
static class LstmBench
{
    const int Vocab = 20000, Dim = 128, Hidden = 128, Steps = 200, Batch = 32, Examples = 25000;

    sealed class Net : Module
    {
        public readonly Parameter Embedding;
        public readonly LSTM Lstm;
        public readonly Linear Head;

        public Net(Rng rng)
        {
            Embedding = RegisterParameter("emb", Tensor.Randn([Vocab, Dim], rng));
            Lstm = RegisterModule("lstm", new LSTM(Dim, Hidden, batchFirst: true, rng: rng));
            Head = RegisterModule("fc", new Linear(Hidden, 1, rng: rng));
        }

        public override Tensor Forward(Tensor tokens)
        {
            var h = Lstm.Forward(F.Embedding(tokens, Embedding)).H; // [1, B, H]
            return Head.Forward(h.Reshape(h.Size(1), Hidden)).Reshape(h.Size(1));
        }
    }

    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        bool Flag(string name) => Array.IndexOf(args, name) >= 0;
        int steps = int.Parse(Opt("--steps") ?? "30", CultureInfo.InvariantCulture);
        int threads = int.Parse(Opt("--threads") ?? "2", CultureInfo.InvariantCulture);
        ulong seed = ulong.Parse(Opt("--seed") ?? "0", CultureInfo.InvariantCulture);
        Parallelism.Threads = threads;
        Console.WriteLine($"# lstm_imdb: Embedding({Vocab}, {Dim}) → LSTM({Hidden}) → Linear, batch {Batch}, T {Steps}, Adam, {threads} threads, SIMD {Simd.Best}, {steps} steps");

        var rng = new Rng(seed);
        var tokens = new long[Examples * Steps];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = 1 + (long)rng.NextInt(Vocab - 1);
        var x = Tensor.FromLongs(tokens, Examples, Steps);
        var labels = new float[Examples];
        for (int i = 0; i < Examples; i++) labels[i] = rng.NextInt(2);
        var y = Tensor.FromArray(labels, Examples);

        var model = new Net(rng);
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var lossFn = new BCEWithLogitsLoss();
        var idx = new int[Batch];
        // --breakdown: forward with loss, backward, optimizer step, summed over the timed steps.
        var phase = new double[3];
        void TrainStep()
        {
            for (int i = 0; i < Batch; i++) idx[i] = rng.NextInt(Examples);
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            var loss = lossFn.Forward(model.Forward(x.GatherRows(idx)), y.GatherRows(idx));
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            optimizer.ZeroGrad();
            loss.Backward();
            long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            optimizer.Step();
            phase[0] += t1 - t0;
            phase[1] += t2 - t1;
            phase[2] += System.Diagnostics.Stopwatch.GetTimestamp() - t2;
        }
        for (int i = 0; i < 5; i++) TrainStep();
        Array.Clear(phase);
        var train = Measure.Time(TrainStep, steps, 0);
        if (Flag("--breakdown"))
            Console.WriteLine($"# breakdown per step: forward {PhaseMs(0)} ms, backward {PhaseMs(1)} ms, optimizer {PhaseMs(2)} ms (means)");
        string PhaseMs(int k) => (1e3 * phase[k] / System.Diagnostics.Stopwatch.Frequency / steps).ToString("F1", CultureInfo.InvariantCulture);
        model.Eval();
        double[] inf1, inf256;
        using (GradMode.NoGrad())
        {
            var x1 = x.Slice(0, 1);
            var x256 = x.Slice(0, 256);
            inf1 = Measure.Time(() => model.Forward(x1), 100, 5);
            inf256 = Measure.Time(() => model.Forward(x256), 10, 2);
        }
        double trainMs = 1e3 * Stats.Median(train), inf1Ms = 1e3 * Stats.Median(inf1), inf256Rate = 256 / Stats.Median(inf256);

        JsonElement? anchor = Flag("--no-anchor") ? null
            : Anchor.Run("lstm_imdb.py", $"--threads {threads} --steps {Math.Max(steps, 20)}", Opt("--anchor-file"));
        double? Ref(string key) => anchor is JsonElement a && a.TryGetProperty(key, out var v) ? v.GetProperty("median").GetDouble() : null;
        double peak = Flag("--no-peak") ? 339 : double.Parse(Opt("--peak") ?? GemmBench.MeasurePeak().ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        double peakThreads = peak * Math.Min(threads, 2) / 2;

        double FwdFlops(int batch) => 2.0 * batch * Steps * 4 * Hidden * (Dim + Hidden);
        string Share(double flops, double seconds) => (100 * flops / seconds / 1e9 / peakThreads).ToString("F1", CultureInfo.InvariantCulture) + "%";
        static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"{"lstm_imdb",-28} {"ours",12} {"PyTorch",12} {"speed-up",9} {"of peak",8}");
        void Row(string name, double ours, double? torch, bool lowerIsBetter, double flops, double seconds)
        {
            string t = torch is double v ? F2(v) : "-";
            string ratio = torch is double w ? F2(lowerIsBetter ? w / ours : ours / w) + "×" : "-";
            Console.WriteLine($"{name,-28} {F2(ours),12} {t,12} {ratio,9} {Share(flops, seconds),8}");
        }
        Row("train ms/step (b32)", trainMs, Ref("train_ms_per_step_b32"), true, 3 * FwdFlops(Batch), trainMs / 1e3);
        Row("infer ms (b1)", inf1Ms, Ref("infer_batch1_ms"), true, FwdFlops(1), inf1Ms / 1e3);
        Row("infer seq/s (b256)", inf256Rate, Ref("infer_batch256_seq_per_s"), false, FwdFlops(256), 256 / inf256Rate);
        Console.WriteLine($"# medians; train min {F2(1e3 * train.Min())} max {F2(1e3 * train.Max())} ms; peak {peak:F0} GFLOPS on 2 threads ({peakThreads:F0} for {threads}); the machine is shared, so timings are noisy");
    }
}
