using Neurone.Serialization;

namespace Neurone.Training;

/// <summary>
/// Writes the history so far to a CSV file after every epoch (Keras' CSVLogger). The whole file is
/// rewritten atomically each time, so a crash never leaves half a line or loses earlier epochs.
/// </summary>
public sealed class CsvLogger(string path) : Callback
{
    readonly History history = new();

    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        history.Append(epoch, logs);
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        AtomicFile.WriteAllBytes(Path, System.Text.Encoding.UTF8.GetBytes(history.ToCsv()));
    }
}
