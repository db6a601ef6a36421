using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>Cat and Stack move elements of any dtype: label and mask tensors join as float ones do, exactly.</summary>
public class JoinDTypeTests
{
    [Fact]
    public void Int64TensorsJoinExactlyAlongAnyDim()
    {
        var a = Tensor.FromLongs([1, 50_000_001, 3, 4], 2, 2);
        var b = Tensor.FromLongs([5, 6], 2, 1);
        var c = Tensor.Cat([a, b], dim: 1);
        Assert.Equal(DType.Int64, c.DType);
        Assert.Equal([2, 3], c.ShapeArray());
        Assert.Equal([1L, 50_000_001L, 5L, 3L, 4L, 6L], c.ToLongArray());
        var rows = Tensor.Cat([a, Tensor.FromLongs([7, 8], 1, 2)], dim: 0);
        Assert.Equal([1L, 50_000_001L, 3L, 4L, 7L, 8L], rows.ToLongArray());
    }

    [Fact]
    public void BoolMasksStack()
    {
        var s = Tensor.Stack([Tensor.FromBools([true, false]), Tensor.FromBools([false, false])], dim: 1);
        Assert.Equal(DType.Bool, s.DType);
        Assert.Equal([2, 2], s.ShapeArray());
        Assert.Equal([true, false, false, false], s.ToBoolArray());
    }

    [Fact]
    public void MixedDTypesAreRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.FromArray([1f, 2f]), Tensor.FromLongs([3, 4])]));
        Assert.Contains("cat", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Contains("Float32", e.Message);
    }

    [Fact]
    public void FloatJoinStillCarriesGradients()
    {
        var a = Gradients.Leaf([2, 3], 1);
        var b = Gradients.Leaf([2, 1], 2);
        Gradients.Check(() => Tensor.Cat([a, b], dim: 1).Square().Sum(), a, b);
    }
}
