using System.Numerics;

namespace Neurone.Tensors;

public partial class Tensor
{
    // Comparisons give Bool tensors and are not differentiable. Operands broadcast as in NumPy and may mix
    // dtypes as PyTorch promotes them: float32 with float32 compares floats, integers and bools with each
    // other compare exactly as int64, and anything else compares as double (exact for every float32 and
    // every int64 below 2^53).

    /// <summary>True where a == b (PyTorch's <c>eq</c>).</summary>
    public static Tensor Eq(Tensor a, Tensor b) => Compare<EqTest>("eq", a, b);
    /// <summary>True where a != b.</summary>
    public static Tensor Ne(Tensor a, Tensor b) => Compare<NeTest>("ne", a, b);
    /// <summary>True where a &gt; b.</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Compare<GtTest>("gt", a, b);
    /// <summary>True where a ≥ b.</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Compare<GeTest>("ge", a, b);
    /// <summary>True where a &lt; b.</summary>
    public static Tensor Lt(Tensor a, Tensor b) => Compare<LtTest>("lt", a, b);
    /// <summary>True where a ≤ b.</summary>
    public static Tensor Le(Tensor a, Tensor b) => Compare<LeTest>("le", a, b);

    /// <summary>True where this == other (PyTorch's <c>x.eq(other)</c>).</summary>
    public Tensor Eq(Tensor other) => Eq(this, other);
    /// <summary>True where this != other.</summary>
    public Tensor Ne(Tensor other) => Ne(this, other);
    /// <summary>True where this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Gt(this, other);
    /// <summary>True where this ≥ other.</summary>
    public Tensor Ge(Tensor other) => Ge(this, other);
    /// <summary>True where this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Lt(this, other);
    /// <summary>True where this ≤ other.</summary>
    public Tensor Le(Tensor other) => Le(this, other);

    /// <summary>True where x == value. A float32 tensor compares with value rounded to float32, as PyTorch.</summary>
    public Tensor Eq(double value) => Eq(this, ScalarLike(value));
    /// <summary>True where x != value.</summary>
    public Tensor Ne(double value) => Ne(this, ScalarLike(value));
    /// <summary>True where x &gt; value.</summary>
    public Tensor Gt(double value) => Gt(this, ScalarLike(value));
    /// <summary>True where x ≥ value.</summary>
    public Tensor Ge(double value) => Ge(this, ScalarLike(value));
    /// <summary>True where x &lt; value.</summary>
    public Tensor Lt(double value) => Lt(this, ScalarLike(value));
    /// <summary>True where x ≤ value.</summary>
    public Tensor Le(double value) => Le(this, ScalarLike(value));

    /// <summary>A scalar to compare this tensor with: float32 for a float tensor, int64 for a whole number against integers.</summary>
    Tensor ScalarLike(double value)
    {
        if (DType == DType.Float32) return Scalar((float)value);
        if (value == Math.Floor(value) && Math.Abs(value) < 9.2e18) return new Tensor(new[] { (long)value }, 0, []);
        return Scalar((float)value).To(DType.Float32);
    }

    /// <summary>True where both are non-zero (PyTorch's <c>logical_and</c>); any dtypes, broadcast.</summary>
    public static Tensor LogicalAnd(Tensor a, Tensor b) => Compare<AndTest>("logical_and", a.Bool(), b.Bool());

    /// <summary>True where either is non-zero (PyTorch's <c>logical_or</c>).</summary>
    public static Tensor LogicalOr(Tensor a, Tensor b) => Compare<OrTest>("logical_or", a.Bool(), b.Bool());

    /// <summary>True where x is zero or false (PyTorch's <c>logical_not</c>).</summary>
    public Tensor LogicalNot()
    {
        var src = Bool();
        var r = Zeros(ShapeArray(), DType.Bool);
        var x = src.AsBoolSpan();
        var d = r.AsBoolSpan();
        for (int i = 0; i < d.Length; i++) d[i] = !x[i];
        return r;
    }

    /// <summary>Element-wise logical and of two masks.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => LogicalAnd(a, b);
    /// <summary>Element-wise logical or of two masks.</summary>
    public static Tensor operator |(Tensor a, Tensor b) => LogicalOr(a, b);
    /// <summary>Element-wise logical not of a mask.</summary>
    public static Tensor operator !(Tensor a) => a.LogicalNot();

    static Tensor Compare<TTest>(string op, Tensor a, Tensor b) where TTest : struct, ITest
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        bool same = Shapes.Equal(a.shape, b.shape);
        var outShape = same ? a.ShapeArray() : BroadcastOffsets.Shape(op, [a, b], ["a", "b"]);
        var r = Zeros(outShape, DType.Bool);
        var d = r.AsBoolSpan();
        if (d.Length == 0) return r;
        int[]? oa = same ? null : BroadcastOffsets.Of(a.shape, outShape);
        int[]? ob = same ? null : BroadcastOffsets.Of(b.shape, outShape);
        if (a.DType == DType.Float32 && b.DType == DType.Float32)
            Run<TTest, float>(a.AsReadOnlySpan(), oa, b.AsReadOnlySpan(), ob, d);
        else if (a.DType != DType.Float32 && b.DType != DType.Float32)
            Run<TTest, long>(a.IntegerView(), oa, b.IntegerView(), ob, d);
        else
            Run<TTest, double>(a.DoubleCopy(), oa, b.DoubleCopy(), ob, d);
        return r;
    }

    static void Run<TTest, T>(ReadOnlySpan<T> x, int[]? ox, ReadOnlySpan<T> y, int[]? oy, Span<bool> d)
        where TTest : struct, ITest where T : INumber<T>
    {
        if (ox is null || oy is null)
            for (int i = 0; i < d.Length; i++) d[i] = TTest.Test(x[i], y[i]);
        else
            for (int i = 0; i < d.Length; i++) d[i] = TTest.Test(x[ox[i]], y[oy[i]]);
    }

    /// <summary>An int64 or bool tensor's elements as int64 (a copy only for bool).</summary>
    ReadOnlySpan<long> IntegerView()
    {
        if (DType == DType.Int64) return AsLongSpan();
        var x = AsBoolSpan();
        var r = new long[x.Length];
        for (int i = 0; i < r.Length; i++) r[i] = x[i] ? 1 : 0;
        return r;
    }

    double[] DoubleCopy()
    {
        var r = new double[Count];
        for (int i = 0; i < r.Length; i++) r[i] = ElementAsDouble(i);
        return r;
    }

    internal interface ITest { static abstract bool Test<T>(T x, T y) where T : INumber<T>; }
    readonly struct EqTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => x == y; }
    readonly struct NeTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => x != y; }
    readonly struct GtTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => x > y; }
    readonly struct GeTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => x >= y; }
    readonly struct LtTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => x < y; }
    readonly struct LeTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => x <= y; }
    readonly struct AndTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => !T.IsZero(x) && !T.IsZero(y); }
    readonly struct OrTest : ITest { public static bool Test<T>(T x, T y) where T : INumber<T> => !T.IsZero(x) || !T.IsZero(y); }
}
