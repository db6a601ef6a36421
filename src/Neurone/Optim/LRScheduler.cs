namespace Neurone.Optim;

/// <summary>
/// The base of the epoch-driven learning-rate schedules, as <c>torch.optim.lr_scheduler.LRScheduler</c>:
/// it remembers the optimizer's learning rate at construction as <see cref="BaseLR"/>, and each call of
/// <see cref="Step"/> (once per epoch, after the optimizer's steps) advances <see cref="LastEpoch"/> and
/// sets <see cref="Optimizer.LearningRate"/>. Schedules are computed in closed form from the epoch, so
/// a learning rate set by hand is overwritten at the next step (PyTorch's chained form would scale it).
/// Linear warm-up is built in rather than a separate wrapper: with <c>warmupEpochs</c> = W &gt; 0 the rate
/// at epoch e &lt; W is BaseLR·(s + (1 − s)·e/W), s being <c>warmupStartFactor</c>, and from epoch W the
/// schedule runs as if started at W (PyTorch's <c>SequentialLR([LinearLR(s, total_iters=W), schedule],
/// milestones=[W])</c>). Every schedule starts at its base rate, so the constructor sets epoch 0's rate.
/// </summary>
public abstract class LRScheduler
{
    /// <summary>Wraps <paramref name="optimizer"/>, taking its current learning rate as the base.</summary>
    protected LRScheduler(Optimizer optimizer, int warmupEpochs, double warmupStartFactor)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (warmupEpochs < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, $"{GetType().Name}: expected warmupEpochs ≥ 0.");
        if (!(warmupStartFactor > 0 && warmupStartFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), warmupStartFactor, $"{GetType().Name}: expected warmupStartFactor in (0, 1].");
        Optimizer = optimizer;
        BaseLR = optimizer.LearningRate;
        WarmupEpochs = warmupEpochs;
        WarmupStartFactor = warmupStartFactor;
        LastLR = warmupEpochs > 0 ? BaseLR * warmupStartFactor : BaseLR;
        optimizer.LearningRate = LastLR;
    }

    /// <summary>The optimizer whose learning rate this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The optimizer's learning rate when the scheduler was made: the rate the schedule scales.</summary>
    public double BaseLR { get; private set; }

    /// <summary>The number of completed <see cref="Step"/> calls (0 after construction).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rate this scheduler last set.</summary>
    public double LastLR { get; private set; }

    /// <summary>The length of the linear warm-up in epochs (0: none).</summary>
    public int WarmupEpochs { get; }

    /// <summary>The fraction of the base rate the warm-up starts from.</summary>
    public double WarmupStartFactor { get; }

    /// <summary>The schedule's rate <paramref name="epoch"/> epochs after warm-up ended (0 gives <see cref="BaseLR"/>).</summary>
    protected abstract double ComputeLR(int epoch);

    /// <summary>Advances one epoch and sets the optimizer's learning rate for it.</summary>
    public void Step()
    {
        LastEpoch++;
        Apply();
    }

    void Apply()
    {
        int e = LastEpoch;
        LastLR = e < WarmupEpochs
            ? BaseLR * (WarmupStartFactor + (1 - WarmupStartFactor) * e / WarmupEpochs)
            : ComputeLR(e - WarmupEpochs);
        Optimizer.LearningRate = LastLR;
    }

    /// <summary>The counters that determine the schedule: "last_epoch" and "base_lr".</summary>
    public IReadOnlyDictionary<string, double> StateDict() =>
        new Dictionary<string, double> { ["last_epoch"] = LastEpoch, ["base_lr"] = BaseLR };

    /// <summary>
    /// Restores counters saved by <see cref="StateDict"/> and sets the optimizer's learning rate for the
    /// restored epoch (PyTorch leaves that to the optimizer's own state dict; doing it here keeps the two
    /// consistent even when only the scheduler is restored).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string name = GetType().Name;
        if (state.Count != 2 || !state.TryGetValue("last_epoch", out double epoch) || !state.TryGetValue("base_lr", out double baseLR))
            throw new ArgumentException($"{name}.LoadStateDict: expected exactly the keys last_epoch and base_lr, got [{string.Join(", ", state.Keys)}].", nameof(state));
        if (!(epoch >= 0 && epoch <= int.MaxValue && epoch == Math.Floor(epoch)))
            throw new ArgumentOutOfRangeException(nameof(state), epoch, $"{name}.LoadStateDict: expected last_epoch to be a whole number ≥ 0.");
        if (!(baseLR >= 0) || double.IsInfinity(baseLR))
            throw new ArgumentOutOfRangeException(nameof(state), baseLR, $"{name}.LoadStateDict: expected base_lr to be finite and ≥ 0.");
        LastEpoch = (int)epoch;
        BaseLR = baseLR;
        Apply();
    }
}
