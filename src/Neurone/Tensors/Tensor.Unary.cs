using System.Numerics.Tensors;
using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    // Elementwise functions of one tensor, each with its derivative beneath it. Values come from
    // TensorPrimitives (vectorised); derivatives reuse the saved input x or output y, whichever is cheaper.

    /// <summary>−x.</summary>
    public Tensor Neg()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Negate(x, d));
        return Graph.Record(y, "neg", [this], g => [g.Neg()]);
    }

    /// <summary>eˣ.</summary>
    public Tensor Exp()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Exp(x, d));
        return Graph.Record(y, "exp", [this], g => [g * y]);
    }

    /// <summary>Natural logarithm (−∞ at 0, NaN below).</summary>
    public Tensor Log()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Log(x, d));
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
        return Graph.Record(y, "abs", [this], g => [g * (Gt(0f) - Lt(0f))]);
    }

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Tanh(x, d));
        return Graph.Record(y, "tanh", [this], g => [g * (1f - y * y)]);
    }

    /// <summary>1 / (1 + e⁻ˣ).</summary>
    public Tensor Sigmoid()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Sigmoid(x, d));
        return Graph.Record(y, "sigmoid", [this], g => [g * y * (1f - y)]);
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
        return Graph.Record(y, "clamp_min", [this], g => [g * Ge(value)]);
    }

    /// <summary>min(x, value) elementwise; the gradient passes where x ≤ value.</summary>
    public Tensor Minimum(float value)
    {
        var y = Map(this, value, static (x, s, d) => TensorPrimitives.Min(x, s, d));
        return Graph.Record(y, "clamp_max", [this], g => [g * Le(value)]);
    }

    /// <summary>Limits every element to [min, max]; the gradient passes inside the range (ends included).</summary>
    public Tensor Clamp(float min, float max)
    {
        if (!(min <= max)) throw new ArgumentException($"clamp: expected min ≤ max, got min {min} and max {max}.");
        var y = new Tensor(shape);
        TensorPrimitives.Max(AsReadOnlySpan(), min, y.AsSpan());
        TensorPrimitives.Min(y.AsReadOnlySpan(), max, y.AsSpan());
        return Graph.Record(y, "clamp", [this], g => [g * Ge(min) * Le(max)]);
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
