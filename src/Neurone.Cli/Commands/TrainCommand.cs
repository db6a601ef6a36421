using System.CommandLine;

namespace Neurone.Cli.Commands;

/// <summary><c>neurone train</c>: trains any built-in data set and model from the command line.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var options = new TrainOptions(data: "mnist", model: "mlp:512,256", optimizer: "sgd", lr: 0.05, batchSize: 128, epochs: 10, output: Path.Combine("runs", "train"));
        var command = new Command("train", """
            Train a model and write a run folder (model, history, checkpoint, metrics). Running the same
            command again resumes from the folder's checkpoint; Ctrl+C stops after the current batch.

            Examples:
              neurone train --data mnist --model mlp:512,256 --epochs 10 --schedule cosine
              neurone train --data mnist --model cnn:lenet --optimizer adam --lr 0.001 --epochs 3
              neurone train --data digits --model mlp:128 --optimizer adam --lr 0.001 --epochs 50
              neurone train --data circles --model mlp-tanh:16 --optimizer adam --lr 0.01 --epochs 200
              neurone train --data table.csv --model linear --optimizer sgd --lr 0.1
            """);
        options.AddTo(command);
        command.SetAction(r => TrainingRun.Run(options.Read(r), output));
        return command;
    }
}
