using System.CommandLine;

namespace Neurone.Cli.Commands;

/// <summary>
/// <c>neurone demo</c>: trains a small MLP on the 8×8 digits embedded in the library (no download) and
/// writes a run folder. Finishes in seconds.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainOptions(data: "digits", model: "mlp:64", optimizer: "adam", lr: 0.01, batchSize: 32, epochs: 20, output: Path.Combine("runs", "demo"));
        var command = new Command("demo", """
            Train a 64-64-10 MLP on the 1,797 embedded 8x8 digits (no download) and write runs/demo/:
            model.safetensors, history.csv, checkpoint.safetensors, metrics.json and report.html.

            Examples:
              neurone demo
              neurone demo --epochs 40 --output runs/digits --seed 3
            """);
        options.AddTo(command);
        command.SetAction(r => TrainingRun.Run(options.Read(r), output));
        return command;
    }
}
