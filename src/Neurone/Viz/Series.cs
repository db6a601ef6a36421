namespace Neurone.Viz;

/// <summary>
/// One named sequence of (x, y) points in a <see cref="LineChart"/>. NaN values leave a gap, as a
/// History does for epochs where a quantity was not logged. <see cref="Line"/> false draws markers
/// only (a scatter of trials); <see cref="Dashed"/> tells training and validation apart without
/// relying on colour alone.
/// </summary>
public sealed record Series(string Name, double[] X, double[] Y, Color Color, bool Dashed = false, bool Line = true);
