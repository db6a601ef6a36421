using System.Globalization;
using System.Text.Json;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Cli;

/// <summary>The settings of one training run, as the train and demo commands collect them.</summary>
internal sealed record RunSettings(
    string Data, string? DataDirectory, string Model, string Optimizer, double LearningRate, double Momentum,
    double WeightDecay, string Schedule, int BatchSize, int Epochs, double ValidationSplit, ulong Seed,
    int Threads, string Output, int Verbose);

/// <summary>
/// Trains a model as the settings say and writes the run folder: model.safetensors (weights and
/// architecture), history.csv, checkpoint.safetensors (for resuming: run the same command again),
/// settings.json, metrics.json and report.html. Ctrl+C stops after the current batch and keeps the last completed
/// epoch's checkpoint.
/// </summary>
internal static class TrainingRun
{
    public static int Run(RunSettings s, TextWriter output)
    {
        if (s.Threads > 0) Parallelism.Threads = s.Threads;
        var data = DataSpec.Resolve(s.Data, s.DataDirectory, s.Seed);
        if (ModelSpec.IsConvolutional(s.Model)) data = data.AsImages();
        var rng = new Rng(s.Seed);
        var model = ModelSpec.Build(s.Model, data.Features, data.Classes, rng, data.ImageShape);
        var optimizer = MakeOptimizer(s, model);
        // On the console the trainer draws its live bar itself; any other writer gets plain lines.
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy()) { Output = output == Console.Out ? null : output };
        Directory.CreateDirectory(s.Output);

        output.WriteLine($"neurone: {data.Name} ({data.Train.Count} training, {data.Test.Count} test samples, {data.Features} features, {data.Classes} classes), model {s.Model}, {s.Optimizer} lr {s.LearningRate.ToString(CultureInfo.InvariantCulture)}, {s.Epochs} epochs, batch {s.BatchSize}, seed {s.Seed}");
        output.WriteLine(ModelSummary.Of(model, data.Train.SampleShape.ToArray()));

        var (scheduler, callbacks) = MakeSchedule(s, optimizer);
        string checkpoint = Path.Combine(s.Output, "checkpoint.safetensors");
        var backup = new BackupAndRestore(checkpoint, scheduler);
        callbacks.Add(backup);
        callbacks.Add(new CsvLogger(Path.Combine(s.Output, "history.csv")));

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
        var metrics = new Dictionary<string, double>(test) { ["epochs"] = history.Epochs.Count == 0 ? backup.RestoredEpoch : history.Epochs[^1] };
        File.WriteAllText(Path.Combine(s.Output, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(s.Output, "settings.json"), JsonSerializer.Serialize(s, new JsonSerializerOptions { WriteIndented = true }));
        WriteReport(s, data, trainer, history, test, backup.RestoredEpoch);
        if (history.StopReason is not null) output.WriteLine($"neurone: {history.StopReason}");
        output.WriteLine($"neurone: test accuracy {test["accuracy"].ToString("P2", CultureInfo.InvariantCulture)}, test loss {test["loss"].ToString("F4", CultureInfo.InvariantCulture)}; run folder {Path.GetFullPath(s.Output)}");
        return 0;
    }

    /// <summary>
    /// report.html: the settings, the test metrics, the curves, the confusion matrix, and sample
    /// predictions as images (or the decision regions, for 2-D data).
    /// </summary>
    static void WriteReport(RunSettings s, DataSpec data, Trainer trainer, History history, IReadOnlyDictionary<string, double> test, int resumedAfter)
    {
        var report = new Report($"{data.Name}: {s.Model}") { Subtitle = resumedAfter > 0 ? $"resumed after epoch {resumedAfter}; the curves show the epochs run since" : null };
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
        var actual = y.ToArray().Select(v => (int)v).ToArray();
        var matrix = new ConfusionMatrix(Math.Max(2, data.Classes));
        matrix.Add(actual, predicted);
        report.AddConfusionMatrix(matrix);

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
