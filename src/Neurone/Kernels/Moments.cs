using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// The sums behind means and variances, Σx and Σ(x − m)² (and BatchNorm's Σg·(x − m)), over a run of float32
/// values, accumulated in double. A float32 sum keeps about 7 digits of the running total, so when the mean is
/// large against the spread (a mean of 1e6, a spread of 1) the mean comes out a few hundredths off and the
/// variance 1e-3 off. In double, with the deviations taken from the double mean (two passes), the variance
/// keeps float32's accuracy however large the mean (tested to 1e7 times the spread). Vector paths widen each
/// float to double and split their sums across lanes, so paths agree to double rounding (about 1e-16
/// relative) rather than bit for bit.
/// </summary>
public static class Moments
{
    /// <summary>Σx in double.</summary>
    public static double Sum(ReadOnlySpan<float> x, SimdLevel level)
    {
        ref float p = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        double total = 0;
        if (level >= SimdLevel.Vector512 && n >= Vector512<float>.Count)
        {
            Vector512<double> acc0 = default, acc1 = default;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref p, (nuint)i));
                acc0 += lo;
                acc1 += hi;
            }
            total += Vector512.Sum(acc0 + acc1);
        }
        if (level >= SimdLevel.Vector256 && n - i >= Vector256<float>.Count)
        {
            Vector256<double> acc0 = default, acc1 = default;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)i));
                acc0 += lo;
                acc1 += hi;
            }
            total += Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++) total += x[i];
        return total;
    }

    /// <summary>Σ(x − <paramref name="mean"/>)² in double.</summary>
    public static double SumOfSquaredDeviations(ReadOnlySpan<float> x, double mean, SimdLevel level)
    {
        ref float p = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        double total = 0;
        if (level >= SimdLevel.Vector512 && n >= Vector512<float>.Count)
        {
            Vector512<double> acc0 = default, acc1 = default, m = Vector512.Create(mean);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref p, (nuint)i));
                lo -= m;
                hi -= m;
                acc0 += lo * lo;
                acc1 += hi * hi;
            }
            total += Vector512.Sum(acc0 + acc1);
        }
        if (level >= SimdLevel.Vector256 && n - i >= Vector256<float>.Count)
        {
            Vector256<double> acc0 = default, acc1 = default, m = Vector256.Create(mean);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref p, (nuint)i));
                lo -= m;
                hi -= m;
                acc0 += lo * lo;
                acc1 += hi * hi;
            }
            total += Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            double d = x[i] - mean;
            total += d * d;
        }
        return total;
    }
    /// <summary>Σ w·(x − <paramref name="mean"/>) in double: a gradient's projection on the centred input.</summary>
    public static double SumOfWeightedDeviations(ReadOnlySpan<float> w, ReadOnlySpan<float> x, double mean, SimdLevel level)
    {
        if (w.Length != x.Length)
            throw new ArgumentException($"moments: expected weights and values of one length, got {w.Length} and {x.Length}.");
        ref float pw = ref MemoryMarshal.GetReference(w);
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        double total = 0;
        if (level >= SimdLevel.Vector512 && n >= Vector512<float>.Count)
        {
            Vector512<double> acc0 = default, acc1 = default, m = Vector512.Create(mean);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (xlo, xhi) = Vector512.Widen(Vector512.LoadUnsafe(ref px, (nuint)i));
                var (wlo, whi) = Vector512.Widen(Vector512.LoadUnsafe(ref pw, (nuint)i));
                acc0 += wlo * (xlo - m);
                acc1 += whi * (xhi - m);
            }
            total += Vector512.Sum(acc0 + acc1);
        }
        if (level >= SimdLevel.Vector256 && n - i >= Vector256<float>.Count)
        {
            Vector256<double> acc0 = default, acc1 = default, m = Vector256.Create(mean);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (xlo, xhi) = Vector256.Widen(Vector256.LoadUnsafe(ref px, (nuint)i));
                var (wlo, whi) = Vector256.Widen(Vector256.LoadUnsafe(ref pw, (nuint)i));
                acc0 += wlo * (xlo - m);
                acc1 += whi * (xhi - m);
            }
            total += Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++) total += w[i] * (x[i] - mean);
        return total;
    }
}
