namespace Neurone.Data;

/// <summary>
/// Another data set's samples under a different sample shape with the same number of elements (what
/// <see cref="Dataset.Reshape"/> and <see cref="Dataset.Flatten"/> return): flatten N×C×H×W images to
/// rows for a multilayer perceptron, or give flat rows an image shape for a convolution.
/// </summary>
public sealed class ReshapedDataset : Dataset
{
    public ReshapedDataset(Dataset source, int[] sampleShape) : base(Checked(source, sampleShape), source.TargetShape.ToArray(), source.TargetDType)
    {
        Source = source;
    }

    public Dataset Source { get; }

    public override int Count => Source.Count;

    public override int Classes => Source.Classes;

    protected internal override void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination) => Source.FillFeatures(indices, destination);

    protected internal override void FillTargets(ReadOnlySpan<int> indices, Span<float> destination) => Source.FillTargets(indices, destination);

    protected internal override void FillLabels(ReadOnlySpan<int> indices, Span<long> destination) => Source.FillLabels(indices, destination);

    static int[] Checked(Dataset source, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n != source.SampleSize)
            throw new ArgumentException($"reshape: expected a sample shape of {source.SampleSize} elements like [{string.Join(",", source.SampleShape.ToArray())}], got [{string.Join(",", shape)}] ({n} elements).");
        return shape;
    }
}
