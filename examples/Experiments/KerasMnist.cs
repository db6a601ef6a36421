using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>
/// Keras' classic MNIST MLP: Dense(512, relu) - Dropout(0.2) - Dense(512, relu) - Dropout(0.2) -
/// Dense(10, softmax), Adam (learning rate 1e-3, cosine decay to zero over the run), batch 128, 30 epochs, validation split 0.2 (as in Keras, the last 20% of the
/// training set before shuffling: 48,000 to train, 12,000 to validate). The test accuracy is that of the
/// last epoch; the history plot shows loss and accuracy on both parts.
/// </summary>
public sealed class KerasMnistExperiment : Experiment
{
    public override string Name => "keras-mnist";
    public override string Description => "MNIST, 784-512-512-10 ReLU MLP with dropout 0.2, Adam, 30 epochs, validation split 0.2, history plot";
    public override string Title => "Keras-style MNIST";
    public override string Reported => "—";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.982)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var data = DigitSets.Mnist(context);
        var rng = new Rng(7);
        var model = new Sequential(
            new Linear(data.Features, 512, rng: rng), new ReLU(), new Dropout(0.2f, rng: rng.Fork()),
            new Linear(512, 512, rng: rng), new ReLU(), new Dropout(0.2f, rng: rng.Fork()),
            new Linear(512, 10, rng: rng));
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy()) { Output = context.Log };
        int epochs = context.Smoke ? 2 : 30;
        var history = trainer.Fit(data.Train, epochs: epochs, batchSize: 128, validationSplit: 0.2, rng: rng, verbose: context.Smoke ? 0 : 1,
            callbacks: [new LearningRateSchedule(new CosineAnnealingLR(optimizer, epochs))]);
        var test = trainer.Evaluate(data.Test);

        int best = 0;
        var valAccuracy = history["val_accuracy"];
        for (int i = 1; i < valAccuracy.Count; i++) if (valAccuracy[i] > valAccuracy[best]) best = i;
        new TrainingCurves(history).Save(context.File("history.svg"));
        System.IO.File.WriteAllText(context.File("history.csv"), history.ToCsv());
        var predicted = trainer.PredictClasses(data.TestX);
        ImageGrid.Predictions(data.TestX, predicted, DigitData.Labels(data.TestY), count: 24, height: 28, width: 28).Save(context.File("predictions.png"));
        return new(
        [
            $"data: {data.Source}; the last 20% of the training set held out for validation",
            $"784-512-512-10 ReLU, dropout 0.2, Adam lr 1e-3 with cosine decay, batch 128, {epochs} epochs ({model.ParameterCount():N0} parameters)",
            $"test accuracy {test["accuracy"]:P2}, test loss {test["loss"]:F4}; last validation accuracy {valAccuracy[^1]:P2} (best {valAccuracy[best]:P2} at epoch {best + 1})",
        ], ExperimentResult.Percent(test["accuracy"]), new Dictionary<string, double> { ["test accuracy"] = test["accuracy"] });
    }
}
