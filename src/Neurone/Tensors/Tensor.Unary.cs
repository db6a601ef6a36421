using System.Numerics.Tensors;
using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    // Elementwise functions of one tensor, each with its derivative beneath it. Exp, Log, Tanh, Sigmoid and
    // Softplus come from Kernels.ElementwiseMath (faithful over the whole range, the same bits on every CPU); the
    // exactly rounded ones from TensorPrimitives. Derivatives reuse the saved input x or output y, whichever is
    // cheaper, except where only x keeps them accurate (tanh and sigmoid, once the output rounds to ±1).

    /// <summary>−x.</summary>
    public Tensor Neg()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Negate(x, d));
        return Graph.Record(y, "neg", [this], g => [g.Neg()]);
    }

    /// <summary>eˣ.</summary>
    public Tensor Exp()
    {
        var y = Map(this, static (x, d) => Kernels.ElementwiseMath.Exp(x, d));
        return Graph.Record(y, "exp", [this], g => [g * y]);
    }

    /// <summary>Natural logarithm (−∞ at 0, NaN below).</summary>
    public Tensor Log()
    {
        var y = Map(this, static (x, d) => Kernels.ElementwiseMath.Log(x, d));
        return Graph.Record(y, "log", [this], g => [g / this]);
    }

    /// <summary>Square root (NaN below 0).</summary>
    public Tensor Sqrt()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Sqrt(x, d));
        return Graph.Record(y, "sqrt", [this], g => [g / y * 0.5f]);
    }

    /// <summary>|x|; its gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Abs()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Abs(x, d));
        return Graph.Record(y, "abs", [this], g => [g * (Gt(0f).Float() - Lt(0f).Float())]);
    }

    /// <summary>
    /// Hyperbolic tangent. Backward: g·4e/(1 + e)² with e = e^(−2|x|), which is 1 − tanh² computed from x: PyTorch's
    /// 1 − y² is 0 once y rounds to ±1 (|x| above about 9) and loses relative accuracy well before.
    /// </summary>
    public Tensor Tanh()
    {
        var y = Map(this, static (x, d) => Kernels.ElementwiseMath.Tanh(x, d));
        return Graph.Record(y, "tanh", [this], g => [Gradient(this, g, static (x, gs, d) => Kernels.ElementwiseMath.TanhGradient(x, gs, d))]);
    }

    /// <summary>
    /// 1 / (1 + e⁻ˣ). Backward: g·e/(1 + e)² with e = e^(−|x|), which is σ(1 − σ) computed from x: PyTorch's
    /// y(1 − y) is 0 once y rounds to 1 (x above about 17).
    /// </summary>
    public Tensor Sigmoid()
    {
        var y = Map(this, static (x, d) => Kernels.ElementwiseMath.Sigmoid(x, d));
        return Graph.Record(y, "sigmoid", [this], g => [Gradient(this, g, static (x, gs, d) => Kernels.ElementwiseMath.SigmoidGradient(x, gs, d))]);
    }

    /// <summary>
    /// Softplus, ln(1 + e^(βx))/β, and x itself where βx exceeds <paramref name="threshold"/> (PyTorch's defaults:
    /// β = 1, threshold 20). Backward: σ(βx), or 1 above the threshold.
    /// </summary>
    public Tensor Softplus(float beta = 1f, float threshold = 20f)
    {
        if (!(beta > 0f) || float.IsInfinity(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "softplus: expected a positive finite beta.");
        var y = Uninitialized(shape);
        var xs = AsReadOnlySpan();
        var ys = y.AsSpan();
        if (beta == 1f) Kernels.ElementwiseMath.Softplus(xs, ys);
        else
        {
            TensorPrimitives.Multiply(xs, beta, ys);
            Kernels.ElementwiseMath.Softplus(ys, ys);
            TensorPrimitives.Divide(ys, beta, ys);
        }
        for (int i = 0; i < ys.Length; i++) if (xs[i] * beta > threshold) ys[i] = xs[i];
        return Graph.Record(y, "softplus", [this], g =>
        {
            var d = Uninitialized(shape);
            var x = AsReadOnlySpan();
            var gs = g.AsReadOnlySpan();
            var ds = d.AsSpan();
            TensorPrimitives.Multiply(x, beta, ds);
            Kernels.ElementwiseMath.Sigmoid(ds, ds);
            TensorPrimitives.Multiply(ds, gs, ds);
            for (int i = 0; i < ds.Length; i++) if (x[i] * beta > threshold) ds[i] = gs[i];
            return [d];
        });
    }

    delegate void GradientKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d);

    /// <summary>A fresh tensor of <paramref name="kernel"/>(x, g) for an elementwise op's backward.</summary>
    static Tensor Gradient(Tensor x, Tensor g, GradientKernel kernel)
    {
        var d = Uninitialized(x.shape);
        kernel(x.AsReadOnlySpan(), g.AsReadOnlySpan(), d.AsSpan());
        return d;
    }

    /// <summary>max(x, 0); the gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Relu()
    {
        var y = Map(this, 0f, static (x, s, d) => TensorPrimitives.Max(x, s, d));
        return Graph.Record(y, "relu", [this], g => [ReluBackward(g, y)]);
    }

    /// <summary>
    /// ReLU written over this tensor's own storage. Only for a fresh intermediate that nothing else
    /// reads (Sequential uses it on a Linear's output): it saves a buffer and a pass per layer. The
    /// backward needs only the output's sign, which equals the input's.
    /// </summary>
    internal Tensor ReluInPlace()
    {
        var span = AsSpan();
        TensorPrimitives.Max(span, 0f, span);
        var y = new Tensor(storage, offset, shape);
        return Graph.Record(y, "relu_", [this], g => [ReluBackward(g, y)]);
    }

    /// <summary>g where the ReLU output was positive, else 0, in one pass.</summary>
    internal static Tensor ReluBackward(Tensor g, Tensor y)
    {
        var r = Uninitialized(g.shape);
        Kernels.ReluGradient.Mask(g.AsReadOnlySpan(), y.AsReadOnlySpan(), r.AsSpan());
        return r;
    }

    /// <summary>x².</summary>
    public Tensor Square()
    {
        var y = Uninitialized(shape);
        if (Kernels.LargeElementwise.Worth(Count))
            Kernels.LargeElementwise.For(Count, (from, to) =>
            {
                var x = AsReadOnlySpan()[from..to];
                TensorPrimitives.Multiply(x, x, y.AsSpan()[from..to]);
            });
        else TensorPrimitives.Multiply(AsReadOnlySpan(), AsReadOnlySpan(), y.AsSpan());
        // (x + x)·g in one pass: the same bits as g·x·2 (doubling is exact), without two temporaries.
        return Graph.Record(y, "square", [this], g =>
        {
            var d = Uninitialized(shape);
            if (Kernels.LargeElementwise.Worth(Count))
                Kernels.LargeElementwise.For(Count, (from, to) =>
                {
                    var x = AsReadOnlySpan()[from..to];
                    TensorPrimitives.AddMultiply(x, x, g.AsReadOnlySpan()[from..to], d.AsSpan()[from..to]);
                });
            else TensorPrimitives.AddMultiply(AsReadOnlySpan(), AsReadOnlySpan(), g.AsReadOnlySpan(), d.AsSpan());
            return [d];
        });
    }

    /// <summary>xᵖ for a scalar exponent; the gradient of x⁰ is 0 everywhere, x = 0 included (as in PyTorch).</summary>
    public Tensor Pow(float exponent)
    {
        var y = Map(this, exponent, static (x, s, d) => TensorPrimitives.Pow(x, s, d));
        // p·xᵖ⁻¹ would be 0·∞ = NaN at x = 0 for p = 0, where x⁰ = 1 is constant.
        return Graph.Record(y, "pow_scalar", [this], g => [exponent == 0f ? new Tensor(shape) : g * (Pow(exponent - 1f) * exponent)]);
    }

    /// <summary>max(x, value) elementwise; the gradient passes where x ≥ value.</summary>
    public Tensor Maximum(float value)
    {
        var y = Map(this, value, static (x, s, d) => TensorPrimitives.Max(x, s, d));
        return Graph.Record(y, "clamp_min", [this], g => [g * Ge(value).Float()]);
    }

    /// <summary>min(x, value) elementwise; the gradient passes where x ≤ value.</summary>
    public Tensor Minimum(float value)
    {
        var y = Map(this, value, static (x, s, d) => TensorPrimitives.Min(x, s, d));
        return Graph.Record(y, "clamp_max", [this], g => [g * Le(value).Float()]);
    }

    /// <summary>Limits every element to [min, max]; the gradient passes inside the range (ends included).</summary>
    public Tensor Clamp(float min, float max)
    {
        if (!(min <= max)) throw new ArgumentException($"clamp: expected min ≤ max, got min {min} and max {max}.");
        var y = new Tensor(shape);
        TensorPrimitives.Max(AsReadOnlySpan(), min, y.AsSpan());
        TensorPrimitives.Min(y.AsReadOnlySpan(), max, y.AsSpan());
        return Graph.Record(y, "clamp", [this], g => [g * Ge(min).Float() * Le(max).Float()]);
    }

    delegate void SpanMap(ReadOnlySpan<float> x, Span<float> d);
    delegate void SpanScalarMap(ReadOnlySpan<float> x, float s, Span<float> d);

    static Tensor Map(Tensor a, SpanMap f)
    {
        var r = Uninitialized(a.shape);
        f(a.AsReadOnlySpan(), r.AsSpan());
        return r;
    }

    static Tensor Map(Tensor a, float s, SpanScalarMap f)
    {
        var r = Uninitialized(a.shape);
        f(a.AsReadOnlySpan(), s, r.AsSpan());
        return r;
    }
}
