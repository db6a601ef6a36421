namespace Neurone.Data;

/// <summary>
/// Another data set's samples with a <see cref="Transform"/> applied to each batch of features as it is
/// made (what <see cref="Dataset.WithTransform"/> returns). Targets pass through unchanged.
/// </summary>
public sealed class TransformedDataset : Dataset
{
    public TransformedDataset(Dataset source, Transform transform) : base(source.SampleShape.ToArray(), source.TargetShape.ToArray(), source.TargetDType)
    {
        ArgumentNullException.ThrowIfNull(transform);
        Source = source;
        Transform = transform;
    }

    public Dataset Source { get; }

    public Transform Transform { get; }

    public override int Count => Source.Count;

    public override int Classes => Source.Classes;

    protected internal override void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination)
    {
        Source.FillFeatures(indices, destination);
        Transform.Apply(destination, indices.Length);
    }

    protected internal override void FillTargets(ReadOnlySpan<int> indices, Span<float> destination) => Source.FillTargets(indices, destination);

    protected internal override void FillLabels(ReadOnlySpan<int> indices, Span<long> destination) => Source.FillLabels(indices, destination);
}
