using System.Diagnostics;
using System.Globalization;
using System.Text;
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
/// Autoencoders 784-512-code-512-784 (ReLU, sigmoid output) on Fashion-MNIST for codes of 400, 256, 100,
/// 64 and 16, each trained once with MSE and once with binary cross-entropy, everything else equal
/// (seed, initial weights, batch order, Adam, epochs). Reports the test-set reconstruction MSE per code size
/// and loss, a reconstructions grid for one size, and t-SNE maps of the images, their codes and their
/// reconstructions for 2,000 test images, each with its trustworthiness.
/// </summary>
public sealed class FashionAutoencoderExperiment : Experiment
{
    public override string Name => "fashion-autoencoder";
    public override string Description => "autoencoders on Fashion-MNIST, codes 400/256/100/64/16, MSE vs BCE: test MSE table, reconstructions, t-SNE";
    public override string Title => "autoencoder on Fashion-MNIST";
    public override string Reported => "BCE beats MSE at every size";
    public override string Goal => "table, t-SNE maps, reconstructions";

    static readonly int[] CodeSizes = [400, 256, 100, 64, 16];
    const int ShownCode = 64, Batch = 128;
    const double LearningRate = 1e-3;

    public override ExperimentResult Run(ExperimentContext context)
    {
        var log = context.Log;
        bool smoke = context.Smoke;
        var lines = new List<string>();
        var clock = Stopwatch.StartNew();

        var (train, test, classNames, source) = LoadData(context);
        lines.Add(source);
        var (xTrain, _) = train.Flatten().ToTensors();
        var (xTest, yTest) = test.Flatten().ToTensors();
        int epochs = smoke ? 1 : 10;
        log.WriteLine($"data: {xTrain.Size(0)} training, {xTest.Size(0)} test images; {epochs} epoch(s) per model");

        // Test MSE per code size, for [MSE-trained, BCE-trained].
        var testMse = new double[CodeSizes.Length, 2];
        var seconds = new double[CodeSizes.Length, 2];
        Sequential? shownEncoder = null;
        Tensor? shownRecon = null;
        var reconstructions = new Tensor[2];
        string[] lossNames = ["MSE", "BCE"];
        for (int s = 0; s < CodeSizes.Length; s++)
        {
            var models = new (Sequential Encoder, Sequential Decoder)[2];
            for (int l = 0; l < 2; l++)
            {
                var modelClock = Stopwatch.StartNew();
                // The same seed for both losses: same initial weights and the same batch order.
                var rng = new Rng(1000 + (ulong)CodeSizes[s]);
                var encoder = new Sequential(new Linear(784, 512, rng: rng), new ReLU(), new Linear(512, CodeSizes[s], rng: rng), new ReLU());
                var decoder = new Sequential(new Linear(CodeSizes[s], 512, rng: rng), new ReLU(), new Linear(512, 784, rng: rng), new Sigmoid());
                var model = new Sequential(encoder, decoder);
                Loss loss = l == 0 ? new MSELoss() : new BCELoss();
                var trainer = new Trainer(model, new Adam(model.Parameters(), lr: LearningRate), loss) { Output = log };
                trainer.Fit(xTrain, xTrain, epochs, Batch, verbose: 0, rng: rng);
                var recon = trainer.Predict(xTest, 1000);
                testMse[s, l] = MeanSquaredError(recon, xTest);
                seconds[s, l] = modelClock.Elapsed.TotalSeconds;
                models[l] = (encoder, decoder);
                if (CodeSizes[s] == ShownCode) reconstructions[l] = recon;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"code {CodeSizes[s],3}, {lossNames[l]} loss: test MSE {testMse[s, l]:F5} ({seconds[s, l]:F1} s)"));
            }
            if (CodeSizes[s] == ShownCode)
            {
                // t-SNE of the codes uses the model whose loss gave the lower test MSE at this size.
                int better = testMse[s, 1] <= testMse[s, 0] ? 1 : 0;
                shownEncoder = models[better].Encoder;
                shownRecon = reconstructions[better];
                lines.Add($"maps and grid: code {ShownCode}, {lossNames[better]}-trained model (the lower test MSE at that size)");
            }
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;

        // The table.
        var table = new StringBuilder();
        table.AppendLine("| code | test MSE, trained with MSE | test MSE, trained with BCE | lower |");
        table.AppendLine("|---:|---:|---:|---|");
        int bceWins = 0;
        var lowerWith = new List<string>[] { [], [] };
        for (int s = 0; s < CodeSizes.Length; s++)
        {
            bool bce = testMse[s, 1] < testMse[s, 0];
            if (bce) bceWins++;
            lowerWith[bce ? 1 : 0].Add(CodeSizes[s].ToString(CultureInfo.InvariantCulture));
            table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {CodeSizes[s]} | {testMse[s, 0]:F5} | {testMse[s, 1]:F5} | {(bce ? "BCE" : "MSE")} |"));
        }
        File.WriteAllText(context.File("mse-table.md"), table.ToString());
        log.Write(table);
        var chart = new LineChart("Fashion-MNIST autoencoder: test reconstruction MSE", "code size", "test MSE") { LogX = true };
        var xs = CodeSizes.Select(c => (double)c).ToArray();
        chart.Add("trained with MSE", xs, Enumerable.Range(0, CodeSizes.Length).Select(s => testMse[s, 0]).ToArray());
        chart.Add("trained with BCE", xs, Enumerable.Range(0, CodeSizes.Length).Select(s => testMse[s, 1]).ToArray(), dashed: true);
        chart.Save(context.File("mse-by-code.svg"));
        lines.Add($"test reconstruction MSE (mean over {xTest.Size(0)} test images x 784 pixels in [0, 1]), {epochs} epoch(s) of Adam lr {LearningRate}, batch {Batch}, per model:");
        foreach (var row in table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) lines.Add("  " + row);
        lines.Add($"BCE gave the lower test MSE at {bceWins} of {CodeSizes.Length} code sizes");

