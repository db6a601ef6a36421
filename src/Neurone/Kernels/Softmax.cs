using System.Numerics.Tensors;

namespace Neurone.Kernels;

/// <summary>
/// The softmax family on one line of logits, stable over the whole float range. Every form shifts by the line's
/// maximum m first, so the exponentials lie in (0, 1] and neither overflow (logits of 89 or 1e30) nor all underflow
/// (a line of −200s); the sum Σ e^(x − m) ≥ 1 is taken in double. Log-softmax is then (x − m) − ln Σ, never
/// x − (m + ln Σ): next to m = 1e7 the sum m + ln Σ would round ln Σ away.
/// </summary>
public static class Softmax
{
    /// <summary>dst = e^(x − m) / Σ e^(x − m); an empty line is left alone.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> dst, SimdLevel level)
    {
        if (x.Length == 0) return;
        double sum = ShiftedExponentials(x, dst, level, out _);
        TensorPrimitives.Divide(dst, (float)sum, dst);
    }

    /// <summary>dst = e^(x − m) / Σ e^(x − m) on the best SIMD path.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> dst) => Forward(x, dst, Simd.Best);

    /// <summary>dst = (x − m) − ln Σ e^(x − m); returns ln Σ eˣ (−∞ for an empty line).</summary>
    public static float LogSoftmax(ReadOnlySpan<float> x, Span<float> dst, SimdLevel level)
    {
        if (x.Length == 0) return float.NegativeInfinity;
        double logSum = LogSoftmax(x, dst, level, out float max);
        return (float)(max + logSum);
    }

    /// <summary>
    /// dst = (x − m) − ln Σ e^(x − m); returns ln Σ e^(x − m) in double and sets m, so that a caller (cross-entropy)
    /// can form its sums of log-probabilities in double, each rounded once.
    /// </summary>
    public static double LogSoftmax(ReadOnlySpan<float> x, Span<float> dst, SimdLevel level, out float max)
    {
        max = float.NegativeInfinity;
        if (x.Length == 0) return float.NegativeInfinity;
        double sum = ShiftedExponentials(x, dst, level, out max);
        double logSum = Math.Log(sum);
        TensorPrimitives.Subtract(x, max, dst);
        TensorPrimitives.Subtract(dst, (float)logSum, dst);
        return logSum;
    }

    /// <summary>Log-softmax on the best SIMD path; returns ln Σ eˣ.</summary>
    public static float LogSoftmax(ReadOnlySpan<float> x, Span<float> dst) => LogSoftmax(x, dst, Simd.Best);

    /// <summary>
    /// ln Σ eˣ = m + ln Σ e^(x − m), added in double and rounded once; <paramref name="scratch"/> (as long as x)
    /// receives the exponentials. An empty line gives −∞, a line whose maximum is ±∞ gives that maximum (as PyTorch).
    /// </summary>
    public static float LogSumExp(ReadOnlySpan<float> x, Span<float> scratch, SimdLevel level)
    {
        if (x.Length == 0) return float.NegativeInfinity;
        double sum = ShiftedExponentials(x, scratch, level, out float max);
        return float.IsInfinity(max) ? max : (float)(max + Math.Log(sum));
    }

    /// <summary>dst = e^(x − m) with m = max x; returns Σ dst in double (≥ 1 unless x holds NaN or ±∞).</summary>
    static double ShiftedExponentials(ReadOnlySpan<float> x, Span<float> dst, SimdLevel level, out float max)
    {
        if (dst.Length != x.Length) throw new ArgumentException($"softmax: expected input and output of one length, got {x.Length} and {dst.Length}.");
        // TensorPrimitives.Max is exact and propagates NaN, so a NaN logit makes its whole line NaN, as in PyTorch.
        max = TensorPrimitives.Max(x);
        ElementwiseMath.ExpShifted(x, max, dst, level);
        return Moments.Sum(dst, level);
    }
}
