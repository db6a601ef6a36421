using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>Linear(1,1) with MSE recovers y = −20·x − 10 from noisy points (a and b within 1%).</summary>
public sealed class LinearRegressionExperiment : Experiment
{
    public override string Name => "linear-regression";
    public override string Description => "Linear(1,1), MSE, y = -20x - 10 + noise";
    public override string Title => "linear regression";
    public override string Reported => "converges";
    public override IReadOnlyList<Threshold> Thresholds =>
        [Threshold.NoMoreThan("relative error of a", 0.01), Threshold.NoMoreThan("relative error of b", 0.01)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var rng = new Rng(0);
        var data = Synthetic.LinearRegression(context.Smoke ? 200 : 2000, rng, slope: -20f, intercept: -10f, noise: 1f);
        var model = new Linear(1, 1, rng: rng);
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 0.1), new MSELoss(), new MeanSquaredError(), new R2Score()) { Output = context.Log };
        var history = trainer.Fit(data, epochs: context.Smoke ? 10 : 50, batchSize: 32, rng: rng, verbose: 0);
        float a = model.Weight.Item(), b = model.Bias!.Item();
        double errorA = Math.Abs(a + 20) / 20, errorB = Math.Abs(b + 10) / 10;
        new TrainingCurves(history).Save(context.File("curves.svg"));
        return new(
        [
            $"a = {a:F3} (true -20, error {errorA:P2}), b = {b:F3} (true -10, error {errorB:P2})",
            $"final training MSE {history["loss"][^1]:F4} (noise variance 1), R² {history["r2"][^1]:F4}",
        ], FormattableString.Invariant($"a = {a:F3} ({ExperimentResult.Percent(errorA)}), b = {b:F3} ({ExperimentResult.Percent(errorB)})"),
        new Dictionary<string, double> { ["relative error of a"] = errorA, ["relative error of b"] = errorB });
    }
}
