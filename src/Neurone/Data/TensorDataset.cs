using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// A data set over two tensors whose first dimension indexes samples (PyTorch's
/// <c>TensorDataset</c>): Float32 features x of shape [n, ..sample] and targets y of shape [n] or
/// [n, ..target], Int64 class labels or Float32 values. Synthetic sets, CSV tables and text formats whose values are not bytes
/// (USPS, LIBSVM) land here. The tensors are held, not copied.
/// </summary>
public sealed class TensorDataset : Dataset
{
    readonly int classes;

    /// <summary>
    /// Float32 features x of shape [n, ...] and targets y of shape [n] or [n, ...]; with a positive
    /// <paramref name="classes"/>, targets are Int64 class labels in [0, classes).
    /// </summary>
    public TensorDataset(Tensor x, Tensor y, int classes = 0)
        : base(ItemShape(x, "x"), ItemShape(y, "y"), TargetType(y))
    {
        if (x.DType != DType.Float32)
            throw new ArgumentException($"tensor_dataset: expected Float32 features, got x of shape {Shapes.Format(x.Shape)} and dtype {x.DType}.");
        if (x.Size(0) != y.Size(0))
            throw new ArgumentException($"tensor_dataset: expected as many targets as samples, got x of shape [{string.Join(",", x.ShapeArray())}] and y of shape [{string.Join(",", y.ShapeArray())}].");
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "tensor_dataset: expected a non-negative class count.");
        if (classes > 0)
        {
            if (y.Rank != 1) throw new ArgumentException($"tensor_dataset: class targets must have shape [n], got [{string.Join(",", y.ShapeArray())}].");
            if (y.DType != DType.Int64)
                throw new ArgumentException($"tensor_dataset: class targets must be Int64 labels, got y of shape {Shapes.Format(y.Shape)} and dtype {y.DType}; convert them with Long().");
            var ys = y.AsLongSpan();
            for (int i = 0; i < ys.Length; i++)
                if ((ulong)ys[i] >= (ulong)classes)
                    throw new ArgumentException($"tensor_dataset: target {i} is {ys[i]}, expected a class in [0, {classes}).");
        }
        X = x;
        Y = y;
        this.classes = classes;
    }

    /// <summary>The features tensor.</summary>
    public Tensor X { get; }

    /// <summary>The targets tensor.</summary>
    public Tensor Y { get; }

    public override int Count => X.Size(0);

    public override int Classes => classes;

    protected internal override void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination) => Gather(X.AsReadOnlySpan(), SampleSize, indices, destination);

    protected internal override void FillTargets(ReadOnlySpan<int> indices, Span<float> destination) => Gather(Y.AsReadOnlySpan(), TargetSize, indices, destination);

    protected internal override void FillLabels(ReadOnlySpan<int> indices, Span<long> destination) => Gather<long>(Y.AsLongSpan(), TargetSize, indices, destination);

    static DType TargetType(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y, "y");
        if (y.DType == DType.Bool) throw new ArgumentException($"tensor_dataset: expected Int64 labels or Float32 targets, got y of shape {Shapes.Format(y.Shape)} and dtype Bool.");
        return y.DType;
    }

    static void Gather<T>(ReadOnlySpan<T> src, int size, ReadOnlySpan<int> indices, Span<T> destination)
    {
        for (int i = 0; i < indices.Length; i++)
            src.Slice(indices[i] * size, size).CopyTo(destination.Slice(i * size, size));
    }

    static int[] ItemShape(Tensor t, string name)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (t.Rank == 0) throw new ArgumentException($"tensor_dataset: {name} must have a sample dimension, got a scalar.");
        return t.ShapeArray()[1..];
    }
}
