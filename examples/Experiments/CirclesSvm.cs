using System.Globalization;
using System.Text;
using Neurone.Classic;
using Neurone.Data;
using Neurone.Tensors;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// The circles against support-vector machines: linear, RBF, polynomial and sigmoid kernels (Svc,
/// γ = "scale"; the polynomial of degree 2, since an odd degree with coef0 = 0 cannot tell a radius
/// from its negative) over C = 0.001 … 100. A table of train/test accuracy per kernel and C (reported
/// elsewhere: RBF and polynomial best near C = 0.1), a chart of test accuracy against C, and the decision
/// regions of each kernel's best C (by test accuracy; ties go to the smaller C).
/// </summary>
public sealed class CirclesSvmExperiment : Experiment
{
    public override string Name => "circles-svm";
    public override string Description => "circles vs SVMs: linear, RBF, poly, sigmoid kernels over C = 0.001..100; accuracy table, decision regions";
    public override string Title => "circles against SVMs";
    public override string Reported => "RBF and polynomial best near C = 0.1";
    public override string Goal => "the same table, regions";

    public override ExperimentResult Run(ExperimentContext context)
    {
        var rng = new Rng(12);
        int n = context.Smoke ? 200 : 500;
        var train = Synthetic.Circles(n, rng, noise: 0.1f, factor: 0.5f);
        var test = Synthetic.Circles(n, rng, noise: 0.1f, factor: 0.5f);
        double[] cs = context.Smoke ? [0.01, 1] : [0.001, 0.01, 0.1, 1, 10, 100];
        var kernels = new (string Name, Func<double, Svc> Make)[]
        {
            ("linear", c => new Svc(c, SvmKernel.Linear)),
            ("RBF", c => new Svc(c, SvmKernel.Rbf)),
            ("poly (degree 2)", c => new Svc(c, SvmKernel.Poly, degree: 2)),
            ("sigmoid", c => new Svc(c, SvmKernel.Sigmoid)),
        };
        var trainAcc = new double[kernels.Length, cs.Length];
        var testAcc = new double[kernels.Length, cs.Length];
        var lines = new List<string> { $"{n} training / {n} test points (noise 0.1, inner radius 0.5); Svc, gamma = scale, tolerance 1e-3" };
        var chart = new LineChart("Circles: SVM test accuracy against C", "C", "test accuracy") { LogX = true };
        var bests = new List<string>();
        for (int k = 0; k < kernels.Length; k++)
        {
            int best = 0;
            Svc? bestModel = null;
            for (int j = 0; j < cs.Length; j++)
            {
                var svm = kernels[k].Make(cs[j]);
                svm.Fit(train.X, train.Y);
                trainAcc[k, j] = svm.Score(train.X, train.Y);
                testAcc[k, j] = svm.Score(test.X, test.Y);
                context.Log.WriteLine($"{kernels[k].Name}, C = {cs[j]}: train {trainAcc[k, j]:P1}, test {testAcc[k, j]:P1}, {svm.SupportIndices.Length} support vectors");
                if (bestModel is null || testAcc[k, j] > testAcc[k, best]) (best, bestModel) = (j, svm);
            }
            chart.Add(kernels[k].Name, cs, Enumerable.Range(0, cs.Length).Select(j => testAcc[k, j]).ToArray());
            var model = bestModel!;
            // The regions come from the model; 300 test points on top keep the picture small.
            int shown = Math.Min(n, 300);
            var regions = new DecisionRegions(model.Predict, test.X.Slice(0, shown), DigitData.Labels(test.Y)[..shown], ["outer (0)", "inner (1)"],
                $"{kernels[k].Name} kernel, C = {cs[best]}: test {testAcc[k, best]:P1}, {model.SupportIndices.Length} SVs") { Resolution = 80 };
            regions.Save(context.File($"regions-{kernels[k].Name.Split(' ')[0].ToLowerInvariant()}.svg"));
            lines.Add($"{kernels[k].Name}: best C = {cs[best]} with test {testAcc[k, best]:P1} (train {trainAcc[k, best]:P1})");
            bests.Add(FormattableString.Invariant($"{kernels[k].Name} at C = {cs[best]} ({ExperimentResult.Percent(testAcc[k, best], 1)})"));
        }
        chart.Save(context.File("accuracy-vs-c.svg"));

        string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);
        var table = new StringBuilder("| kernel | " + string.Join(" | ", cs.Select(c => "C = " + c.ToString(CultureInfo.InvariantCulture))) + " |\n");
        table.Append("|---|" + string.Concat(cs.Select(_ => "---|")) + "\n");
        for (int k = 0; k < kernels.Length; k++)
            table.Append($"| {kernels[k].Name} | " + string.Join(" | ", cs.Select((_, j) => $"{P(trainAcc[k, j])} / {P(testAcc[k, j])}")) + " |\n");
        System.IO.File.WriteAllText(context.File("table.md"), table.ToString());
        lines.Add("train / test accuracy by kernel (rows) x C (columns " + string.Join(", ", cs.Select(c => c.ToString(CultureInfo.InvariantCulture))) + "):");
        for (int k = 0; k < kernels.Length; k++)
            lines.Add($"  {kernels[k].Name}: " + string.Join("  ", cs.Select((_, j) => $"{P(trainAcc[k, j])}/{P(testAcc[k, j])}")));
        return new(lines, "best test accuracy: " + string.Join(", ", bests), new Dictionary<string, double>());
    }
}
