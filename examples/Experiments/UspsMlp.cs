using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// USPS digits (the ESL files: 7,291 training and 2,007 test images of 16×16 grey values in [-1, 1])
/// with a 256-64-32-16-10 tanh MLP and softmax cross-entropy (reported: 84.5%). The net is the reported
/// one; the training is ours: AdamW with weight decay, a cosine learning-rate decay and label smoothing 0.1, mini-batches of 32.
/// The accuracy is that of the last epoch.
/// </summary>
public sealed class UspsMlpExperiment : Experiment
{
    public override string Name => "usps-mlp";
    public override string Description => "USPS (ESL, 7,291 / 2,007), 256-64-32-16-10 tanh MLP";
    public override string Title => "USPS MLP 256-64-32-16-10 tanh";
    public override string Reported => "84.5%";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.93)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var data = DigitSets.Usps(context);
        var rng = new Rng(3);
        var model = new Sequential(
            new Linear(data.Features, 64, rng: rng), new Tanh(),
            new Linear(64, 32, rng: rng), new Tanh(),
            new Linear(32, 16, rng: rng), new Tanh(),
            new Linear(16, 10, rng: rng));
        int epochs = context.Smoke ? 3 : 60;
        var optimizer = new AdamW(model.Parameters(), lr: 2e-3, weightDecay: 1e-2);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(labelSmoothing: 0.1f), new Accuracy()) { Output = context.Log };
        var history = trainer.Fit(data.Train, epochs: epochs, batchSize: 32, rng: rng, verbose: context.Smoke ? 0 : 1, validationData: data.Test,
            callbacks: [new LearningRateSchedule(new CosineAnnealingLR(optimizer, epochs))]);
        var test = trainer.Evaluate(data.Test);
        var train = trainer.Evaluate(data.Train);

        var predicted = trainer.PredictClasses(data.TestX);
        var actual = DigitData.Labels(data.TestY);
        var confusion = new ConfusionMatrix(10);
        confusion.Add(actual, predicted);
        new TrainingCurves(history).Save(context.File("curves.svg"));
        new ConfusionMatrixPlot(confusion, title: "USPS test, 256-64-32-16-10 tanh").Save(context.File("confusion.svg"));
        ImageGrid.Misclassified(data.TestX, predicted, actual, max: 24, height: 16, width: 16, scale: 4).Save(context.File("misclassified.png"));
        return new(
        [
            $"data: {data.Source}",
            $"256-64-32-16-10 tanh, AdamW lr 2e-3 weight decay 1e-2, cosine decay, label smoothing 0.1, batch 32, {epochs} epochs",
            $"test accuracy {test["accuracy"]:P2} (train {train["accuracy"]:P2}), test loss {test["loss"]:F4}",
        ], ExperimentResult.Percent(test["accuracy"]), new Dictionary<string, double> { ["test accuracy"] = test["accuracy"] });
    }
}
