using System.Numerics.Tensors;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// Index of the largest value along <paramref name="dim"/> (the first on ties; NaN counts as the
    /// largest, as in PyTorch), as an Int64 tensor: exact for any size, and ready to compare with labels.
    /// </summary>
    public Tensor ArgMax(int dim, bool keepDim = false) => ArgExtremum("argmax", dim, keepDim, largest: true);

    /// <summary>Index of the smallest value along <paramref name="dim"/> (the first on ties; NaN counts as the smallest), as Int64.</summary>
    public Tensor ArgMin(int dim, bool keepDim = false) => ArgExtremum("argmin", dim, keepDim, largest: false);

    /// <summary>Flat index of the smallest element (first one on ties).</summary>
    public int ArgMin() => TensorPrimitives.IndexOfMin(NonEmpty("argmin"));

    Tensor ArgExtremum(string op, int dim, bool keepDim, bool largest)
    {
        RequireFloat(op);
        int ax = RequireNonEmptyAxis(op, dim);
        var (outer, n, inner) = Split(ax);
        var result = Zeros(ReducedShape(ax, keepDim), DType.Int64);
        var src = AsReadOnlySpan();
        var dst = result.AsLongSpan();
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                var run = src.Slice(o * n, n);
                dst[o] = largest ? TensorPrimitives.IndexOfMax(run) : TensorPrimitives.IndexOfMin(run);
                continue;
            }
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                float bestValue = src[o * n * inner + i];
                for (int j = 1; j < n; j++)
                {
                    float v = src[(o * n + j) * inner + i];
                    if (float.IsNaN(bestValue)) break;
                    if (float.IsNaN(v) || (largest ? v > bestValue : v < bestValue)) { best = j; bestValue = v; }
                }
                dst[o * inner + i] = best;
            }
        }
        return result;
    }

    /// <summary>
    /// The <paramref name="k"/> largest (or, with <paramref name="largest"/> false, smallest) values along
    /// <paramref name="dim"/> and their Int64 indices (PyTorch's <c>topk</c>), best first; equal values keep
    /// their order of position, and NaN counts as the largest. The values carry the gradient back to the
    /// positions they came from.
    /// </summary>
    public (Tensor Values, Tensor Indices) TopK(int k, int dim = -1, bool largest = true)
    {
        RequireFloat("topk");
        if (Rank == 0) throw new ArgumentException("topk: expected a tensor with at least one dimension, got a scalar.");
        int ax = Shapes.Axis("topk", dim, shape);
        var (outer, n, inner) = Split(ax);
        if (k < 0 || k > n)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"topk: k must be in [0, {n}] for dimension {dim} of shape {Shapes.Format(shape)}.");
        var outShape = (int[])shape.Clone();
        outShape[ax] = k;
        var indices = Zeros(outShape, DType.Int64);
        var dst = indices.AsLongSpan();
        var src = AsReadOnlySpan();
        var order = new int[n];
        var keys = new float[n];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                for (int j = 0; j < n; j++) { order[j] = j; keys[j] = src[(o * n + j) * inner + i]; }
                // Sorting positions by (value, position) keeps ties in order of position: a stable top k.
                Array.Sort(order, (p, q) =>
                {
                    int c = largest ? SortKey(keys[q]).CompareTo(SortKey(keys[p])) : SortKey(keys[p]).CompareTo(SortKey(keys[q]));
                    return c != 0 ? c : p.CompareTo(q);
                });
                for (int j = 0; j < k; j++) dst[(o * k + j) * inner + i] = order[j];
            }
        return (Gather(ax, indices), indices);
    }

    /// <summary>A float's place in the order where NaN is above +∞ (PyTorch's order for sorting).</summary>
    static double SortKey(float v) => float.IsNaN(v) ? double.PositiveInfinity : v == float.PositiveInfinity ? double.MaxValue : v;

    void RequireFloat(string op)
    {
        if (DType != DType.Float32)
            throw new ArgumentException($"{op}: expected a Float32 input, got dtype {DType} (shape {Shapes.Format(shape)}); convert it with Float().");
    }
}
