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
    public override string Description => "Linear(1,1), MSE, y = -20x - 10 + noise: a and b within 1%";

    public override IReadOnlyList<string> Run(ExperimentContext context)
    {
        var rng = new Rng(0);
        var data = Synthetic.LinearRegression(context.Smoke ? 200 : 2000, rng, slope: -20f, intercept: -10f, noise: 1f);
        var model = new Linear(1, 1, rng: rng);
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 0.1), new MSELoss(), new MeanSquaredError(), new R2Score()) { Output = context.Log };
        var history = trainer.Fit(data, epochs: context.Smoke ? 10 : 50, batchSize: 32, rng: rng, verbose: 0);
        float a = model.Weight.Item(), b = model.Bias!.Item();
        new TrainingCurves(history).Save(context.File("curves.svg"));
        return
        [
            $"a = {a:F3} (true -20, error {Math.Abs(a + 20) / 20:P2}), b = {b:F3} (true -10, error {Math.Abs(b + 10) / 10:P2})",
            $"final training MSE {history["loss"][^1]:F4} (noise variance 1), R² {history["r2"][^1]:F4}",
        ];
    }
}
