using System.Globalization;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Training;

// A child process for the kill-during-save tests and the soak in bench/: it saves as a training run
// does, over and over, and says on stdout what it is doing, so the parent can SIGKILL it mid-save.
//
//   loop FOLDER SIZE [history]  forever: model.safetensors, checkpoint.safetensors (a SIZE×SIZE layer,
//                               every value the generation number) and, with "history", history.csv
//                               through CsvLogger, resuming the epochs the file already holds. Prints
//                               "begin TARGET GEN" and "end TARGET GEN" around each save.
//   exit                        ends at once (its process id is then a dead one).
//   hold PATH                   starts an atomic write of PATH, prints "holding", waits for a line on
//                               stdin, then finishes the write and prints "done".
// A save that throws prints "error MESSAGE" and exits with 3.

var culture = CultureInfo.InvariantCulture;
try
{
    switch (args[0])
    {
        case "loop":
            Loop(args[1], int.Parse(args[2], culture), args.Length > 3 && args[3] == "history");
            break;
        case "exit":
            break;
        case "hold":
            AtomicFile.Write(args[1], stream =>
            {
                stream.Write(new byte[4096]);
                stream.Flush();
                Say("holding");
                Console.In.ReadLine();
                stream.Write(new byte[4096]);
            });
            Say("done");
            break;
        default:
            throw new ArgumentException($"unknown mode '{args[0]}'");
    }
    return 0;
}
catch (Exception e)
{
    Say("error " + e.GetType().Name + ": " + e.Message.ReplaceLineEndings(" "));
    return 3;
}

static void Loop(string folder, int size, bool history)
{
    var model = new Sequential(new Linear(size, size, rng: new Rng(1)));
    var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
    // One step gives the optimizer a momentum buffer, so checkpoints hold optimizer tensors too.
    var x = Tensor.Ones(2, size);
    model.Forward(x).Sum().Backward();
    optimizer.Step();
    var rng = new Rng(2);
    var logger = new CsvLogger(Path.Combine(folder, "history.csv"));
    logger.OnTrainBegin();
    int epoch = logger.History.Epochs.Count;
    for (int gen = 1; ; gen++)
    {
        foreach (var p in model.Parameters()) p.AsSpan().Fill(gen);
        Save("model.safetensors", gen, () => Model.Save(model, Path.Combine(folder, "model.safetensors")));
        Save("checkpoint.safetensors", gen, () => Checkpoint.Save(Path.Combine(folder, "checkpoint.safetensors"), model, optimizer, gen, rng));
        if (history)
        {
            epoch++;
            Save("history.csv", epoch, () => logger.OnEpochEnd(epoch, new Dictionary<string, double> { ["loss"] = epoch, ["lr"] = 0.1 }));
        }
    }
}

static void Save(string target, int gen, Action save)
{
    Say($"begin {target} {gen}");
    save();
    Say($"end {target} {gen}");
}

static void Say(string line)
{
    Console.Out.WriteLine(line);
    Console.Out.Flush();
}
