using Neurone.Tensors;

namespace Neurone.Text;

/// <summary>
/// Id sequences as multi-hot rows (the input of Keras' book IMDB model, its <c>vectorize_sequences</c>, and of
/// <c>TextVectorization(output_mode="multi_hot")</c>): row i of the Float32 [N, size] result is 1 at every id
/// sequence i contains and 0 elsewhere, or, with <c>counts</c>, how many times it contains it. The padding id 0
/// is left out, so padded and unpadded sequences give the same row; the unknown id 1 is kept (a review with
/// rare words says so).
/// </summary>
public static class MultiHot
{
    /// <summary>The [N, <paramref name="size"/>] rows of <paramref name="sequences"/>; ids must lie in [0, size).</summary>
    public static Tensor Encode(IReadOnlyList<int[]> sequences, int size, bool counts = false)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "multi_hot: expected a size of at least 1.");
        var result = new Tensor(sequences.Count, size);
        var d = result.AsSpan();
        for (int i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i] ?? throw new ArgumentException($"multi_hot: sequence {i} is null.");
            var row = d.Slice(i * size, size);
            for (int k = 0; k < s.Length; k++)
            {
                int id = s[k];
                if ((uint)id >= (uint)size)
                    throw new ArgumentOutOfRangeException(nameof(sequences), $"multi_hot: id {id} at position {k} of sequence {i} is outside [0, {size}); build the vocabulary with maxSize {size} or pass its Count.");
                if (id == Vocabulary.PaddingId) continue;
                row[id] = counts ? row[id] + 1 : 1;
            }
        }
        return result;
    }
}
