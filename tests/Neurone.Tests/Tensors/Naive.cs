using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>
/// Index arithmetic written the slow, obvious way, for references the shape ops are compared with: every
/// element is addressed by its full multi-index.
/// </summary>
internal static class Naive
{
    /// <summary>Every multi-index of <paramref name="shape"/>, in row-major order (one for a scalar, none if empty).</summary>
    public static IEnumerable<int[]> Indices(int[] shape)
    {
        if (shape.Any(s => s == 0)) yield break;
        var index = new int[shape.Length];
        while (true)
        {
            yield return (int[])index.Clone();
            int d = shape.Length - 1;
            while (d >= 0 && ++index[d] == shape[d]) index[d--] = 0;
            if (d < 0) yield break;
        }
    }

    /// <summary>A tensor of the given shape whose element at each index is <paramref name="value"/>(index).</summary>
    public static Tensor Build(int[] shape, Func<int[], float> value)
    {
        var t = Tensor.Zeros(shape);
        foreach (var i in Indices(shape)) t[i] = value(i);
        return t;
    }

    /// <summary>Distinct values 1, 2, 3, … in row-major order, so any misplaced element shows.</summary>
    public static Tensor Sequence(params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var s = t.AsSpan();
        for (int i = 0; i < s.Length; i++) s[i] = i + 1;
        return t;
    }

    public static void Equal(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.ShapeArray(), actual.ShapeArray());
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    public static int Wrap(int dim, int rank) => dim < 0 ? dim + rank : dim;

    /// <summary>Shapes of rank 1 to 5 with size-1 and empty dimensions among them.</summary>
    public static readonly int[][] AwkwardShapes =
    [
        [5], [1], [0], [3, 4], [1, 6], [4, 1], [0, 3], [2, 3, 4], [3, 1, 5], [2, 0, 3], [1, 1, 7],
        [2, 3, 1, 4], [1, 2, 3, 2], [2, 1, 2, 1, 3], [2, 2, 3, 2, 2],
    ];
}
