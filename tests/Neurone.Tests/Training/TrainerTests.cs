using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Training;

public class TrainerTests : IDisposable
{
    readonly TempFolder temp = new();
    string folder => temp.Path;

    public void Dispose() => temp.Dispose();

    static Sequential Mlp(ulong seed, float dropout = 0f) => new(
        new Linear(2, 16, rng: new Rng(seed)), new Tanh(), new Dropout(dropout, new Rng(seed + 1)), new Linear(16, 2, rng: new Rng(seed + 2)));

    static TensorDataset Blobs(int n, ulong seed) => Synthetic.XorBlobs(n, new Rng(seed));

    [Fact]
    public void FitWithValidationSplitEarlyStoppingAndCheckpointThenReloadGivesTheSameEvaluation()
    {
        var data = Blobs(400, 1);
        var model = Mlp(2);
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 0.02), new CrossEntropyLoss(), new Accuracy()) { Output = TextWriter.Null };
        string best = Path.Combine(folder, "best.safetensors");
        var early = new EarlyStopping("val_loss", patience: 3, restoreBestWeights: true);
        var checkpoint = new ModelCheckpoint(best, "val_loss", saveBestOnly: true);
        var history = trainer.Fit(data, epochs: 60, batchSize: 32, validationSplit: 0.25, callbacks: [early, checkpoint], rng: new Rng(3));

        Assert.True(history["val_accuracy"].Max() > 0.95, string.Join(" ", history["val_accuracy"]));
        Assert.Equal(history.Epochs.Count, history["loss"].Count);
        Assert.Equal(early.BestEpoch, checkpoint.LastSavedEpoch);

        var reloaded = Model.Load(best);
        var again = new Trainer(reloaded, new SGD(reloaded.Parameters()), new CrossEntropyLoss(), new Accuracy());
        var test = Blobs(200, 4);
        var original = trainer.Evaluate(test);
        var fromFile = again.Evaluate(test);
        Assert.Equal(original["loss"], fromFile["loss"]);
        Assert.Equal(original["accuracy"], fromFile["accuracy"]);
    }

    [Fact]
    public void HistoryLogsLossMetricsValidationAndTheRateUsed()
    {
        var model = Mlp(5);
        var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy(), new TopKAccuracy(1)) { Output = TextWriter.Null };
        var schedule = new LearningRateSchedule(new StepLR(optimizer, stepSize: 1, gamma: 0.5));
        var history = trainer.Fit(Blobs(128, 6), epochs: 3, batchSize: 16, validationData: Blobs(64, 7), callbacks: [schedule], rng: new Rng(8));
        Assert.Equal(new[] { "loss", "accuracy", "top_1_accuracy", "val_loss", "val_accuracy", "val_top_1_accuracy", "lr" }, history.Keys);
        Assert.Equal(new[] { 0.1, 0.05, 0.025 }, history["lr"].Select(v => Math.Round(v, 6)));
        Assert.Equal(history["accuracy"], history["top_1_accuracy"]);
        Assert.Equal(new[] { 1, 2, 3 }, history.Epochs);
        Assert.Null(history.StopReason);
        var csv = history.ToCsv().Split('\n');
        Assert.Equal("epoch,loss,accuracy,top_1_accuracy,val_loss,val_accuracy,val_top_1_accuracy,lr", csv[0]);
    }

    [Fact]
    public void SameSeedsGiveTheSameHistory()
    {
        History Run()
        {
            var model = Mlp(9, dropout: 0.2f);
            return new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss()) { Output = TextWriter.Null }
                .Fit(Blobs(96, 10), epochs: 2, batchSize: 8, rng: new Rng(11));
        }
        Assert.Equal(Run()["loss"], Run()["loss"]);
    }

    [Fact]
    public void ANonFiniteLossStopsTrainingNamingTheEpochAndBatch()
    {
        var model = Mlp(12);
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 1e30), new MSELoss()) { Output = TextWriter.Null };
        var x = Tensor.Rand([64, 2], new Rng(13));
        var y = Tensor.Full([64, 2], 1e20f);
        var history = trainer.Fit(x, y, epochs: 5, batchSize: 8, rng: new Rng(14));
        Assert.NotNull(history.StopReason);
        Assert.Matches(@"epoch 1, batch \d+ of 8", history.StopReason);
        Assert.Single(history.Epochs);
        Assert.True(double.IsNaN(history["loss"][0]));
    }

    sealed class StopAfter(int epoch) : Callback
    {
        public override void OnEpochEnd(int e, IReadOnlyDictionary<string, double> logs)
        {
            if (e == epoch) Trainer.Stop("enough");
        }
    }

    [Fact]
    public void ACallbackCanStopTraining()
    {
        var model = Mlp(15);
        var history = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss()) { Output = TextWriter.Null }
            .Fit(Blobs(64, 16), epochs: 10, callbacks: [new StopAfter(2)], rng: new Rng(17));
        Assert.Equal(new[] { 1, 2 }, history.Epochs);
        Assert.Equal("enough", history.StopReason);
    }

    [Fact]
    public void EarlyStoppingNeedsTheMonitoredValue()
    {
        var model = Mlp(18);
        var trainer = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss()) { Output = TextWriter.Null };
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(Blobs(32, 19), epochs: 2, callbacks: [new EarlyStopping("val_loss")], rng: new Rng(1)));
        Assert.Contains("validationSplit", e.Message);
    }

    (float[] Weights, IReadOnlyList<double> Loss) RunResumable(int epochs, ulong seed, string? backup)
    {
        var model = Mlp(seed, dropout: 0.3f);
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var scheduler = new StepLR(optimizer, stepSize: 2, gamma: 0.5);
        var callbacks = new List<Callback> { new LearningRateSchedule(scheduler) };
        if (backup is not null) callbacks.Add(new BackupAndRestore(backup, scheduler));
        var history = new Trainer(model, optimizer, new CrossEntropyLoss()) { Output = TextWriter.Null }
            .Fit(Blobs(120, 20), epochs: epochs, batchSize: 16, callbacks: callbacks, rng: new Rng(seed + 100));
        return (model.Parameters().SelectMany(p => p.ToArray()).ToArray(), history["loss"]);
    }

    [Fact]
    public void AnInterruptedRunResumedFromItsBackupEndsWithBitIdenticalWeights()
    {
        var (uninterrupted, lossAll) = RunResumable(5, 21, backup: null);
        string backup = Path.Combine(folder, "backup.safetensors");
        RunResumable(2, 21, backup);                                   // "interrupted" after epoch 2
        var (resumed, lossRest) = RunResumable(5, 999, backup);        // fresh objects, other seeds
        Assert.Equal(uninterrupted, resumed);
        Assert.Equal(lossAll.Skip(2), lossRest);
    }

    [Fact]
    public void CsvLoggerWritesEveryEpoch()
    {
        string path = Path.Combine(folder, "log", "history.csv");
        var model = Mlp(22);
        new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss(), new Accuracy()) { Output = TextWriter.Null }
            .Fit(Blobs(64, 23), epochs: 3, callbacks: [new CsvLogger(path)], rng: new Rng(1));
        var lines = File.ReadAllLines(path);
        Assert.Equal("epoch,loss,accuracy,lr", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("3,", lines[3]);
    }

    [Fact]
    public void VerbosityControlsTheLines()
    {
        var model = Mlp(24);
        var writer = new StringWriter();
        var trainer = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss(), new Accuracy()) { Output = writer };
        trainer.Fit(Blobs(64, 25), epochs: 2, verbose: 2, rng: new Rng(1));
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^epoch 1/2 - [\d.]+m?s - loss [\d.]+ - accuracy [\d.]+ - lr 0\.0010$", lines[0]);
        writer.GetStringBuilder().Clear();
        trainer.Fit(Blobs(64, 25), epochs: 1, verbose: 0, rng: new Rng(1));
        Assert.Equal("", writer.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Blobs(8, 1), verbose: 3));
    }

    [Fact]
    public void PredictEvaluatesInEvalModeAndRestoresTheMode()
    {
        var model = Mlp(26, dropout: 0.5f);
        var trainer = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss());
        var x = Tensor.Rand([300, 2], new Rng(27));
        var a = trainer.Predict(x, batchSize: 64);
        var b = trainer.Predict(x, batchSize: 300);
        Assert.Equal(new[] { 300, 2 }, a.ShapeArray());
        Assert.Equal(a.ToArray(), b.ToArray()); // dropout off, batching does not matter
        Assert.True(model.Training);
        Assert.False(a.RequiresGrad);
        var p = trainer.PredictProba(x);
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal(1f, p[i, 0] + p[i, 1], 5));
        var classes = trainer.PredictClasses(x);
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal(a[i, 0] >= a[i, 1] ? 0 : 1, classes[i]));
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var model = Mlp(28);
        var trainer = new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss());
        var data = Blobs(16, 29);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, epochs: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, batchSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data, validationSplit: 1.0));
        Assert.Throws<ArgumentException>(() => trainer.Fit(data, validationSplit: 0.2, validationData: data));
        Assert.Contains("no validation samples", Assert.Throws<ArgumentException>(() => trainer.Fit(Blobs(4, 29), validationSplit: 0.1)).Message);
        Assert.Throws<ArgumentException>(() => new Trainer(model, new Adam(model.Parameters()), new CrossEntropyLoss(), new Accuracy(), new Accuracy()));
    }

    [Fact]
    public void SummaryListsLayersShapesAndParameterCounts()
    {
        var model = new Sequential(new Flatten(), new Linear(784, 512, rng: new Rng(1)), new ReLU(), new Linear(512, 10, rng: new Rng(2)));
        string s = ModelSummary.Of(model, 1, 28, 28);
        Assert.Contains("0 (Flatten)", s);
        Assert.Contains("[N,784]", s);
        Assert.Contains("1 (Linear)", s);
        Assert.Contains("401,920", s);
        Assert.Contains("5,130", s);
        Assert.Contains("Total params: 407,050", s);
        Assert.Contains("Trainable params: 407,050", s);
        Assert.Contains("Non-trainable params: 0", s);
        var e = Assert.Throws<ArgumentException>(() => ModelSummary.Of(model, 1, 20, 20));
        Assert.Contains("'1'", e.Message);
    }
}
