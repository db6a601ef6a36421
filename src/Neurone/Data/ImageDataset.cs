using System.Numerics.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Data;

/// <summary>
/// Images kept as bytes (one per channel value, N×C×H×W order) with byte class labels (Int64 in batches), as MNIST,
/// Fashion-MNIST and CIFAR-10 store them: CIFAR-10's 60,000 images take 184 MB this way against 737 MB
/// as floats. Each batch is converted to floats in [0, 1] (value / 255) when it is requested; chain
/// <see cref="Dataset.WithTransform"/> for standardisation and <see cref="Dataset.Flatten"/> for rows.
/// </summary>
public sealed class ImageDataset : Dataset
{
    readonly byte[] pixels;
    readonly byte[] labels;
    readonly string[] classNames;

    /// <summary>Wraps N×C×H×W pixel bytes and N labels, each below the number of class names (not copied).</summary>
    public ImageDataset(byte[] pixels, byte[] labels, int channels, int height, int width, string[] classNames)
        : base([channels, height, width], [], Tensors.DType.Int64)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if ((long)labels.Length * SampleSize != pixels.Length)
            throw new ArgumentException($"image_dataset: {labels.Length} labels need {(long)labels.Length * SampleSize} pixel bytes of {channels}x{height}x{width}, got {pixels.Length}.");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classNames.Length)
                throw new ArgumentException($"image_dataset: label {i} is {labels[i]}, expected a class in [0, {classNames.Length}).");
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = (string[])classNames.Clone();
    }

    /// <summary>The raw pixel bytes, N×C×H×W.</summary>
    public ReadOnlySpan<byte> Pixels => pixels;

    /// <summary>The raw labels.</summary>
    public ReadOnlySpan<byte> Labels => labels;

    /// <summary>The class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    public override int Count => labels.Length;

    public override int Classes => classNames.Length;

    /// <summary>How many samples carry each label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[classNames.Length];
        foreach (byte b in labels) counts[b]++;
        return counts;
    }

    protected internal override void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination)
    {
        int size = SampleSize;
        for (int i = 0; i < indices.Length; i++)
        {
            var dst = destination.Slice(i * size, size);
            TensorPrimitives.ConvertTruncating<byte, float>(pixels.AsSpan(indices[i] * size, size), dst);
            // Division, not multiplication by 1/255f, so every byte maps to the correctly rounded float.
            TensorPrimitives.Divide(dst, 255f, dst);
        }
    }

    protected internal override void FillLabels(ReadOnlySpan<int> indices, Span<long> destination)
    {
        for (int i = 0; i < indices.Length; i++) destination[i] = labels[indices[i]];
    }
}
