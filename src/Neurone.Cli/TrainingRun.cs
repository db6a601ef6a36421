using System.Globalization;
using System.Text.Json;
using Neurone.Data;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Cli;

/// <summary>The settings of one training run, as the train and demo commands collect them.</summary>
internal sealed record RunSettings(
    string Data, string? DataDirectory, string Model, string Optimizer, double LearningRate, double Momentum,
    double WeightDecay, string Schedule, int BatchSize, int Epochs, double ValidationSplit, ulong Seed,
    int Threads, string Output, int Verbose, int Classes = 0);

/// <summary>
/// Trains a model as the settings say and writes the run folder: model.safetensors (weights and
/// architecture), history.csv, checkpoint.safetensors (for resuming: run the same command again),
/// settings.json, metrics.json and report.html. Ctrl+C stops after the current batch and keeps the last completed
/// epoch's checkpoint; so does a killed process, whose half-written files the next run in the folder removes.
/// history.csv and the report's curves hold the whole run, across resumes.
/// </summary>
internal static class TrainingRun
{
    /// <summary>Above this many classes the report leaves out the confusion matrix (a table nobody can read, and classes² counts).</summary>
    const int MostClassesDrawn = 100;

    public static int Run(RunSettings s, TextWriter output)
    {
        if (s.Threads > 0) Parallelism.Threads = s.Threads;
        var data = DataSpec.Resolve(s.Data, s.DataDirectory, s.Seed, s.Classes);
        if (ModelSpec.IsConvolutional(s.Model)) data = data.AsImages();
        CheckSplits(data, s.ValidationSplit);
        var rng = new Rng(s.Seed);
        var model = ModelSpec.Build(s.Model, data.Features, data.Classes, rng, data.ImageShape);
        var optimizer = MakeOptimizer(s, model);
        // On the console the trainer draws its live bar itself; any other writer gets plain lines.
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy()) { Output = output == Console.Out ? null : output };
        Directory.CreateDirectory(s.Output);
        // Temporary files that killed saves of an earlier run left here (never those of a live run).
        AtomicFile.RemoveLeftoversIn(s.Output);

        output.WriteLine($"neurone: {data.Name} ({data.Train.Count} training, {data.Test.Count} test samples, {data.Features} features, {data.Classes} classes), model {s.Model}, {s.Optimizer} lr {s.LearningRate.ToString(CultureInfo.InvariantCulture)}, {s.Epochs} epochs, batch {s.BatchSize}, seed {s.Seed}");
        output.WriteLine(ModelSummary.Of(model, data.Train.SampleShape.ToArray()));

        var (scheduler, callbacks) = MakeSchedule(s, optimizer);
        string checkpoint = Path.Combine(s.Output, "checkpoint.safetensors");
        var backup = new BackupAndRestore(checkpoint, scheduler);
        var logger = new CsvLogger(Path.Combine(s.Output, "history.csv"));
        // The epoch's row before its checkpoint: a kill between the two redoes the row with the epoch,
        // where the other order would lose the row for good.
        callbacks.Add(logger);
        callbacks.Add(backup);

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        History history;
        try
        {
            history = trainer.Fit(data.Train, epochs: s.Epochs, batchSize: s.BatchSize, validationSplit: s.ValidationSplit,
                validationData: s.ValidationSplit > 0 ? null : data.Test, callbacks: callbacks, verbose: s.Verbose, rng: rng.Fork(),
                cancellationToken: cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        if (backup.RestoredEpoch > 0) output.WriteLine($"neurone: resumed from {checkpoint} after epoch {backup.RestoredEpoch}.");
        if (cancel.IsCancellationRequested)
        {
            output.WriteLine($"neurone: {history.StopReason} The checkpoint {checkpoint} holds the last completed epoch; run the same command to resume.");
            return 130;
        }

        var test = trainer.Evaluate(data.Test);
        Model.Save(model, Path.Combine(s.Output, "model.safetensors"));
        var whole = logger.History;
        var metrics = new Dictionary<string, double>(test) { ["epochs"] = whole.Epochs.Count == 0 ? backup.RestoredEpoch : whole.Epochs[^1] };
        WriteJson(Path.Combine(s.Output, "metrics.json"), metrics);
        WriteJson(Path.Combine(s.Output, "settings.json"), s);
        WriteReport(s, data, trainer, whole, test, backup.RestoredEpoch);
        if (history.StopReason is not null) output.WriteLine($"neurone: {history.StopReason}");
        output.WriteLine($"neurone: test accuracy {test["accuracy"].ToString("P2", CultureInfo.InvariantCulture)}, test loss {test["loss"].ToString("F4", CultureInfo.InvariantCulture)}; run folder {Path.GetFullPath(s.Output)}");
        return 0;
    }

    /// <summary>
    /// Refuses, before anything is written, a data set whose train/test split or validation split leaves
    /// a part empty (a one-row CSV trained on itself and then failed on an empty test set).
    /// </summary>
    static void CheckSplits(DataSpec data, double validationSplit)
    {
        int total = data.Train.Count + data.Test.Count;
        string rows = total == 1 ? "1 sample" : $"{total} samples";
        if (data.Train.Count == 0 || data.Test.Count == 0)
            throw new CliException($"{data.Name} has too few samples: {rows} split into {data.Train.Count} for training and {data.Test.Count} for testing; both need at least one.");
        if (validationSplit > 0)
        {
            var parts = Splits.ByFraction(data.Train, [1 - validationSplit, validationSplit]);
            if (parts[0].Count == 0 || parts[1].Count == 0)
                throw new CliException($"{data.Name} has too few training samples for --validation-split {validationSplit.ToString(CultureInfo.InvariantCulture)}: {data.Train.Count} split into {parts[0].Count} for training and {parts[1].Count} for validation; both need at least one.");
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> as indented JSON, atomically. JSON has no NaN or infinity, so
    /// they are written as null, as JavaScript's JSON.stringify does (a diverged run's loss, say).
    /// </summary>
    static void WriteJson<T>(string path, T value)
    {
        var options = new JsonSerializerOptions { WriteIndented = true, Converters = { new NonFiniteAsNull() } };
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, options));
    }

    sealed class NonFiniteAsNull : System.Text.Json.Serialization.JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }

