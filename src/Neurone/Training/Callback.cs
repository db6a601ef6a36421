namespace Neurone.Training;

/// <summary>
/// Hooks into <c>Trainer.Fit</c>,
/// as Keras callbacks: override the moments you need. <see cref="Trainer"/> is set when training
/// begins; call <see cref="Training.Trainer.Stop"/> to end training after the current epoch.
/// </summary>
public abstract class Callback
{
    /// <summary>The trainer running this callback (set at the start of Fit).</summary>
    public Trainer Trainer { get; internal set; } = null!;

    /// <summary>Before the first epoch.</summary>
    public virtual void OnTrainBegin() { }

    /// <summary>Before each epoch (1-based).</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>After each training batch, with that batch's loss.</summary>
    public virtual void OnBatchEnd(int epoch, int batch, double loss) { }

    /// <summary>After each epoch, with its logs ("loss", metrics, "val_…", "lr").</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>After the last epoch (also when stopped early).</summary>
    public virtual void OnTrainEnd(History history) { }

    /// <summary>Reads a monitored value from the logs, or explains which keys exist.</summary>
    protected static double Monitored(IReadOnlyDictionary<string, double> logs, string monitor, string callback)
    {
        if (logs.TryGetValue(monitor, out double v)) return v;
        throw new InvalidOperationException($"{callback}: monitors '{monitor}', but the logs have {string.Join(", ", logs.Keys)}" +
            (monitor.StartsWith("val_", StringComparison.Ordinal) ? " (validation values need validationSplit or validation data)." : "."));
    }

    /// <summary>Whether larger values of <paramref name="monitor"/> are better, when the mode is Auto.</summary>
    protected static bool HigherIsBetter(string monitor, MonitorMode mode) => mode switch
    {
        MonitorMode.Max => true,
        MonitorMode.Min => false,
        _ => monitor.Contains("acc", StringComparison.Ordinal) || monitor.EndsWith("r2", StringComparison.Ordinal) || monitor.Contains("f1", StringComparison.Ordinal),
    };
}

/// <summary>Whether a monitored quantity should go down (loss), up (accuracy), or be guessed from its name.</summary>
public enum MonitorMode { Auto, Min, Max }
