using System.Globalization;

namespace Neurone.Viz;

/// <summary>
/// "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten, chosen so about the asked number of
/// ticks covers the data, with the axis widened to the enclosing ticks. Also formats tick labels
/// with just enough decimals to tell neighbours apart, switching to exponents for very large or
/// very small steps. Degenerate ranges (one value, zero) get a range around the value.
/// </summary>
public static class Ticks
{
    /// <summary>Tick values covering [<paramref name="min"/>, <paramref name="max"/>], about <paramref name="target"/> of them, first ≤ min and last ≥ max.</summary>
    public static double[] Nice(double min, double max, int target = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"ticks: expected a finite range, got [{min}, {max}].");
        if (target < 2) throw new ArgumentOutOfRangeException(nameof(target), target, "ticks: expected at least 2 ticks.");
        if (min > max) (min, max) = (max, min);
        // A range below double resolution around its values is treated as one value.
        if (max - min <= Math.Max(Math.Abs(min), Math.Abs(max)) * 1e-12)
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double step = NiceStep((max - min) / (target - 1));
        double lo = Math.Floor(min / step + 1e-9) * step, hi = Math.Ceiling(max / step - 1e-9) * step;
        int n = (int)Math.Round((hi - lo) / step) + 1;
        var ticks = new double[n];
        for (int i = 0; i < n; i++)
        {
            double v = lo + i * step;
            // Snap float noise (0.30000000000000004) to the step's grid, and -0 to 0.
            v = Math.Round(v / step) * step;
            ticks[i] = Math.Abs(v) < step * 1e-9 ? 0 : v;
        }
        return ticks;
    }

    /// <summary>The nice step (1, 2 or 5 × 10^k) nearest above a rough step.</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough)) throw new ArgumentException($"ticks: expected a positive step, got {rough}.");
        double exp = Math.Floor(Math.Log10(rough));
        double unit = Math.Pow(10, exp);
        double f = rough / unit;
        double nice = f <= 1.0000001 ? 1 : f <= 2.0000001 ? 2 : f <= 5.0000001 ? 5 : 10;
        return nice * unit;
    }

    /// <summary>Powers of ten covering [min, max] (both positive), for logarithmic axes.</summary>
    public static double[] Log(double min, double max)
    {
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"ticks: a log axis needs a positive finite range, got [{min}, {max}].");
        if (min > max) (min, max) = (max, min);
        int lo = (int)Math.Floor(Math.Log10(min) + 1e-9), hi = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (hi == lo) hi++;
        return Enumerable.Range(lo, hi - lo + 1).Select(e => Math.Pow(10, e)).ToArray();
    }

    /// <summary>Labels for <paramref name="ticks"/> (evenly spaced, as <see cref="Nice"/> makes them).</summary>
    public static string[] Labels(IReadOnlyList<double> ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        double step = ticks.Count > 1 ? Math.Abs(ticks[1] - ticks[0]) : 0;
        return ticks.Select(t => Format(t, step)).ToArray();
    }

    /// <summary>
    /// One tick label with the decimals <paramref name="step"/> needs (all labels of an axis get the
    /// same count, as matplotlib's); exponent form for magnitudes from 1e6 with steps from 1e3, and
    /// below 1e-4, where fixed notation would be a row of zeros.
    /// </summary>
    public static string Format(double value, double step)
    {
        if (value == 0) return "0";
        double mag = Math.Max(Math.Abs(value), step);
        if ((mag >= 1e6 && step >= 1e3) || mag < 1e-4)
        {
            // Enough mantissa digits to tell ticks one step apart.
            int digits = step > 0 ? Math.Clamp((int)Math.Ceiling(Math.Log10(mag / step) - 1e-9), 0, 8) : 3;
            string s = value.ToString("0." + new string('#', Math.Max(1, digits)) + "e+0", CultureInfo.InvariantCulture);
            return s.Replace("e+", "e", StringComparison.Ordinal);
        }
        int decimals = step > 0 ? Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 10) : 3;
        // Steps like 0.25 need one more decimal than their power of ten suggests.
        while (decimals < 10 && Math.Abs(Math.Round(step, decimals) - step) > step * 1e-6) decimals++;
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>A label for a power-of-ten tick on a log axis: "0.001", "1", "1000", or "1e-6".</summary>
    public static string FormatLog(double value)
    {
        double e = Math.Round(Math.Log10(value));
        return e >= -3 && e <= 4 ? value.ToString("0.####", CultureInfo.InvariantCulture) : $"1e{e.ToString(CultureInfo.InvariantCulture)}";
    }
}
