using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class TensorCreationTests
{
    [Fact]
    public void ZerosOnesFullHaveShapeAndValues()
    {
        var z = Tensor.Zeros(2, 3);
        Assert.Equal(new[] { 2, 3 }, z.ShapeArray());
        Assert.All(z.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(Tensor.Ones(4).ToArray(), v => Assert.Equal(1f, v));
        var f = Tensor.Full([2, 2, 2], 2.5f);
        Assert.Equal(8, f.Count);
        Assert.All(f.ToArray(), v => Assert.Equal(2.5f, v));
        Assert.Equal(0, Tensor.Zeros(3, 0).Count);
    }

    [Fact]
    public void ScalarHasRankZero()
    {
        var s = Tensor.Scalar(3f);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Count);
        Assert.Equal(3f, s.Item());
    }

    [Fact]
    public void ArangeMatchesPyTorchCounting()
    {
        Assert.Equal(new float[] { 0, 1, 2, 3, 4 }, Tensor.Arange(5).ToArray());
        Assert.Equal(new float[] { 1, 1.5f, 2, 2.5f }, Tensor.Arange(1, 3, 0.5f).ToArray());
        Assert.Equal(new float[] { 5, 3, 1 }, Tensor.Arange(5, 0, -2).ToArray());
        Assert.Equal(0, Tensor.Arange(3, 1).Count);
        Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0));
    }

    [Fact]
    public void FromArrayChecksTheShapeAndCopies()
    {
        var values = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = Tensor.FromArray(values, 2, 3);
        values[0] = 99;
        Assert.Equal(1f, t[0, 0]);
        Assert.Equal(6f, t[1, 2]);
        Assert.Equal(new[] { 6 }, Tensor.FromArray(values).ShapeArray());
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(values, 4, 2));
        Assert.Contains("[4,2]", e.Message);
        Assert.Contains("6 values", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray(values, -1, -6));
        Assert.Equal(5f, Tensor.FromArray(new float[,] { { 1, 2 }, { 5, 6 } })[1, 0]);
    }

    [Fact]
    public void RandomCreationIsSeededAndInRange()
    {
        var a = Tensor.Rand([100, 10], new Rng(1), -2f, 3f);
        Assert.Equal(a.ToArray(), Tensor.Rand([100, 10], new Rng(1), -2f, 3f).ToArray());
        Assert.All(a.ToArray(), v => Assert.InRange(v, -2f, 3f));
        var n = Tensor.Randn([10_000], new Rng(2), 1f, 0.5f);
        Assert.InRange(n.Mean().Item(), 0.98f, 1.02f);
        Assert.Equal(n.ToArray(), Tensor.Randn([10_000], new Rng(2), 1f, 0.5f).ToArray());
        var b = Tensor.Bernoulli([10_000], 0.3f, new Rng(3));
        Assert.All(b.ToArray(), v => Assert.True(v == 0f || v == 1f));
        Assert.InRange(b.Mean().Item(), 0.28f, 0.32f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Bernoulli([2], 1.5f, new Rng(0)));
    }

    [Fact]
    public void IndexingNamesTheBadIndex()
    {
        var t = Tensor.Zeros(2, 3);
        t[1, -1] = 7;
        Assert.Equal(7f, t[1, 2]);
        var e = Assert.Throws<IndexOutOfRangeException>(() => t[2, 0]);
        Assert.Contains("[2,3]", e.Message);
        Assert.Throws<ArgumentException>(() => t[0]);
        Assert.Throws<InvalidOperationException>(() => t.Item());
    }

    [Fact]
    public void ToStringIsReadableAndSummarisesLargeTensors()
    {
        var s = Tensor.FromArray([1, 2.5f, 3, 4], 2, 2).ToString();
        Assert.Equal("tensor([[  1, 2.5],\n        [  3,   4]], shape=[2,2])", s);
        Assert.Equal("tensor(3, shape=[])", Tensor.Scalar(3).ToString());
        var big = Tensor.Arange(100_000).Reshape(1000, 100).ToString();
        Assert.Contains("...", big);
        Assert.True(big.Length < 2000, $"printed {big.Length} characters");
        Assert.Contains("99999", big);
    }
}
