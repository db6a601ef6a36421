namespace Neurone.Optim;

/// <summary>Which direction of a monitored metric counts as improvement for <see cref="ReduceLROnPlateau"/>.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,
    /// <summary>Higher is better (an accuracy).</summary>
    Max,
}
