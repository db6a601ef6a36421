using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// A data set over two float tensors whose first dimension indexes samples (PyTorch's
/// <c>TensorDataset</c>): x of shape [n, ..sample] and y of shape [n] (class indices or regression
/// values) or [n, ..target]. Synthetic sets, CSV tables and text formats whose values are not bytes
/// (USPS, LIBSVM) land here. The tensors are held, not copied.
/// </summary>
public sealed class TensorDataset : Dataset
{
    readonly int classes;

    /// <summary>
    /// Features x of shape [n, ...] and targets y of shape [n] or [n, ...]; with a positive
    /// <paramref name="classes"/>, targets are class indices and must be whole numbers in [0, classes).
    /// </summary>
    public TensorDataset(Tensor x, Tensor y, int classes = 0)
        : base(ItemShape(x, "x"), ItemShape(y, "y"))
    {
        if (x.Size(0) != y.Size(0))
            throw new ArgumentException($"tensor_dataset: expected as many targets as samples, got x of shape [{string.Join(",", x.ShapeArray())}] and y of shape [{string.Join(",", y.ShapeArray())}].");
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "tensor_dataset: expected a non-negative class count.");
        if (classes > 0)
        {
            if (y.Rank != 1) throw new ArgumentException($"tensor_dataset: class targets must have shape [n], got [{string.Join(",", y.ShapeArray())}].");
            var ys = y.AsReadOnlySpan();
            for (int i = 0; i < ys.Length; i++)
                if (!ClassIndex.IsValid(ys[i], classes))
                    throw new ArgumentException($"tensor_dataset: target {i} is {ys[i]}, expected a whole number in [0, {classes}).");
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

    protected internal override void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination) => Gather(X, SampleSize, indices, destination);

    protected internal override void FillTargets(ReadOnlySpan<int> indices, Span<float> destination) => Gather(Y, TargetSize, indices, destination);

    static void Gather(Tensor t, int size, ReadOnlySpan<int> indices, Span<float> destination)
    {
        var src = t.AsReadOnlySpan();
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
