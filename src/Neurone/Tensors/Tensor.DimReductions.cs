namespace Neurone.Tensors;

public partial class Tensor
{
    // Reductions over several dimensions at once, built from the one-dimension reductions (whose gradients
    // they inherit). Runs of neighbouring dimensions are merged by a free reshape first, so [N,C,H,W] summed
    // over (2, 3) is one pass over [N,C,H·W]. An empty list means every dimension, as in PyTorch.

    /// <summary>Sum over the dimensions <paramref name="dims"/> (all of them when empty); with <paramref name="keepDim"/> they stay with size 1.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var reduced = ReducedDims("sum", dims);
        var outShape = ShapeAfterReducing(reduced, keepDim);
        var (merged, mergedReduced) = MergeReducedRuns(reduced);
        var t = Reshape(merged);
        for (int d = merged.Length - 1; d >= 0; d--)
            if (mergedReduced[d]) t = t.Sum(d, keepDim: true);
        return t.Reshape(outShape);
    }

    /// <summary>Mean over the dimensions <paramref name="dims"/> (all of them when empty); NaN where they hold no element.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        var reduced = ReducedDims("mean", dims);
        long n = 1;
        for (int d = 0; d < Rank; d++) if (reduced[d]) n *= shape[d];
        return Sum(dims, keepDim) / (float)n;
    }

    /// <summary>
    /// Variance over the dimensions <paramref name="dims"/> (all of them when empty), dividing by n − <paramref name="correction"/>
    /// where n counts the elements of each group; the same two passes in double as <see cref="Var(int, bool, int)"/>.
    /// </summary>
    public Tensor Var(int[] dims, bool keepDim = false, int correction = 1)
    {
        var reduced = ReducedDims("var", dims);
        var outShape = ShapeAfterReducing(reduced, keepDim);
        // Move the reduced dimensions to the end (a copy unless they already are) and view them as one.
        var order = new int[Rank];
        int k = 0;
        long n = 1;
        for (int d = 0; d < Rank; d++) if (!reduced[d]) order[k++] = d;
        int keptCount = k;
        for (int d = 0; d < Rank; d++) if (reduced[d]) { order[k++] = d; n *= shape[d]; }
        var grouped = new int[keptCount + 1];
        for (int i = 0; i < keptCount; i++) grouped[i] = shape[order[i]];
        grouped[keptCount] = (int)n;
        return Permute(order).Reshape(grouped).Var(keptCount, keepDim: false, correction).Reshape(outShape);
    }

    /// <summary>Standard deviation over the dimensions <paramref name="dims"/>: the square root of <see cref="Var(int[], bool, int)"/>.</summary>
    public Tensor Std(int[] dims, bool keepDim = false, int correction = 1) => Var(dims, keepDim, correction).DeviationOfVariance();

    /// <summary>Which dimensions are reduced, checked: each in range and named once; none named means all.</summary>
    bool[] ReducedDims(string op, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var reduced = new bool[Rank];
        if (dims.Length == 0)
        {
            Array.Fill(reduced, true);
            return reduced;
        }
        foreach (int dim in dims)
        {
            int d = Shapes.Axis(op, dim, shape);
            if (reduced[d]) throw new ArgumentException($"{op}: dimension {d} appears twice in {Shapes.Format(dims)} for shape {Shapes.Format(shape)}.");
            reduced[d] = true;
        }
        return reduced;
    }

    int[] ShapeAfterReducing(bool[] reduced, bool keepDim)
    {
        var result = new List<int>(Rank);
        for (int d = 0; d < Rank; d++)
        {
            if (!reduced[d]) result.Add(shape[d]);
            else if (keepDim) result.Add(1);
        }
        return result.ToArray();
    }

    /// <summary>The shape with each run of neighbouring reduced dimensions (and of kept ones) merged into one.</summary>
    (int[] shape, bool[] reduced) MergeReducedRuns(bool[] reduced)
    {
        var sizes = new List<int>();
        var flags = new List<bool>();
        for (int d = 0; d < Rank; d++)
        {
            if (d > 0 && reduced[d] == reduced[d - 1]) sizes[^1] *= shape[d];
            else { sizes.Add(shape[d]); flags.Add(reduced[d]); }
        }
        return (sizes.ToArray(), flags.ToArray());
    }
}
