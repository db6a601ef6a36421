using System.Numerics.Tensors;
using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    // Binary ops follow NumPy broadcasting: shapes align at the last dimension; sizes match or are 1.
    // Each op's backward sits right under its value; SumTo folds a broadcast gradient back to an input.

    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var r = Broadcasting.Apply<AddOp>("add", a, b);
        return Graph.Record(r, "add", [a, b], g => [g.SumTo(a.shape), g.SumTo(b.shape)]);
    }

    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        var r = Broadcasting.Apply<SubOp>("sub", a, b);
        return Graph.Record(r, "sub", [a, b], g => [g.SumTo(a.shape), b.RequiresGrad ? g.SumTo(b.shape).Neg() : null]);
    }

    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        var r = Broadcasting.Apply<MulOp>("mul", a, b);
        return Graph.Record(r, "mul", [a, b], g => [
            a.RequiresGrad ? (g * b).SumTo(a.shape) : null,
            b.RequiresGrad ? (g * a).SumTo(b.shape) : null]);
    }

    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        var r = Broadcasting.Apply<DivOp>("div", a, b);
        return Graph.Record(r, "div", [a, b], g => [
            a.RequiresGrad ? (g / b).SumTo(a.shape) : null,
            b.RequiresGrad ? (g * r / b).SumTo(b.shape).Neg() : null]);
    }

    /// <summary>
    /// Elementwise power aᵇ with broadcasting. Gradients follow PyTorch at a = 0: ∂/∂a is 0 where b = 0 (a⁰ is
    /// constant), and ∂/∂b is 0 where a = 0 and b ≥ 0 (0ᵇ is constant for b &gt; 0; PyTorch takes 0 at b = 0 too),
    /// where the formulas b·aᵇ⁻¹ and aᵇ·ln a would give NaN or ±∞.
    /// </summary>
    public static Tensor Pow(Tensor a, Tensor b)
    {
        var r = Broadcasting.Apply<PowOp>("pow", a, b);
        return Graph.Record(r, "pow", [a, b], g => [
            a.RequiresGrad ? PowBaseGradient(g, a.BroadcastTo(r.shape), b.BroadcastTo(r.shape)).SumTo(a.shape) : null,
            b.RequiresGrad ? PowExponentGradient(g, a.BroadcastTo(r.shape), b.BroadcastTo(r.shape), r).SumTo(b.shape) : null]);
    }

    /// <summary>g·(b·aᵇ⁻¹), or 0 where b = 0; all four of one shape.</summary>
    static Tensor PowBaseGradient(Tensor g, Tensor a, Tensor b)
    {
        var d = Uninitialized(g.shape);
        var gs = g.AsReadOnlySpan();
        var xs = a.AsReadOnlySpan();
        var ps = b.AsReadOnlySpan();
        var ds = d.AsSpan();
        for (int i = 0; i < ds.Length; i++) ds[i] = ps[i] == 0f ? 0f : gs[i] * (ps[i] * MathF.Pow(xs[i], ps[i] - 1f));
        return d;
    }

    /// <summary>g·(aᵇ·ln a), or 0 where a = 0 and b ≥ 0; all five of one shape.</summary>
    static Tensor PowExponentGradient(Tensor g, Tensor a, Tensor b, Tensor r)
    {
        var d = Uninitialized(g.shape);
        var gs = g.AsReadOnlySpan();
        var xs = a.AsReadOnlySpan();
        var ps = b.AsReadOnlySpan();
        var rs = r.AsReadOnlySpan();
        var ds = d.AsSpan();
        for (int i = 0; i < ds.Length; i++) ds[i] = xs[i] == 0f && ps[i] >= 0f ? 0f : gs[i] * (rs[i] * MathF.Log(xs[i]));
        return d;
    }

    /// <summary>Elementwise maximum with broadcasting (NaN wins, as in PyTorch; ties share the gradient).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Extremum<MaxOp>("maximum", a, b);

    /// <summary>Elementwise minimum with broadcasting (NaN wins, as in PyTorch; ties share the gradient).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Extremum<MinOp>("minimum", a, b);

    static Tensor Extremum<TOp>(string name, Tensor a, Tensor b) where TOp : IBinaryOp
    {
        var r = Broadcasting.Apply<TOp>(name, a, b);
        return Graph.Record(r, name, [a, b], g =>
        {
            // Where a and b tie, each gets half, as PyTorch does.
            var share = (Eq(a, r).Float() + Eq(b, r).Float().Neg() + 1f) * 0.5f;
            return [(g * share).SumTo(a.shape), (g * (1f - share)).SumTo(b.shape)];
        });
    }

    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);
    public static Tensor operator -(Tensor a) => a.Neg();

    public static Tensor operator +(Tensor a, float s)
    {
        var r = Map(a, s, static (x, v, d) => TensorPrimitives.Add(x, v, d));
        return Graph.Record(r, "add_scalar", [a], g => [g]);
    }

    public static Tensor operator +(float s, Tensor a) => a + s;

    public static Tensor operator -(Tensor a, float s) => a + (-s);

    public static Tensor operator -(float s, Tensor a)
    {
        var r = Map(a, s, static (x, v, d) => TensorPrimitives.Subtract(v, x, d));
        return Graph.Record(r, "rsub_scalar", [a], g => [g.Neg()]);
    }

    public static Tensor operator *(Tensor a, float s)
    {
        var r = Map(a, s, static (x, v, d) => TensorPrimitives.Multiply(x, v, d));
        return Graph.Record(r, "mul_scalar", [a], g => [g * s]);
    }

    public static Tensor operator *(float s, Tensor a) => a * s;

    public static Tensor operator /(Tensor a, float s)
    {
        var r = Map(a, s, static (x, v, d) => TensorPrimitives.Divide(x, v, d));
        return Graph.Record(r, "div_scalar", [a], g => [g / s]);
    }

    public static Tensor operator /(float s, Tensor a)
    {
        var r = Map(a, s, static (x, v, d) => TensorPrimitives.Divide(v, x, d));
        return Graph.Record(r, "rdiv_scalar", [a], g => [(g * r / a).Neg()]);
    }
}
