using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// The same elements under a new shape, sharing storage (no copy). One dimension may be -1 and is
    /// then inferred. PyTorch's <c>view</c> and <c>reshape</c> coincide here because tensors are always
    /// contiguous.
    /// </summary>
    public Tensor Reshape(params int[] newShape)
    {
        var resolved = (int[])newShape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"reshape: only one dimension may be -1, got {Shapes.Format(newShape)}.");
                infer = i;
            }
            else if (resolved[i] < 0) throw new ArgumentException($"reshape: expected dimensions ≥ 0 or a single -1, got {Shapes.Format(newShape)}.");
            else known *= resolved[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Count % known != 0)
                throw new ArgumentException($"reshape: cannot view shape {Shapes.Format(shape)} ({Count} elements) as {Shapes.Format(newShape)}.");
            resolved[infer] = (int)(Count / known);
        }
        else if (known != Count)
            throw new ArgumentException($"reshape: cannot view shape {Shapes.Format(shape)} ({Count} elements) as {Shapes.Format(newShape)} ({known} elements).");
        return ViewAs(resolved, "reshape");
    }

    /// <summary>A view with another shape of the same element count; the gradient is reshaped back.</summary>
    Tensor ViewAs(int[] newShape, string name)
    {
        var v = SameStorage(offset, newShape);
        return Graph.Record(v, name, [this], g => [g.Reshape(shape)]);
    }

    /// <summary>Same as <see cref="Reshape"/>, under PyTorch's other name.</summary>
    public Tensor View(params int[] newShape) => Reshape(newShape);

    /// <summary>
    /// Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one (a view).
    /// Defaults flatten everything, as <c>torch.flatten</c>; <c>nn.Flatten</c> starts at 1.
    /// </summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = Shapes.Axis("flatten", startDim, shape), e = Shapes.Axis("flatten", endDim, shape);
        if (s > e) throw new ArgumentException($"flatten: start dimension {startDim} comes after end dimension {endDim} for shape {Shapes.Format(shape)}.");
        var result = new int[Rank - (e - s)];
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= shape[i];
        for (int i = 0; i < s; i++) result[i] = shape[i];
        result[s] = merged;
        for (int i = e + 1; i < Rank; i++) result[i - (e - s)] = shape[i];
        return ViewAs(result, "flatten");
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (a view).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = dim < 0 ? dim + Rank + 1 : dim;
        if (d < 0 || d > Rank) throw new ArgumentOutOfRangeException(nameof(dim), $"unsqueeze: dimension {dim} is out of range for shape {Shapes.Format(shape)}.");
        var result = new List<int>(shape);
        result.Insert(d, 1);
        return ViewAs(result.ToArray(), "unsqueeze");
    }

    /// <summary>
    /// Removes dimension <paramref name="dim"/> if it has size 1 (a view); a dimension of another size is left as
    /// it is, as in PyTorch, so <c>x.Squeeze(-1)</c> works whether or not the last dimension is 1.
    /// </summary>
    public Tensor Squeeze(int dim)
    {
        int d = Shapes.Axis("squeeze", dim, shape);
        if (shape[d] != 1) return ViewAs((int[])shape.Clone(), "squeeze");
        var result = new List<int>(shape);
        result.RemoveAt(d);
        return ViewAs(result.ToArray(), "squeeze");
    }

    /// <summary>Removes every dimension of size 1 (a view).</summary>
    public Tensor Squeeze()
    {
        var result = new List<int>(shape);
        result.RemoveAll(size => size == 1);
        return ViewAs(result.ToArray(), "squeeze");
    }

    /// <summary>
    /// Rows <paramref name="start"/>..start+count-1 along dimension 0, as a view sharing storage: a
    /// mini-batch of a data set costs no copy.
    /// </summary>
    public Tensor Slice(int start, int count)
    {
        if (Rank == 0) throw new InvalidOperationException("slice: a scalar has no rows.");
        if (start < 0 || count < 0 || start > shape[0] - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice: rows [{start}, {start + count}) are out of range for shape {Shapes.Format(shape)}.");
        int rowSize = shape[0] == 0 ? 0 : Count / shape[0];
        var result = (int[])shape.Clone();
        result[0] = count;
        var v = SameStorage(offset + start * rowSize, result);
        return Graph.Record(v, "slice", [this], g =>
        {
            var full = new Tensor(shape);
            g.AsReadOnlySpan().CopyTo(full.AsSpan().Slice(start * rowSize, count * rowSize));
            return [full];
        });
    }

    /// <summary>Row <paramref name="index"/> along dimension 0, one rank lower, as a view.</summary>
    public Tensor Row(int index)
    {
        if (Rank == 0) throw new InvalidOperationException("row: a scalar has no rows.");
        int i = index < 0 ? index + shape[0] : index;
        if (i < 0 || i >= shape[0]) throw new ArgumentOutOfRangeException(nameof(index), $"row: {index} is out of range for shape {Shapes.Format(shape)}.");
        return Slice(i, 1).Squeeze(0);
    }

    /// <summary>Copies source rows <paramref name="rows"/>[from..to) into rows from..to of <paramref name="target"/>.</summary>
    static void CopyRows(Tensor source, int[] rows, Tensor target, int rowSize, int from, int to)
    {
        var src = source.AsReadOnlySpan();
        var dst = target.AsSpan();
        for (int i = from; i < to; i++) src.Slice(rows[i] * rowSize, rowSize).CopyTo(dst.Slice(i * rowSize, rowSize));
    }

    /// <summary>
    /// A new tensor made of the rows (along dimension 0) named by <paramref name="rows"/>, in that order
    /// (PyTorch's <c>index_select(0, rows)</c>): how a shuffled mini-batch is gathered, features and labels alike.
    /// </summary>
    public Tensor GatherRows(ReadOnlySpan<int> rows)
    {
        if (Rank == 0) throw new InvalidOperationException("gather_rows: a scalar has no rows.");
        int n = shape[0];
        int rowSize = n == 0 ? 0 : Count / n;
        var result = (int[])shape.Clone();
        result[0] = rows.Length;
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)n) throw new ArgumentOutOfRangeException(nameof(rows), $"gather_rows: row index {r} at position {i} is out of range for shape {Shapes.Format(shape)}.");
        }
        int[] picked = rows.ToArray();
        if (DType != DType.Float32) return SelectAlong(0, picked, "gather_rows"); // labels of a mini-batch
        var t = Uninitialized(result);
        // Rows scattered over a large tensor come from memory, not cache: two cores fetch them faster than
        // one (CIFAR batches of 200 rows of 12 KB from 588 MB). Copies are exact, so the split shows nowhere.
        if (Kernels.LargeElementwise.Worth(t.Count))
            Kernels.LargeElementwise.For(picked.Length, (from, to) => CopyRows(this, picked, t, rowSize, from, to));
        else CopyRows(this, picked, t, rowSize, 0, picked.Length);
        return Graph.Record(t, "gather_rows", [this], g =>
        {
            // Rows picked twice receive the sum of both gradients.
            var full = new Tensor(shape);
            var gs = g.AsReadOnlySpan();
            var fs = full.AsSpan();
            for (int i = 0; i < picked.Length; i++)
            {
                var target = fs.Slice(picked[i] * rowSize, rowSize);
                System.Numerics.Tensors.TensorPrimitives.Add(target, gs.Slice(i * rowSize, rowSize), target);
            }
            return [full];
        });
    }

    /// <summary>
    /// The dimensions reordered: result dimension i is this tensor's dimension <paramref name="dims"/>[i]
    /// (negative values count from the end). PyTorch returns a strided view; a Neurone tensor is one
    /// contiguous window, so this is a copy, except when only size-1 dimensions move (then the elements keep
    /// their order and the result is a view).
    /// </summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank) throw new ArgumentException($"permute: expected {Rank} dimensions for shape {Shapes.Format(shape)}, got {Shapes.Format(dims)}.");
        var seen = new bool[Rank];
        var result = new int[Rank];
        var srcStrides = Shapes.Strides(shape);
        var strides = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = Shapes.Axis("permute", dims[i], shape);
            if (seen[d]) throw new ArgumentException($"permute: dimension {d} appears twice in {Shapes.Format(dims)}.");
            seen[d] = true;
            result[i] = shape[d];
            strides[i] = srcStrides[d];
        }
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++) inverse[Shapes.Axis("permute", dims[i], shape)] = i;
        // When only size-1 dimensions move (or nothing is there), the elements keep their row-major order: a view.
        if (KeepsLayout(result, strides)) return ViewAs(result, "permute");
        if (DType != DType.Float32)
        {
            // Integers and masks: the same walk, element by element, and no gradient.
            var moved = Uninitialized(result, DType);
            if (DType == DType.Int64) StridedCopyAny(Elements<long>(), strides, result, moved.Elements<long>());
            else StridedCopyAny(Elements<bool>(), strides, result, moved.Elements<bool>());
            return moved;
        }
        var t = Uninitialized(result);
        StridedCopy(AsReadOnlySpan(), strides, result, t.AsSpan());
        return Graph.Record(t, "permute", [this], g => [g.Permute(inverse)]);
    }

    /// <summary>True when reading with these strides walks the storage in order: the dimensions of size above 1 keep their order.</summary>
    static bool KeepsLayout(int[] outShape, int[] strides)
    {
        if (Array.IndexOf(outShape, 0) >= 0) return true;
        int previous = int.MaxValue;
        for (int i = 0; i < outShape.Length; i++)
        {
            if (outShape[i] == 1) continue;
            if (strides[i] > previous) return false;
            previous = strides[i];
        }
        return true;
    }

    /// <summary>
    /// Dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped, at any rank (negative dims count
    /// from the end). A copy, or a view when the swap moves only size-1 dimensions; see <see cref="Permute"/>.
    /// </summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++) dims[i] = i;
        int a = Shapes.Axis("transpose", dim0, shape), b = Shapes.Axis("transpose", dim1, shape);
        (dims[a], dims[b]) = (dims[b], dims[a]);
        return Permute(dims);
    }

    /// <summary>The transpose of a 2-D tensor, as a copy (PyTorch's <c>t()</c>).</summary>
    public Tensor T()
    {
        if (Rank != 2) throw new InvalidOperationException($"t: expected a 2-D tensor, got shape {Shapes.Format(shape)}.");
        if (DType != DType.Float32) return Transpose(0, 1);
        var r = Uninitialized([shape[1], shape[0]]);
        Kernels.Transpose.Copy(AsReadOnlySpan(), shape[0], shape[1], r.AsSpan());
        return Graph.Record(r, "t", [this], g => [g.T()]);
    }

    /// <summary>
    /// Writes src (read with the given strides over <paramref name="outShape"/>) to dst in row-major order.
    /// Dimensions that are read as one run are merged first; then a unit inner stride copies whole runs, and a
    /// swap of the last two merged dimensions (a batch of matrix transposes, as attention's Kᵀ) goes through
    /// the tiled transpose kernel.
    /// </summary>
    static void StridedCopy(ReadOnlySpan<float> src, int[] strides, int[] outShape, Span<float> dst)
    {
        if (dst.Length == 0) return;
        var (sizes, steps) = MergeRuns(outShape, strides);
        int rank = sizes.Length;
        int inner = sizes[rank - 1], innerStride = steps[rank - 1];
        if (rank >= 2 && innerStride == sizes[rank - 2] && steps[rank - 2] == 1)
        {
            // dst matrix [rows=sizes[^2], cols=inner] is the transpose of a contiguous [inner, rows] source block.
            int rows = sizes[rank - 2], block = rows * inner;
            int batches = dst.Length / block;
            var batchIndex = new int[rank - 2];
            for (int b = 0; b < batches; b++)
            {
                int from = 0;
                for (int i = 0; i < rank - 2; i++) from += batchIndex[i] * steps[i];
                Kernels.Transpose.Copy(src.Slice(from, block), inner, rows, dst.Slice(b * block, block));
                for (int d = rank - 3; d >= 0 && ++batchIndex[d] == sizes[d]; d--) batchIndex[d] = 0;
            }
            return;
        }
        var index = new int[rank];
        int at = 0;
        while (true)
        {
            int baseOffset = 0;
            for (int i = 0; i < rank - 1; i++) baseOffset += index[i] * steps[i];
            if (innerStride == 1) src.Slice(baseOffset, inner).CopyTo(dst.Slice(at, inner));
            else for (int j = 0; j < inner; j++) dst[at + j] = src[baseOffset + j * innerStride];
            at += inner;
            int d = rank - 2;
            while (d >= 0 && ++index[d] == sizes[d]) index[d--] = 0;
            if (d < 0) return;
        }
    }

    /// <summary>The general walk of <see cref="StridedCopy"/> for any element type (no transpose kernel).</summary>
    static void StridedCopyAny<T>(ReadOnlySpan<T> src, int[] strides, int[] outShape, Span<T> dst)
    {
        if (dst.Length == 0) return;
        var (sizes, steps) = MergeRuns(outShape, strides);
        int rank = sizes.Length;
        var index = new int[rank];
        for (int at = 0; at < dst.Length; at++)
        {
            int from = 0;
            for (int i = 0; i < rank; i++) from += index[i] * steps[i];
            dst[at] = src[from];
            for (int d = rank - 1; d >= 0 && ++index[d] == sizes[d]; d--) index[d] = 0;
        }
    }

    /// <summary>Drops size-1 dimensions and merges dimension i into i+1 where stride[i] == stride[i+1]·size[i+1]; never empty.</summary>
    static (int[] sizes, int[] strides) MergeRuns(int[] shape, int[] strides)
    {
        var sizes = new List<int>(shape.Length);
        var steps = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            int n = sizes.Count;
            if (n > 0 && steps[n - 1] == strides[i] * shape[i])
            {
                sizes[n - 1] *= shape[i];
                steps[n - 1] = strides[i];
            }
            else
            {
                sizes.Add(shape[i]);
                steps.Add(strides[i]);
            }
        }
        if (sizes.Count == 0) { sizes.Add(1); steps.Add(1); }
        return (sizes.ToArray(), steps.ToArray());
    }
}
