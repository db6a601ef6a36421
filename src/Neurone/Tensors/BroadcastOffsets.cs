namespace Neurone.Tensors;

/// <summary>
/// Where each element of a broadcast result reads an operand: for the ops that mix dtypes (comparisons,
/// masks, Where), which have no SIMD kernel and several operands, a table of source offsets is the
/// simplest correct form of NumPy broadcasting.
/// </summary>
internal static class BroadcastOffsets
{
    /// <summary>
    /// The broadcast shape of all <paramref name="operands"/>, or an error naming <paramref name="op"/> and each
    /// operand's name (from <paramref name="names"/>), shape and dtype.
    /// </summary>
    public static int[] Shape(string op, Tensor[] operands, string[] names)
    {
        int rank = 0;
        foreach (var t in operands) rank = Math.Max(rank, t.Rank);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int size = 1;
            foreach (var t in operands)
            {
                int d = i < rank - t.Rank ? 1 : t.Shape[i - (rank - t.Rank)];
                if (d == 1) continue;
                if (size != 1 && size != d)
                    throw new ArgumentException($"{op}: {Describe(operands, names)} cannot be broadcast together (dimension {i} is {size} against {d}).");
                size = d;
            }
            result[i] = size;
        }
        return result;
    }

    /// <summary>"mask [2,3] (Bool), input [3] (Float32)".</summary>
    public static string Describe(Tensor[] operands, string[] names)
    {
        var parts = new string[operands.Length];
        for (int i = 0; i < parts.Length; i++) parts[i] = $"{names[i]} {Shapes.Format(operands[i].Shape)} ({operands[i].DType})";
        return string.Join(", ", parts);
    }

    /// <summary>For each element of <paramref name="target"/> (row-major), the flat index it reads in a tensor of <paramref name="shape"/>.</summary>
    public static int[] Of(ReadOnlySpan<int> shape, int[] target)
    {
        int count = Shapes.Count(target);
        var offsets = new int[count];
        if (count == 0 || shape.Length == 0) return offsets; // a scalar: every element reads index 0
        var strides = Shapes.BroadcastStrides(shape, target);
        int rank = target.Length;
        var index = new int[rank];
        int at = 0, inner = target[rank - 1], innerStride = strides[rank - 1];
        while (true)
        {
            int o = 0;
            for (int i = 0; i < rank - 1; i++) o += index[i] * strides[i];
            for (int j = 0; j < inner; j++) offsets[at++] = o + j * innerStride;
            int k = rank - 2;
            while (k >= 0 && ++index[k] == target[k]) index[k--] = 0;
            if (k < 0) return offsets;
        }
    }
}
