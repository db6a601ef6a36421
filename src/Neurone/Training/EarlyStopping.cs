using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// Stops training when <see cref="Monitor"/> has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs, exactly as Keras' EarlyStopping counts: the first epoch sets the
/// best; each later epoch that does not beat it by more than MinDelta adds one to a wait count, and
/// training stops at the end of the epoch that brings the count to Patience (so patience 0 and 1 both
/// stop at the first epoch without improvement, and the very first epoch never stops training). With
/// <see cref="RestoreBestWeights"/>, the weights of the best epoch are put back when training ends,
/// whether it stopped early or ran out of epochs (Keras restores only when it stopped early; restoring
/// always makes the result not depend on where training happened to end).
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
        // A NaN never compares true, so a diverged epoch counts as no improvement.
        bool improved = higher ? current - MinDelta > best : current + MinDelta < best;
        wait++;
        if (improved)
        {
            best = current;
            BestEpoch = epoch;
            wait = 0;
            if (RestoreBestWeights) bestWeights = Snapshot();
            return;
        }
        if (RestoreBestWeights && bestWeights is null)
        {
            // As Keras: when the first monitored epoch is no improvement (NaN), its weights stand in for the best.
            bestWeights = Snapshot();
            BestEpoch = epoch;
        }
        // Keras compares its 0-based epoch with 0: the first epoch of a run never stops it.
        if (wait >= Patience && epoch > 1)
        {
            StoppedEpoch = epoch;
            string bestSoFar = double.IsInfinity(best) ? "no epoch has given a finite value yet" : $"best {best:G5} at epoch {BestEpoch}";
            Trainer.Stop($"early stopping: {Monitor} did not improve for {wait} {(wait == 1 ? "epoch" : "epochs")} ({bestSoFar})");
        }
    }

    public override void OnTrainEnd(History history)
    {
        if (bestWeights is null) return;
        var names = Trainer.Model.StateDict().Select(kv => kv.Key).ToList();
        Trainer.Model.LoadStateDict(names.Zip(bestWeights, (n, t) => new KeyValuePair<string, Tensor>(n, t)));
    }

    List<Tensor> Snapshot() => Trainer.Model.StateDict().Select(kv => CopyOf(kv.Value)).ToList();

    static Tensor CopyOf(Tensor t) => Tensor.FromArray(t.ToArray(), t.ShapeArray());
}
