using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// Stops training when <see cref="Monitor"/> has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs (Keras' EarlyStopping). With <see cref="RestoreBestWeights"/>, the
/// weights of the best epoch are put back when training ends, whether it stopped early or ran out of
/// epochs (Keras restores only when it stopped early; restoring always makes the result not depend on
/// where training happened to end).
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0,
    MonitorMode mode = MonitorMode.Auto, bool restoreBestWeights = false) : Callback
{
    double best;
    int wait;
    List<Tensor>? bestWeights;

    public string Monitor { get; } = monitor;
    public double MinDelta { get; } = Math.Abs(minDelta);
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "EarlyStopping: expected patience ≥ 0.");
    public MonitorMode Mode { get; } = mode;
    public bool RestoreBestWeights { get; } = restoreBestWeights;

    /// <summary>The epoch (1-based) with the best monitored value so far, or 0.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The epoch at which training was stopped, or 0 if it was not.</summary>
    public int StoppedEpoch { get; private set; }

    public override void OnTrainBegin()
    {
        best = HigherIsBetter(Monitor, Mode) ? double.NegativeInfinity : double.PositiveInfinity;
        wait = 0;
        BestEpoch = StoppedEpoch = 0;
        bestWeights = null;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        double current = Monitored(logs, Monitor, "EarlyStopping");
        bool higher = HigherIsBetter(Monitor, Mode);
        bool improved = higher ? current - MinDelta > best : current + MinDelta < best;
        if (improved)
        {
            best = current;
            BestEpoch = epoch;
            wait = 0;
            if (RestoreBestWeights) bestWeights = Trainer.Model.StateDict().Select(kv => CopyOf(kv.Value)).ToList();
            return;
        }
        wait++;
        if (wait > Patience)
        {
            StoppedEpoch = epoch;
            Trainer.Stop($"early stopping: {Monitor} did not improve for {wait} epochs (best {best:G5} at epoch {BestEpoch})");
        }
    }

    public override void OnTrainEnd(History history)
    {
        if (bestWeights is null) return;
        var names = Trainer.Model.StateDict().Select(kv => kv.Key).ToList();
        Trainer.Model.LoadStateDict(names.Zip(bestWeights, (n, t) => new KeyValuePair<string, Tensor>(n, t)));
    }

    static Tensor CopyOf(Tensor t) => Tensor.FromArray(t.ToArray(), t.ShapeArray());
}
