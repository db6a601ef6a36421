namespace Neurone.Optim;

/// <summary>
/// The base of the epoch-driven learning-rate schedules, as <c>torch.optim.lr_scheduler.LRScheduler</c>:
/// it remembers each parameter group's learning rate at construction as its base rate
/// (<see cref="BaseLRs"/>), and each call of <see cref="Step"/> (once per epoch, after the optimizer's
/// steps) advances <see cref="LastEpoch"/> and sets every group's rate from its own base, as PyTorch
/// does — groups at different rates keep their ratio under StepLR and ExponentialLR. Schedules are
/// computed in closed form from the epoch, so a learning rate set by hand is overwritten at the next
/// step (PyTorch's chained form would scale it). Linear warm-up is built in rather than a separate
/// wrapper: with <c>warmupEpochs</c> = W &gt; 0 the rate at epoch e &lt; W is base·(s + (1 − s)·e/W), s being
/// <c>warmupStartFactor</c>, and from epoch W the schedule runs as if started at W (PyTorch's
/// <c>SequentialLR([LinearLR(s, total_iters=W), schedule], milestones=[W])</c>). Every schedule starts at
/// its base rate, so the constructor sets epoch 0's rates.
/// </summary>
public abstract class LRScheduler
{
    double[] baseLRs;
    readonly double[] lastLRs;

    /// <summary>Wraps <paramref name="optimizer"/>, taking each group's current learning rate as its base.</summary>
    protected LRScheduler(Optimizer optimizer, int warmupEpochs, double warmupStartFactor)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (warmupEpochs < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, $"{GetType().Name}: expected warmupEpochs ≥ 0.");
        if (!(warmupStartFactor > 0 && warmupStartFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(warmupStartFactor), warmupStartFactor, $"{GetType().Name}: expected warmupStartFactor in (0, 1].");
        Optimizer = optimizer;
        baseLRs = [.. optimizer.ParamGroups.Select(g => g.LearningRate)];
        lastLRs = new double[baseLRs.Length];
        WarmupEpochs = warmupEpochs;
        WarmupStartFactor = warmupStartFactor;
        for (int g = 0; g < baseLRs.Length; g++)
        {
            lastLRs[g] = warmupEpochs > 0 ? baseLRs[g] * warmupStartFactor : baseLRs[g];
            optimizer.ParamGroups[g].LearningRate = lastLRs[g];
        }
    }

    /// <summary>The optimizer whose learning rates this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The first group's base rate (the only group's, usually).</summary>
    public double BaseLR => baseLRs[0];

    /// <summary>Each group's learning rate when the scheduler was made: the rates the schedule scales.</summary>
    public IReadOnlyList<double> BaseLRs => baseLRs;

    /// <summary>The number of completed <see cref="Step"/> calls (0 after construction).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rate this scheduler last set on the first group.</summary>
    public double LastLR => lastLRs[0];

    /// <summary>The learning rates this scheduler last set, one per group.</summary>
    public IReadOnlyList<double> LastLRs => lastLRs;

    /// <summary>The length of the linear warm-up in epochs (0: none).</summary>
    public int WarmupEpochs { get; }

    /// <summary>The fraction of the base rate the warm-up starts from.</summary>
    public double WarmupStartFactor { get; }

    /// <summary>The schedule's rate <paramref name="epoch"/> epochs after warm-up ended, for a group of base rate <paramref name="baseLR"/> (epoch 0 gives <paramref name="baseLR"/>).</summary>
    protected abstract double ComputeLR(int epoch, double baseLR);

    /// <summary>Advances one epoch and sets every group's learning rate for it.</summary>
    public void Step()
    {
        LastEpoch++;
        Apply();
    }

    void Apply()
    {
        int e = LastEpoch;
        for (int g = 0; g < baseLRs.Length; g++)
        {
            lastLRs[g] = e < WarmupEpochs
                ? baseLRs[g] * (WarmupStartFactor + (1 - WarmupStartFactor) * e / WarmupEpochs)
                : ComputeLR(e - WarmupEpochs, baseLRs[g]);
            Optimizer.ParamGroups[g].LearningRate = lastLRs[g];
        }
    }

    /// <summary>The counters that determine the schedule: "last_epoch" and "base_lr" (the first group's), then "base_lr.1", "base_lr.2", … for further groups.</summary>
    public IReadOnlyDictionary<string, double> StateDict()
    {
        var state = new Dictionary<string, double> { ["last_epoch"] = LastEpoch, ["base_lr"] = baseLRs[0] };
        for (int g = 1; g < baseLRs.Length; g++) state[$"base_lr.{g}"] = baseLRs[g];
        return state;
    }

    /// <summary>
    /// Restores counters saved by <see cref="StateDict"/> and sets the optimizer's learning rates for the
    /// restored epoch (PyTorch leaves that to the optimizer's own state dict; doing it here keeps the two
    /// consistent even when only the scheduler is restored). The state must have one base rate per group.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string name = GetType().Name;
        var keys = new List<string> { "last_epoch", "base_lr" };
        for (int g = 1; g < baseLRs.Length; g++) keys.Add($"base_lr.{g}");
        if (state.Count != keys.Count || !keys.All(state.ContainsKey))
            throw new ArgumentException($"{name}.LoadStateDict: expected exactly the keys {string.Join(", ", keys)} (one base rate per parameter group), got [{string.Join(", ", state.Keys)}].", nameof(state));
        double epoch = state["last_epoch"];
        if (!(epoch >= 0 && epoch <= int.MaxValue && epoch == Math.Floor(epoch)))
            throw new ArgumentOutOfRangeException(nameof(state), epoch, $"{name}.LoadStateDict: expected last_epoch to be a whole number ≥ 0.");
        var bases = keys.Skip(1).Select(k => state[k]).ToArray();
        foreach (double b in bases)
            if (!(b >= 0) || double.IsInfinity(b))
                throw new ArgumentOutOfRangeException(nameof(state), b, $"{name}.LoadStateDict: expected base rates to be finite and ≥ 0.");
        LastEpoch = (int)epoch;
        baseLRs = bases;
        Apply();
    }
}
