namespace Neurone.Tensors;

/// <summary>Shape arithmetic shared by the tensor ops: element counts, formatting, broadcasting, axes.</summary>
internal static class Shapes
{
    /// <summary>"[128,784]", the form every shape error uses.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    /// <summary>The number of elements, checked for negative dimensions and for overflow.</summary>
    public static int Count(ReadOnlySpan<int> shape, string op = "tensor")
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"{op}: expected non-negative dimensions, got shape {Format(shape)}.");
            n *= d;
            if (n > Array.MaxLength) throw new ArgumentException($"{op}: shape {Format(shape)} has more elements than one array can hold ({Array.MaxLength}).");
        }
        return (int)n;
    }

    /// <summary>Row-major strides (in elements) of a contiguous tensor of this shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /// <summary>Turns a possibly negative dimension into 0..rank-1, or names the op, the dimension and the shape.</summary>
    public static int Axis(string op, int axis, ReadOnlySpan<int> shape)
    {
        int rank = shape.Length;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ArgumentOutOfRangeException("dim", rank == 0
                ? $"{op}: dimension {axis} is out of range for a scalar (shape {Format(shape)}, rank 0, has no dimensions)."
                : $"{op}: dimension {axis} is out of range for shape {Format(shape)} (rank {rank}, expected {-rank}..{rank - 1}).");
        return a;
    }

    /// <summary>
    /// NumPy broadcasting: shapes are aligned at their last dimension; each pair of dimensions must be
    /// equal or one of them 1.
    /// </summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast — dimension {i} is {da} against {db}.");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides of <paramref name="shape"/> seen as <paramref name="target"/>: 0 where it is broadcast.</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> target)
    {
        var own = Strides(shape);
        var s = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
            s[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : own[i];
        return s;
    }

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
