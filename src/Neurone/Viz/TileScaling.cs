namespace Neurone.Viz;

/// <summary>How an image grid maps tile values to gray levels.</summary>
public enum TileScaling
{
    /// <summary>Values in [0, 1] as they are when the whole grid fits that range, else as <see cref="Global"/>.</summary>
    Auto,
    /// <summary>Values are taken as [0, 1] and clamped: for pixel data already in that range.</summary>
    Clamp,
    /// <summary>One min–max stretch over all tiles, so tiles stay comparable (for standardised images).</summary>
    Global,
    /// <summary>Each tile stretched to its own min–max (CS231n's way to show weights: the pattern, not the scale).</summary>
    PerTile,
}
