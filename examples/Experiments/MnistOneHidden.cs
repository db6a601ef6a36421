using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// MNIST with one hidden layer: 784-50-10 with sigmoid units on standardised inputs (each pixel minus
/// its training mean over its training standard deviation), softmax cross-entropy (reported: 91.3%).
/// SGD with Nesterov momentum and a step decay; the accuracy is that of the last epoch. The picture is
/// a grid of misclassified test digits, captioned with prediction and truth.
/// </summary>
public sealed class MnistOneHiddenExperiment : Experiment
{
    public override string Name => "mnist-one-hidden";
    public override string Description => "MNIST, 784-50-10 sigmoid MLP on standardised inputs, misclassified digits";
    public override string Title => "MNIST, one hidden layer 784-50-10 sigmoid";
    public override string Reported => "91.3%";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.96)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var raw = DigitSets.Mnist(context);
        var data = raw.Standardised();
        var rng = new Rng(5);
        var model = new Sequential(new Linear(data.Features, 50, rng: rng), new Sigmoid(), new Linear(50, 10, rng: rng));
        var optimizer = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 2e-4);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy()) { Output = context.Log };
        int epochs = context.Smoke ? 2 : 30;
        var history = trainer.Fit(data.Train, epochs: epochs, batchSize: 64, rng: rng, verbose: context.Smoke ? 0 : 1, validationData: data.Test,
            callbacks: [new LearningRateSchedule((epoch, lr) => epoch > 1 && (epoch - 1) % 10 == 0 ? lr * 0.2 : lr)]);
        var test = trainer.Evaluate(data.Test);
        var train = trainer.Evaluate(data.Train);

        var predicted = trainer.PredictClasses(data.TestX);
        var actual = DigitData.Labels(data.TestY);
        int wrong = predicted.Where((p, i) => p != actual[i]).Count();
        // The grid shows the digits as they look (raw pixels), not as the net sees them (standardised).
        ImageGrid.Misclassified(raw.TestX, predicted, actual, max: 40, columns: 8, height: 28, width: 28).Save(context.File("misclassified.png"));
        new TrainingCurves(history).Save(context.File("curves.svg"));
        return new(
        [
            $"data: {data.Source}, standardised per pixel",
            $"784-50-10 sigmoid, SGD lr 0.05 Nesterov momentum 0.9 weight decay 2e-4 (x0.2 every 10 epochs), batch 64, {epochs} epochs",
            $"test accuracy {test["accuracy"]:P2} (train {train["accuracy"]:P2}), {wrong} test digits misclassified",
        ], $"{ExperimentResult.Percent(test["accuracy"])}, misclassified grid", new Dictionary<string, double> { ["test accuracy"] = test["accuracy"] });
    }
}
