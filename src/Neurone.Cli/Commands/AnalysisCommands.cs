using System.CommandLine;
using System.Globalization;
using Neurone.Analysis;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Cli.Commands;

/// <summary>The inspection commands: gradcheck, tsne and search, each a thin call into Neurone.Analysis.</summary>
internal static class AnalysisCommands
{
    static Option<string> DataOption(string fallback) => new("--data", "-d") { Description = $"Data set (as for train), default {fallback}.", DefaultValueFactory = _ => fallback };
    static readonly Option<string?> DataDirectory = new("--data-dir") { Description = "Folder holding the data set's files." };

    /// <summary><c>neurone gradcheck</c>: finite differences against autograd for every parameter of a model.</summary>
    public static Command GradCheck(TextWriter output)
    {
        var data = DataOption("digits");
        var model = new Option<string>("--model", "-m") { Description = "A model spec (mlp:64, linear, …) or a saved model file.", DefaultValueFactory = _ => "mlp-tanh:32" };
        var samples = new Option<int>("--samples") { Description = "Batch size of the check.", DefaultValueFactory = _ => 8 };
        var elements = new Option<int>("--elements") { Description = "Elements checked per parameter (sampled when larger).", DefaultValueFactory = _ => 32 };
        samples.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--samples must be at least 1."); });
        elements.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--elements must be at least 1."); });
        var command = new Command("gradcheck", """
            Compare autograd's gradients with centred finite differences for every parameter of a model, on
            one batch of a data set, and print a per-parameter table of relative errors. Exit code 1 when a
            parameter fails. ReLU models use a smaller step so perturbations do not flip units.

            Examples:
              neurone gradcheck --model mlp-tanh:32 --data digits
              neurone gradcheck --model runs/demo/model.safetensors --data digits --elements 64
            """) { data, DataDirectory, model, samples, elements };
        command.SetAction(r =>
        {
            var spec = DataSpec.Resolve(r.GetValue(data)!, r.GetValue(DataDirectory), 0);
            string m = r.GetValue(model)!;
            Sequential net = m.EndsWith(".safetensors", StringComparison.Ordinal) ? EvaluateCommand.Load(m) : ModelSpec.Build(m, spec.Features, spec.Classes, new Rng(0));
            var (x, y) = spec.Test.GetBatch(Enumerable.Range(0, Math.Min(r.GetValue(samples), spec.Test.Count)).ToArray());
            bool relu = net.NamedModules().Any(n => n.Module is ReLU);
            var report = GradCheckReport.Run(net, x, y, new CrossEntropyLoss(), r.GetValue(elements), step: relu ? 1e-3f : 1e-2f);
            output.WriteLine(report.ToString());
            return report.Passed ? 0 : 1;
        });
        return command;
    }

