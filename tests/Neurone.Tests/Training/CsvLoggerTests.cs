using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Training;

/// <summary>CsvLogger's file holds the whole run, across resumes, as its documentation promises.</summary>
public sealed class CsvLoggerTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>A run of <paramref name="epochs"/> epochs with a checkpoint and a CSV log in the temp folder (fresh objects each time).</summary>
    History Run(int epochs, bool backup = true)
    {
        var model = new Sequential(new Linear(2, 8, rng: new Rng(1)), new Tanh(), new Linear(8, 2, rng: new Rng(2)));
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var callbacks = new List<Callback> { new CsvLogger(temp["history.csv"]) };
        if (backup) callbacks.Add(new BackupAndRestore(temp["checkpoint.safetensors"]));
        return new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy()) { Output = TextWriter.Null }
            .Fit(Synthetic.XorBlobs(64, new Rng(3)), epochs: epochs, batchSize: 16, callbacks: callbacks, verbose: 0, rng: new Rng(4));
    }

    [Fact]
    public void AResumedRunsFileHoldsEveryEpochAsAnUninterruptedRunWould()
    {
        Run(6, backup: false);
        string uninterrupted = File.ReadAllText(temp["history.csv"]);
        File.Delete(temp["history.csv"]);

        Run(2);                       // interrupted after epoch 2
        var resumed = Run(6);         // the same command again
        Assert.Equal(new[] { 3, 4, 5, 6 }, resumed.Epochs);   // Fit's own History: this call's epochs, as Keras'
        Assert.Equal(uninterrupted, File.ReadAllText(temp["history.csv"]));
        Assert.Equal(7, File.ReadAllLines(temp["history.csv"]).Length);
    }

    [Fact]
    public void TheLoggerExposesTheWholeRunsHistory()
    {
        Run(2);
        var logger = new CsvLogger(temp["history.csv"]);
        var model = new Sequential(new Linear(2, 8, rng: new Rng(1)), new Tanh(), new Linear(8, 2, rng: new Rng(2)));
        new Trainer(model, new Adam(model.Parameters(), lr: 0.01), new CrossEntropyLoss(), new Accuracy()) { Output = TextWriter.Null }
            .Fit(Synthetic.XorBlobs(64, new Rng(3)), epochs: 3, batchSize: 16, verbose: 0, rng: new Rng(4),
                callbacks: [logger, new BackupAndRestore(temp["checkpoint.safetensors"])]);
        Assert.Equal(new[] { 1, 2, 3 }, logger.History.Epochs);
        Assert.Equal(new[] { "loss", "accuracy", "lr" }, logger.History.Keys);
    }

    [Fact]
    public void RowsFromTheResumedEpochOnAreReplacedAndAFreshRunStartsANewFile()
    {
        // A run killed after writing epoch 3's row but before its checkpoint: the row is redone.
        Run(2);
        var lines = File.ReadAllLines(temp["history.csv"]).ToList();
        lines.Add("3,123,0.5,0.01");
        File.WriteAllLines(temp["history.csv"], lines);
        Run(3);
        var after = File.ReadAllLines(temp["history.csv"]);
        Assert.Equal(4, after.Length);
        Assert.Equal(lines.Take(3), after.Take(3));
        Assert.StartsWith("3,", after[3]);
        Assert.DoesNotContain("123", after[3]);

        // Without a checkpoint the run starts at epoch 1, and the old file's rows all go.
        File.Delete(temp["checkpoint.safetensors"]);
        Run(1);
        Assert.Equal(2, File.ReadAllLines(temp["history.csv"]).Length);
    }

    [Fact]
    public void AFileThatIsNotAHistoryIsRefusedAndLeftAlone()
    {
        File.WriteAllText(temp["history.csv"], "epoch,loss\n1,0.5\nnot a row\n");
        var e = Assert.Throws<InvalidDataException>(() => Run(1));
        Assert.Contains("history.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Equal("epoch,loss\n1,0.5\nnot a row\n", File.ReadAllText(temp["history.csv"]));
    }

    [Fact]
    public void HistoryRoundTripsThroughCsvIncludingNaN()
    {
        var h = new History();
        h.Append(1, new Dictionary<string, double> { ["loss"] = 0.1, ["lr"] = 0.01 });
        h.Append(2, new Dictionary<string, double> { ["loss"] = double.NaN, ["lr"] = 1.0 / 3, ["val_loss"] = 2.5 });
        File.WriteAllText(temp["h.csv"], h.ToCsv());
        var back = History.LoadCsv(temp["h.csv"]);
        Assert.Equal(h.ToCsv(), back.ToCsv());
        Assert.Equal(h.Epochs, back.Epochs);
        Assert.True(double.IsNaN(back["val_loss"][0]));
    }
}
