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

    /// <summary>Removes dimension <paramref name="dim"/>, which must have size 1 (a view).</summary>
    public Tensor Squeeze(int dim)
    {
        int d = Shapes.Axis("squeeze", dim, shape);
        if (shape[d] != 1) throw new ArgumentException($"squeeze: dimension {dim} of shape {Shapes.Format(shape)} has size {shape[d]}, expected 1.");
        var result = new List<int>(shape);
        result.RemoveAt(d);
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

    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must agree.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("concat: expected at least one tensor, got none.");
        var first = tensors[0].shape;
        if (first.Length == 0) throw new ArgumentException("concat: scalars have no axis to join along; unsqueeze them first.");
        int ax = Shapes.Axis("concat", axis, first);
        var result = (int[])first.Clone();
        result[ax] = 0;
        foreach (var t in tensors)
        {
            bool ok = t.Rank == first.Length;
            for (int i = 0; ok && i < first.Length; i++) ok = i == ax || t.shape[i] == first[i];
            if (!ok) throw new ArgumentException($"concat: shapes {Shapes.Format(first)} and {Shapes.Format(t.shape)} differ outside axis {ax}.");
            result[ax] += t.shape[ax];
        }
        var r = Uninitialized(result);
        // Each input contributes one contiguous block per outer index.
        int outer = 1;
        for (int i = 0; i < ax; i++) outer *= first[i];
        int inner = 1;
        for (int i = ax + 1; i < first.Length; i++) inner *= first[i];
        var dst = r.AsSpan();
        int rowOut = result[ax] * inner;
        int at = 0;
        foreach (var t in tensors)
        {
            int block = t.shape[ax] * inner;
            var src = t.AsReadOnlySpan();
            for (int o = 0; o < outer; o++) src.Slice(o * block, block).CopyTo(dst.Slice(o * rowOut + at, block));
            at += block;
        }
        var inputs = tensors.ToArray();
        return Graph.Record(r, "concat", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            var gs = g.AsReadOnlySpan();
            int from = 0;
            for (int n = 0; n < inputs.Length; n++)
            {
                int block = inputs[n].shape[ax] * inner;
                if (inputs[n].RequiresGrad)
                {
                    var part = new Tensor(inputs[n].shape);
                    var ps = part.AsSpan();
                    for (int o = 0; o < outer; o++) gs.Slice(o * rowOut + from, block).CopyTo(ps.Slice(o * block, block));
                    grads[n] = part;
                }
                from += block;
            }
            return grads;
        });
    }

    /// <summary>Joins tensors along a new dimension <paramref name="axis"/> (PyTorch's <c>stack</c>).</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("stack: expected at least one tensor, got none.");
        var parts = new Tensor[tensors.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = tensors[i].Unsqueeze(axis);
        return Concat(parts, axis);
    }

    /// <summary>
    /// A copy with the dimensions reordered: result dimension i is this tensor's dimension
    /// <paramref name="dims"/>[i].
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
        var t = Uninitialized(result);
        StridedCopy(AsReadOnlySpan(), strides, result, t.AsSpan());
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++) inverse[Shapes.Axis("permute", dims[i], shape)] = i;
        return Graph.Record(t, "permute", [this], g => [g.Permute(inverse)]);
    }

    /// <summary>A copy with dimensions <paramref name="dim0"/> and <paramref name="dim1"/> swapped.</summary>
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
        var r = Uninitialized([shape[1], shape[0]]);
        Kernels.Transpose.Copy(AsReadOnlySpan(), shape[0], shape[1], r.AsSpan());
        return Graph.Record(r, "t", [this], g => [g.T()]);
    }

    /// <summary>Writes src (read with the given strides over <paramref name="outShape"/>) to dst in row-major order.</summary>
    static void StridedCopy(ReadOnlySpan<float> src, int[] strides, int[] outShape, Span<float> dst)
    {
        int rank = outShape.Length;
        if (dst.Length == 0) return;
        if (rank == 0) { dst[0] = src[0]; return; }
        var index = new int[rank];
        int inner = outShape[rank - 1], innerStride = strides[rank - 1];
        int at = 0;
        while (true)
        {
            int baseOffset = 0;
            for (int i = 0; i < rank - 1; i++) baseOffset += index[i] * strides[i];
            for (int j = 0; j < inner; j++) dst[at++] = src[baseOffset + j * innerStride];
            int d = rank - 2;
            while (d >= 0 && ++index[d] == outShape[d]) index[d--] = 0;
            if (d < 0) return;
        }
    }
}
