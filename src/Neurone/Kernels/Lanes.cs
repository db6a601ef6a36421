using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// A run of float lanes: 16 (AVX-512), 8 (AVX2) or 1 (scalar). The elementwise math kernels are written once,
/// generically over this interface, and the JIT specialises them per lane type. Every operation here is exactly
/// rounded (IEEE add, multiply, divide, fused multiply-add, floor, bit moves), so a function computed on 16, 8 or
/// 1 lanes gives the same bits: results never depend on the CPU.
/// </summary>
internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    static abstract int Count { get; }
    static abstract TSelf Load(ref float source, nuint index);
    void Store(ref float destination, nuint index);
    static abstract TSelf Create(float value);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);

    /// <summary>a·b + c rounded once.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Floor(TSelf a);
    /// <summary>|a|, by clearing the sign bit (so −0 → +0 and NaN stays NaN).</summary>
    static abstract TSelf Abs(TSelf a);
    /// <summary>The magnitude of <paramref name="magnitude"/> with the sign bit of <paramref name="sign"/>.</summary>
    static abstract TSelf CopySign(TSelf magnitude, TSelf sign);

    /// <summary>A mask (all bits set where true) of a &lt; b; false for NaN.</summary>
    static abstract TSelf LessThan(TSelf a, TSelf b);
    /// <summary>A mask of a = b; false for NaN, so Equals(x, x) finds the numbers.</summary>
    static abstract TSelf Equals(TSelf a, TSelf b);
    /// <summary>True when any lane of <paramref name="mask"/> is set.</summary>
    static abstract bool Any(TSelf mask);
    /// <summary>A mask where a or b is set.</summary>
    static abstract TSelf Or(TSelf a, TSelf b);
    /// <summary>Where <paramref name="mask"/> is set, <paramref name="whenTrue"/>, else <paramref name="whenFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary>
    /// 2ⁿ for lanes holding whole numbers n in [−126, 127]: n + 1.5·2²³ holds n in its low bits, so the exponent
    /// field comes from an integer subtraction and a shift, with no conversion.
    /// </summary>
    static abstract TSelf Pow2(TSelf n);

    /// <summary>
    /// For a positive normal x: m in [√½, √2) and the whole number e with x = m·2ᵉ, from the bits (exact).
    /// </summary>
    static abstract TSelf SplitExponent(TSelf x, out TSelf mantissa);
}

