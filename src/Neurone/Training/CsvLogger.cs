using Neurone.Serialization;

namespace Neurone.Training;

/// <summary>
/// Writes the run's history to a CSV file after every epoch (Keras' CSVLogger), rewriting the whole
/// file atomically each time, so a crash never leaves half a line or loses earlier epochs. The file
/// holds the whole run, across resumes: when Fit starts it reads the existing file, and at the first
/// epoch it logs it keeps the rows of the epochs before that one and drops the rest. A run resumed by
/// <see cref="BackupAndRestore"/> (or with an initial epoch) therefore continues the file, and redoes
/// the row of an epoch whose checkpoint a crash prevented; a run that starts at epoch 1 starts a new
/// file. (Keras' CSVLogger either overwrites or, with append=True, appends, repeating redone epochs.)
/// A file that is not such a history is refused with an <see cref="InvalidDataException"/> and left as it is.
/// </summary>
public sealed class CsvLogger(string path) : Callback
{
    History history = new();
    bool trimmed;

    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The whole run's history as the file holds it (earlier runs' epochs included once training has logged an epoch).</summary>
    public History History => history;

    public override void OnTrainBegin()
    {
        history = File.Exists(Path) ? History.LoadCsv(Path) : new History();
        trimmed = false;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!trimmed)
        {
            history = history.Before(epoch);
            trimmed = true;
        }
        history.Append(epoch, logs);
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        AtomicFile.WriteAllBytes(Path, System.Text.Encoding.UTF8.GetBytes(history.ToCsv()));
    }
}
