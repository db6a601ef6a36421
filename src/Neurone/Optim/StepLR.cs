namespace Neurone.Optim;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs, as
/// <c>torch.optim.lr_scheduler.StepLR</c>: lr = base·γ^⌊epoch / stepSize⌋ for each parameter group's base rate
/// (epochs counted after any warm-up; see <see cref="LRScheduler"/>).
/// </summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Decays <paramref name="optimizer"/>'s rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int warmupEpochs = 0, double warmupStartFactor = 1.0 / 3)
        : base(optimizer, warmupEpochs, warmupStartFactor)
    {
        if (stepSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepLR: expected stepSize ≥ 1.");
        if (!(gamma > 0) || double.IsInfinity(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "StepLR: expected a finite gamma > 0.");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>The number of epochs between decays.</summary>
    public int StepSize { get; }
    /// <summary>The factor applied at each decay.</summary>
    public double Gamma { get; }

    protected override double ComputeLR(int epoch, double baseLR) => baseLR * Math.Pow(Gamma, epoch / StepSize);
}
