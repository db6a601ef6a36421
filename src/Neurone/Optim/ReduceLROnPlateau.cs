namespace Neurone.Optim;

/// <summary>
/// Lowers the learning rate when a monitored metric stops improving, as
/// <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>. Call <see cref="Step(double)"/> once per epoch with
/// the metric. An epoch whose metric beats the best so far by the threshold resets the count of bad
/// epochs; once more than <see cref="Patience"/> bad epochs have passed, the rate becomes
/// max(lr·factor, minLr) — unless that changes it by no more than eps — and the next
/// <see cref="Cooldown"/> epochs do not count as bad. Every parameter group is lowered, each from its
/// own rate, with the one floor minLr (PyTorch also takes a list of floors; not offered here). It is not an <see cref="LRScheduler"/>: it takes a
/// metric and scales the optimizer's current rate rather than computing one from the epoch, so a rate set
/// by hand (or by warm-up elsewhere) is kept and scaled. A NaN metric is never better, so it counts as bad.
/// </summary>
public sealed class ReduceLROnPlateau
{
    /// <summary>Watches a metric for <paramref name="optimizer"/> with PyTorch's defaults.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1,
        int patience = 10, double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel,
        int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "ReduceLROnPlateau: expected mode Min or Max.");
        if (!Enum.IsDefined(thresholdMode))
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, "ReduceLROnPlateau: expected thresholdMode Rel or Abs.");
        if (!(factor >= 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau: expected factor in [0, 1) (the rate is multiplied by it).");
        if (patience < 0)
            throw new ArgumentOutOfRangeException(nameof(patience), patience, "ReduceLROnPlateau: expected patience ≥ 0.");
        if (!(threshold >= 0) || double.IsInfinity(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "ReduceLROnPlateau: expected a finite threshold ≥ 0.");
        if (cooldown < 0)
            throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "ReduceLROnPlateau: expected cooldown ≥ 0.");
        if (!(minLr >= 0) || double.IsInfinity(minLr))
            throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "ReduceLROnPlateau: expected a finite minLr ≥ 0.");
        if (!(eps >= 0) || double.IsInfinity(eps))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "ReduceLROnPlateau: expected a finite eps ≥ 0.");
        Optimizer = optimizer;
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLr = minLr;
        Eps = eps;
        Best = WorstValue;
        lastLRs = [.. optimizer.ParamGroups.Select(g => g.LearningRate)];
    }

    double[] lastLRs;

    /// <summary>The optimizer whose learning rate is lowered.</summary>
    public Optimizer Optimizer { get; }
    /// <summary>Whether lower or higher metrics are better.</summary>
    public PlateauMode Mode { get; }
    /// <summary>The factor the rate is multiplied by on a plateau.</summary>
    public double Factor { get; }
    /// <summary>The number of bad epochs tolerated before the rate is lowered.</summary>
    public int Patience { get; }
    /// <summary>The margin an improvement must beat (relative or absolute, see <see cref="ThresholdMode"/>).</summary>
    public double Threshold { get; }
    /// <summary>How <see cref="Threshold"/> is applied.</summary>
    public ThresholdMode ThresholdMode { get; }
    /// <summary>The number of epochs after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown { get; }
    /// <summary>The floor of the learning rate.</summary>
    public double MinLr { get; }
    /// <summary>Reductions smaller than this are skipped.</summary>
    public double Eps { get; }

    /// <summary>The best metric seen so far (+∞ in Min mode, −∞ in Max mode before the first step).</summary>
    public double Best { get; private set; }
    /// <summary>Consecutive epochs without significant improvement.</summary>
    public int NumBadEpochs { get; private set; }
    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }
    /// <summary>The number of <see cref="Step(double)"/> calls so far.</summary>
    public int LastEpoch { get; private set; }
    /// <summary>The first group's learning rate after the last step.</summary>
    public double LastLR => lastLRs[0];

    /// <summary>Every group's learning rate after the last step.</summary>
    public IReadOnlyList<double> LastLRs => lastLRs;

    double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    bool IsBetter(double current) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => current < Best * (1 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => current < Best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => current > Best * (1 + Threshold),
        _ => current > Best + Threshold,
    };

    /// <summary>Records one epoch's <paramref name="metric"/> and lowers the rate if it has plateaued.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0;
        }

        if (NumBadEpochs > Patience)
        {
            foreach (var group in Optimizer.ParamGroups)
            {
                double oldLr = group.LearningRate;
                double newLr = Math.Max(oldLr * Factor, MinLr);
                if (oldLr - newLr > Eps) group.LearningRate = newLr;
            }
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        lastLRs = [.. Optimizer.ParamGroups.Select(g => g.LearningRate)];
    }

    /// <summary>The counters: "best", "num_bad_epochs", "cooldown_counter", "last_epoch", "last_lr" (the first group's), then "last_lr.1", … for further groups.</summary>
    public IReadOnlyDictionary<string, double> StateDict()
    {
        var state = new Dictionary<string, double>
        {
            ["best"] = Best,
            ["num_bad_epochs"] = NumBadEpochs,
            ["cooldown_counter"] = CooldownCounter,
            ["last_epoch"] = LastEpoch,
            ["last_lr"] = lastLRs[0],
        };
        for (int g = 1; g < lastLRs.Length; g++) state[$"last_lr.{g}"] = lastLRs[g];
        return state;
    }

    /// <summary>
    /// Restores counters saved by <see cref="StateDict"/>. The optimizer's learning rate is restored by
    /// its own state dict, as in PyTorch; this one only sets <see cref="LastLRs"/> (one per group).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var keys = new List<string> { "best", "num_bad_epochs", "cooldown_counter", "last_epoch", "last_lr" };
        for (int g = 1; g < lastLRs.Length; g++) keys.Add($"last_lr.{g}");
        if (state.Count != keys.Count || !keys.All(state.ContainsKey))
            throw new ArgumentException($"ReduceLROnPlateau.LoadStateDict: expected exactly the keys {string.Join(", ", keys)}, got [{string.Join(", ", state.Keys)}].", nameof(state));
        int bad = Count(state, "num_bad_epochs"), cool = Count(state, "cooldown_counter"), epoch = Count(state, "last_epoch");
        double best = state["best"];
        var lastLrs = keys.Skip(4).Select(k => state[k]).ToArray();
        if (double.IsNaN(best))
            throw new ArgumentOutOfRangeException(nameof(state), best, "ReduceLROnPlateau.LoadStateDict: expected best to be a number (±∞ allowed), got NaN.");
        foreach (double lastLr in lastLrs)
            if (!(lastLr >= 0) || double.IsInfinity(lastLr))
                throw new ArgumentOutOfRangeException(nameof(state), lastLr, "ReduceLROnPlateau.LoadStateDict: expected last_lr to be finite and ≥ 0.");
        (Best, NumBadEpochs, CooldownCounter, LastEpoch, lastLRs) = (best, bad, cool, epoch, lastLrs);

        static int Count(IReadOnlyDictionary<string, double> state, string key)
        {
            double v = state[key];
            if (!(v >= 0 && v <= int.MaxValue && v == Math.Floor(v)))
                throw new ArgumentOutOfRangeException(nameof(state), v, $"ReduceLROnPlateau.LoadStateDict: expected {key} to be a whole number ≥ 0.");
            return (int)v;
        }
    }
}
