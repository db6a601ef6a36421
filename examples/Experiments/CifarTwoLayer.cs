using System.Diagnostics;
using System.Globalization;
using Neurone.Analysis;
using Neurone.Autograd;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// CS231n's two-layer net on CIFAR-10: 3072-H-10 ReLU, softmax loss with L2 regularisation, mini-batch
/// SGD (batch 200) with a per-epoch learning-rate decay, the assignment's 49,000 / 1,000 / 1,000 split
/// and mean-image subtraction. A random search over learning rate, regularisation and H on short runs
/// picks the settings; the best are then trained longer. Writes the first-layer weights as colour images.
/// </summary>
/// <remarks>
/// Differences from the assignment, on purpose: pixels are scaled to [0, 1] before the mean image is
/// subtracted (the assignment keeps 0–255, which only rescales the learning rate); weights start with
/// PyTorch's Linear initialisation instead of 1e-4·N(0, 1); the L2 term reg·(‖W1‖² + ‖W2‖²) is applied as
/// SGD weight decay 2·reg (the same gradient, without building the term in the graph; it also touches the
/// biases, which is negligible); and SGD uses momentum 0.9 (PyTorch's SGD with momentum), which reaches
/// the same accuracy in fewer epochs than plain SGD.
/// </remarks>
public sealed class CifarTwoLayerExperiment : Experiment
{
    public override string Name => "cifar-twolayer";
    public override string Description => "CS231n two-layer net 3072-H-10 on CIFAR-10, random search then longer training, weights picture";
    public override string Title => "CS231n two-layer net on CIFAR-10";
    public override string Reported => "11% (assignment goal about 50%)";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.52)];
    public override string Goal => base.Goal + ", weights picture";

    const int Batch = 200;
    const double Momentum = 0.9, Decay = 0.95;
    const double LrLow = 3e-3, LrHigh = 1e-1, RegLow = 1e-5, RegHigh = 1e-2;

    public override ExperimentResult Run(ExperimentContext context)
    {
        var clock = Stopwatch.StartNew();
        var log = context.Log;
        var lines = new List<string>();
        bool smoke = context.Smoke;

        var (trainAll, testAll, source) = LoadData(context);
        lines.Add(source);
        // The assignment's split: the first 49,000 training images, the next 1,000 for validation, the first 1,000 test images.
        int nTrain = smoke ? 2_000 : 49_000, nVal = smoke ? 200 : 1_000, nTest = smoke ? 200 : 1_000;
        var parts = Splits.ByCount(trainAll, [nTrain, nVal]);
        var testPart = Splits.ByCount(testAll, [nTest])[0];
        var meanImage = Normalize.FitMeanImage(parts[0]);
        // Materialised once as float tensors (49,000 × 3,072 floats = 602 MB): each step then only gathers rows.
        var (xTrain, yTrain) = parts[0].WithTransform(meanImage).Flatten().ToTensors();
        var (xVal, yVal) = parts[1].WithTransform(meanImage).Flatten().ToTensors();
        var (xTest, yTest) = testPart.WithTransform(meanImage).Flatten().ToTensors();
        double loadSeconds = clock.Elapsed.TotalSeconds;
        log.WriteLine($"data: {xTrain.Size(0)} / {xVal.Size(0)} / {xTest.Size(0)} images, mean image subtracted ({loadSeconds:F1} s)");

        // Search: short runs on the full training split, ranked by validation accuracy.
        int trials = smoke ? 2 : 20, searchEpochs = smoke ? 1 : 3, finalEpochs = smoke ? 2 : 30;
        int[] hidden = smoke ? [16, 32] : [200, 500, 1000];
        var space = new SearchSpace()
            .LogUniform("lr", LrLow, LrHigh)
            .LogUniform("reg", RegLow, RegHigh)
            .Choice("hidden", hidden);
        var searchClock = Stopwatch.StartNew();
        // Two rounds: the second half of the budget samples ranges narrowed around the first round's best quarter.
        var search = new HyperparameterSearch(space, trials, seed: 231) { Rounds = smoke ? 1 : 2, Log = log };
        var result = search.Run(p =>
        {
            var (model, _) = Train(p.Double("lr"), p.Double("reg"), p.Int("hidden"), searchEpochs, p.Seed, xTrain, yTrain, xVal, yVal, log, verbose: 0);
            return new TrialOutcome(AccuracyOf(model, xVal, yVal));
        });
        double searchSeconds = searchClock.Elapsed.TotalSeconds;
        log.WriteLine(result);
        File.WriteAllText(context.File("search.txt"), result + "\n");
        var best = result.Best.Parameters;
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"search: {trials} trials x {searchEpochs} epoch(s), {search.Rounds} round(s), over lr log-uniform [{LrLow:G2}, {LrHigh:G2}], reg log-uniform [{RegLow:G2}, {RegHigh:G2}], H in {{{string.Join(", ", hidden)}}}: " +
            $"best val {result.Best.ValidationAccuracy:P1} with lr {best.Double("lr"):G3}, reg {best.Double("reg"):G3}, H {best.Int("hidden")} ({searchSeconds:F0} s)"));

        // The best settings, trained longer.
        var finalClock = Stopwatch.StartNew();
        var (final, history) = Train(best.Double("lr"), best.Double("reg"), best.Int("hidden"), finalEpochs, best.Seed, xTrain, yTrain, xVal, yVal, log, verbose: smoke ? 0 : 1);
        double finalSeconds = finalClock.Elapsed.TotalSeconds;
        double val = AccuracyOf(final, xVal, yVal), test = AccuracyOf(final, xTest, yTest);
        new TrainingCurves(history).Save(context.File("curves.svg"));
        var w1 = ((Linear)final[0]).Weight;
        int shown = Math.Min(w1.Size(0), 64);
        ImageGrid.Weights(w1.Slice(0, shown), height: 32, width: 32, channels: 3, columns: 8, scale: 2).Save(context.File("weights.png"));

        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"final: H {best.Int("hidden")}, lr {best.Double("lr"):G3} x {Decay} per epoch, reg {best.Double("reg"):G3}, momentum {Momentum}, batch {Batch}, {finalEpochs} epochs ({finalSeconds:F0} s, {finalSeconds / finalEpochs:F1} s/epoch)"));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"accuracy: train (last epoch, running) {history["accuracy"][^1]:P1}, validation {val:P1}, test {test:P1} on {xTest.Size(0)} test images"));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"time: data {loadSeconds:F0} s, search {searchSeconds:F0} s, final training {finalSeconds:F0} s"));
        lines.Add($"pictures: weights.png (first {shown} hidden units' weights as 32x32 colour images), curves.svg; search table in search.txt");
        return new(lines, $"{ExperimentResult.Percent(test, 1)} test (H = {best.Int("hidden")} after a random search), weights picture",
            new Dictionary<string, double> { ["test accuracy"] = test });
    }

    static (Sequential Model, History History) Train(double lr, double reg, int hidden, int epochs, ulong seed,
        Tensor xTrain, Tensor yTrain, Tensor xVal, Tensor yVal, TextWriter log, int verbose)
    {
        var rng = new Rng(seed);
        var model = new Sequential(new Linear(3072, hidden, rng: rng), new ReLU(), new Linear(hidden, 10, rng: rng));
        var sgd = new SGD(model.Parameters(), lr: lr, momentum: Momentum, weightDecay: 2 * reg);
        var trainer = new Trainer(model, sgd, new CrossEntropyLoss(), new Accuracy()) { Output = log };
        var history = trainer.Fit(xTrain, yTrain, epochs, Batch, validationData: new TensorDataset(xVal, yVal),
            callbacks: [new LearningRateSchedule(new ExponentialLR(sgd, Decay))], verbose: verbose, rng: rng);
        return (model, history);
    }

    static double AccuracyOf(Module model, Tensor x, Tensor y)
    {
        model.Eval();
        int correct = 0;
        var labels = y.AsLongSpan();
        using (GradMode.NoGrad())
            for (int start = 0; start < x.Size(0); start += 1000)
            {
                int n = Math.Min(1000, x.Size(0) - start);
                var predicted = model.Forward(x.Slice(start, n)).ArgMax(1).AsLongSpan();
                for (int i = 0; i < n; i++) if (predicted[i] == labels[start + i]) correct++;
            }
        model.Train();
        return correct / (double)x.Size(0);
    }

    /// <summary>
    /// CIFAR-10 from --data-dir, else from the cache folder when it holds the extracted batches; at smoke
    /// size without either, random 3×32×32 images with random labels stand in (no download in tests).
    /// </summary>
    static (Dataset Train, Dataset Test, string Source) LoadData(ExperimentContext context)
    {
        if (context.DataDirectory is { } dir)
        {
            var (train, test) = Cifar10.Load(dir);
            return (train, test, $"data: CIFAR-10 from {dir}");
        }
        string cache = DataCache.DirectoryFor("cifar-10");
        bool cached = File.Exists(Path.Combine(cache, Cifar10.FolderName, "test_batch.bin")) || File.Exists(Path.Combine(cache, Cifar10.ArchiveName));
        if (cached || !context.Smoke)
        {
            var (train, test) = Cifar10.Load(cached ? cache : null);
            return (train, test, $"data: CIFAR-10 from {cache}");
        }
        var rng = new Rng(7);
        ImageDataset Random(int n)
        {
            var pixels = new byte[n * 3072];
            var labels = new byte[n];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
            for (int i = 0; i < n; i++) labels[i] = (byte)rng.NextInt(10);
            return new ImageDataset(pixels, labels, 3, 32, 32, [.. Cifar10.ClassNames]);
        }
        return (Random(2_200), Random(200), "data: CIFAR-10 not found, smoke run on random 3x32x32 images (accuracy is chance level)");
    }
}
