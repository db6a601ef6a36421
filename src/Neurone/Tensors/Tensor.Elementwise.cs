using System.Numerics.Tensors;

namespace Neurone.Tensors;

public sealed partial class Tensor
{
    // Binary ops follow NumPy broadcasting: shapes align at the last dimension; sizes match or are 1.

    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => Broadcasting.Apply<AddOp>("add", a, b);
    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => Broadcasting.Apply<SubOp>("sub", a, b);
    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => Broadcasting.Apply<MulOp>("mul", a, b);
    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b) => Broadcasting.Apply<DivOp>("div", a, b);
    /// <summary>Elementwise power a^b with broadcasting.</summary>
    public static Tensor Pow(Tensor a, Tensor b) => Broadcasting.Apply<PowOp>("pow", a, b);
    /// <summary>Elementwise maximum with broadcasting (NaN wins, as in PyTorch).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Broadcasting.Apply<MaxOp>("maximum", a, b);
    /// <summary>Elementwise minimum with broadcasting (NaN wins, as in PyTorch).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Broadcasting.Apply<MinOp>("minimum", a, b);

    /// <summary>1 where a == b, else 0.</summary>
    public static Tensor Eq(Tensor a, Tensor b) => Broadcasting.Apply<EqOp>("eq", a, b);
    /// <summary>1 where a != b, else 0.</summary>
    public static Tensor Ne(Tensor a, Tensor b) => Broadcasting.Apply<NeOp>("ne", a, b);
    /// <summary>1 where a &gt; b, else 0.</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Broadcasting.Apply<GtOp>("gt", a, b);
    /// <summary>1 where a ≥ b, else 0.</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Broadcasting.Apply<GeOp>("ge", a, b);
    /// <summary>1 where a &lt; b, else 0.</summary>
    public static Tensor Lt(Tensor a, Tensor b) => Broadcasting.Apply<LtOp>("lt", a, b);
    /// <summary>1 where a ≤ b, else 0.</summary>
    public static Tensor Le(Tensor a, Tensor b) => Broadcasting.Apply<LeOp>("le", a, b);

    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);
    public static Tensor operator +(Tensor a, float b) => Map(a, b, static (x, s, d) => TensorPrimitives.Add(x, s, d));
    public static Tensor operator +(float a, Tensor b) => b + a;
    public static Tensor operator -(Tensor a, float b) => Map(a, b, static (x, s, d) => TensorPrimitives.Subtract(x, s, d));
    public static Tensor operator -(float a, Tensor b) => Map(b, a, static (x, s, d) => TensorPrimitives.Subtract(s, x, d));
    public static Tensor operator *(Tensor a, float b) => Map(a, b, static (x, s, d) => TensorPrimitives.Multiply(x, s, d));
    public static Tensor operator *(float a, Tensor b) => b * a;
    public static Tensor operator /(Tensor a, float b) => Map(a, b, static (x, s, d) => TensorPrimitives.Divide(x, s, d));
    public static Tensor operator /(float a, Tensor b) => Map(b, a, static (x, s, d) => TensorPrimitives.Divide(s, x, d));
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>−x.</summary>
    public Tensor Neg() => Map(this, static (x, d) => TensorPrimitives.Negate(x, d));
    /// <summary>eˣ.</summary>
    public Tensor Exp() => Map(this, static (x, d) => TensorPrimitives.Exp(x, d));
    /// <summary>Natural logarithm (−∞ at 0, NaN below).</summary>
    public Tensor Log() => Map(this, static (x, d) => TensorPrimitives.Log(x, d));
    /// <summary>Square root (NaN below 0).</summary>
    public Tensor Sqrt() => Map(this, static (x, d) => TensorPrimitives.Sqrt(x, d));
    /// <summary>|x|.</summary>
    public Tensor Abs() => Map(this, static (x, d) => TensorPrimitives.Abs(x, d));
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Map(this, static (x, d) => TensorPrimitives.Tanh(x, d));
    /// <summary>1 / (1 + e⁻ˣ).</summary>
    public Tensor Sigmoid() => Map(this, static (x, d) => TensorPrimitives.Sigmoid(x, d));
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Map(this, 0f, static (x, s, d) => TensorPrimitives.Max(x, s, d));
    /// <summary>x².</summary>
    public Tensor Square() => Map(this, static (x, d) => TensorPrimitives.Multiply(x, x, d));
    /// <summary>xᵖ for a scalar exponent.</summary>
    public Tensor Pow(float exponent) => Map(this, exponent, static (x, s, d) => TensorPrimitives.Pow(x, s, d));
    /// <summary>max(x, value) elementwise.</summary>
    public Tensor Maximum(float value) => Map(this, value, static (x, s, d) => TensorPrimitives.Max(x, s, d));
    /// <summary>min(x, value) elementwise.</summary>
    public Tensor Minimum(float value) => Map(this, value, static (x, s, d) => TensorPrimitives.Min(x, s, d));

    /// <summary>Limits every element to [min, max].</summary>
    public Tensor Clamp(float min, float max)
    {
        if (min > max) throw new ArgumentException($"clamp: expected min ≤ max, got min {min} and max {max}.");
        var r = Maximum(min);
        TensorPrimitives.Min(r.AsReadOnlySpan(), max, r.AsSpan());
        return r;
    }

    /// <summary>1 where x == value, else 0.</summary>
    public Tensor Eq(float value) => Eq(this, Scalar(value));
    /// <summary>1 where x &gt; value, else 0.</summary>
    public Tensor Gt(float value) => Gt(this, Scalar(value));
    /// <summary>1 where x ≥ value, else 0.</summary>
    public Tensor Ge(float value) => Ge(this, Scalar(value));
    /// <summary>1 where x &lt; value, else 0.</summary>
    public Tensor Lt(float value) => Lt(this, Scalar(value));
    /// <summary>1 where x ≤ value, else 0.</summary>
    public Tensor Le(float value) => Le(this, Scalar(value));

    delegate void SpanMap(ReadOnlySpan<float> x, Span<float> d);
    delegate void SpanScalarMap(ReadOnlySpan<float> x, float s, Span<float> d);

    static Tensor Map(Tensor a, SpanMap f)
    {
        var r = new Tensor(a.shape);
        f(a.AsReadOnlySpan(), r.AsSpan());
        return r;
    }

    static Tensor Map(Tensor a, float s, SpanScalarMap f)
    {
        var r = new Tensor(a.shape);
        f(a.AsReadOnlySpan(), s, r.AsSpan());
        return r;
    }
}