    /// <summary>
    /// report.html: the settings, the test metrics, the curves, the confusion matrix, and sample
    /// predictions as images (or the decision regions, for 2-D data).
    /// </summary>
    static void WriteReport(RunSettings s, DataSpec data, Trainer trainer, History history, IReadOnlyDictionary<string, double> test, int resumedAfter)
    {
        var report = new Report($"{data.Name}: {s.Model}") { Subtitle = resumedAfter > 0 ? $"resumed after epoch {resumedAfter}" : null };
        report.AddConfiguration(new Dictionary<string, string>
        {
            ["data"] = $"{data.Name} ({data.Train.Count} training, {data.Test.Count} test samples)",
            ["model"] = s.Model, ["optimizer"] = $"{s.Optimizer}, lr {s.LearningRate.ToString(CultureInfo.InvariantCulture)}, schedule {s.Schedule}",
            ["batch size"] = s.BatchSize.ToString(CultureInfo.InvariantCulture), ["epochs"] = s.Epochs.ToString(CultureInfo.InvariantCulture),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture), ["parameters"] = trainer.Model.ParameterCount().ToString("N0", CultureInfo.InvariantCulture),
        });
        report.AddMetrics(test.Select(kv => new KeyValuePair<string, double>("test " + kv.Key, kv.Value)));
        if (history.Epochs.Count > 0) report.AddHistory(history);

        var (x, y) = data.Test.ToTensors();
        var predicted = trainer.PredictClasses(x);
        var actual = y.ToIntArray();
        if (data.Classes <= MostClassesDrawn)
        {
            var matrix = new ConfusionMatrix(Math.Max(2, data.Classes));
            matrix.Add(actual, predicted);
            report.AddConfusionMatrix(matrix);
        }
        else report.AddText("Confusion matrix", $"Not drawn: {data.Classes} classes are more than {MostClassesDrawn}.");

        if (data.Features == 2)
            report.AddChart("Decision regions on the test set", new DecisionRegions(points => trainer.PredictClasses(points), x, actual));
        else if (data.ImageShape is { } shape)
            report.AddImage("Sample test predictions", ImageGrid.Predictions(x.Reshape(-1, data.Features), predicted, actual,
                scale: Math.Max(3, 48 / shape[1]), height: shape[1], width: shape[2], channels: shape[0]));
        report.Save(Path.Combine(s.Output, "report.html"));
    }

    static Optimizer MakeOptimizer(RunSettings s, Module model) => s.Optimizer.ToLowerInvariant() switch
    {
        "sgd" => new SGD(model.Parameters(), lr: s.LearningRate, momentum: s.Momentum, weightDecay: s.WeightDecay),
        "adam" => new Adam(model.Parameters(), lr: s.LearningRate, weightDecay: s.WeightDecay),
        "adamw" => new AdamW(model.Parameters(), lr: s.LearningRate, weightDecay: s.WeightDecay == 0 ? 1e-2 : s.WeightDecay),
        "rmsprop" => new RMSprop(model.Parameters(), lr: s.LearningRate, momentum: s.Momentum, weightDecay: s.WeightDecay),
        "adagrad" => new Adagrad(model.Parameters(), lr: s.LearningRate, weightDecay: s.WeightDecay),
        _ => throw new CliException($"unknown optimizer '{s.Optimizer}': expected sgd, adam, adamw, rmsprop or adagrad."),
    };

    /// <summary>"none", "step:SIZE,GAMMA", "exp:GAMMA" or "cosine".</summary>
    static (LRScheduler? Scheduler, List<Callback> Callbacks) MakeSchedule(RunSettings s, Optimizer optimizer)
    {
        var parts = s.Schedule.Split(':', 2);
        double[] Numbers(int count)
        {
            var values = parts.Length > 1 ? parts[1].Split(',') : [];
            if (values.Length != count) throw new CliException($"schedule '{s.Schedule}': expected {count} number(s) after '{parts[0]}:'.");
            return values.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d
                : throw new CliException($"schedule '{s.Schedule}': '{v}' is not a number.")).ToArray();
        }
        LRScheduler? scheduler = parts[0] switch
        {
            "none" => null,
            "step" => Numbers(2) is var n ? new StepLR(optimizer, (int)n[0], n[1]) : null,
            "exp" => new ExponentialLR(optimizer, Numbers(1)[0]),
            "cosine" => new CosineAnnealingLR(optimizer, s.Epochs),
            _ => throw new CliException($"unknown schedule '{s.Schedule}': expected none, step:SIZE,GAMMA, exp:GAMMA or cosine."),
        };
        return (scheduler, scheduler is null ? [] : [new LearningRateSchedule(scheduler)]);
    }
}
