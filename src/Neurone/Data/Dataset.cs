using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// A finite, indexable collection of (features, target) samples, PyTorch's map-style <c>Dataset</c>.
/// Samples are produced a batch at a time into caller-provided spans, so a data set may keep its data
/// compactly (bytes for images) and convert only what a batch needs. Every sample has the same
/// <see cref="SampleShape"/>; a target is a scalar or a vector of <see cref="TargetShape"/>, of
/// <see cref="TargetDType"/>: Int64 class labels (PyTorch's <c>long</c> targets) or Float32 values for
/// regression and encoded targets. Views — <see cref="Subset(int[])"/>,
/// <see cref="WithTransform"/>, <see cref="Reshape"/>, <see cref="OneHot"/> — share the underlying data.
/// </summary>
public abstract class Dataset
{
    readonly int[] sampleShape;
    readonly int[] targetShape;

    /// <summary>Samples of <paramref name="sampleShape"/> and targets of <paramref name="targetShape"/> and <paramref name="targetDType"/> (Float32 or Int64).</summary>
    protected Dataset(int[] sampleShape, int[] targetShape, DType targetDType = DType.Float32)
    {
        if (targetDType == DType.Bool) throw new ArgumentException("dataset: expected Float32 or Int64 targets, got Bool.");
        TargetDType = targetDType;
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

    /// <summary>Elements per target.</summary>
    public int TargetSize { get; }

    /// <summary>The dtype of the targets: Int64 for class labels, Float32 for values.</summary>
    public DType TargetDType { get; }

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

    /// <summary>Writes the Float32 targets of the samples at <paramref name="indices"/> into <paramref name="destination"/>.</summary>
    public void GetTargets(ReadOnlySpan<int> indices, Span<float> destination)
    {
        RequireTargets(DType.Float32, "GetTargets(Span<float>)");
        CheckBatch(indices, destination.Length, TargetSize, "targets");
        FillTargets(indices, destination[..(indices.Length * TargetSize)]);
    }

    /// <summary>Writes the Int64 class labels of the samples at <paramref name="indices"/> into <paramref name="destination"/>.</summary>
    public void GetLabels(ReadOnlySpan<int> indices, Span<long> destination)
    {
        RequireTargets(DType.Int64, "GetLabels");
        CheckBatch(indices, destination.Length, TargetSize, "labels");
        FillLabels(indices, destination[..(indices.Length * TargetSize)]);
    }

    /// <summary>Writes the targets of the samples at <paramref name="indices"/> into a tensor of <see cref="TargetDType"/> (its first elements).</summary>
    public void GetTargets(ReadOnlySpan<int> indices, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.DType != TargetDType)
            throw new ArgumentException($"dataset: targets are {TargetDType}, but the destination tensor has dtype {destination.DType}.");
        if (TargetDType == DType.Int64) GetLabels(indices, destination.AsLongSpan());
        else GetTargets(indices, destination.AsSpan());
    }

    /// <summary>Implements <see cref="GetFeatures"/>; indices are already checked and the span is exactly sized.</summary>
    protected internal abstract void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination);

    /// <summary>Implements <see cref="GetTargets(ReadOnlySpan{int}, Span{float})"/> for Float32 targets; indices are already checked and the span is exactly sized.</summary>
    protected internal virtual void FillTargets(ReadOnlySpan<int> indices, Span<float> destination) =>
        throw new NotSupportedException($"dataset: {GetType().Name} has {TargetDType} targets and does not implement FillTargets.");

    /// <summary>Implements <see cref="GetLabels"/> for Int64 targets; indices are already checked and the span is exactly sized.</summary>
    protected internal virtual void FillLabels(ReadOnlySpan<int> indices, Span<long> destination) =>
        throw new NotSupportedException($"dataset: {GetType().Name} has {TargetDType} targets and does not implement FillLabels.");

    void RequireTargets(DType dtype, string method)
    {
        if (TargetDType != dtype)
            throw new InvalidOperationException($"dataset: {method} reads {dtype} targets, but this data set's targets are {TargetDType}; use " +
                (TargetDType == DType.Int64 ? "GetLabels." : "GetTargets."));
    }

    /// <summary>A batch as new tensors: x of shape [n, ..SampleShape], y of shape [n, ..TargetShape] and <see cref="TargetDType"/>.</summary>
    public (Tensor X, Tensor Y) GetBatch(ReadOnlySpan<int> indices)
    {
        var x = Tensor.Uninitialized(BatchShape(sampleShape, indices.Length));
        var y = Tensor.Zeros(BatchShape(targetShape, indices.Length), TargetDType);
        GetFeatures(indices, x.AsSpan());
        GetTargets(indices, y);
        return (x, y);
    }

    /// <summary>The whole data set as two tensors, in order (converts every sample: mind the memory for large image sets).</summary>
    public (Tensor X, Tensor Y) ToTensors() => GetBatch(AllIndices());

    /// <summary>All targets in order, shape [Count, ..TargetShape], of <see cref="TargetDType"/>.</summary>
    public Tensor Targets()
    {
        var idx = AllIndices();
        var y = Tensor.Zeros(BatchShape(targetShape, idx.Length), TargetDType);
        GetTargets(idx, y);
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
            throw new ArgumentException($"dataset: {indices.Length} samples need {(long)indices.Length * itemSize} elements of {what}, but the destination holds {destinationLength}.");
    }
}
