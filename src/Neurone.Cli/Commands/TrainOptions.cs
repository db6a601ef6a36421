using System.CommandLine;

namespace Neurone.Cli.Commands;

/// <summary>The options train and demo share, with their defaults and range checks.</summary>
internal sealed class TrainOptions
{
    public Option<string> Data { get; }
    public Option<string?> DataDirectory { get; } = new("--data-dir") { Description = "Folder holding the data set's files (default: the cache, NEURONE_DATA or ~/.cache/neurone/<set>)." };
    public Option<string> Model { get; }
    public Option<string> Optimizer { get; }
    public Option<double> LearningRate { get; }
    public Option<double> Momentum { get; } = new("--momentum") { Description = "Momentum for sgd and rmsprop.", DefaultValueFactory = _ => 0.9 };
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "L2 penalty (decoupled for adamw).", DefaultValueFactory = _ => 0.0 };
    public Option<string> Schedule { get; } = new("--schedule") { Description = "Learning-rate schedule: none, step:SIZE,GAMMA, exp:GAMMA or cosine.", DefaultValueFactory = _ => "none" };
    public Option<int> BatchSize { get; }
    public Option<int> Epochs { get; }
    public Option<double> ValidationSplit { get; } = new("--validation-split") { Description = "Fraction of the training set held out for validation (0: validate on the test set).", DefaultValueFactory = _ => 0.0 };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of every random choice: same seed, same run.", DefaultValueFactory = _ => 0UL };
    public Option<int> Threads { get; } = new("--threads") { Description = "Kernel threads (default: all cores).", DefaultValueFactory = _ => 0 };
    public Option<string> Output { get; }
    public Option<int> Classes { get; } = new("--classes") { Description = "Class count of a CSV's labels (default: the largest label + 1, refused when implausibly large; give it to accept that).", DefaultValueFactory = _ => 0 };
    public Option<int> Verbose { get; } = new("--verbose", "-v") { Description = "0 silent, 1 progress bar on a terminal, 2 one line per epoch.", DefaultValueFactory = _ => 1 };

    public TrainOptions(string data, string model, string optimizer, double lr, int batchSize, int epochs, string output)
    {
        Data = new("--data", "-d") { Description = $"Data set: {string.Join(", ", DataSpec.Known)}, or a CSV file (label last).", DefaultValueFactory = _ => data };
        Model = new("--model", "-m") { Description = "Model: mlp:H1,H2,… (ReLU), mlp-tanh:H1,…, linear, cnn:lenet (image data), or a JSON architecture file.", DefaultValueFactory = _ => model };
        Optimizer = new("--optimizer", "-o") { Description = "sgd, adam, adamw, rmsprop or adagrad.", DefaultValueFactory = _ => optimizer };
        LearningRate = new("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => lr };
        BatchSize = new("--batch-size", "-b") { Description = "Mini-batch size.", DefaultValueFactory = _ => batchSize };
        Epochs = new("--epochs", "-e") { Description = "Number of epochs.", DefaultValueFactory = _ => epochs };
        Output = new("--output") { Description = "Run folder for the model, history, checkpoint and report.", DefaultValueFactory = _ => output };
        Positive(BatchSize);
        Positive(Epochs);
        LearningRate.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v > 0 && double.IsFinite(v))) r.AddError($"--lr must be a positive finite number, got {v}."); });
        Finite(Momentum);
        Finite(WeightDecay);
        Classes.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--classes must be 0 (from the labels) or more."); });
        ValidationSplit.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v >= 0 && v < 1)) r.AddError($"--validation-split must be in [0, 1), got {v}."); });
        Verbose.Validators.Add(r => { int v = r.GetValueOrDefault<int>(); if (v is < 0 or > 2) r.AddError($"--verbose must be 0, 1 or 2, got {v}."); });
        Threads.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--threads must be 0 (all cores) or more."); });
    }

    static void Finite(Option<double> option) =>
        option.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v >= 0 && double.IsFinite(v))) r.AddError($"{option.Name} must be a finite number ≥ 0, got {v}."); });

    static void Positive(Option<int> option) =>
        option.Validators.Add(r => { int v = r.GetValueOrDefault<int>(); if (v < 1) r.AddError($"{option.Name} must be at least 1, got {v}."); });

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Data, DataDirectory, Classes, Model, Optimizer, LearningRate, Momentum, WeightDecay, Schedule, BatchSize, Epochs, ValidationSplit, Seed, Threads, Output, Verbose })
            command.Options.Add(o);
    }

    public RunSettings Read(ParseResult r) => new(
        r.GetValue(Data)!, r.GetValue(DataDirectory), r.GetValue(Model)!, r.GetValue(Optimizer)!, r.GetValue(LearningRate),
        r.GetValue(Momentum), r.GetValue(WeightDecay), r.GetValue(Schedule)!, r.GetValue(BatchSize), r.GetValue(Epochs),
        r.GetValue(ValidationSplit), r.GetValue(Seed), r.GetValue(Threads), r.GetValue(Output)!, r.GetValue(Verbose), r.GetValue(Classes));
}
