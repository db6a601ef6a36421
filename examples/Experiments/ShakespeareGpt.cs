using System.Diagnostics;
using System.Globalization;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Experiments;

/// <summary>
/// nanoGPT's "baby GPT" on Tiny Shakespeare characters, its CPU configuration: 4 layers, 4 heads, 128 wide, context
/// 64, batch 12, no dropout, GPT-2's initialisation, AdamW (β = 0.9, 0.99; weight decay 0.1 on matrices) at 1e-3
/// with 100 warm-up steps and cosine decay to 1e-4, gradient norm clipped at 1.0, 2,000 iterations; three seeds.
/// The validation loss is the mean cross-entropy over 200 random validation windows of the last 10% of the text
/// (nanoGPT's figure: 1.88; ../shared/bench/gpt_char.py, the same configuration in PyTorch: 1.888).
/// </summary>
public sealed class ShakespeareGptExperiment : Experiment
{
    public override string Name => "shakespeare-gpt";
    public override string Description => "Tiny Shakespeare characters, nanoGPT's baby GPT (4 × 4 heads × 128, context 64), 2,000 iterations, 3 seeds";
    public override string Title => "character GPT on Tiny Shakespeare";
    public override string Reported => "nanoGPT 1.88, PyTorch here 1.888";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.NoMoreThan("mean validation loss", 1.89, percent: false)];

    /// <summary>The training run of one seed: its final losses, time and model.</summary>
    public sealed record Run1(double ValidationLoss, double TrainLoss, double Seconds, double MsPerIteration, GPT Model);

    public override ExperimentResult Run(ExperimentContext context)
    {
        var corpus = Corpus(context, out string source);
        int iterations = context.Smoke ? 4 : 2000, evalBatches = context.Smoke ? 2 : 200;
        var seeds = context.Smoke ? new ulong[] { 1 } : [1, 2, 3];
        var runs = new List<Run1>();
        foreach (var seed in seeds)
        {
            var r = Train(corpus, seed, iterations, evalBatches, context.Smoke ? 32 : 128, context.Log);
            context.Log.WriteLine(FormattableString.Invariant($"seed {seed}: validation {r.ValidationLoss:F4}, train {r.TrainLoss:F4}, {r.Seconds:F1} s ({r.MsPerIteration:F1} ms/iteration)"));
            runs.Add(r);
        }
        double meanVal = runs.Average(r => r.ValidationLoss);
        var sample = corpus.Decode(runs[0].Model.Generate(corpus.Encode("\n"), context.Smoke ? 20 : 500, 0.8f, 200, seed: 7));
        File.WriteAllText(context.File("sample.txt"), sample);
        var lines = new List<string>
        {
            $"data: {source} ({corpus.Train.Length:N0} training and {corpus.Validation.Length:N0} validation characters, vocabulary {corpus.VocabSize})",
            $"GPT 4 layers × 4 heads × 128, context 64, batch 12, AdamW 1e-3 (100 warm-up, cosine to 1e-4), clip 1.0, {iterations} iterations, {runs[0].Model.ParameterCount():N0} parameters",
            FormattableString.Invariant($"validation loss per seed: {string.Join(", ", runs.Select(r => r.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture)))}; mean {meanVal:F4}"),
            FormattableString.Invariant($"train loss mean {runs.Average(r => r.TrainLoss):F4}; {runs.Average(r => r.Seconds):F1} s per run, {runs.Average(r => r.MsPerIteration):F1} ms per iteration"),
            "sample (seed 1, temperature 0.8, top-k 200) in sample.txt:",
            sample,
        };
        return new(lines, FormattableString.Invariant($"validation loss {meanVal:F3} (mean of {runs.Count} seeds; {runs.Average(r => r.MsPerIteration):F1} ms/iteration)"),
            new Dictionary<string, double> { ["mean validation loss"] = meanVal });
    }

    static CharCorpus Corpus(ExperimentContext context, out string source)
    {
        foreach (var dir in new[] { context.DataDirectory, "../shared/datasets", "../../shared/datasets" })
        {
            if (dir is null) continue;
            var path = Path.Combine(dir, "tinyshakespeare", "input.txt");
            if (File.Exists(path)) { source = path; return CharCorpus.FromFile(path); }
        }
        if (!context.Smoke) throw new FileNotFoundException("shakespeare-gpt: tinyshakespeare/input.txt not found; pass --data-dir with a tinyshakespeare folder (../shared/datasets).");
        source = "a built-in verse (smoke run)";
        return new CharCorpus(string.Concat(Enumerable.Repeat("First Citizen:\nBefore we proceed any further, hear me speak.\n", 40)));
    }

    /// <summary>One training run of the configuration above; public so the bench can time the same step.</summary>
    public static Run1 Train(CharCorpus corpus, ulong seed, int iterations, int evalBatches, int width, TextWriter log)
    {
        const int context = 64, batch = 12, warmup = 100;
        const double lr = 1e-3, minLr = 1e-4;
        var rng = new Rng(seed);
        var model = new GPT(corpus.VocabSize, context, width, 4, 4, 0f, rng);
        var optimizer = new AdamW(ParamGroup.DecayWeightsOnly(model, 0.1), lr, 0.9, 0.99);
        var data = new Rng(seed + 1000);
        var clock = Stopwatch.StartNew();
        double stepSeconds = 0;
        for (int it = 0; it < iterations; it++)
        {
            optimizer.LearningRate = it < warmup ? lr * (it + 1) / warmup
                : minLr + 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (it - warmup) / (double)Math.Max(1, iterations - warmup)))) * (lr - minLr);
            long t0 = Stopwatch.GetTimestamp();
            Step(model, optimizer, corpus, data, batch, context);
            if (it >= 10) stepSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if ((it + 1) % 500 == 0) log.WriteLine(FormattableString.Invariant($"  seed {seed} iteration {it + 1}: {clock.Elapsed.TotalSeconds:F1} s"));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var evalRng = new Rng(seed + 2000);
        double val = Estimate(model, corpus, evalRng, evalBatches, batch, context, validation: true);
        double train = Estimate(model, corpus, evalRng, evalBatches, batch, context, validation: false);
        return new(val, train, seconds, 1e3 * stepSeconds / Math.Max(1, iterations - 10), model);
    }

    /// <summary>One training iteration: a batch, forward, loss, backward, clipping and the update.</summary>
    public static double Step(GPT model, Optimizer optimizer, CharCorpus corpus, Rng data, int batch, int context)
    {
        var (x, y) = corpus.Batch(batch, context, data);
        var logits = model.Forward(x);
        var loss = F.CrossEntropy(logits.Reshape(batch * context, corpus.VocabSize), y.Reshape(batch * context));
        optimizer.ZeroGrad();
        loss.Backward();
        ClipGrad.ClipGradNorm(optimizer, 1.0);
        optimizer.Step();
        return loss.Item();
    }

    static double Estimate(GPT model, CharCorpus corpus, Rng rng, int batches, int batch, int context, bool validation)
    {
        model.Eval();
        using var noGrad = GradMode.NoGrad();
        double sum = 0;
        for (int i = 0; i < batches; i++)
        {
            var (x, y) = corpus.Batch(batch, context, rng, validation);
            sum += F.CrossEntropy(model.Forward(x).Reshape(batch * context, corpus.VocabSize), y.Reshape(batch * context)).Item();
        }
        model.Train();
        return sum / batches;
    }
}
