using System.Numerics.Tensors;

namespace Neurone.Tensors;

public sealed partial class Tensor
{
    // A reduction along one axis sees the tensor as [outer, n, inner]: n values are combined for each
    // of the outer·inner positions. With inner == 1 each group is one contiguous run (one SIMD call);
    // otherwise whole inner-length rows are combined at once, which is just as vectorised.

    /// <summary>Sum of all elements, as a scalar tensor.</summary>
    public Tensor Sum() => Scalar(TensorPrimitives.Sum(AsReadOnlySpan()));

    /// <summary>Mean of all elements (NaN for an empty tensor, as in PyTorch).</summary>
    public Tensor Mean() => Scalar(TensorPrimitives.Sum(AsReadOnlySpan()) / Count);

    /// <summary>Largest element.</summary>
    public Tensor Max() => Scalar(TensorPrimitives.Max(NonEmpty("max")));

    /// <summary>Smallest element.</summary>
    public Tensor Min() => Scalar(TensorPrimitives.Min(NonEmpty("min")));

    /// <summary>Flat index of the largest element (first one on ties).</summary>
    public int ArgMax() => TensorPrimitives.IndexOfMax(NonEmpty("argmax"));

    /// <summary>Sum along <paramref name="axis"/>; with <paramref name="keepDim"/> the axis stays with size 1.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Reduce("sum", axis, keepDim, static (x, d) => TensorPrimitives.Add(x, d, d), static x => TensorPrimitives.Sum(x), initial: 0f);

    /// <summary>Mean along <paramref name="axis"/>.</summary>
    public Tensor Mean(int axis, bool keepDim = false)
    {
        var s = Sum(axis, keepDim);
        int n = shape[Shapes.Axis("mean", axis, shape)];
        TensorPrimitives.Divide(s.AsReadOnlySpan(), n, s.AsSpan());
        return s;
    }

    /// <summary>Largest value along <paramref name="axis"/>.</summary>
    public Tensor Max(int axis, bool keepDim = false)
    {
        RequireNonEmptyAxis("max", axis);
        return Reduce("max", axis, keepDim, static (x, d) => TensorPrimitives.Max(x, d, d), static x => TensorPrimitives.Max(x), initial: float.NegativeInfinity);
    }

    /// <summary>Smallest value along <paramref name="axis"/>.</summary>
    public Tensor Min(int axis, bool keepDim = false)
    {
        RequireNonEmptyAxis("min", axis);
        return Reduce("min", axis, keepDim, static (x, d) => TensorPrimitives.Min(x, d, d), static x => TensorPrimitives.Min(x), initial: float.PositiveInfinity);
    }

    /// <summary>
    /// Variance along <paramref name="axis"/>, dividing by n − <paramref name="correction"/>
    /// (PyTorch's default correction 1 is the unbiased estimate; use 0 for the population variance).
    /// </summary>
    public Tensor Var(int axis, bool keepDim = false, int correction = 1)
    {
        int ax = Shapes.Axis("var", axis, shape);
        var mean = Mean(ax, keepDim: true);
        var centred = this - mean;
        var result = (centred * centred).Sum(ax, keepDim);
        TensorPrimitives.Divide(result.AsReadOnlySpan(), Math.Max(0, shape[ax] - correction), result.AsSpan());
        return result;
    }

    /// <summary>
    /// Index of the largest value along <paramref name="axis"/> (first one on ties), stored as float
    /// because Neurone's tensors are float32; indices up to 2²⁴ are exact.
    /// </summary>
    public Tensor ArgMax(int axis, bool keepDim = false)
    {
        int ax = RequireNonEmptyAxis("argmax", axis);
        var (outer, n, inner) = Split(ax);
        var result = new Tensor(ReducedShape(ax, keepDim));
        var src = AsReadOnlySpan();
        var dst = result.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                dst[o] = TensorPrimitives.IndexOfMax(src.Slice(o * n, n));
                continue;
            }
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                float bestValue = src[o * n * inner + i];
                for (int j = 1; j < n; j++)
                {
                    float v = src[(o * n + j) * inner + i];
                    if (v > bestValue || (float.IsNaN(v) && !float.IsNaN(bestValue))) { best = j; bestValue = v; }
                }
                dst[o * inner + i] = best;
            }
        }
        return result;
    }

    delegate void RowCombine(ReadOnlySpan<float> row, Span<float> acc);
    delegate float RunReduce(ReadOnlySpan<float> run);

    Tensor Reduce(string op, int axis, bool keepDim, RowCombine combine, RunReduce whole, float initial)
    {
        int ax = Shapes.Axis(op, axis, shape);
        var (outer, n, inner) = Split(ax);
        var result = new Tensor(ReducedShape(ax, keepDim));
        var src = AsReadOnlySpan();
        var dst = result.AsSpan();
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                dst[o] = n == 0 ? initial : whole(src.Slice(o * n, n));
                continue;
            }
            var acc = dst.Slice(o * inner, inner);
            acc.Fill(initial);
            for (int j = 0; j < n; j++) combine(src.Slice((o * n + j) * inner, inner), acc);
        }
        return result;
    }

    (int outer, int n, int inner) Split(int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }

    int[] ReducedShape(int axis, bool keepDim)
    {
        if (keepDim)
        {
            var kept = (int[])shape.Clone();
            kept[axis] = 1;
            return kept;
        }
        var r = new int[shape.Length - 1];
        for (int i = 0, j = 0; i < shape.Length; i++) if (i != axis) r[j++] = shape[i];
        return r;
    }

    ReadOnlySpan<float> NonEmpty(string op)
    {
        if (Count == 0) throw new InvalidOperationException($"{op}: expected a non-empty tensor, got shape {Shapes.Format(shape)}.");
        return AsReadOnlySpan();
    }

    int RequireNonEmptyAxis(string op, int axis)
    {
        int ax = Shapes.Axis(op, axis, shape);
        if (shape[ax] == 0) throw new InvalidOperationException($"{op}: axis {axis} of shape {Shapes.Format(shape)} is empty.");
        return ax;
    }
}
