using Neurone.Autograd;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// Two concentric circles, a 2-16-1 tanh net with a sigmoid output and binary cross-entropy, trained by
/// mini-batch gradient descent with η = 0.1 — written four times, each a step up the ladder a course
/// climbs: (a) forward and backward by hand on tensors, under no-grad; (b) the same forward on raw
/// tensors with autograd computing the gradients, and a hand-written update; (c) Linear and Tanh modules
/// with the hand-written update; (d) modules and the SGD optimizer. The four start from the same
/// weights and see the same batches in the same order, so they must end with the same weights, the
/// same loss (to rounding) and the same predictions.
/// </summary>
public sealed class CirclesExperiment : Experiment
{
    const int Hidden = 16;
    const float Eta = 0.1f;

    public override string Name => "circles";
    public override string Description => "concentric circles, 2-16-1 tanh MLP, eta 0.1: manual gradients, autograd, modules, optimizer";
    public override string Title => "circles, four versions of one script";
    public override string Reported => "≈ 96%";
    // "Agree": the same predictions, and weights equal to rounding (runs have shown differences of a few 1e-6).
    public override IReadOnlyList<Threshold> Thresholds =>
    [
        Threshold.AtLeast("lowest test accuracy of the four", 0.95),
        Threshold.NoMoreThan("predictions differing from (a)", 0, percent: false),
        Threshold.NoMoreThan("largest weight difference to (a)", 1e-4, percent: false),
    ];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var rng = new Rng(9);
        int n = context.Smoke ? 200 : 1000;
        var train = Synthetic.Circles(n, rng, noise: 0.1f, factor: 0.5f);
        var test = Synthetic.Circles(n, rng, noise: 0.1f, factor: 0.5f);
        var yTrain = train.Y.Float().Reshape(n, 1); // BCE takes float targets
        int epochs = context.Smoke ? 5 : 300, batch = 50;
        // One list of batches for all four versions: the same shuffles, fixed in advance.
        var order = new Rng(10);
        var batches = Enumerable.Range(0, epochs).Select(_ => order.Permutation(n).Chunk(batch).ToArray()).ToArray();

