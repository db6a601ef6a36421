using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class MatMulTests
{
    static double[,] Naive(Tensor a, Tensor b, bool ta, bool tb)
    {
        int m = ta ? a.Size(1) : a.Size(0), k = ta ? a.Size(0) : a.Size(1), n = tb ? b.Size(0) : b.Size(1);
        var r = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)(ta ? a[p, i] : a[i, p]) * (tb ? b[j, p] : b[p, j]);
                r[i, j] = s;
            }
        return r;
    }

    static void AssertClose(double[,] expected, Tensor actual)
    {
        Assert.Equal(new[] { expected.GetLength(0), expected.GetLength(1) }, actual.ShapeArray());
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i, j]) < 1e-4 * Math.Max(1, Math.Abs(expected[i, j])), $"[{i},{j}]: expected {expected[i, j]}, got {actual[i, j]}");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 5, 3)]
    [InlineData(33, 65, 17)]
    public void TwoDimensionalProductsInEveryTransposeMatchTheReference(int m, int k, int n)
    {
        var rng = new Rng(8);
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var a = Tensor.Randn(ta ? [k, m] : [m, k], rng);
                var b = Tensor.Randn(tb ? [n, k] : [k, n], rng);
                AssertClose(Naive(a, b, ta, tb), Tensor.MatMul(a, b, ta, tb));
            }
    }

    [Fact]
    public void BatchedProductsMultiplyEachBatch()
    {
        var rng = new Rng(9);
        var a = Tensor.Randn([3, 4, 5], rng);
        var b = Tensor.Randn([3, 5, 2], rng);
        var c = Tensor.MatMul(a, b);
        Assert.Equal(new[] { 3, 4, 2 }, c.ShapeArray());
        for (int i = 0; i < 3; i++) AssertClose(Naive(a.Row(i), b.Row(i), false, false), c.Row(i));

        var shared = Tensor.Randn([5, 2], rng);
        var d = Tensor.MatMul(a, shared);
        for (int i = 0; i < 3; i++) AssertClose(Naive(a.Row(i), shared, false, false), d.Row(i));

        var left = Tensor.Randn([4, 5], rng);
        var e = Tensor.MatMul(left, b);
        for (int i = 0; i < 3; i++) AssertClose(Naive(left, b.Row(i), false, false), e.Row(i));

        var bt = Tensor.Randn([3, 2, 5], rng);
        var f = Tensor.MatMul(a, bt, transposeB: true);
        for (int i = 0; i < 3; i++) AssertClose(Naive(a.Row(i), bt.Row(i), false, true), f.Row(i));
    }

    [Fact]
    public void VectorsAreRowsOnTheLeftAndColumnsOnTheRight()
    {
        var v = Tensor.FromArray([1f, 2f, 3f]);
        var m = Tensor.FromArray([1f, 0f, 0f, 1f, 1f, 1f], 3, 2);
        Assert.Equal(new float[] { 4, 5 }, Tensor.MatMul(v, m).ToArray());
        Assert.Equal(new[] { 2 }, Tensor.MatMul(v, m).ShapeArray());
        Assert.Equal(new float[] { 1, 5 }, Tensor.MatMul(Tensor.FromArray([1f, 0f, 0f, 0f, 1f, 1f], 2, 3), v).ToArray());
        var dot = Tensor.MatMul(v, v);
        Assert.Equal(0, dot.Rank);
        Assert.Equal(14f, dot.Item());
    }

    [Fact]
    public void MismatchedInnerDimensionsNameBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(128, 784), Tensor.Zeros(512, 784)));
        Assert.Equal("matmul: [128,784] x [512,784] — inner dimensions 784 and 512 differ.", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 4, 5)));
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Scalar(1), Tensor.Zeros(1)));
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(1, 1, 1, 2), Tensor.Zeros(1)));
        // transposeB makes these compatible: [128,784]·[512,784]ᵀ
        Assert.Equal(new[] { 128, 512 }, Tensor.MatMul(Tensor.Zeros(128, 784), Tensor.Zeros(512, 784), transposeB: true).ShapeArray());
    }

    [Fact]
    public void EmptyInnerDimensionGivesZeros()
    {
        var c = Tensor.MatMul(Tensor.Zeros(3, 0), Tensor.Zeros(0, 2));
        Assert.Equal(new float[6], c.ToArray());
    }
}
