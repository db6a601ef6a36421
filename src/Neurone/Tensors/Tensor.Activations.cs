using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// Softmax along dimension <paramref name="dim"/> (negative counts from the end): e^(x − max) normalised to sum
    /// 1, so logits of any size neither overflow nor all underflow. Backward: dx = y ⊙ (g − Σ g⊙y).
    /// </summary>
    public Tensor Softmax(int dim = -1)
    {
        int ax = Shapes.Axis("softmax", dim, shape);
        var y = new Tensor(shape);
        ForEachLine(ax, AsReadOnlySpan(), y.AsSpan(), static (x, d) => Kernels.Softmax.Forward(x, d));
        return Graph.Record(y, "softmax", [this], g =>
        {
            var gy = g * y;
            return [gy - y * gy.Sum(ax, keepDim: true)];
        });
    }

    /// <summary>
    /// log(softmax(x)) along dimension <paramref name="dim"/>, computed as (x − max) − log Σ e^(x − max): it never
    /// takes the log of an underflowed zero, and the log-sum is not rounded away next to a large max.
    /// Backward: dx = g − softmax ⊙ Σ g.
    /// </summary>
    public Tensor LogSoftmax(int dim = -1)
    {
        int ax = Shapes.Axis("log_softmax", dim, shape);
        var y = new Tensor(shape);
        ForEachLine(ax, AsReadOnlySpan(), y.AsSpan(), static (x, d) => Kernels.Softmax.LogSoftmax(x, d));
        return Graph.Record(y, "log_softmax", [this], g => [g - y.Exp() * g.Sum(ax, keepDim: true)]);
    }

    /// <summary>
    /// log Σ eˣ along dimension <paramref name="dim"/>, as max + log Σ e^(x − max) (PyTorch's <c>logsumexp</c>): −∞
    /// for an empty dimension, the max itself where it is ±∞. With <paramref name="keepDim"/> the dimension stays
    /// with size 1. Backward: g ⊙ softmax(x), the softmax computed afresh from x rather than as e^(x − result): the
    /// float result is rounded to its ulp (1 at 1e7), which e^(x − result) would turn into an error of that size.
    /// </summary>
    public Tensor LogSumExp(int dim, bool keepDim = false)
    {
        int ax = Shapes.Axis("logsumexp", dim, shape);
        var (outer, n, inner) = Split(ax);
        var y = Uninitialized(ReducedShape(ax, keepDim));
        var src = AsReadOnlySpan();
        var ys = y.AsSpan();
        var line = new float[n];
        var scratch = new float[n];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * n * inner + i;
                ReadOnlySpan<float> values = line;
                if (inner == 1) values = src.Slice(start, n);
                else for (int j = 0; j < n; j++) line[j] = src[start + j * inner];
                ys[o * inner + i] = Kernels.Softmax.LogSumExp(values, scratch, Kernels.Simd.Best);
            }
        return Graph.Record(y, "logsumexp", [this], g =>
        {
            var p = new Tensor(shape);
            ForEachLine(ax, AsReadOnlySpan(), p.AsSpan(), static (x, d) => Kernels.Softmax.Forward(x, d));
            return [p * (keepDim ? g : g.Unsqueeze(ax))];
        });
    }

    /// <summary>max(x, 0) + slope·min(x, 0).</summary>
    public Tensor LeakyRelu(float negativeSlope = 0.01f)
    {
        var y = new Tensor(shape);
        var x = AsReadOnlySpan();
        var d = y.AsSpan();
        for (int i = 0; i < d.Length; i++) d[i] = x[i] > 0f ? x[i] : negativeSlope * x[i];
        return Graph.Record(y, "leaky_relu", [this], g =>
        {
            var r = new Tensor(shape);
            var gs = g.AsReadOnlySpan();
            var xs = AsReadOnlySpan();
            var rs = r.AsSpan();
            for (int i = 0; i < rs.Length; i++) rs[i] = xs[i] > 0f ? gs[i] : negativeSlope * gs[i];
            return [r];
        });
    }

    /// <summary>
    /// GELU, x·Φ(x) with the exact normal CDF (PyTorch's default, approximate='none').
    /// Backward: Φ(x) + x·φ(x).
    /// </summary>
    public Tensor Gelu()
    {
        var y = new Tensor(shape);
        // Each element costs an erfc in double (tens of nanoseconds), so a Transformer's feed-forward activations are
        // split over the cores in chunks; every element is computed alone, so the bits do not depend on the split.
        Kernels.ParallelRanges.For(ElementChunks(Count), (from, to) =>
        {
            var (start, end) = ChunkBounds(from, to, Count);
            var x = AsReadOnlySpan()[start..end];
            var d = y.AsSpan()[start..end];
            // x·Φ(x) → 0 as x → −∞ (at −∞ itself too, where the product would be −∞·0).
            for (int i = 0; i < d.Length; i++) d[i] = float.IsNegativeInfinity(x[i]) ? -0f : (float)(x[i] * NormalCdf(x[i]));
        }, GeluChunkWork);
        return Graph.Record(y, "gelu", [this], g =>
        {
            var r = new Tensor(shape);
            Kernels.ParallelRanges.For(ElementChunks(Count), (from, to) =>
            {
                var (start, end) = ChunkBounds(from, to, Count);
                var gs = g.AsReadOnlySpan()[start..end];
                var xs = AsReadOnlySpan()[start..end];
                var rs = r.AsSpan()[start..end];
                const double invSqrt2Pi = 0.3989422804014327;
                for (int i = 0; i < rs.Length; i++)
                {
                    double v = xs[i];
                    // Φ(x) + x·φ(x), in double; x·φ(x) is −∞·0 at −∞, where the derivative tends to 0.
                    rs[i] = double.IsInfinity(v) ? (v > 0 ? gs[i] : 0f) : (float)(gs[i] * (NormalCdf(v) + v * invSqrt2Pi * Math.Exp(-0.5 * v * v)));
                }
            }, GeluChunkWork);
            return [r];
        });
    }

    /// <summary>Elements per chunk of a parallel elementwise pass, and the work the scheduler is told each chunk holds.</summary>
    const int ElementChunk = 4096;
    const long GeluChunkWork = ElementChunk * 16L;

    static int ElementChunks(int count) => (count + ElementChunk - 1) / ElementChunk;

    static (int Start, int End) ChunkBounds(int fromChunk, int toChunk, int count) =>
        (fromChunk * ElementChunk, (int)Math.Min((long)toChunk * ElementChunk, count));

    /// <summary>
    /// Φ(x) = erfc(−x/√2)/2, in double: 1 + erf(x/√2) would cancel to 0 below x ≈ −5.5 (PyTorch's float32 GELU is
    /// 0 at −10 and 4% off at −5), where erfc keeps its relative accuracy.
    /// </summary>
    static double NormalCdf(double x) => 0.5 * Kernels.SpecialFunctions.Erfc(-x / Math.Sqrt(2.0));

    delegate void LineOp(ReadOnlySpan<float> x, Span<float> d);

    /// <summary>Applies <paramref name="op"/> to every line along <paramref name="axis"/> (gathering strided lines).</summary>
    void ForEachLine(int axis, ReadOnlySpan<float> src, Span<float> dst, LineOp op)
    {
        var (outer, n, inner) = Split(axis);
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) op(src.Slice(o * n, n), dst.Slice(o * n, n));
            return;
        }
        var line = new float[n];
        var result = new float[n];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int start = o * n * inner + i;
                for (int j = 0; j < n; j++) line[j] = src[start + j * inner];
                op(line, result);
                for (int j = 0; j < n; j++) dst[start + j * inner] = result[j];
            }
    }
}
