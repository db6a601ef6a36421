using System.Diagnostics;
using System.Globalization;
using Neurone.Analysis;
using Neurone.Data;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Bench;

/// <summary>
/// Hyperparameter-search figures: the same random search (--trials, default 8: SGD learning rate
/// log-uniform in [1e-3, 1], hidden size 32/64/128, one epoch of a 784-h-10 MLP on 5,000 MNIST training
/// images, validated on 1,000 others) run with trials one at a time and two at a time (--parallel), with
/// the wall time of each and the table of the first. --large uses hidden sizes 512/1024 and batches of
/// 256 instead of 32/64/128 and 64. Answers whether parallel trials pay on this machine.
/// </summary>
static class SearchBench
{
    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        int trials = int.Parse(Opt("--trials") ?? "8", CultureInfo.InvariantCulture);
        int parallel = int.Parse(Opt("--parallel") ?? "2", CultureInfo.InvariantCulture);
        // --large: hidden 512/1024 and batches of 256, big enough that each GEMM already uses every core.
        bool large = args.Contains("--large");
        int batch = large ? 256 : 64;
        int[] hiddens = large ? [512, 1024] : [32, 64, 128];
        if (Opt("--threads") is { } t) Parallelism.Threads = int.Parse(t, CultureInfo.InvariantCulture);
        ImageDataset full;
        try { full = Mnist.Load(DataCache.DirectoryFor("mnist")).Train; }
        catch (Exception e) when (e is IOException or InvalidDataException) { Console.WriteLine($"# search skipped: {e.Message}"); return; }
        var data = full.WithTransform(Normalize.FitGlobal(full)).Flatten();
        var parts = Splits.ByCount(data, [5000, 1000, full.Count - 6000], new Rng(0));
        var (trainX, trainY) = parts[0].ToTensors();
        var (valX, valY) = parts[1].ToTensors();
        var train = new TensorDataset(trainX, trainY);
        var validation = new TensorDataset(valX, valY);
        Console.WriteLine($"# search: {trials} trials, MLP 784-h-10 with h in {{{string.Join(", ", hiddens)}}}, 1 epoch in batches of {batch} on 5,000 MNIST images, {Parallelism.Threads} kernel threads");

        TrialOutcome Trial(TrialParameters p)
        {
            var rng = new Rng(p.Seed);
            int hidden = p.Int("hidden");
            var model = new Sequential(new Linear(784, hidden, rng: rng), new ReLU(), new Linear(hidden, 10, rng: rng));
            var trainer = new Trainer(model, new SGD(model.Parameters(), lr: p.Double("lr"), momentum: 0.9), new CrossEntropyLoss(), new Accuracy());
            trainer.Fit(train, epochs: 1, batchSize: batch, verbose: 0, rng: rng);
            return new TrialOutcome(trainer.Evaluate(validation)["accuracy"], model);
        }
        var space = new SearchSpace().LogUniform("lr", 1e-3, 1).Choice("hidden", hiddens);
        new HyperparameterSearch(space, 2, seed: 1).Run(Trial); // warm-up: JIT and worker threads
        SearchResult? first = null;
        foreach (int at in new[] { 1, parallel })
        {
            var sw = Stopwatch.StartNew();
            var result = new HyperparameterSearch(space, trials, seed: 0) { MaxParallelTrials = at }.Run(Trial);
            Console.WriteLine($"{(at == 1 ? "sequential" : $"{at} trials at once"),-18} {sw.Elapsed.TotalSeconds,7:F2} s   best val_acc {result.Best.ValidationAccuracy:F4}");
            first ??= result;
        }
        Console.WriteLine(first);
    }
}
