using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    // Indices are Int64 tensors, as in PyTorch. Every index is checked before anything is written, so a bad
    // one is an exception that names the op, the position, the value and the shapes, never a wrong read.

    /// <summary>
    /// The slices along <paramref name="dim"/> named by the 1-D Int64 <paramref name="indices"/>, in that
    /// order (PyTorch's <c>index_select</c>); works on every dtype. The gradient adds each output slice back
    /// into the slice it came from, so an index that appears twice receives both gradients.
    /// </summary>
    public Tensor IndexSelect(int dim, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (Rank == 0) throw new ArgumentException($"index_select: expected an input with at least one dimension, got a scalar ({DType}).");
        int ax = Shapes.Axis("index_select", dim, shape);
        RequireIndexTensor("index_select", indices, "indices", this);
        if (indices.Rank > 1)
            throw new ArgumentException($"index_select: expected 1-D indices, got indices {Shapes.Format(indices.shape)} (Int64) for input {Shapes.Format(shape)} ({DType}).");
        var idx = indices.AsLongSpan();
        int size = shape[ax];
        for (int i = 0; i < idx.Length; i++)
            if ((ulong)idx[i] >= (ulong)size)
                throw new ArgumentOutOfRangeException(nameof(indices), $"index_select: index {idx[i]} at position {i} is out of range for dimension {ax} of size {size} (input {Shapes.Format(shape)}, indices {Shapes.Format(indices.shape)}).");
        var picked = new int[idx.Length];
        for (int i = 0; i < picked.Length; i++) picked[i] = (int)idx[i];
        return SelectAlong(ax, picked, "index_select");
    }

    /// <summary>Slices <paramref name="picked"/> (already checked) along <paramref name="ax"/>, with the gradient.</summary>
    Tensor SelectAlong(int ax, int[] picked, string name)
    {
        var (outer, n, inner) = Split(ax);
        var outShape = (int[])shape.Clone();
        outShape[ax] = picked.Length;
        var r = Zeros(outShape, DType);
        switch (DType)
        {
            case DType.Int64: CopySlices<long>(AsLongSpan(), r.AsLongSpan(), picked, outer, n, inner); return r;
            case DType.Bool: CopySlices<bool>(AsBoolSpan(), r.AsBoolSpan(), picked, outer, n, inner); return r;
        }
        CopySlices<float>(AsReadOnlySpan(), r.AsSpan(), picked, outer, n, inner);
        return Graph.Record(r, name, [this], g =>
        {
            var full = new Tensor(shape);
            var gs = g.AsReadOnlySpan();
            var fs = full.AsSpan();
            int k = picked.Length;
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < k; j++)
                {
                    var target = fs.Slice((o * n + picked[j]) * inner, inner);
                    System.Numerics.Tensors.TensorPrimitives.Add(target, gs.Slice((o * k + j) * inner, inner), target);
                }
            return [full];
        });
    }

    static void CopySlices<T>(ReadOnlySpan<T> src, Span<T> dst, int[] picked, int outer, int n, int inner)
    {
        int k = picked.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
                src.Slice((o * n + picked[j]) * inner, inner).CopyTo(dst.Slice((o * k + j) * inner, inner));
    }

    /// <summary>
    /// Values picked along <paramref name="dim"/> by an Int64 <paramref name="index"/> of the same rank
    /// (PyTorch's <c>gather</c>): for dim 1 of a 3-D input, out[i,j,k] = input[i, index[i,j,k], k]. The
    /// output has the index's shape, which may be smaller than the input's outside <paramref name="dim"/>.
    /// The gradient scatter-adds back to the positions read.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var positions = IndexPositions("gather", dim, index, this, "index", out int ax);
        var r = Zeros(index.ShapeArray(), DType);
        switch (DType)
        {
            case DType.Int64: { var s = AsLongSpan(); var d = r.AsLongSpan(); for (int p = 0; p < d.Length; p++) d[p] = s[positions[p]]; return r; }
            case DType.Bool: { var s = AsBoolSpan(); var d = r.AsBoolSpan(); for (int p = 0; p < d.Length; p++) d[p] = s[positions[p]]; return r; }
        }
        {
            var s = AsReadOnlySpan();
            var d = r.AsSpan();
            for (int p = 0; p < d.Length; p++) d[p] = s[positions[p]];
        }
        return Graph.Record(r, "gather", [this], g =>
        {
            var full = new Tensor(shape);
            var fs = full.AsSpan();
            var gs = g.AsReadOnlySpan();
            for (int p = 0; p < gs.Length; p++) fs[positions[p]] += gs[p];
            return [full];
        });
    }

    /// <summary>
    /// A copy of this tensor with each element of <paramref name="source"/> added at the position that the
    /// Int64 <paramref name="index"/> names along <paramref name="dim"/> (PyTorch's <c>scatter_add</c>): for dim 0,
    /// out[index[i,j], j] += source[i,j]. Index and source have the same rank as this tensor; the index is no
    /// larger than the source anywhere and no larger than this tensor outside <paramref name="dim"/>.
    /// Gradients: this tensor's is the output's; the source's is the output's gradient gathered at the index.
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        if (DType != DType.Float32 || source.DType != DType.Float32)
            throw new ArgumentException($"scatter_add: expected Float32 input and source, got input {Shapes.Format(shape)} ({DType}) and source {Shapes.Format(source.shape)} ({source.DType}).");
        if (source.Rank != index.Rank || !FitsWithin(index.shape, source.shape, -1))
            throw new ArgumentException($"scatter_add: expected an index no larger than the source in every dimension, got index {Shapes.Format(index.shape)} ({index.DType}) and source {Shapes.Format(source.shape)} ({source.DType}).");
        var targets = IndexPositions("scatter_add", dim, index, this, "index", out _);
        var sourcePositions = new int[targets.Length];
        var sourceStrides = Shapes.Strides(source.shape);
        var indexStrides = Shapes.Strides(index.shape);
        // Where index is smaller than source, element p of the index walks source at its own multi-index.
        for (int p = 0; p < sourcePositions.Length; p++)
        {
            int rest = p, at = 0;
            for (int d = 0; d < index.Rank; d++)
            {
                at += rest / indexStrides[d] * sourceStrides[d];
                rest %= indexStrides[d];
            }
            sourcePositions[p] = at;
        }
        var result = Uninitialized(shape);
        var rs = result.AsSpan();
        AsReadOnlySpan().CopyTo(rs);
        var src = source.AsReadOnlySpan();
        for (int p = 0; p < targets.Length; p++) rs[targets[p]] += src[sourcePositions[p]];
        var sourceShape = source.shape;
        return Graph.Record(result, "scatter_add", [this, source], g =>
        {
            Tensor? sourceGrad = null;
            if (source.RequiresGrad)
            {
                sourceGrad = new Tensor(sourceShape);
                var sg = sourceGrad.AsSpan();
                var gs = g.AsReadOnlySpan();
                for (int p = 0; p < targets.Length; p++) sg[sourcePositions[p]] = gs[targets[p]];
            }
            return [g, sourceGrad];
        });
    }

    /// <summary>
    /// For each element of an Int64 <paramref name="index"/> of the same rank as <paramref name="input"/>, the
    /// flat position in the input it names along <paramref name="dim"/> (its own coordinates elsewhere); checks
    /// dtype, rank, extents and every index value.
    /// </summary>
    static int[] IndexPositions(string op, int dim, Tensor index, Tensor input, string indexName, out int ax)
    {
        RequireIndexTensor(op, index, indexName, input);
        if (input.Rank == 0 && index.Rank == 0) { ax = 0; }
        else ax = Shapes.Axis(op, dim, input.shape);
        if (index.Rank != input.Rank)
            throw new ArgumentException($"{op}: expected an {indexName} of the input's rank {input.Rank}, got {indexName} {Shapes.Format(index.shape)} (Int64) for input {Shapes.Format(input.shape)} ({input.DType}).");
        if (!FitsWithin(index.shape, input.shape, ax))
            throw new ArgumentException($"{op}: {indexName} {Shapes.Format(index.shape)} is larger than input {Shapes.Format(input.shape)} ({input.DType}) outside dimension {ax}.");
        var idx = index.AsLongSpan();
        var positions = new int[idx.Length];
        if (idx.Length == 0) return positions;
        int rank = index.Rank;
        if (rank == 0)
        {
            if (idx[0] != 0) throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {idx[0]} is out of range for a scalar input.");
            return positions;
        }
        var inStrides = Shapes.Strides(input.shape);
        int size = input.shape[ax];
        var coord = new int[rank];
        for (int p = 0; p < idx.Length; p++)
        {
            long v = idx[p];
            if ((ulong)v >= (ulong)size)
                throw new ArgumentOutOfRangeException(nameof(index), $"{op}: index {v} at {indexName} position {Shapes.Format(coord)} is out of range for dimension {ax} of size {size} (input {Shapes.Format(input.shape)}, {indexName} {Shapes.Format(index.shape)}).");
            int at = 0;
            for (int d = 0; d < rank; d++) at += (d == ax ? (int)v : coord[d]) * inStrides[d];
            positions[p] = at;
            for (int d = rank - 1; d >= 0 && ++coord[d] == index.shape[d]; d--) coord[d] = 0;
        }
        return positions;
    }

    /// <summary>True when every dimension of <paramref name="small"/> except <paramref name="except"/> is at most that of <paramref name="large"/>.</summary>
    static bool FitsWithin(int[] small, int[] large, int except)
    {
        for (int d = 0; d < small.Length; d++) if (d != except && small[d] > large[d]) return false;
        return true;
    }

    /// <summary>Refuses anything but an Int64 tensor where indices are expected, naming the op, shapes and dtypes.</summary>
    internal static void RequireIndexTensor(string op, Tensor index, string name, Tensor? input = null)
    {
        if (index.DType == DType.Int64) return;
        string of = input is null ? "" : $" for input {Shapes.Format(input.shape)} ({input.DType})";
        string hint = index.DType == DType.Float32 ? "; convert float labels with Long()" : "";
        throw new ArgumentException($"{op}: expected Int64 {name}, got {name} {Shapes.Format(index.shape)} of dtype {index.DType}{of}{hint}.");
    }
}
