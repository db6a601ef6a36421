namespace Neurone.Optim;

/// <summary>
/// Cosine annealing (Loshchilov and Hutter's SGDR without restarts), as
/// <c>torch.optim.lr_scheduler.CosineAnnealingLR</c> in its closed form:
/// lr = ηmin + (base − ηmin)·(1 + cos(π·epoch / Tmax)) / 2, reaching ηmin at epoch Tmax, for each parameter group's base rate (ηmin is shared, as in PyTorch). Past Tmax
/// the cosine climbs back up (period 2·Tmax), as PyTorch's closed form does; PyTorch's default
/// recursive form agrees with it up to rounding. Epochs count after any warm-up (see <see cref="LRScheduler"/>).
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Anneals <paramref name="optimizer"/>'s rate to <paramref name="etaMin"/> over <paramref name="tMax"/> epochs.</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int warmupEpochs = 0, double warmupStartFactor = 1.0 / 3)
        : base(optimizer, warmupEpochs, warmupStartFactor)
    {
        if (tMax <= 0)
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "CosineAnnealingLR: expected tMax ≥ 1.");
        if (!(etaMin >= 0) || double.IsInfinity(etaMin))
            throw new ArgumentOutOfRangeException(nameof(etaMin), etaMin, "CosineAnnealingLR: expected a finite etaMin ≥ 0.");
        TMax = tMax;
        EtaMin = etaMin;
    }

    /// <summary>The number of epochs from the base rate down to <see cref="EtaMin"/>.</summary>
    public int TMax { get; }
    /// <summary>The lowest learning rate.</summary>
    public double EtaMin { get; }

    protected override double ComputeLR(int epoch, double baseLR) =>
        EtaMin + (baseLR - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
}