        var versions = new (string Name, Func<Rng, int[][][], Tensor, Tensor, (Tensor[] Params, List<double> Losses)> Train)[]
        {
            ("(a) manual gradients", (r, b, x, y) => ManualGradients(r, b, x, y)),
            ("(b) autograd, manual update", (r, b, x, y) => AutogradRawTensors(r, b, x, y)),
            ("(c) modules, manual update", (r, b, x, y) => ModulesManualUpdate(r, b, x, y)),
            ("(d) modules + SGD optimizer", (r, b, x, y) => ModulesWithOptimizer(r, b, x, y)),
        };
        var results = new List<(string Name, Tensor[] Params, List<double> Losses, double TrainLoss, double TestAcc, int[] Predicted)>();
        foreach (var (name, trainVersion) in versions)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (parameters, losses) = trainVersion(new Rng(11), batches, train.X, yTrain);
            var (trainLoss, _) = Evaluate(parameters, train.X, yTrain);
            var (_, predicted) = Evaluate(parameters, test.X, test.Y.Float().Reshape(n, 1));
            double acc = predicted.Where((p, i) => p == test.Y.AsLongSpan()[i]).Count() / (double)n;
            context.Log.WriteLine($"{name}: training loss {trainLoss:F6}, test accuracy {acc:P2}, {clock.Elapsed.TotalSeconds:F2} s");
            results.Add((name, parameters, losses, trainLoss, acc, predicted));
        }

        var reference = results[0];
        int mostDiffering = 0;
        double largestDiff = 0;
        var lines = new List<string>
        {
            $"{n} training / {n} test points (noise 0.1, inner radius 0.5); 2-{Hidden}-1 tanh, sigmoid + BCE, eta {Eta}, batch {batch}, {epochs} epochs, same initial weights and batches",
        };
        foreach (var r in results)
        {
            double maxDiff = 0;
            for (int p = 0; p < r.Params.Length; p++)
            {
                var a = r.Params[p].AsReadOnlySpan();
                var b = reference.Params[p].AsReadOnlySpan();
                for (int i = 0; i < a.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(a[i] - b[i]));
            }
            int differing = r.Predicted.Where((p, i) => p != reference.Predicted[i]).Count();
            (mostDiffering, largestDiff) = (Math.Max(mostDiffering, differing), Math.Max(largestDiff, maxDiff));
            lines.Add($"{r.Name}: test accuracy {r.TestAcc:P2}, final training loss {r.TrainLoss:F6} (|diff| to (a) {Math.Abs(r.TrainLoss - reference.TrainLoss):0.0e+0}), " +
                      $"max |weight diff| to (a) {maxDiff:0.0e+0}, predictions differing from (a): {differing}");
        }

        var last = results[^1].Params;
        // The regions come from the model; 400 test points on top keep the picture small.
        int shown = Math.Min(n, 400);
        var regions = DecisionRegions.FromScores(x => Forward(last, x, out _), test.X.Slice(0, shown), DigitData.Labels(test.Y)[..shown], ["outer (0)", "inner (1)"],
            $"circles, version (d): test {results[^1].TestAcc:P1}");
        regions.Resolution = 80;
        regions.Save(context.File("regions.svg"));
        var chart = new LineChart("Mean training loss per epoch, four versions", "epoch", "BCE") { IntegerX = true };
        var epochAxis = Enumerable.Range(1, epochs).Select(e => (double)e).ToArray();
        bool dashed = false;
        foreach (var r in results) { chart.Add(r.Name, epochAxis, r.Losses, dashed: dashed); dashed = !dashed; }
        chart.Save(context.File("loss.svg"));
        double lowest = results.Min(r => r.TestAcc), highest = results.Max(r => r.TestAcc);
        string summary = lowest == highest
            ? $"{ExperimentResult.Percent(lowest)} in all four"
            : $"{ExperimentResult.Percent(lowest)}–{ExperimentResult.Percent(highest)} over the four";
        summary += FormattableString.Invariant($"; {mostDiffering} predictions differ, weights within {largestDiff:G2} of (a)");
        return new(lines, summary, new Dictionary<string, double>
        {
            ["lowest test accuracy of the four"] = lowest,
            ["predictions differing from (a)"] = mostDiffering,
            ["largest weight difference to (a)"] = largestDiff,
        });
    }

    /// <summary>Initial weights [W1 (16×2), b1, W2 (1×16), b2]: those of the module net built from the same seed, so every version starts alike.</summary>
    static Sequential Net(Rng rng) => new(new Linear(2, Hidden, rng: rng), new Tanh(), new Linear(Hidden, 1, rng: rng));

    static Tensor[] InitialWeights(Rng rng)
    {
        var net = Net(rng);
        var l1 = (Linear)net[0];
        var l2 = (Linear)net[2];
        return [l1.Weight.Detach().Clone(), l1.Bias!.Detach().Clone(), l2.Weight.Detach().Clone(), l2.Bias!.Detach().Clone()];
    }

    static Tensor[] ModuleWeights(Sequential net)
    {
        var l1 = (Linear)net[0];
        var l2 = (Linear)net[2];
        return [l1.Weight.Detach().Clone(), l1.Bias!.Detach().Clone(), l2.Weight.Detach().Clone(), l2.Bias!.Detach().Clone()];
    }

    /// <summary>The logits z = tanh(x·W1ᵀ + b1)·W2ᵀ + b2, and the hidden activations h.</summary>
    static Tensor Forward(Tensor[] w, Tensor x, out Tensor h)
    {
        h = (Tensor.MatMul(x, w[0], transposeB: true) + w[1]).Tanh();
        return Tensor.MatMul(h, w[2], transposeB: true) + w[3];
    }

    /// <summary>Mean binary cross-entropy on logits, in the stable form max(z, 0) − z·y + log(1 + e^−|z|).</summary>
    static Tensor Bce(Tensor z, Tensor y) => (z.Maximum(0f) - z * y + ((-z.Abs()).Exp() + 1f).Log()).Mean();

    static (double Loss, int[] Predicted) Evaluate(Tensor[] w, Tensor x, Tensor y)
    {
        using (GradMode.NoGrad())
        {
            var z = Forward(w, x, out _);
            var zs = z.AsReadOnlySpan();
            var predicted = new int[zs.Length];
            for (int i = 0; i < zs.Length; i++) predicted[i] = zs[i] > 0 ? 1 : 0;
            return (Bce(z, y).Item(), predicted);
        }
    }

    static void Descend(Tensor p, Tensor grad)
    {
        var ps = p.AsSpan();
        var gs = grad.AsReadOnlySpan();
        for (int i = 0; i < ps.Length; i++) ps[i] -= Eta * gs[i];
    }

    /// <summary>(a) Every derivative written out: for the mean BCE of a sigmoid, dL/dz = (σ(z) − y)/B; tanh' = 1 − h².</summary>
    static (Tensor[], List<double>) ManualGradients(Rng rng, int[][][] epochs, Tensor x, Tensor y)
    {
        var w = InitialWeights(rng);
        var losses = new List<double>();
        using (GradMode.NoGrad())
            foreach (var epoch in epochs)
            {
                double sum = 0;
                foreach (var idx in epoch)
                {
                    var xb = x.GatherRows(idx);
                    var yb = y.GatherRows(idx);
                    var z = Forward(w, xb, out var h);
                    sum += Bce(z, yb).Item() * idx.Length;
                    var dz = (z.Sigmoid() - yb) / idx.Length;             // [B, 1]
                    var dW2 = Tensor.MatMul(dz, h, transposeA: true);     // [1, H]
                    var db2 = dz.Sum(0);                                  // [1]
                    var da = Tensor.MatMul(dz, w[2]) * (1f - h.Square()); // [B, H]
                    var dW1 = Tensor.MatMul(da, xb, transposeA: true);    // [H, 2]
                    var db1 = da.Sum(0);                                  // [H]
                    Descend(w[0], dW1); Descend(w[1], db1); Descend(w[2], dW2); Descend(w[3], db2);
                }
                losses.Add(sum / x.Size(0));
            }
        return (w, losses);
    }

    /// <summary>(b) The same forward on raw tensors that require gradients; Backward fills .Grad; the update is ours.</summary>
    static (Tensor[], List<double>) AutogradRawTensors(Rng rng, int[][][] epochs, Tensor x, Tensor y)
    {
        var w = InitialWeights(rng);
        foreach (var p in w) p.RequiresGrad = true;
        var losses = new List<double>();
        foreach (var epoch in epochs)
        {
            double sum = 0;
            foreach (var idx in epoch)
            {
                var loss = Bce(Forward(w, x.GatherRows(idx), out _), y.GatherRows(idx));
                foreach (var p in w) p.ZeroGrad();
                loss.Backward();
                sum += loss.Item() * idx.Length;
                using (GradMode.NoGrad())
                    foreach (var p in w) Descend(p, p.Grad!);
            }
            losses.Add(sum / x.Size(0));
        }
        return (w, losses);
    }

    /// <summary>(c) Linear and Tanh modules and BCEWithLogitsLoss; the update is still ours.</summary>
    static (Tensor[], List<double>) ModulesManualUpdate(Rng rng, int[][][] epochs, Tensor x, Tensor y)
    {
        var net = Net(rng);
        var criterion = new BCEWithLogitsLoss();
        var losses = new List<double>();
        foreach (var epoch in epochs)
        {
            double sum = 0;
            foreach (var idx in epoch)
            {
                var loss = criterion.Forward(net.Forward(x.GatherRows(idx)), y.GatherRows(idx));
                net.ZeroGrad();
                loss.Backward();
                sum += loss.Item() * idx.Length;
                using (GradMode.NoGrad())
                    foreach (var p in net.Parameters()) Descend(p, p.Grad!);
            }
            losses.Add(sum / x.Size(0));
        }
        return (ModuleWeights(net), losses);
    }

    /// <summary>(d) Modules and torch.optim's SGD: ZeroGrad, Backward, Step.</summary>
    static (Tensor[], List<double>) ModulesWithOptimizer(Rng rng, int[][][] epochs, Tensor x, Tensor y)
    {
        var net = Net(rng);
        var criterion = new BCEWithLogitsLoss();
        var optimizer = new SGD(net.Parameters(), lr: Eta);
        var losses = new List<double>();
        foreach (var epoch in epochs)
        {
            double sum = 0;
            foreach (var idx in epoch)
            {
                var loss = criterion.Forward(net.Forward(x.GatherRows(idx)), y.GatherRows(idx));
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                sum += loss.Item() * idx.Length;
            }
            losses.Add(sum / x.Size(0));
        }
        return (ModuleWeights(net), losses);
    }
}
