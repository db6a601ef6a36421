using System.CommandLine;
using System.Globalization;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Cli.Commands;

/// <summary><c>neurone predict</c>: class and probability for each row of a CSV file of features.</summary>
internal static class PredictCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Argument<string>("model") { Description = "A model file saved by train, demo or Model.Save." };
        var input = new Argument<string>("input") { Description = "CSV file of feature rows (numbers only, no label column)." };
        var command = new Command("predict", """
            Print the predicted class and its probability for every row of a CSV file of features.

            Examples:
              neurone predict runs/demo/model.safetensors rows.csv
            """) { model, input };
        command.SetAction(r =>
        {
            var net = EvaluateCommand.Load(r.GetValue(model)!);
            var x = ReadRows(r.GetValue(input)!);
            var trainer = new Trainer(net, new SGD(net.Parameters()), new CrossEntropyLoss());
            Tensor probabilities;
            try { probabilities = trainer.PredictProba(x); }
            catch (ArgumentException e) { throw new CliException($"the model does not accept rows of {x.Size(1)} features: {e.Message}"); }
            RequireFinite(probabilities, x);
            int classes = probabilities.Size(1);
            output.WriteLine("row,class,probability");
            for (int i = 0; i < x.Size(0); i++)
            {
                var row = probabilities.Row(i).AsReadOnlySpan();
                int best = classes == 1 ? (row[0] > 0.5f ? 1 : 0) : System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);
                float p = classes == 1 ? (best == 1 ? row[0] : 1 - row[0]) : row[best];
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1},{best},{p:F4}"));
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Refuses outputs that are not numbers: a model with NaN or infinite weights, or inputs far outside what it
    /// was trained on, would otherwise print NaN probabilities (or a class chosen from them) and exit 0.
    /// </summary>
    static void RequireFinite(Tensor probabilities, Tensor x)
    {
        var p = probabilities.AsReadOnlySpan();
        int width = Math.Max(1, probabilities.Count / Math.Max(1, x.Size(0)));
        for (int i = 0; i < p.Length; i++)
            if (!float.IsFinite(p[i]))
                throw new CliException($"the model's output for row {i / width + 1} is {p[i].ToString(CultureInfo.InvariantCulture)}, not a probability: " +
                    "its weights or that row's features are not finite or are far outside their range.");
    }

    static Tensor ReadRows(string path)
    {
        if (!File.Exists(path)) throw new CliException($"input file '{path}' does not exist.");
        var values = new List<float>();
        int width = -1, rows = 0, lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(',');
            if (width < 0) width = fields.Length;
            else if (fields.Length != width) throw new CliException($"{path}: line {lineNumber} has {fields.Length} fields, expected {width}.");
            foreach (var f in fields)
                values.Add(float.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v
                    : throw new CliException($"{path}: line {lineNumber}: '{f}' is not a number."));
            rows++;
        }
        if (rows == 0) throw new CliException($"{path}: no rows.");
        return Tensor.FromArray(values.ToArray(), rows, width);
    }
}
