using Neurone.Optim;

namespace Neurone.Training;

/// <summary>
/// Makes Fit resumable, as Keras' BackupAndRestore: after every epoch it writes a
/// <see cref="Checkpoint"/> (weights, optimizer, scheduler, epoch, shuffling and dropout generators);
/// when Fit starts and the file exists, it restores all of it and training continues with the next
/// epoch. An interrupted run restarted with the same code therefore ends with the same weights, bit for
/// bit, as one that was never interrupted. Pass the same scheduler (if any) that a
/// <see cref="LearningRateSchedule"/> callback drives. Delete the file to start over.
/// </summary>
public sealed class BackupAndRestore(string path, LRScheduler? scheduler = null, ReduceLROnPlateau? plateau = null) : Callback
{
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The epoch restored at the start of the last Fit, or 0 if it started fresh.</summary>
    public int RestoredEpoch { get; private set; }

    public override void OnTrainBegin()
    {
        RestoredEpoch = 0;
        if (!File.Exists(Path)) return;
        var checkpoint = Checkpoint.Load(Path);
        RestoredEpoch = checkpoint.Restore(Trainer.Model, Trainer.Optimizer, Trainer.ShuffleRng!, scheduler, plateau);
        Trainer.SkipToEpoch(RestoredEpoch);
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Checkpoint.Save(Path, Trainer.Model, Trainer.Optimizer, epoch, Trainer.ShuffleRng!, scheduler, plateau);
    }
}
