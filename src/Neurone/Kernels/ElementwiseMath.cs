using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// Vectorised float32 exp, log, tanh, sigmoid and softplus (and the derivatives of tanh and sigmoid), faithful over
/// the whole float range: within a few ulps of the exact value everywhere (docs/numerics.md gives the measured
/// bounds), exact where the answer is exact (exp(0) = 1, tanh(x) = x and log(1 + x) = x where x² is below
/// float's resolution), ±0, ±∞, NaN and subnormals handled, saturating to the correctly rounded limits. Each
/// function is written once over <see cref="ILanes{TSelf}"/> with exactly rounded operations only, so the AVX-512,
/// AVX2 and scalar paths give the same bits and a model computes the same numbers on any CPU.
/// The approximations are the textbook ones: exp by x = n·ln2 + r with |r| ≤ ln2/2 and the Taylor series of
/// eʳ − 1 to degree 8; log by x = m·2ᵉ with m in [√½, √2) and a fitted polynomial for ln(1 + f); tanh from
/// expm1(−2|x|), so small arguments keep their relative accuracy.
/// </summary>
public static class ElementwiseMath
{
    /// <summary>The bits of √½ (0x3F3504F3): where <see cref="ILanes{TSelf}.SplitExponent"/> starts a binade.</summary>
    internal const int SqrtHalfBits = 0x3F35_04F3;

    // ln 2 split so that n·Ln2Hi is exact for any |n| < 256: Ln2Hi holds 16 significant bits.
    const float Ln2Hi = 0.693145751953125f;
    const float Ln2Lo = 1.42860677e-6f;
    const float Log2E = 1.44269504f;
    // Adding 1.5·2²³ rounds a float in ±2²² to a whole number (to even), in one fused multiply-add.
    internal const float RoundingShift = 12582912f;
    /// <summary>The bits of <see cref="RoundingShift"/> less the exponent bias 127: what turns n + RoundingShift into n's exponent field.</summary>
    internal const int Pow2Bias = 0x4B40_0000 - 127;
    // Beyond these, eˣ is ∞ or 0 in float32 (ln(FLT_MAX) ≈ 88.72, ln(2⁻¹⁵⁰) ≈ −103.97); clamping keeps n in range
    // and the final scaling still rounds to exactly ∞ or 0.
    const float ExpHigh = 89f;
    const float ExpLow = -104f;
    const float MinNormal = 1.17549435e-38f;

    // ---- public span kernels -------------------------------------------------------------------------------

    /// <summary>y = eˣ.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y) => Map("exp", new ExpOp(), x, y, Simd.Best);
    /// <summary>y = eˣ on the given SIMD path.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) => Map("exp", new ExpOp(), x, y, level);

    /// <summary>y = ln x (−∞ at ±0, NaN below 0).</summary>
    public static void Log(ReadOnlySpan<float> x, Span<float> y) => Map("log", new LogOp(), x, y, Simd.Best);
    /// <summary>y = ln x on the given SIMD path.</summary>
    public static void Log(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) => Map("log", new LogOp(), x, y, level);

    /// <summary>y = tanh x.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => Map("tanh", new TanhOp(), x, y, Simd.Best);
    /// <summary>y = tanh x on the given SIMD path.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) => Map("tanh", new TanhOp(), x, y, level);

    /// <summary>y = 1 / (1 + e⁻ˣ).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => Map("sigmoid", new SigmoidOp(), x, y, Simd.Best);
    /// <summary>y = 1 / (1 + e⁻ˣ) on the given SIMD path.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) => Map("sigmoid", new SigmoidOp(), x, y, level);

    /// <summary>y = ln(1 + eˣ).</summary>
    public static void Softplus(ReadOnlySpan<float> x, Span<float> y) => Map("softplus", new SoftplusOp(), x, y, Simd.Best);
    /// <summary>y = ln(1 + eˣ) on the given SIMD path.</summary>
    public static void Softplus(ReadOnlySpan<float> x, Span<float> y, SimdLevel level) => Map("softplus", new SoftplusOp(), x, y, level);

