namespace Neurone.Data;

/// <summary>
/// Another data set whose class-index targets are replaced by one-hot vectors (what
/// <see cref="Dataset.OneHot"/> returns), for losses that take probability targets such as mean squared
/// error or binary cross-entropy; <c>CrossEntropyLoss</c> takes the class indices directly.
/// </summary>
public sealed class OneHotDataset : Dataset
{
    public OneHotDataset(Dataset source, int classes) : base(source.SampleShape.ToArray(), [Checked(source, classes)])
    {
        Source = source;
    }

    public Dataset Source { get; }

    public override int Count => Source.Count;

    // Targets are no longer class indices, so splits must not stratify on them.
    public override int Classes => 0;

    protected internal override void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination) => Source.FillFeatures(indices, destination);

    protected internal override void FillTargets(ReadOnlySpan<int> indices, Span<float> destination)
    {
        var labels = System.Buffers.ArrayPool<long>.Shared.Rent(indices.Length);
        try
        {
            Source.FillLabels(indices, labels.AsSpan(0, indices.Length));
            Neurone.Data.OneHot.Encode(labels.AsSpan(0, indices.Length), TargetSize, destination);
        }
        finally { System.Buffers.ArrayPool<long>.Shared.Return(labels); }
    }

    static int Checked(Dataset source, int classes)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.TargetDType != Tensors.DType.Int64)
            throw new ArgumentException($"one_hot: expected Int64 class labels, got {source.TargetDType} targets of shape [{string.Join(",", source.TargetShape.ToArray())}].");
        if (source.TargetSize != 1) throw new ArgumentException($"one_hot: expected scalar class targets, got target shape [{string.Join(",", source.TargetShape.ToArray())}].");
        if (classes <= 0) throw new ArgumentException($"one_hot: expected a positive class count, got {classes} (the source does not know its classes: pass them).");
        return classes;
    }
}
