namespace Neurone.Optim;

/// <summary>How <see cref="ReduceLROnPlateau"/> measures a significant improvement over the best metric.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best·(1 − threshold) in Min mode, best·(1 + threshold) in Max mode.</summary>
    Rel,
    /// <summary>Absolute: better than best − threshold in Min mode, best + threshold in Max mode.</summary>
    Abs,
}
