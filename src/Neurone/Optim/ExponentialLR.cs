namespace Neurone.Optim;

/// <summary>
/// Multiplies the learning rate by <see cref="Gamma"/> every epoch, as
/// <c>torch.optim.lr_scheduler.ExponentialLR</c>: lr = base·γ^epoch for each parameter group's base rate (after any warm-up; see
/// <see cref="LRScheduler"/>).
/// </summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Decays <paramref name="optimizer"/>'s rate by <paramref name="gamma"/> per epoch.</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, int warmupEpochs = 0, double warmupStartFactor = 1.0 / 3)
        : base(optimizer, warmupEpochs, warmupStartFactor)
    {
        if (!(gamma > 0) || double.IsInfinity(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "ExponentialLR: expected a finite gamma > 0.");
        Gamma = gamma;
    }

    /// <summary>The factor applied each epoch.</summary>
    public double Gamma { get; }

    protected override double ComputeLR(int epoch, double baseLR) => baseLR * Math.Pow(Gamma, epoch);
}