        // Reconstructions of the first test images by both models at the shown size.
        ImageGrid.Reconstructions(xTest, reconstructions[0], count: 10, scale: 2, height: 28, width: 28, channels: 1).Save(context.File($"reconstructions-{ShownCode}-mse.png"));
        ImageGrid.Reconstructions(xTest, reconstructions[1], count: 10, scale: 2, height: 28, width: 28, channels: 1).Save(context.File($"reconstructions-{ShownCode}-bce.png"));

        // t-SNE of images, codes and reconstructions for a subset of the test set.
        var mapClock = Stopwatch.StartNew();
        int subset = Math.Min(smoke ? 120 : 2_000, xTest.Size(0));
        var images = xTest.Slice(0, subset);
        Tensor codes;
        using (GradMode.NoGrad())
        {
            shownEncoder!.Eval();
            codes = shownEncoder.Forward(images);
        }
        var trust = new List<double>();
        var labels = yTest.ToIntArray()[..subset];
        foreach (var (name, data) in new[] { ("images", images), ("codes", codes), ("reconstructions", shownRecon!.Slice(0, subset)) })
        {
            var tsne = new Tsne { Seed = 0, MaxIter = smoke ? 300 : 1000 };
            var map = tsne.FitTransform(data);
            trust.Add(Tsne.Trustworthiness(data, map, k: 5));
            string title = string.Create(CultureInfo.InvariantCulture, $"t-SNE of {subset} test {name} ({data.Size(1)}-d), trustworthiness {trust[^1]:F3}");
            new ScatterPlot(map, labels, classNames, title).Save(context.File($"tsne-{name}.svg"));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"t-SNE {name} ({data.Size(1)}-d): trustworthiness (k = 5) {trust[^1]:F3}, KL {tsne.KlDivergence:F3}"));
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"time: 10 models {trainSeconds:F0} s (data included), t-SNE maps {mapClock.Elapsed.TotalSeconds:F0} s"));
        lines.Add($"pictures: mse-by-code.svg, reconstructions-{ShownCode}-mse.png, reconstructions-{ShownCode}-bce.png, tsne-images.svg, tsne-codes.svg, tsne-reconstructions.svg; table in mse-table.md");
        static string Sizes(List<string> sizes) => sizes.Count == 0 ? "none" : string.Join(", ", sizes);
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"BCE lower at {bceWins} of {CodeSizes.Length} code sizes ({Sizes(lowerWith[1])}), MSE at {Sizes(lowerWith[0])}, after {epochs} epochs each; t-SNE trustworthiness {trust.Min():F3}–{trust.Max():F3}");
        return new(lines, summary, new Dictionary<string, double> { ["code sizes where BCE is lower"] = bceWins });
    }

    static double MeanSquaredError(Tensor a, Tensor b)
    {
        var x = a.AsReadOnlySpan();
        var y = b.AsReadOnlySpan();
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - y[i];
            sum += d * d;
        }
        return sum / x.Length;
    }

    /// <summary>
    /// Fashion-MNIST from --data-dir, its fashion-mnist folder (so that 'all' can share one --data-dir) or the cache;
    /// at smoke size without it, the embedded 8×8 digits upscaled to 28×28 stand in (no download in tests). Smoke
    /// runs use small subsets either way.
    /// </summary>
    static (Dataset Train, Dataset Test, IReadOnlyList<string> ClassNames, string Source) LoadData(ExperimentContext context)
    {
        string[] candidates = context.DataDirectory is { } d
            ? [d, Path.Combine(d, "fashion-mnist"), DataCache.DirectoryFor("fashion-mnist")]
            : [DataCache.DirectoryFor("fashion-mnist")];
        static bool Holds(string dir) => File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte"));
        string dir = candidates.FirstOrDefault(Holds) ?? candidates[0];
        bool present = Holds(dir);
        if (present || !context.Smoke)
        {
            var (train, test) = FashionMnist.Load(present ? dir : context.DataDirectory);
            if (!context.Smoke) return (train, test, FashionMnist.ClassNames, $"data: Fashion-MNIST from {dir}");
            return (Splits.ByCount(train, [400])[0], Splits.ByCount(test, [120])[0], FashionMnist.ClassNames,
                $"data: Fashion-MNIST from {dir}, smoke subset of 400 training and 120 test images");
        }
        var digits = Digits.LoadAll();
        var (x, y) = digits.ToTensors();
        var big = Upscale(x, 8, 28);
        var parts = Splits.ByCount(new TensorDataset(big, y, Digits.Classes), [400, 120], new Rng(0));
        string[] names = [.. Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture))];
        return (parts[0], parts[1], names, "data: Fashion-MNIST not found; smoke run on the embedded 8x8 digits upscaled to 28x28");
    }

    /// <summary>Nearest-neighbour upscaling of [n, from·from] pixel counts 0–16 to [n, to·to] values in [0, 1].</summary>
    static Tensor Upscale(Tensor x, int from, int to)
    {
        int n = x.Size(0);
        var src = x.AsReadOnlySpan();
        var dst = new float[n * to * to];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < to; r++)
                for (int c = 0; c < to; c++)
                    dst[(i * to + r) * to + c] = src[i * from * from + r * from / to * from + c * from / to] / 16f;
        return Tensor.FromArray(dst, n, to * to);
    }
}
