using System.CommandLine;
using System.Globalization;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Training;

namespace Neurone.Cli.Commands;

/// <summary><c>neurone evaluate</c>: a saved model's loss, accuracy and confusion matrix on a data set's test split.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "A model file saved by train, demo or Model.Save." };
        var data = new Option<string>("--data", "-d") { Description = "Data set (as for train); its test split is evaluated.", DefaultValueFactory = _ => "digits" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder holding the data set's files." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the train/test split for sets that are split here (must match training).", DefaultValueFactory = _ => 0UL };
        var command = new Command("evaluate", """
            Evaluate a saved model on a data set's test split: loss, accuracy, confusion matrix, per-class
            precision, recall and F1.

            Examples:
              neurone evaluate runs/demo/model.safetensors --data digits
              neurone evaluate runs/train/model.safetensors --data mnist
            """) { model, data, dataDir, seed };
        command.SetAction(r =>
        {
            var spec = DataSpec.Resolve(r.GetValue(data)!, r.GetValue(dataDir), r.GetValue(seed));
            var net = Load(r.GetValue(model)!);
            var matrix = new ConfusionMatrix(spec.Classes);
            var trainer = new Trainer(net, new SGD(net.Parameters()), new CrossEntropyLoss(), new Accuracy(), matrix);
            var result = trainer.Evaluate(spec.Test);
            output.WriteLine($"{spec.Name} test set, {spec.Test.Count} samples: loss {result["loss"].ToString("F4", CultureInfo.InvariantCulture)}, accuracy {result["accuracy"].ToString("P2", CultureInfo.InvariantCulture)}");
            var counted = new ConfusionMatrix(spec.Classes);
            var (x, y) = spec.Test.ToTensors();
            var predicted = trainer.PredictClasses(x);
            var truth = y.ToArray().Select(v => (int)v).ToArray();
            counted.Add(truth, predicted);
            output.WriteLine(counted.ToString());
            return 0;
        });
        return command;
    }

    internal static Sequential Load(string path)
    {
        if (!File.Exists(path)) throw new CliException($"model file '{path}' does not exist.");
        // The command's models come from `neurone train`, always a Sequential; another tree is refused by name.
        return Model.Load<Sequential>(path);
    }
}
