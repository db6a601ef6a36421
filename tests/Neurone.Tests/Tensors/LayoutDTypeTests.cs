using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>Permute, Transpose and Narrow move elements of any dtype, exactly, with no gradient for integers and masks.</summary>
public class LayoutDTypeTests
{
    [Fact]
    public void Int64PermuteAndTransposeMoveElementsExactly()
    {
        var a = Tensor.FromLongs([0, 1, 2, 3, 4, 50_000_001], 2, 3);
        Assert.Equal([0L, 3L, 1L, 4L, 2L, 50_000_001L], a.Transpose(0, 1).ToLongArray());
        var b = Tensor.FromLongs([.. Enumerable.Range(0, 24).Select(i => (long)i)], 2, 3, 4);
        var p = b.Permute(2, 0, 1);
        Assert.Equal([4, 2, 3], p.ShapeArray());
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 3; k++)
                    Assert.Equal(b.LongAt(j, k, i), p.LongAt(i, j, k));
    }

    [Fact]
    public void BoolMasksTransposeAndNarrowBeyondTheFirstDimension()
    {
        var m = Tensor.FromBools([true, false, false, true, true, false], 2, 3);
        Assert.Equal([true, true, false, true, false, false], m.Transpose(0, 1).ToBoolArray());
        Assert.Equal(m.Transpose(0, 1).ToBoolArray(), m.T().ToBoolArray());
        var part = m.Narrow(1, 1, 2);
        Assert.Equal(DType.Bool, part.DType);
        Assert.Equal([false, false, true, false], part.ToBoolArray());
        var labels = Tensor.FromLongs([1, 2, 3, 4, 5, 6], 2, 3).Narrow(-1, 0, 1);
        Assert.Equal([1L, 4L], labels.ToLongArray());
    }
}
