using System.Numerics.Tensors;
using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    // A reduction along one axis sees the tensor as [outer, n, inner]: n values are combined for each
    // of the outer·inner positions. With inner == 1 each group is one contiguous run (one SIMD call);
    // otherwise whole inner-length rows are combined at once, which is just as vectorised.

    /// <summary>
    /// Sum of all elements, as a scalar tensor (Int64 for int64 and bool tensors: a mask's sum counts it).
    /// (Σx² has its own op, F.SumOfSquares.)
    /// </summary>
    public Tensor Sum()
    {
        if (DType != DType.Float32) return IntegerSum();
        var y = Scalar(TensorPrimitives.Sum(AsReadOnlySpan()));
        return Graph.Record(y, "sum", [this], g => [Full(shape, g.Item())]);
    }

    /// <summary>Mean of all elements (NaN for an empty tensor, as in PyTorch).</summary>
    public Tensor Mean()
    {
        var y = Scalar(TensorPrimitives.Sum(AsReadOnlySpan()) / Count);
        return Graph.Record(y, "mean", [this], g => [Full(shape, g.Item() / Count)]);
    }

    /// <summary>Largest element; ties share the gradient evenly.</summary>
    public Tensor Max() => Extremum("max", Scalar(TensorPrimitives.Max(NonEmpty("max"))));

    /// <summary>Smallest element; ties share the gradient evenly.</summary>
    public Tensor Min() => Extremum("min", Scalar(TensorPrimitives.Min(NonEmpty("min"))));

    /// <summary>
    /// Records a max or min (over everything when <paramref name="axis"/> is null): the gradient goes to
    /// the elements equal to the result, split evenly among ties.
    /// </summary>
    Tensor Extremum(string name, Tensor y, int? axis = null, bool keepDim = false)
    {
        return Graph.Record(y, name, [this], g =>
        {
            bool dropped = axis is not null && !keepDim;
            var kept = dropped ? y.Unsqueeze(axis!.Value) : y;
            var gk = dropped ? g.Unsqueeze(axis!.Value) : g;
            var mask = Eq(this, kept).Float();
            var count = axis is int a ? mask.Sum(a, keepDim: true) : mask.Sum();
            return [mask * gk / count];
        });
    }

    /// <summary>Flat index of the largest element (first one on ties).</summary>
    public int ArgMax() => TensorPrimitives.IndexOfMax(NonEmpty("argmax"));

    /// <summary>Sum along <paramref name="dim"/>; with <paramref name="keepDim"/> the dimension stays with size 1.</summary>
    public Tensor Sum(int dim, bool keepDim = false)
    {
        var y = Reduce("sum", dim, keepDim, static (x, d) => TensorPrimitives.Add(x, d, d), static x => TensorPrimitives.Sum(x), initial: 0f);
        int ax = Shapes.Axis("sum", dim, shape);
        return Graph.Record(y, "sum_axis", [this], g => [(keepDim ? g : g.Unsqueeze(ax)).BroadcastTo(shape)]);
    }

    /// <summary>Mean along <paramref name="dim"/> (NaN where the dimension is empty, as PyTorch).</summary>
    public Tensor Mean(int dim, bool keepDim = false)
    {
        int ax = Shapes.Axis("mean", dim, shape);
        int n = shape[ax];
        Tensor y;
        using (GradMode.NoGrad()) y = Sum(ax, keepDim);
        TensorPrimitives.Divide(y.AsReadOnlySpan(), n, y.AsSpan());
        return Graph.Record(y, "mean_axis", [this], g => [(keepDim ? g : g.Unsqueeze(ax)).BroadcastTo(shape) / n]);
    }

    /// <summary>
    /// Largest value along <paramref name="dim"/> (the values of PyTorch's <c>max(dim)</c>); tied maxima share
    /// the gradient evenly, as PyTorch's <c>amax</c>.
    /// </summary>
    public Tensor Max(int dim, bool keepDim = false)
    {
        int ax = RequireNonEmptyAxis("max", dim);
        var y = Reduce("max", dim, keepDim, static (x, d) => TensorPrimitives.Max(x, d, d), static x => TensorPrimitives.Max(x), initial: float.NegativeInfinity);
        return Extremum("max_axis", y, ax, keepDim);
    }

    /// <summary>
    /// Smallest value along <paramref name="dim"/> (the values of PyTorch's <c>min(dim)</c>); tied minima share
    /// the gradient evenly, as PyTorch's <c>amin</c>.
    /// </summary>
    public Tensor Min(int dim, bool keepDim = false)
    {
        int ax = RequireNonEmptyAxis("min", dim);
        var y = Reduce("min", dim, keepDim, static (x, d) => TensorPrimitives.Min(x, d, d), static x => TensorPrimitives.Min(x), initial: float.PositiveInfinity);
        return Extremum("min_axis", y, ax, keepDim);
    }

    /// <summary>This tensor repeated along its size-1 (and missing leading) dimensions to <paramref name="target"/>.</summary>
    internal Tensor BroadcastTo(ReadOnlySpan<int> target)
    {
        if (Shapes.Equal(shape, target)) return this;
        var r = new Tensor(target.ToArray());
        Broadcasting.Apply<AddOp>("broadcast_to", this, r, r);
        return r;
    }

    /// <summary>
    /// Variance along <paramref name="dim"/>, dividing by n − <paramref name="correction"/>
    /// (PyTorch's default correction 1 is the unbiased estimate; use 0 for the population variance).
    /// Two passes in double, the mean and then Σ(x − mean)², so a mean far from zero costs no accuracy.
    /// </summary>
    public Tensor Var(int dim, bool keepDim = false, int correction = 1)
    {
        int ax = Shapes.Axis("var", dim, shape);
        var (outer, n, inner) = Split(ax);
        var y = Uninitialized(ReducedShape(ax, keepDim));
        var means = new double[outer * inner];
        var sums = new double[outer * inner];
        var x = AsReadOnlySpan();
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                var run = x.Slice(o * n, n);
                means[o] = Kernels.Moments.Sum(run, Kernels.Simd.Best) / n;
                sums[o] = Kernels.Moments.SumOfSquaredDeviations(run, means[o], Kernels.Simd.Best);
                continue;
            }
            // Strided: whole rows of the group at once, one mean and one sum per column.
            var mean = means.AsSpan(o * inner, inner);
            var sum = sums.AsSpan(o * inner, inner);
            for (int j = 0; j < n; j++)
            {
                var row = x.Slice((o * n + j) * inner, inner);
                for (int i = 0; i < inner; i++) mean[i] += row[i];
            }
            for (int i = 0; i < inner; i++) mean[i] /= n;
            for (int j = 0; j < n; j++)
            {
                var row = x.Slice((o * n + j) * inner, inner);
                for (int i = 0; i < inner; i++)
                {
                    double d = row[i] - mean[i];
                    sum[i] += d * d;
                }
            }
        }
        // As PyTorch: n ≤ correction divides by 0 (NaN or ∞).
        double divisor = Math.Max(0, n - correction);
        var ys = y.AsSpan();
        for (int k = 0; k < ys.Length; k++) ys[k] = (float)(sums[k] / divisor);
        return Graph.Record(y, "var", [this], g => [VarGradient(g, means, 2 / divisor, outer, n, inner)]);
    }

    /// <summary>∂var/∂x·g = g·2(x − mean)/(n − correction), from the double means of the forward.</summary>
    Tensor VarGradient(Tensor g, double[] means, double scale, int outer, int n, int inner)
    {
        var d = Uninitialized(shape);
        var x = AsReadOnlySpan();
        var gs = g.AsReadOnlySpan();
        var ds = d.AsSpan();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
            {
                int at = (o * n + j) * inner;
                for (int i = 0; i < inner; i++)
                    ds[at + i] = (float)(scale * gs[o * inner + i] * (x[at + i] - means[o * inner + i]));
            }
        return d;
    }

    /// <summary>Unbiased variance of all elements (PyTorch's <c>x.var()</c>).</summary>
    public Tensor Var() => Reshape(Count).Var(0);

    /// <summary>Standard deviation along <paramref name="dim"/>: the square root of <see cref="Var(int, bool, int)"/>.</summary>
    public Tensor Std(int dim, bool keepDim = false, int correction = 1) => Var(dim, keepDim, correction).DeviationOfVariance();

    /// <summary>Unbiased standard deviation of all elements (PyTorch's <c>x.std()</c>).</summary>
    public Tensor Std() => Var().DeviationOfVariance();

    /// <summary>
    /// The square root of a variance, with PyTorch's gradient of std: 0 where the deviation is 0 (a constant
    /// line). The variance's own gradient is 0 there, and sqrt's infinite slope would make the product 0·∞ = NaN.
    /// </summary>
    internal Tensor DeviationOfVariance()
    {
        var y = Map(this, static (x, d) => TensorPrimitives.Sqrt(x, d));
        return Graph.Record(y, "std", [this], g =>
        {
            var dx = Uninitialized(y.shape);
            ReadOnlySpan<float> deviation = y.AsReadOnlySpan(), upstream = g.AsReadOnlySpan();
            var result = dx.AsSpan();
            for (int i = 0; i < result.Length; i++)
                result[i] = deviation[i] == 0f ? 0f : upstream[i] / (2f * deviation[i]);
            return [dx];
        });
    }

    delegate void RowCombine(ReadOnlySpan<float> row, Span<float> acc);
    delegate float RunReduce(ReadOnlySpan<float> run);

    Tensor Reduce(string op, int axis, bool keepDim, RowCombine combine, RunReduce whole, float initial)
    {
        int ax = Shapes.Axis(op, axis, shape);
        var (outer, n, inner) = Split(ax);
        var result = Uninitialized(ReducedShape(ax, keepDim));
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
        if (shape[ax] == 0) throw new InvalidOperationException($"{op}: dimension {axis} of shape {Shapes.Format(shape)} is empty, so it has no {op}imum.");
        return ax;
    }
}
