using System.Globalization;

namespace Neurone.Training;

/// <summary>
/// Saves the model (weights and, when every module is registered, its architecture) with
/// <see cref="Model.Save"/> after each epoch, or only when <see cref="Monitor"/> improved
/// (<see cref="SaveBestOnly"/>). "{epoch}" in the path is replaced by the epoch number (two digits),
/// so every epoch can keep its own file. Writes are atomic: an interrupted save leaves the previous
/// file intact.
/// </summary>
public sealed class ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, MonitorMode mode = MonitorMode.Auto) : Callback
{
    double best;

    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));
    public string Monitor { get; } = monitor;
    public bool SaveBestOnly { get; } = saveBestOnly;
    public MonitorMode Mode { get; } = mode;

    /// <summary>The epoch last saved, or 0.</summary>
    public int LastSavedEpoch { get; private set; }

    public override void OnTrainBegin() => best = HigherIsBetter(Monitor, Mode) ? double.NegativeInfinity : double.PositiveInfinity;

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveBestOnly)
        {
            double current = Monitored(logs, Monitor, "ModelCheckpoint");
            bool improved = HigherIsBetter(Monitor, Mode) ? current > best : current < best;
            if (!improved) return;
            best = current;
        }
        string file = Path.Replace("{epoch}", epoch.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file));
        if (dir is not null) Directory.CreateDirectory(dir);
        Model.Save(Trainer.Model, file);
        LastSavedEpoch = epoch;
    }
}
