using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// A finite, indexable collection of (features, target) samples, PyTorch's map-style <c>Dataset</c>.
/// Samples are produced a batch at a time into caller-provided spans, so a data set may keep its data
/// compactly (bytes for images) and convert only what a batch needs. Every sample has the same
/// <see cref="SampleShape"/>; a target is a scalar (a class index or a regression value, stored as a
/// float) or a vector of <see cref="TargetShape"/>. Views — <see cref="Subset(int[])"/>,
/// <see cref="WithTransform"/>, <see cref="Reshape"/>, <see cref="OneHot"/> — share the underlying data.
/// </summary>
public abstract class Dataset
{
    readonly int[] sampleShape;
    readonly int[] targetShape;

    protected Dataset(int[] sampleShape, int[] targetShape)
    {
        this.sampleShape = (int[])sampleShape.Clone();
        this.targetShape = (int[])targetShape.Clone();
        SampleSize = 1;
        foreach (int d in sampleShape)
        {
            if (d <= 0) throw new ArgumentException($"dataset: expected positive sample dimensions, got [{string.Join(",", sampleShape)}].");
            SampleSize *= d;
        }
        TargetSize = 1;
        foreach (int d in targetShape)
        {
            if (d <= 0) throw new ArgumentException($"dataset: expected positive target dimensions, got [{string.Join(",", targetShape)}].");
            TargetSize *= d;
        }
    }

    /// <summary>The number of samples (PyTorch's <c>len(dataset)</c>).</summary>
    public abstract int Count { get; }

    /// <summary>The shape of one sample's features, e.g. [1, 28, 28] for MNIST or [2] for a point.</summary>
    public ReadOnlySpan<int> SampleShape => sampleShape;

    /// <summary>The shape of one target: empty for a scalar label, [k] for one-hot or vector targets.</summary>
    public ReadOnlySpan<int> TargetShape => targetShape;

    /// <summary>Floats per sample's features.</summary>
    public int SampleSize { get; }

    /// <summary>Floats per target.</summary>
    public int TargetSize { get; }

    /// <summary>
    /// The number of classes when targets are class indices 0..Classes-1, or 0 for regression or
    /// already-encoded targets. Splits use it to stratify; <see cref="OneHot"/> to size its vectors.
    /// </summary>
    public virtual int Classes => 0;

    /// <summary>Writes the features of the samples at <paramref name="indices"/>, one row after another, into <paramref name="destination"/>.</summary>
    public void GetFeatures(ReadOnlySpan<int> indices, Span<float> destination)
    {
        CheckBatch(indices, destination.Length, SampleSize, "features");
        FillFeatures(indices, destination[..(indices.Length * SampleSize)]);
    }

    /// <summary>Writes the targets of the samples at <paramref name="indices"/> into <paramref name="destination"/>.</summary>
    public void GetTargets(ReadOnlySpan<int> indices, Span<float> destination)
    {
        CheckBatch(indices, destination.Length, TargetSize, "targets");
        FillTargets(indices, destination[..(indices.Length * TargetSize)]);
    }

    /// <summary>Implements <see cref="GetFeatures"/>; indices are already checked and the span is exactly sized.</summary>
    protected internal abstract void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination);

    /// <summary>Implements <see cref="GetTargets"/>; indices are already checked and the span is exactly sized.</summary>
    protected internal abstract void FillTargets(ReadOnlySpan<int> indices, Span<float> destination);

    /// <summary>A batch as new tensors: x of shape [n, ..SampleShape], y of shape [n, ..TargetShape].</summary>
    public (Tensor X, Tensor Y) GetBatch(ReadOnlySpan<int> indices)
    {
        var x = Tensor.Uninitialized(BatchShape(sampleShape, indices.Length));
        var y = Tensor.Uninitialized(BatchShape(targetShape, indices.Length));
        GetFeatures(indices, x.AsSpan());
        GetTargets(indices, y.AsSpan());
        return (x, y);
    }

    /// <summary>The whole data set as two tensors, in order (converts every sample: mind the memory for large image sets).</summary>
    public (Tensor X, Tensor Y) ToTensors() => GetBatch(AllIndices());

    /// <summary>All targets in order, shape [Count, ..TargetShape].</summary>
    public Tensor Targets()
    {
        var idx = AllIndices();
        var y = Tensor.Uninitialized(BatchShape(targetShape, idx.Length));
        GetTargets(idx, y.AsSpan());
        return y;
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order, as a view (PyTorch's <c>Subset</c>).</summary>
    public Subset Subset(int[] indices) => new(this, indices);

    /// <summary>A view whose features pass through <paramref name="transform"/> each time a batch is made.</summary>
    public Dataset WithTransform(Transform transform) => new TransformedDataset(this, transform);

    /// <summary>A view whose samples have <paramref name="sampleShape"/> (same element count), e.g. [784] for flattened MNIST.</summary>
    public Dataset Reshape(params int[] sampleShape) => new ReshapedDataset(this, sampleShape);

    /// <summary>A view with each sample flattened to one row of <see cref="SampleSize"/> features.</summary>
    public Dataset Flatten() => Reshape(SampleSize);

    /// <summary>A view whose class-index targets become one-hot vectors of length <see cref="Classes"/> (or <paramref name="classes"/>).</summary>
    public Dataset OneHot(int classes = 0) => new OneHotDataset(this, classes > 0 ? classes : Classes);

    internal int[] AllIndices()
    {
        var idx = new int[Count];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        return idx;
    }

    internal static int[] BatchShape(int[] itemShape, int n)
    {
        var s = new int[itemShape.Length + 1];
        s[0] = n;
        itemShape.CopyTo(s, 1);
        return s;
    }

    void CheckBatch(ReadOnlySpan<int> indices, int destinationLength, int itemSize, string what)
    {
        int n = Count;
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(indices), $"dataset: index {indices[i]} at position {i} is out of range for {n} samples.");
        if ((long)indices.Length * itemSize > destinationLength)
            throw new ArgumentException($"dataset: {indices.Length} samples need {(long)indices.Length * itemSize} floats of {what}, but the destination holds {destinationLength}.");
    }
}
