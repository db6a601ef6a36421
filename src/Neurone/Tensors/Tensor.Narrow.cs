using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    // A tensor is one contiguous window (offset + shape) on its storage, so a part cut along a dimension is a
    // view only when its elements are themselves one contiguous run: when every dimension before the cut has
    // size 1 (the leading dimension, as Slice), when the part is the whole dimension, or when it is empty.
    // Otherwise the part is copied. Either way the gradient is the part's gradient placed back into zeros.

    /// <summary>
    /// Elements <paramref name="start"/>..start+length-1 along dimension <paramref name="dim"/> (PyTorch's
    /// <c>narrow</c>; a negative start counts from the end). A view sharing storage when the part is contiguous
    /// (the leading non-trivial dimension, the whole dimension, or nothing); otherwise a copy.
    /// </summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        if (Rank == 0) throw new ArgumentException("narrow: a scalar has no dimension to narrow.");
        int d = Shapes.Axis("narrow", dim, shape);
        int size = shape[d];
        int s = start < 0 ? start + size : start;
        if (length < 0 || s < 0 || s > size - length)
            throw new ArgumentOutOfRangeException(nameof(start), $"narrow: [{start}, {start + length}) is out of range for dimension {dim} (size {size}) of shape {Shapes.Format(shape)}.");
        return Part("narrow", d, s, length);
    }

    /// <summary>
    /// Splits dimension <paramref name="dim"/> into <paramref name="chunks"/> parts of equal size, the last one
    /// smaller when the size does not divide (PyTorch's <c>chunk</c>: each part has ⌈size/chunks⌉ elements, so
    /// fewer parts may come back; an empty dimension gives <paramref name="chunks"/> empty parts). Parts are
    /// views where <see cref="Narrow"/> would be.
    /// </summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (Rank == 0) throw new ArgumentException("chunk: a scalar has no dimension to split.");
        if (chunks <= 0) throw new ArgumentOutOfRangeException(nameof(chunks), $"chunk: expected a positive number of chunks, got {chunks} for shape {Shapes.Format(shape)}.");
        int d = Shapes.Axis("chunk", dim, shape);
        int size = shape[d];
        if (size == 0)
        {
            var empty = new Tensor[chunks];
            for (int i = 0; i < chunks; i++) empty[i] = Part("chunk", d, 0, 0);
            return empty;
        }
        return SplitEvenly("chunk", d, (size + chunks - 1) / chunks);
    }

    /// <summary>
    /// Splits dimension <paramref name="dim"/> into parts of <paramref name="splitSize"/> elements, the last
    /// one smaller when the size does not divide (PyTorch's <c>split</c> with an int). Parts are views where
    /// <see cref="Narrow"/> would be.
    /// </summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (Rank == 0) throw new ArgumentException("split: a scalar has no dimension to split.");
        int d = Shapes.Axis("split", dim, shape);
        // As PyTorch: a size of 0 is only meaningful for an empty dimension, which then gives one empty part.
        if (splitSize < 0 || (splitSize == 0 && shape[d] != 0))
            throw new ArgumentOutOfRangeException(nameof(splitSize), $"split: expected a positive split size, got {splitSize} for dimension {dim} of shape {Shapes.Format(shape)}.");
        if (shape[d] == 0) return [Part("split", d, 0, 0)];
        return SplitEvenly("split", d, splitSize);
    }

    /// <summary>
    /// Splits dimension <paramref name="dim"/> into parts of the given sizes, which must add up to its size
    /// (PyTorch's <c>split</c> with a list, <c>split_with_sizes</c>).
    /// </summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (Rank == 0) throw new ArgumentException("split: a scalar has no dimension to split.");
        int d = Shapes.Axis("split", dim, shape);
        long total = 0;
        foreach (int n in sizes)
        {
            if (n < 0) throw new ArgumentException($"split: expected sizes ≥ 0, got {Shapes.Format(sizes)} for dimension {dim} of shape {Shapes.Format(shape)}.");
            total += n;
        }
        if (total != shape[d])
            throw new ArgumentException($"split: sizes {Shapes.Format(sizes)} add up to {total}, but dimension {dim} of shape {Shapes.Format(shape)} has size {shape[d]}.");
        var parts = new Tensor[sizes.Length];
        for (int i = 0, at = 0; i < sizes.Length; at += sizes[i], i++) parts[i] = Part("split", d, at, sizes[i]);
        return parts;
    }

    Tensor[] SplitEvenly(string op, int d, int partSize)
    {
        int size = shape[d];
        var parts = new Tensor[(size + partSize - 1) / partSize];
        for (int i = 0; i < parts.Length; i++) parts[i] = Part(op, d, i * partSize, Math.Min(partSize, size - i * partSize));
        return parts;
    }

    /// <summary>Elements start..start+length-1 of dimension d (already checked): a view when contiguous, else a copy.</summary>
    Tensor Part(string op, int d, int start, int length)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
        int n = shape[d];
        var partShape = (int[])shape.Clone();
        partShape[d] = length;
        int block = length * inner, stride = n * inner;

        Tensor part;
        if (outer <= 1 || length == n || block == 0)
            part = SameStorage(outer == 0 || block == 0 ? offset : offset + start * inner, partShape);
        else
        {
            part = Uninitialized(partShape, DType);
            switch (DType)
            {
                case DType.Int64: CopyPart<long>(this, part, outer, stride, start * inner, block); break;
                case DType.Bool: CopyPart<bool>(this, part, outer, stride, start * inner, block); break;
                default: CopyPart<float>(this, part, outer, stride, start * inner, block); break;
            }
        }
        if (DType != DType.Float32) return part; // integers and masks carry no gradient
        return Graph.Record(part, op, [this], g =>
        {
            var full = new Tensor(shape);
            var gs = g.AsReadOnlySpan();
            var fs = full.AsSpan();
            for (int o = 0; o < outer; o++) gs.Slice(o * block, block).CopyTo(fs.Slice(o * stride + start * inner, block));
            return [full];
        });
    }

    /// <summary>Copies one block of <paramref name="block"/> elements per outer index, for any element type.</summary>
    static void CopyPart<T>(Tensor source, Tensor part, int outer, int stride, int first, int block)
    {
        var src = source.Elements<T>();
        var dst = part.Elements<T>();
        for (int o = 0; o < outer; o++) src.Slice(o * stride + first, block).CopyTo(dst.Slice(o * block, block));
    }
}
