using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// GELU as PyTorch's <c>F.gelu(input, approximate=...)</c>: "none" is the exact x·Φ(x) (<see cref="Gelu(Tensor)"/>),
    /// "tanh" is ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// </summary>
    public static Tensor Gelu(Tensor input, string approximate)
    {
        ArgumentNullException.ThrowIfNull(input);
        return approximate switch
        {
            "none" => input.Gelu(),
            "tanh" => GeluTanh(input),
            _ => throw new ArgumentException($"gelu: expected approximate \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate)),
        };
    }

    /// <summary>
    /// The tanh approximation of GELU; the tanh of each element is kept for the backward,
    /// ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
    /// </summary>
    static Tensor GeluTanh(Tensor input)
    {
        const float c = 0.7978845608028654f, a = 0.044715f;
        if (input.DType != DType.Float32) throw new ArgumentException($"gelu: expected a Float32 input, got {input.DType}.");
        var x = input.AsReadOnlySpan();
        var t = new float[x.Length];
        for (int i = 0; i < x.Length; i++) t[i] = c * (x[i] + a * x[i] * x[i] * x[i]);
        ElementwiseMath.Tanh(t, t);
        var y = Tensor.Uninitialized(input.ShapeArray());
        var ys = y.AsSpan();
        // x³ overflows to ±∞ beyond |x| ≈ 7e12, where tanh is ±1 and y is x or 0; −∞·0 gives −0 as the exact GELU.
        for (int i = 0; i < ys.Length; i++) ys[i] = float.IsNegativeInfinity(x[i]) ? -0f : 0.5f * x[i] * (1f + t[i]);
        return Graph.Record(y, "gelu", [input], g =>
        {
            var dx = Tensor.Uninitialized(input.ShapeArray());
            var gs = g.AsReadOnlySpan();
            var xs = input.AsReadOnlySpan();
            var ds = dx.AsSpan();
            for (int i = 0; i < ds.Length; i++)
            {
                float xi = xs[i], ti = t[i];
                float slope = MathF.Abs(xi) > 1e4f ? (xi > 0 ? 1f : 0f)
                    : 0.5f * (1f + ti) + 0.5f * xi * (1f - ti * ti) * c * (1f + 3f * a * xi * xi);
                ds[i] = gs[i] * slope;
            }
            return [dx];
        });
    }
}
