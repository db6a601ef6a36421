using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class TensorLayoutTests
{
    static Tensor Seq(params int[] shape) => Tensor.Arange(shape.Aggregate(1, (a, b) => a * b)).Reshape(shape);

    [Fact]
    public void ReshapeIsAZeroCopyViewAndInfersOneDimension()
    {
        var t = Seq(2, 3, 4);
        var v = t.Reshape(6, -1);
        Assert.Equal(new[] { 6, 4 }, v.ShapeArray());
        Assert.True(v.SharesStorageWith(t));
        v[0, 1] = 100;
        Assert.Equal(100f, t[0, 0, 1]);
        Assert.Equal(new[] { 24 }, t.View(-1).ShapeArray());
        var e = Assert.Throws<ArgumentException>(() => t.Reshape(5, 5));
        Assert.Contains("[2,3,4]", e.Message);
        Assert.Contains("[5,5]", e.Message);
        Assert.Throws<ArgumentException>(() => t.Reshape(-1, -1));
        Assert.Throws<ArgumentException>(() => t.Reshape(7, -1));
    }

    [Fact]
    public void FlattenMergesTheChosenDimensions()
    {
        var t = Seq(2, 3, 4, 5);
        Assert.Equal(new[] { 120 }, t.Flatten().ShapeArray());
        Assert.Equal(new[] { 2, 60 }, t.Flatten(1).ShapeArray());
        Assert.Equal(new[] { 2, 12, 5 }, t.Flatten(1, 2).ShapeArray());
        Assert.True(t.Flatten(1).SharesStorageWith(t));
        Assert.Throws<ArgumentException>(() => t.Flatten(2, 1));
        Assert.Equal(new[] { 1 }, Tensor.Scalar(1).Flatten().ShapeArray());
    }

    [Fact]
    public void SqueezeAndUnsqueeze()
    {
        var t = Seq(3, 4);
        Assert.Equal(new[] { 1, 3, 4 }, t.Unsqueeze(0).ShapeArray());
        Assert.Equal(new[] { 3, 4, 1 }, t.Unsqueeze(-1).ShapeArray());
        Assert.Equal(new[] { 3, 4 }, t.Unsqueeze(1).Squeeze(1).ShapeArray());
        // As PyTorch: a dimension whose size is not 1 stays.
        Assert.Equal(new[] { 3, 4 }, t.Squeeze(0).ShapeArray());
        Assert.Equal(new[] { 3, 4 }, Seq(1, 3, 1, 4, 1).Squeeze().ShapeArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Squeeze(2));
    }

    [Fact]
    public void SliceAndRowAreViewsOfTheRightRows()
    {
        var t = Seq(5, 3);
        var batch = t.Slice(1, 2);
        Assert.Equal(new[] { 2, 3 }, batch.ShapeArray());
        Assert.True(batch.SharesStorageWith(t));
        Assert.Equal(new float[] { 3, 4, 5, 6, 7, 8 }, batch.ToArray());
        Assert.Equal(new float[] { 12, 13, 14 }, t.Row(-1).ToArray());
        Assert.Equal(0, t.Slice(5, 0).Count);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => t.Slice(4, 2));
        Assert.Contains("[4, 6)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Row(5));
    }

    [Fact]
    public void GatherRowsCopiesTheIndexedRowsInOrder()
    {
        var t = Seq(4, 2, 2);
        var g = t.GatherRows([3, 0, 3]);
        Assert.Equal(new[] { 3, 2, 2 }, g.ShapeArray());
        Assert.Equal(new float[] { 12, 13, 14, 15, 0, 1, 2, 3, 12, 13, 14, 15 }, g.ToArray());
        Assert.False(g.SharesStorageWith(t));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => t.GatherRows([1, 4]));
        Assert.Contains("row index 4", e.Message);
        Assert.Equal(new[] { 0, 2, 2 }, t.GatherRows([]).ShapeArray());
    }

    [Fact]
    public void ConcatJoinsAlongAnyAxis()
    {
        var a = Seq(2, 3);
        var b = Seq(2, 3) + 10f;
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15 }, Tensor.Concat([a, b]).ToArray());
        var c = Tensor.Concat([a, Seq(2, 1) + 100f], dim: 1);
        Assert.Equal(new[] { 2, 4 }, c.ShapeArray());
        Assert.Equal(new float[] { 0, 1, 2, 100, 3, 4, 5, 101 }, c.ToArray());
        var e = Assert.Throws<ArgumentException>(() => Tensor.Concat([a, Seq(3, 2)]));
        Assert.Contains("[2,3]", e.Message);
        Assert.Contains("[3,2]", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Concat(Array.Empty<Tensor>()));
        var s = Tensor.Stack([a, b], dim: 1);
        Assert.Equal(new[] { 2, 2, 3 }, s.ShapeArray());
        Assert.Equal(10f, s[0, 1, 0]);
    }

    [Fact]
    public void TransposeAndPermuteMoveElements()
    {
        var t = Seq(3, 5);
        var tt = t.T();
        Assert.Equal(new[] { 5, 3 }, tt.ShapeArray());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(t[i, j], tt[j, i]);
        var big = Seq(70, 33); // crosses the 32-wide tiles
        var bt = big.T();
        for (int i = 0; i < 70; i++)
            for (int j = 0; j < 33; j++)
                Assert.Equal(big[i, j], bt[j, i]);

        var x = Seq(2, 3, 4);
        var p = x.Permute(2, 0, 1);
        Assert.Equal(new[] { 4, 2, 3 }, p.ShapeArray());
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(x[i, j, k], p[k, i, j]);
        Assert.Equal(x[1, 2, 3], x.Transpose(0, 2)[3, 2, 1]);
        Assert.Throws<ArgumentException>(() => x.Permute(0, 0, 1));
        Assert.Throws<InvalidOperationException>(() => x.T());
    }

    [Fact]
    public void CloneAndCopyFrom()
    {
        var t = Seq(2, 2);
        var c = t.Clone();
        c[0, 0] = 9;
        Assert.Equal(0f, t[0, 0]);
        t.CopyFrom(c);
        Assert.Equal(9f, t[0, 0]);
        Assert.Throws<ArgumentException>(() => t.CopyFrom(Seq(4)));
    }
}
