using Neurone.Optim;

namespace Neurone.Training;

/// <summary>
/// Drives a learning-rate schedule from Fit: steps an <see cref="LRScheduler"/> after every epoch, or
/// a <see cref="ReduceLROnPlateau"/> with the monitored value (default "val_loss"), or sets the rate from
/// a function of (epoch, current rate) before each epoch, as Keras' LearningRateScheduler does. Each acts
/// on every parameter group: the schedulers from each group's own base rate, the function on each
/// group's own current rate (so <c>(e, lr) =&gt; lr * 0.9</c> keeps the groups' ratios, while a function
/// that ignores its rate gives every group the same one).
/// </summary>
public sealed class LearningRateSchedule : Callback
{
    readonly LRScheduler? scheduler;
    readonly ReduceLROnPlateau? plateau;
    readonly Func<int, double, double>? function;
    readonly string monitor = "val_loss";

    /// <summary>Steps <paramref name="scheduler"/> once per epoch.</summary>
    public LearningRateSchedule(LRScheduler scheduler) => this.scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));

    /// <summary>Steps <paramref name="plateau"/> with <paramref name="monitor"/> after each epoch.</summary>
    public LearningRateSchedule(ReduceLROnPlateau plateau, string monitor = "val_loss")
    {
        this.plateau = plateau ?? throw new ArgumentNullException(nameof(plateau));
        this.monitor = monitor;
    }

    /// <summary>Before each epoch (1-based), sets each group's rate to <paramref name="function"/>(epoch, that group's current rate).</summary>
    public LearningRateSchedule(Func<int, double, double> function) => this.function = function ?? throw new ArgumentNullException(nameof(function));

    /// <summary>The scheduler stepped each epoch, if any (checkpoints save its state).</summary>
    public LRScheduler? Scheduler => scheduler;

    /// <summary>The plateau scheduler, if any.</summary>
    public ReduceLROnPlateau? Plateau => plateau;

    public override void OnEpochBegin(int epoch)
    {
        if (function is null) return;
        var groups = Trainer.Optimizer.ParamGroups;
        var rates = new double[groups.Count];
        for (int g = 0; g < rates.Length; g++)
        {
            double lr = function(epoch, groups[g].LearningRate);
            if (!(lr >= 0) || double.IsInfinity(lr))
                throw new InvalidOperationException($"LearningRateSchedule: the schedule returned {lr} for epoch {epoch}{(rates.Length > 1 ? $" (parameter group {g})" : "")}; expected a finite rate ≥ 0.");
            rates[g] = lr;
        }
        for (int g = 0; g < rates.Length; g++) groups[g].LearningRate = rates[g];
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        scheduler?.Step();
        plateau?.Step(Monitored(logs, monitor, "LearningRateSchedule"));
    }
}