    /// <summary>
    /// d = g·tanh′(x) = g·4e/(1 + e)² with e = e^(−2|x|): from x rather than from 1 − tanh², which is 0 once tanh
    /// rounds to ±1 (|x| &gt; 9) though the derivative is still e^(−2|x|)·4, and loses its relative accuracy well before.
    /// </summary>
    public static void TanhGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d) => Map2("tanh backward", new TanhGradientOp(), x, g, d, Simd.Best);
    /// <summary><see cref="TanhGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on the given SIMD path.</summary>
    public static void TanhGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d, SimdLevel level) => Map2("tanh backward", new TanhGradientOp(), x, g, d, level);

    /// <summary>
    /// d = g·σ′(x) = g·e/(1 + e)² with e = e^(−|x|): from x rather than from σ(1 − σ), which is 0 once σ rounds to 1
    /// (x &gt; 17) though the derivative is still about e⁻ˣ.
    /// </summary>
    public static void SigmoidGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d) => Map2("sigmoid backward", new SigmoidGradientOp(), x, g, d, Simd.Best);
    /// <summary><see cref="SigmoidGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on the given SIMD path.</summary>
    public static void SigmoidGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d, SimdLevel level) => Map2("sigmoid backward", new SigmoidGradientOp(), x, g, d, level);

    /// <summary>y = e^(x − shift): a softmax's numerators, in one pass.</summary>
    public static void ExpShifted(ReadOnlySpan<float> x, float shift, Span<float> y, SimdLevel level)
    {
        if (x.Length != y.Length) throw new ArgumentException($"exp: expected input and output of one length, got {x.Length} and {y.Length}.");
        Map("exp", new ShiftedExp(shift), x, y, level);
    }

    // ---- the functions, once, over any lane count -----------------------------------------------------------

    /// <summary>eʳ − 1 for |r| ≤ ln2/2 + a rounding: Taylor to degree 8 (the next term is below 6e-10·|r|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Expm1Reduced<TV>(TV r) where TV : struct, ILanes<TV>
    {
        var h = TV.Create(1f / 40320);
        h = TV.Fma(h, r, TV.Create(1f / 5040));
        h = TV.Fma(h, r, TV.Create(1f / 720));
        h = TV.Fma(h, r, TV.Create(1f / 120));
        h = TV.Fma(h, r, TV.Create(1f / 24));
        h = TV.Fma(h, r, TV.Create(1f / 6));
        h = TV.Fma(h, r, TV.Create(0.5f));
        // r + r²·h: exactly r where r² underflows, so tiny arguments come back unchanged.
        return TV.Fma(h, r * r, r);
    }

    /// <summary>x = n·ln2 + r: returns r and sets n (a whole number), for x already clamped to [−104, 89].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Reduce<TV>(TV x, out TV n) where TV : struct, ILanes<TV>
    {
        var shift = TV.Create(RoundingShift);
        n = TV.Fma(x, TV.Create(Log2E), shift) - shift;
        var r = TV.Fma(n, TV.Create(-Ln2Hi), x);
        return TV.Fma(n, TV.Create(-Ln2Lo), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Clamp<TV>(TV x, float low, float high) where TV : struct, ILanes<TV>
    {
        // Selects, not min/max: a NaN fails both comparisons and passes through.
        var lo = TV.Create(low);
        var hi = TV.Create(high);
        x = TV.Select(TV.LessThan(x, lo), lo, x);
        return TV.Select(TV.LessThan(hi, x), hi, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpOf<TV>(TV x) where TV : struct, ILanes<TV>
    {
        var r = Reduce(Clamp(x, ExpLow, ExpHigh), out var n);
        var p = TV.Create(1f) + Expm1Reduced(r);
        // 2ⁿ in two factors, each a normal float for n in [−150, 128]: the second product rounds once, into the
        // subnormals or to ∞ when the result lies there.
        var half = TV.Floor(n * TV.Create(0.5f));
        return p * TV.Pow2(half) * TV.Pow2(n - half);
    }

    /// <summary>eʸ − 1 for y ≤ 0 (or NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Expm1OfNonPositive<TV>(TV y) where TV : struct, ILanes<TV>
    {
        var r = Reduce(Clamp(y, -40f, 0f), out var n);
        var scale = TV.Pow2(n);
        // 2ⁿ·(eʳ − 1) + (2ⁿ − 1), rounded once; 2ⁿ − 1 is exact down to n = −24, and below that the result is −1.
        return TV.Fma(Expm1Reduced(r), scale, scale - TV.Create(1f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV TanhOf<TV>(TV x) where TV : struct, ILanes<TV>
    {
        // tanh|x| = −u / (2 + u) with u = e^(−2|x|) − 1 in (−1, 0]: no cancellation anywhere, and u = −2|x| exactly
        // for tiny x, so tanh x = x there.
        var u = Expm1OfNonPositive(TV.Create(-2f) * TV.Abs(x));
        return TV.CopySign((TV.Create(0f) - u) / (TV.Create(2f) + u), x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SigmoidOf<TV>(TV x) where TV : struct, ILanes<TV>
    {
        // e = e^(−|x|) ≤ 1 never overflows: σ = 1/(1 + e) for x ≥ 0 and e/(1 + e) below, each accurate.
        var e = ExpOf(TV.Create(0f) - TV.Abs(x));
        var numerator = TV.Select(TV.LessThan(x, TV.Create(0f)), e, TV.Create(1f));
        return numerator / (TV.Create(1f) + e);
    }

    /// <summary>ln(1 + f) for f in [√½ − 1, √2 − 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV Log1pReduced<TV>(TV f) where TV : struct, ILanes<TV>
    {
        // ln(1 + f) = f − f²/2 + f³·g(f), with g a degree-8 Chebyshev fit (tests/reference/fit_log1p_polynomial.py,
        // 6e-9 relative): no division, and the exact f carries the value while the rounded terms only correct it.
        var g = TV.Create(0.0697161147f);
        g = TV.Fma(g, f, TV.Create(-0.114797338f));
        g = TV.Fma(g, f, TV.Create(0.116854199f));
        g = TV.Fma(g, f, TV.Create(-0.124256873f));
        g = TV.Fma(g, f, TV.Create(0.142490576f));
        g = TV.Fma(g, f, TV.Create(-0.166678023f));
        g = TV.Fma(g, f, TV.Create(0.200007157f));
        g = TV.Fma(g, f, TV.Create(-0.24999997f));
        g = TV.Fma(g, f, TV.Create(0.333333312f));
        var square = f * f;
        return f + TV.Fma(square * f, g, TV.Create(-0.5f) * square);
    }

    /// <summary>ln x for a positive normal finite x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV LogOfPositiveNormal<TV>(TV x, TV exponentAdjust) where TV : struct, ILanes<TV>
    {
        var e = TV.SplitExponent(x, out var m) + exponentAdjust;
        var l = Log1pReduced(m - TV.Create(1f));
        return TV.Fma(e, TV.Create(Ln2Hi), TV.Fma(e, TV.Create(Ln2Lo), l));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV LogOf<TV>(TV x) where TV : struct, ILanes<TV>
    {
        var zero = TV.Create(0f);
        // Below the normals (subnormals, ±0, negatives) or not finite (∞, NaN): rare, so checked once per vector.
        var tiny = TV.LessThan(x, TV.Create(MinNormal));
        // A comparison mask is all ones (a NaN pattern) or all zeros, so mask = 0 negates it.
        var notFinite = TV.Equals(TV.LessThan(x, TV.Create(float.PositiveInfinity)), zero);
        if (!TV.Any(TV.Or(tiny, notFinite))) return LogOfPositiveNormal(x, zero);
        // Subnormals are scaled into the normals by 2²³ first; the rest take their IEEE values.
        var scaled = TV.Select(tiny, x * TV.Create(8388608f), x);
        var y = LogOfPositiveNormal(scaled, TV.Select(tiny, TV.Create(-23f), zero));
        y = TV.Select(TV.Equals(x, TV.Create(float.PositiveInfinity)), x, y);
        y = TV.Select(TV.Equals(x, zero), TV.Create(float.NegativeInfinity), y);
        y = TV.Select(TV.LessThan(x, zero), TV.Create(float.NaN), y);
        return TV.Select(TV.Equals(x, x), y, x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV SoftplusOf<TV>(TV x) where TV : struct, ILanes<TV>
    {
        // ln(1 + eˣ) = max(x, 0) + ln(1 + e^(−|x|)); ln(1 + e) as ln w + (e − (w − 1))/w with w = 1 + e rounded, the
        // second term restoring what the rounding of w lost (all of e, when e is below float's resolution).
        var zero = TV.Create(0f);
        var one = TV.Create(1f);
        var e = ExpOf(zero - TV.Abs(x));
        var w = one + e;
        var log1p = LogOfPositiveNormal(w, zero) + (e - (w - one)) / w;
        return TV.Select(TV.LessThan(zero, x), x, zero) + log1p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV TanhGradientOf<TV>(TV x, TV g) where TV : struct, ILanes<TV>
    {
        var e = ExpOf(TV.Create(-2f) * TV.Abs(x));
        var w = TV.Create(1f) + e;
        return g * (TV.Create(4f) * e / (w * w));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TV SigmoidGradientOf<TV>(TV x, TV g) where TV : struct, ILanes<TV>
    {
        var e = ExpOf(TV.Create(0f) - TV.Abs(x));
        var w = TV.Create(1f) + e;
        return g * (e / (w * w));
    }

    // ---- drivers ---------------------------------------------------------------------------------------------

    interface IUnary { TV Apply<TV>(TV x) where TV : struct, ILanes<TV>; }
    interface IBinary { TV Apply<TV>(TV x, TV g) where TV : struct, ILanes<TV>; }

    struct ExpOp : IUnary { public readonly TV Apply<TV>(TV x) where TV : struct, ILanes<TV> => ExpOf(x); }
    struct LogOp : IUnary { public readonly TV Apply<TV>(TV x) where TV : struct, ILanes<TV> => LogOf(x); }
    struct TanhOp : IUnary { public readonly TV Apply<TV>(TV x) where TV : struct, ILanes<TV> => TanhOf(x); }
    struct SigmoidOp : IUnary { public readonly TV Apply<TV>(TV x) where TV : struct, ILanes<TV> => SigmoidOf(x); }
    struct SoftplusOp : IUnary { public readonly TV Apply<TV>(TV x) where TV : struct, ILanes<TV> => SoftplusOf(x); }
    struct TanhGradientOp : IBinary { public readonly TV Apply<TV>(TV x, TV g) where TV : struct, ILanes<TV> => TanhGradientOf(x, g); }
    struct SigmoidGradientOp : IBinary { public readonly TV Apply<TV>(TV x, TV g) where TV : struct, ILanes<TV> => SigmoidGradientOf(x, g); }

    readonly struct ShiftedExp(float shift) : IUnary
    {
        public TV Apply<TV>(TV x) where TV : struct, ILanes<TV> => ExpOf(x - TV.Create(shift));
    }

    static void Map<TOp>(string name, TOp op, ReadOnlySpan<float> x, Span<float> y, SimdLevel level) where TOp : struct, IUnary
    {
        if (x.Length != y.Length) throw new ArgumentException($"{name}: expected input and output of one length, got {x.Length} and {y.Length}.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        // Each vector is loaded before it is stored, so y may be x.
        if (level >= SimdLevel.Vector512 && Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) op.Apply(Lanes512.Load(ref xs, i)).Store(ref ys, i);
        if (level >= SimdLevel.Vector256 && Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) op.Apply(Lanes256.Load(ref xs, i)).Store(ref ys, i);
        for (; i < n; i++) op.Apply(Lane1.Load(ref xs, i)).Store(ref ys, i);
    }

    static void Map2<TOp>(string name, TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d, SimdLevel level) where TOp : struct, IBinary
    {
        if (x.Length != g.Length || x.Length != d.Length)
            throw new ArgumentException($"{name}: expected input, gradient and result of one length, got {x.Length}, {g.Length} and {d.Length}.");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ds = ref MemoryMarshal.GetReference(d);
        nuint n = (nuint)x.Length, i = 0;
        if (level >= SimdLevel.Vector512 && Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) op.Apply(Lanes512.Load(ref xs, i), Lanes512.Load(ref gs, i)).Store(ref ds, i);
        if (level >= SimdLevel.Vector256 && Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) op.Apply(Lanes256.Load(ref xs, i), Lanes256.Load(ref gs, i)).Store(ref ds, i);
        for (; i < n; i++) op.Apply(Lane1.Load(ref xs, i), Lane1.Load(ref gs, i)).Store(ref ds, i);
    }
}
