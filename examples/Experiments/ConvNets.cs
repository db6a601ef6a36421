using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Experiments;

/// <summary>Shared by the convolutional experiments: standardise with training statistics, train with Fit, report.</summary>
static class ConvRun
{
    public static (double Accuracy, double SecondsPerEpoch, History History) Train(ExperimentContext context, Sequential model, Optimizer optimizer,
        LRScheduler? schedule, TensorDataset train, TensorDataset test, int[] sampleShape, int epochs, int batchSize, Rng rng, float labelSmoothing = 0f)
    {
        // Standardise with the training set's own mean and deviation (one value for all pixels).
        float mean = train.X.Mean().Item(), std = MathF.Sqrt((train.X - mean).Square().Mean().Item() + 1e-12f);
        TensorDataset Standard(TensorDataset d) => new((d.X - mean) / std, d.Y, 10);
        var trainSet = Standard(train).Reshape(sampleShape);
        var testSet = Standard(test).Reshape(sampleShape);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(labelSmoothing: labelSmoothing), new Accuracy()) { Output = context.Log };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var history = trainer.Fit(trainSet, epochs: epochs, batchSize: batchSize, validationData: testSet, verbose: 2, rng: rng,
            callbacks: schedule is null ? null : [new LearningRateSchedule(schedule)]);
        double perEpoch = clock.Elapsed.TotalSeconds / epochs;
        new TrainingCurves(history).Save(context.File("curves.svg"));
        return (trainer.Evaluate(testSet)["accuracy"], perEpoch, history);
    }
}

/// <summary>The 1-D CNN of the classic USPS exercise on the full training set (reported: 90.0% on 500 images).</summary>
public sealed class UspsConv1dExperiment : Experiment
{
    public override string Name => "usps-conv1d";
    public override string Description => "Conv1d(1,32,3)-MaxPool1d(2)-Dropout(0.2)-Linear(4064,100)-ReLU-Linear(100,10) on all of USPS";
    public override string Title => "USPS Conv1d, full training set";
    public override string Reported => "90.0% on 500 images";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.95)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var data = DigitSets.Usps(context);
        var rng = new Rng(0);
        var model = new Sequential(
            new Conv1d(1, 32, 3, rng: rng), new MaxPool1d(2, 2), new Flatten(), new Dropout(0.2f, rng: rng),
            new Linear(4064, 100, rng: rng), new ReLU(), new Linear(100, 10, rng: rng));
        int epochs = context.Smoke ? 1 : 20;
        var optimizer = new AdamW(model.Parameters(), lr: 1e-3, weightDecay: 0.3);
        var (accuracy, perEpoch, _) = ConvRun.Train(context, model, optimizer, new CosineAnnealingLR(optimizer, tMax: epochs),
            data.Train, data.Test, [1, 256], epochs, 64, rng, labelSmoothing: 0.1f);
        return new([data.Source, $"test accuracy {accuracy:P2} after {epochs} epochs (AdamW 1e-3, weight decay 0.3, cosine, label smoothing 0.1, dropout 0.2), {perEpoch:F2} s per epoch with evaluation"],
            FormattableString.Invariant($"{ExperimentResult.Percent(accuracy)} ({perEpoch:F2} s per epoch)"), new Dictionary<string, double> { ["test accuracy"] = accuracy });
    }
}

/// <summary>The LeNet-style network of the CNN benchmark on MNIST (target ≥ 99.0% in 3 epochs).</summary>
public sealed class MnistLeNetExperiment : Experiment
{
    public override string Name => "mnist-lenet";
    public override string Description => "Conv2d(1,32,3)-Pool-Conv2d(32,64,3)-Pool-Linear(1600,128)-Linear(128,10), Adam, 3 epochs";
    public override string Title => "LeNet on MNIST, 3 epochs";
    public override string Reported => "PyTorch 99.0%";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.99)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var data = DigitSets.Mnist(context);
        var rng = new Rng(0);
        var model = new Sequential(
            new Conv2d(1, 32, 3, rng: rng), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, rng: rng), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(1600, 128, rng: rng), new ReLU(), new Linear(128, 10, rng: rng));
        int epochs = context.Smoke ? 1 : 3;
        var optimizer = new Adam(model.Parameters(), lr: 2e-3);
        var (accuracy, perEpoch, _) = ConvRun.Train(context, model, optimizer, new CosineAnnealingLR(optimizer, tMax: epochs),
            data.Train, data.Test, [1, 28, 28], epochs, 64, rng);
        var weights = ImageGrid.Weights(((Conv2d)model[0]).Weight, scale: 6);
        PngWriter.Write(context.File("conv1-filters.png"), weights);
        return new([data.Source, $"test accuracy {accuracy:P2} after {epochs} epochs (Adam 2e-3, cosine, batch 64), {perEpoch:F1} s per epoch with evaluation"],
            FormattableString.Invariant($"{ExperimentResult.Percent(accuracy)} (Adam 2e-3, cosine, batch 64; {perEpoch:F1} s per epoch with evaluation)"),
            new Dictionary<string, double> { ["test accuracy"] = accuracy });
    }
}
