using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// One-hot encoding of Int64 class labels (Keras' <c>to_categorical</c>, PyTorch's <c>one_hot</c>): label k
/// of C classes becomes a row of C floats with a 1 at position k. Labels must be in [0, C); anything else
/// is an error rather than a silently empty row.
/// </summary>
public static class OneHot
{
    /// <summary>Int64 labels of shape [n] to a Float32 tensor of shape [n, classes].</summary>
    public static Tensor Encode(Tensor labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Rank != 1) throw new ArgumentException($"one_hot: expected labels of shape [n], got [{string.Join(",", labels.ShapeArray())}].");
        Tensor.RequireIndexTensor("one_hot", labels, "labels");
        var result = new Tensor(labels.Size(0), classes);
        Encode(labels.AsLongSpan(), classes, result.AsSpan());
        return result;
    }

    /// <summary>Writes one row of <paramref name="classes"/> floats per label into <paramref name="destination"/>.</summary>
    public static void Encode(ReadOnlySpan<long> labels, int classes, Span<float> destination)
    {
        if (classes <= 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "one_hot: expected a positive class count.");
        if (destination.Length < (long)labels.Length * classes)
            throw new ArgumentException($"one_hot: {labels.Length} labels of {classes} classes need {(long)labels.Length * classes} floats, the destination holds {destination.Length}.");
        destination[..(labels.Length * classes)].Clear();
        for (int i = 0; i < labels.Length; i++)
        {
            long v = labels[i];
            if ((ulong)v >= (ulong)classes)
                throw new ArgumentException($"one_hot: label {i} is {v}, expected a class in [0, {classes}).");
            destination[i * classes + (int)v] = 1f;
        }
    }

    /// <summary>The index of the largest value in each row of an [n, classes] tensor, as Int64 labels of shape [n].</summary>
    public static Tensor Decode(Tensor oneHot)
    {
        ArgumentNullException.ThrowIfNull(oneHot);
        if (oneHot.Rank != 2) throw new ArgumentException($"one_hot.decode: expected shape [n, classes], got [{string.Join(",", oneHot.ShapeArray())}].");
        int n = oneHot.Size(0), c = oneHot.Size(1);
        var result = Tensor.Zeros([n], DType.Int64);
        var src = oneHot.AsReadOnlySpan();
        var dst = result.AsLongSpan();
        for (int i = 0; i < n; i++) dst[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(src.Slice(i * c, c));
        return result;
    }
}