    /// <summary><c>neurone tsne</c>: a 2-D map of a data set's test images, coloured by class.</summary>
    public static Command Tsne(TextWriter output)
    {
        var data = DataOption("digits");
        var count = new Option<int>("--count", "-n") { Description = "How many test samples to embed.", DefaultValueFactory = _ => 1000 };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE perplexity.", DefaultValueFactory = _ => 30.0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the embedding.", DefaultValueFactory = _ => 0UL };
        var outputFolder = new Option<string>("--output") { Description = "Folder for tsne.svg and tsne.csv.", DefaultValueFactory = _ => Path.Combine("runs", "tsne") };
        count.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 10) r.AddError("--count must be at least 10."); });
        perplexity.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--perplexity must be positive."); });
        var command = new Command("tsne", """
            Embed a data set's test samples in 2-D with t-SNE (exact below 1,000 points, Barnes-Hut above),
            write tsne.svg (one colour per class) and tsne.csv, and print the trustworthiness.

            Examples:
              neurone tsne --data digits --count 1797
              neurone tsne --data mnist --count 10000 --output runs/mnist-tsne
            """) { data, DataDirectory, count, perplexity, seed, outputFolder };
        command.SetAction(r =>
        {
            var spec = DataSpec.Resolve(r.GetValue(data)!, r.GetValue(DataDirectory), 0);
            int n = Math.Min(r.GetValue(count), spec.Test.Count);
            var (x, y) = spec.Test.GetBatch(Enumerable.Range(0, n).ToArray());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var embedding = new Tsne { Perplexity = r.GetValue(perplexity), Seed = r.GetValue(seed) }.FitTransform(x);
            double seconds = clock.Elapsed.TotalSeconds;
            double trust = Neurone.Analysis.Tsne.Trustworthiness(x, embedding, 5);
            var labels = y.ToIntArray();
            string folder = r.GetValue(outputFolder)!;
            Directory.CreateDirectory(folder);
            new ScatterPlot(embedding, labels, title: $"t-SNE of {n} {spec.Name} test samples").Save(Path.Combine(folder, "tsne.svg"));
            var csv = new System.Text.StringBuilder("x,y,label\n");
            var e = embedding.AsReadOnlySpan();
            for (int i = 0; i < n; i++) csv.Append(CultureInfo.InvariantCulture, $"{e[2 * i]},{e[2 * i + 1]},{labels[i]}\n");
            File.WriteAllText(Path.Combine(folder, "tsne.csv"), csv.ToString());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t-SNE of {n} {spec.Name} samples in {seconds:F1} s, trustworthiness (k=5) {trust:F4}; wrote {Path.GetFullPath(folder)}/tsne.svg and tsne.csv"));
            return 0;
        });
        return command;
    }

    /// <summary><c>neurone search</c>: random search over learning rate, hidden size and weight decay.</summary>
    public static Command Search(TextWriter output)
    {
        var data = DataOption("digits");
        var trials = new Option<int>("--trials") { Description = "Number of random trials.", DefaultValueFactory = _ => 12 };
        var epochs = new Option<int>("--epochs", "-e") { Description = "Epochs per trial.", DefaultValueFactory = _ => 5 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the search.", DefaultValueFactory = _ => 0UL };
        trials.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--trials must be at least 1."); });
        epochs.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--epochs must be at least 1."); });
        var command = new Command("search", """
            Random hyperparameter search for a one-hidden-layer ReLU MLP trained with Adam: learning rate
            (log-uniform 1e-4 to 1e-1), hidden size (32, 64, 128, 256) and weight decay (log-uniform 1e-6 to
            1e-2), each trial validated on 20% of the training set; prints the trials sorted by validation
            accuracy and the best one's test accuracy.

            Examples:
              neurone search --data digits --trials 12 --epochs 5
              neurone search --data mnist --trials 8 --epochs 2
            """) { data, DataDirectory, trials, epochs, seed };
        command.SetAction(r =>
        {
            var spec = DataSpec.Resolve(r.GetValue(data)!, r.GetValue(DataDirectory), r.GetValue(seed));
            var space = new SearchSpace().LogUniform("lr", 1e-4, 1e-1).Choice("hidden", 32, 64, 128, 256).LogUniform("weight_decay", 1e-6, 1e-2);
            int epochCount = r.GetValue(epochs);
            var result = new HyperparameterSearch(space, r.GetValue(trials), r.GetValue(seed)).Run(p =>
            {
                var rng = new Rng(p.Seed);
                var model = ModelSpec.Build($"mlp:{p.Int("hidden")}", spec.Features, spec.Classes, rng);
                var trainer = new Trainer(model, new Adam(model.Parameters(), lr: p.Double("lr"), weightDecay: p.Double("weight_decay")), new CrossEntropyLoss(), new Accuracy());
                var history = trainer.Fit(spec.Train, epochs: epochCount, batchSize: 64, validationSplit: 0.2, verbose: 0, rng: rng.Fork());
                return new TrialOutcome(history["val_accuracy"][^1], model);
            });
            output.WriteLine(result.ToString());
            if (result.BestModel is { } best)
            {
                var test = new Trainer(best, new SGD(best.Parameters()), new CrossEntropyLoss(), new Accuracy()).Evaluate(spec.Test);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"best trial {result.Best.Trial} ({result.Best.Parameters}): test accuracy {test["accuracy"]:P2}"));
            }
            return 0;
        });
        return command;
    }
}
