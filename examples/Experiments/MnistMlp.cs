using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// MNIST with a 784-128-64-10 tanh MLP and softmax cross-entropy (reported: 95.7%). The net is the
/// reported one; what we change is the training: Adam with a step decay of the learning rate, mini-batches
/// of 64. The accuracy is that of the last epoch (the test set is watched, never used to pick an epoch).
/// </summary>
public sealed class MnistMlpExperiment : Experiment
{
    public override string Name => "mnist-mlp";
    public override string Description => "MNIST, 784-128-64-10 tanh MLP, softmax cross-entropy";
    public override string Title => "MNIST MLP 784-128-64-10 tanh";
    public override string Reported => "95.7%";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.975)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var data = DigitSets.Mnist(context);
        var rng = new Rng(2);
        var model = new Sequential(
            new Linear(data.Features, 128, rng: rng), new Tanh(),
            new Linear(128, 64, rng: rng), new Tanh(),
            new Linear(64, 10, rng: rng));
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy()) { Output = context.Log };
        int epochs = context.Smoke ? 2 : 20;
        var history = trainer.Fit(data.Train, epochs: epochs, batchSize: 64, rng: rng, verbose: context.Smoke ? 0 : 1, validationData: data.Test,
            callbacks: [new LearningRateSchedule((epoch, lr) => epoch > 1 && (epoch - 1) % 8 == 0 ? lr * 0.3 : lr)]);
        var test = trainer.Evaluate(data.Test);
        var train = trainer.Evaluate(data.Train);

        var predicted = trainer.PredictClasses(data.TestX);
        var actual = DigitData.Labels(data.TestY);
        var confusion = new ConfusionMatrix(10);
        confusion.Add(actual, predicted);
        new TrainingCurves(history).Save(context.File("curves.svg"));
        new ConfusionMatrixPlot(confusion, title: "MNIST test, 784-128-64-10 tanh").Save(context.File("confusion.svg"));
        ImageGrid.Misclassified(data.TestX, predicted, actual, max: 24, height: 28, width: 28).Save(context.File("misclassified.png"));
        return new(
        [
            $"data: {data.Source}",
            $"784-128-64-10 tanh, Adam lr 1e-3 (x0.3 every 8 epochs), batch 64, {epochs} epochs",
            $"test accuracy {test["accuracy"]:P2} (train {train["accuracy"]:P2}), test loss {test["loss"]:F4}",
        ], ExperimentResult.Percent(test["accuracy"]), new Dictionary<string, double> { ["test accuracy"] = test["accuracy"] });
    }
}
