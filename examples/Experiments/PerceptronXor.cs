using System.Globalization;
using System.Text;
using Neurone.Data;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// Why hidden layers: points uniform in [-1, 1]², labelled by sign(x)·sign(y) (the XOR pattern). A
/// perceptron (no hidden layer: one logistic unit) can only draw a line and stays near chance; tanh
/// nets of 1–3 hidden layers of 2–16 units learn it. Table of test accuracy by depth × width;
/// confusion matrices and decision regions of the perceptron and of the best net.
/// </summary>
public sealed class PerceptronXorExperiment : Experiment
{
    public override string Name => "perceptron-xor";
    public override string Description => "uniform XOR data: perceptron (no hidden layer) vs tanh nets by depth x width; confusion matrices";
    public override string Title => "perceptron and XOR";
    public override string Reported => "the perceptron fails";
    // The point of the exercise: a line cannot separate XOR (chance is 50%), one hidden layer can.
    public override IReadOnlyList<Threshold> Thresholds =>
        [Threshold.NoMoreThan("perceptron test accuracy", 0.6), Threshold.AtLeast("best net's test accuracy", 0.95)];
    public override string Goal => base.Goal + ", table by depth and width";

    static readonly string[] ClassNames = ["-1 (signs differ)", "+1 (same signs)"];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var rng = new Rng(6);
        int n = context.Smoke ? 300 : 2000;
        var train = UniformXor(n, rng);
        var test = UniformXor(n, rng);
        int[] depths = context.Smoke ? [1, 2] : [1, 2, 3];
        int[] widths = context.Smoke ? [2, 8] : [2, 3, 4, 8, 16];
        int epochs = context.Smoke ? 10 : 150;

        var perceptron = PlanarNets.Fit(PlanarNets.Build(0, 0, rng), train, test, epochs, 50, 0.01, rng);
        var results = new double[depths.Length, widths.Length];
        (double Test, int Depth, int Width, Trainer Trainer) best = (-1, 0, 0, perceptron.Trainer);
        for (int d = 0; d < depths.Length; d++)
            for (int w = 0; w < widths.Length; w++)
            {
                var r = PlanarNets.Fit(PlanarNets.Build(depths[d], widths[w], rng), train, test, epochs, 50, 0.01, rng);
                results[d, w] = r.Test;
                context.Log.WriteLine($"depth {depths[d]}, width {widths[w]}: train {r.Train:P1}, test {r.Test:P1}");
                if (r.Test > best.Test) best = (r.Test, depths[d], widths[w], r.Trainer);
            }

        var labels = DigitData.Labels(test.Y);
        foreach (var (tag, trainer, title) in new[]
        {
            ("perceptron", perceptron.Trainer, "perceptron (no hidden layer)"),
            ("best", best.Trainer, $"{best.Depth} hidden layer(s) of {best.Width} tanh units"),
        })
        {
            var predicted = PlanarNets.Classes(trainer, test.X);
            var confusion = new ConfusionMatrix(2);
            confusion.Add(labels, predicted);
            new ConfusionMatrixPlot(confusion, ClassNames, $"{title}: {confusion.Result():P1}").Save(context.File($"confusion-{tag}.svg"));
            // The regions come from the model; 400 test points on top keep the picture small.
            int shown = Math.Min(n, 400);
            new DecisionRegions(x => PlanarNets.Classes(trainer, x), test.X.Slice(0, shown), labels[..shown], ClassNames, title) { Resolution = 80 }
                .Save(context.File($"regions-{tag}.svg"));
        }

        var table = new StringBuilder("| hidden layers | " + string.Join(" | ", widths.Select(w => $"width {w}")) + " |\n");
        table.Append("|---|" + string.Concat(widths.Select(_ => "---|")) + "\n");
        table.Append($"| 0 (perceptron) | {perceptron.Test.ToString("P1", CultureInfo.InvariantCulture)} (any width) |" + string.Concat(widths.Skip(1).Select(_ => " |")) + "\n");
        for (int d = 0; d < depths.Length; d++)
            table.Append($"| {depths[d]} | " + string.Join(" | ", widths.Select((_, w) => results[d, w].ToString("P1", CultureInfo.InvariantCulture))) + " |\n");
        System.IO.File.WriteAllText(context.File("table.md"), table.ToString());

        var lines = new List<string>
        {
            $"{n} training / {n} test points uniform in [-1, 1]^2, label sign(x)·sign(y); BCE with logits, Adam lr 0.01 (x0.1 for the last quarter), batch 50, {epochs} epochs",
            $"perceptron (no hidden layer): test accuracy {perceptron.Test:P1} (train {perceptron.Train:P1})",
            $"best: {best.Depth} hidden layer(s) of {best.Width} tanh units, test accuracy {best.Test:P1}",
            "test accuracy by hidden layers (rows) x width (columns " + string.Join(", ", widths) + "):",
        };
        for (int d = 0; d < depths.Length; d++)
            lines.Add($"  {depths[d]} hidden: " + string.Join("  ", widths.Select((_, w) => results[d, w].ToString("P1", CultureInfo.InvariantCulture))));
        return new(lines, $"perceptron {ExperimentResult.Percent(perceptron.Test, 1)}, best net {ExperimentResult.Percent(best.Test, 1)} ({best.Depth} × {best.Width} tanh)",
            new Dictionary<string, double> { ["perceptron test accuracy"] = perceptron.Test, ["best net's test accuracy"] = best.Test });
    }

    /// <summary>Points uniform in [-1, 1)², class 1 where sign(x)·sign(y) = +1 and class 0 where it is −1.</summary>
    static TensorDataset UniformXor(int n, Rng rng)
    {
        var x = new float[2 * n];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = rng.NextFloat() * 2f - 1f;
            x[2 * i + 1] = rng.NextFloat() * 2f - 1f;
            y[i] = MathF.Sign(x[2 * i]) * MathF.Sign(x[2 * i + 1]) > 0 ? 1 : 0;
        }
        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.FromLongs(y, n), classes: 2);
    }
}
