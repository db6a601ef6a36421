using Neurone.Tensors;

namespace Neurone.Text;

/// <summary>Which end of a sequence padding is added to, or tokens are cut from.</summary>
public enum Side
{
    /// <summary>The start: padding before the tokens, or the first tokens dropped.</summary>
    Pre,

    /// <summary>The end: padding after the tokens, or the last tokens dropped.</summary>
    Post,
}

/// <summary>
/// Id sequences of different lengths made into one Int64 tensor [N, T] (Keras' <c>pad_sequences</c>,
/// PyTorch's <c>pad_sequence</c>) together with each row's length. The defaults are PyTorch's: padding after the
/// tokens, so a sequence starts at column 0 and its length says where it ends (what a recurrent layer with
/// lengths or a mask expects), and a sequence longer than T keeps its first T tokens. Keras'
/// <c>pad_sequences</c> defaults to padding and truncating at the start instead; pass <see cref="Side.Pre"/>
/// for both to get its behaviour.
/// </summary>
public static class Sequences
{
    /// <summary>
    /// Pads or truncates every sequence to <paramref name="maxLength"/> (the longest sequence's length when null)
    /// and returns ids [N, T] (Int64) and the lengths kept [N] (Int64, at most T). Padding uses
    /// <paramref name="value"/> (the vocabulary's padding id 0 by default).
    /// </summary>
    public static (Tensor Ids, Tensor Lengths) Pad(IReadOnlyList<int[]> sequences, int? maxLength = null,
        Side padding = Side.Post, Side truncating = Side.Post, long value = Vocabulary.PaddingId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int n = sequences.Count;
        int t;
        if (maxLength is int m)
        {
            if (m < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), m, "pad_sequences: expected a maximum length of at least 1.");
            t = m;
        }
        else
        {
            t = 0;
            for (int i = 0; i < n; i++) t = Math.Max(t, (sequences[i] ?? throw new ArgumentException($"pad_sequences: sequence {i} is null.")).Length);
            if (t == 0) t = 1;
        }
        var ids = new long[(long)n * t];
        var lengths = new long[n];
        for (int i = 0; i < n; i++)
        {
            var s = sequences[i] ?? throw new ArgumentException($"pad_sequences: sequence {i} is null.");
            int keep = Math.Min(s.Length, t);
            int from = truncating == Side.Pre ? s.Length - keep : 0;
            int at = padding == Side.Pre ? t - keep : 0;
            var row = ids.AsSpan(i * t, t);
            row.Fill(value);
            for (int k = 0; k < keep; k++) row[at + k] = s[from + k];
            lengths[i] = keep;
        }
        return (Tensor.FromLongs(ids, n, t), Tensor.FromLongs(lengths, n));
    }

    /// <summary>A Bool mask [N, T]: true where a row of <see cref="Pad"/>'s output holds a token, false on padding.</summary>
    public static Tensor Mask(Tensor lengths, int maxLength, Side padding = Side.Post)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.DType != DType.Int64 || lengths.Rank != 1)
            throw new ArgumentException($"sequence mask: expected Int64 lengths [N], got {Shapes.Format(lengths.Shape)} ({lengths.DType}).");
        var len = lengths.AsLongSpan();
        var mask = new bool[len.Length * maxLength];
        for (int i = 0; i < len.Length; i++)
        {
            int l = (int)Math.Clamp(len[i], 0, maxLength);
            int start = padding == Side.Pre ? maxLength - l : 0;
            mask.AsSpan(i * maxLength + start, l).Fill(true);
        }
        return Tensor.FromBools(mask, len.Length, maxLength);
    }
}
