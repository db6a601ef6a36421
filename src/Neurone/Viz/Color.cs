using System.Globalization;

namespace Neurone.Viz;

/// <summary>
/// An opaque 8-bit RGB colour, used both for PNG pixels and (as "#rrggbb") for SVG fills. Kept
/// separate from System.Drawing so the library needs no platform graphics package.
/// </summary>
public readonly record struct Color(byte R, byte G, byte B)
{
    public static Color White => new(255, 255, 255);
    public static Color Black => new(0, 0, 0);

    /// <summary>Parses "#rrggbb" (or "rrggbb").</summary>
    public static Color FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        string h = hex.StartsWith('#') ? hex[1..] : hex;
        if (h.Length != 6 || !int.TryParse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v))
            throw new FormatException($"color: expected \"#rrggbb\", got \"{hex}\".");
        return new((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    /// <summary>"#rrggbb", as SVG and CSS take it.</summary>
    public string ToHex() => $"#{R:x2}{G:x2}{B:x2}";

    /// <summary>The colour <paramref name="t"/> of the way from this one to <paramref name="other"/> (t in [0, 1]).</summary>
    public Color Mix(Color other, double t)
    {
        t = Math.Clamp(t, 0, 1);
        return new(Lerp(R, other.R, t), Lerp(G, other.G, t), Lerp(B, other.B, t));
    }

    /// <summary>Perceived brightness in [0, 1] (Rec. 601 weights), to choose black or white text on a fill.</summary>
    public double Luminance => (0.299 * R + 0.587 * G + 0.114 * B) / 255.0;

    static byte Lerp(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);

    public override string ToString() => ToHex();
}