internal readonly struct Lanes512(Vector512<float> v) : ILanes<Lanes512>
{
    readonly Vector512<float> v = v;
    public static int Count => 16;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => v.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator +(Lanes512 a, Lanes512 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 a, Lanes512 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator *(Lanes512 a, Lanes512 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator /(Lanes512 a, Lanes512 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Fma(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Floor(Lanes512 a) => new(Vector512.Floor(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Abs(Lanes512 a) => new((a.v.AsUInt32() & Vector512.Create(0x7FFF_FFFFu)).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 CopySign(Lanes512 magnitude, Lanes512 sign) =>
        new(((magnitude.v.AsUInt32() & Vector512.Create(0x7FFF_FFFFu)) | (sign.v.AsUInt32() & Vector512.Create(0x8000_0000u))).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 LessThan(Lanes512 a, Lanes512 b) => new(Vector512.LessThan(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Equals(Lanes512 a, Lanes512 b) => new(Vector512.Equals(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes512 mask) => mask.v.AsUInt32() != Vector512<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Or(Lanes512 a, Lanes512 b) => new((a.v.AsUInt32() | b.v.AsUInt32()).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Select(Lanes512 mask, Lanes512 whenTrue, Lanes512 whenFalse) => new(Vector512.ConditionalSelect(mask.v, whenTrue.v, whenFalse.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Pow2(Lanes512 n) =>
        new(Vector512.ShiftLeft((n.v + Vector512.Create(ElementwiseMath.RoundingShift)).AsInt32() - Vector512.Create(ElementwiseMath.Pow2Bias), 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 SplitExponent(Lanes512 x, out Lanes512 mantissa)
    {
        // Offsetting the bits by √½'s puts the mantissa's range at [√½, √2) rather than [1, 2): log(m) stays small.
        var offset = x.v.AsInt32() - Vector512.Create(ElementwiseMath.SqrtHalfBits);
        mantissa = new(((offset & Vector512.Create(0x007F_FFFF)) + Vector512.Create(ElementwiseMath.SqrtHalfBits)).AsSingle());
        return new(Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(offset, 23)));
    }
}

internal readonly struct Lanes256(Vector256<float> v) : ILanes<Lanes256>
{
    readonly Vector256<float> v = v;
    public static int Count => 8;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => v.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 a, Lanes256 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 a, Lanes256 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator *(Lanes256 a, Lanes256 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator /(Lanes256 a, Lanes256 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Fma(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Floor(Lanes256 a) => new(Vector256.Floor(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Abs(Lanes256 a) => new((a.v.AsUInt32() & Vector256.Create(0x7FFF_FFFFu)).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 CopySign(Lanes256 magnitude, Lanes256 sign) =>
        new(((magnitude.v.AsUInt32() & Vector256.Create(0x7FFF_FFFFu)) | (sign.v.AsUInt32() & Vector256.Create(0x8000_0000u))).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 LessThan(Lanes256 a, Lanes256 b) => new(Vector256.LessThan(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Equals(Lanes256 a, Lanes256 b) => new(Vector256.Equals(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes256 mask) => mask.v.AsUInt32() != Vector256<uint>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Or(Lanes256 a, Lanes256 b) => new((a.v.AsUInt32() | b.v.AsUInt32()).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Select(Lanes256 mask, Lanes256 whenTrue, Lanes256 whenFalse) => new(Vector256.ConditionalSelect(mask.v, whenTrue.v, whenFalse.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Pow2(Lanes256 n) =>
        new(Vector256.ShiftLeft((n.v + Vector256.Create(ElementwiseMath.RoundingShift)).AsInt32() - Vector256.Create(ElementwiseMath.Pow2Bias), 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 SplitExponent(Lanes256 x, out Lanes256 mantissa)
    {
        var offset = x.v.AsInt32() - Vector256.Create(ElementwiseMath.SqrtHalfBits);
        mantissa = new(((offset & Vector256.Create(0x007F_FFFF)) + Vector256.Create(ElementwiseMath.SqrtHalfBits)).AsSingle());
        return new(Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(offset, 23)));
    }
}

/// <summary>One lane: the scalar path and the tails of the vector paths, with the same operations one at a time.</summary>
internal readonly struct Lane1(float v) : ILanes<Lane1>
{
    readonly float v = v;
    public float Value => v;
    static readonly float AllBits = BitConverter.Int32BitsToSingle(-1);
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Load(ref float source, nuint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => Unsafe.Add(ref destination, index) = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Create(float value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator +(Lane1 a, Lane1 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator -(Lane1 a, Lane1 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator *(Lane1 a, Lane1 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator /(Lane1 a, Lane1 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Fma(Lane1 a, Lane1 b, Lane1 c) => new(MathF.FusedMultiplyAdd(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Floor(Lane1 a) => new(MathF.Floor(a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Abs(Lane1 a) => new(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a.v) & 0x7FFF_FFFF));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 CopySign(Lane1 magnitude, Lane1 sign) => new(BitConverter.Int32BitsToSingle(
        (BitConverter.SingleToInt32Bits(magnitude.v) & 0x7FFF_FFFF) | (BitConverter.SingleToInt32Bits(sign.v) & int.MinValue)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 LessThan(Lane1 a, Lane1 b) => new(a.v < b.v ? AllBits : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Equals(Lane1 a, Lane1 b) => new(a.v == b.v ? AllBits : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lane1 mask) => BitConverter.SingleToInt32Bits(mask.v) != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Or(Lane1 a, Lane1 b) => new(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a.v) | BitConverter.SingleToInt32Bits(b.v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Select(Lane1 mask, Lane1 whenTrue, Lane1 whenFalse) => BitConverter.SingleToInt32Bits(mask.v) != 0 ? whenTrue : whenFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Pow2(Lane1 n) => new(BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(n.v + ElementwiseMath.RoundingShift) - ElementwiseMath.Pow2Bias) << 23));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 SplitExponent(Lane1 x, out Lane1 mantissa)
    {
        int offset = BitConverter.SingleToInt32Bits(x.v) - ElementwiseMath.SqrtHalfBits;
        mantissa = new(BitConverter.Int32BitsToSingle((offset & 0x007F_FFFF) + ElementwiseMath.SqrtHalfBits));
        return new(offset >> 23);
    }
}
