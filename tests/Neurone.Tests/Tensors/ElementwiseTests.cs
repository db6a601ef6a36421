using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class ElementwiseTests
{
    /// <summary>Naive broadcasting reference: computes every output element from its index.</summary>
    static float[] Reference(Tensor a, Tensor b, Func<float, float, float> f, out int[] shape)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        shape = new int[rank];
        int[] ea = Expand(a.ShapeArray(), rank), eb = Expand(b.ShapeArray(), rank);
        for (int i = 0; i < rank; i++) shape[i] = ea[i] == 1 ? eb[i] : ea[i];
        int count = shape.Aggregate(1, (x, y) => x * y);
        var result = new float[count];
        var av = a.ToArray(); var bv = b.ToArray();
        var index = new int[rank];
        for (int flat = 0; flat < count; flat++)
        {
            int rem = flat;
            for (int i = rank - 1; i >= 0; i--) { index[i] = rem % shape[i]; rem /= shape[i]; }
            result[flat] = f(av[Offset(index, ea)], bv[Offset(index, eb)]);
        }
        return result;
    }

    static int[] Expand(int[] s, int rank) => Enumerable.Repeat(1, rank - s.Length).Concat(s).ToArray();

    static int Offset(int[] index, int[] shape)
    {
        int o = 0;
        for (int i = 0; i < shape.Length; i++) o = o * shape[i] + (shape[i] == 1 ? 0 : index[i]);
        return o;
    }

    public static TheoryData<int[], int[]> BroadcastPairs => new()
    {
        { new[] { 3, 4 }, new[] { 3, 4 } },
        { new[] { 3, 4 }, new[] { 4 } },
        { new[] { 3, 4 }, new[] { 3, 1 } },
        { new[] { 3, 1 }, new[] { 1, 4 } },
        { new[] { 1 }, new[] { 2, 3 } },
        { new int[0], new[] { 2, 3 } },
        { new[] { 2, 3, 4, 5 }, new[] { 3, 1, 1 } },
        { new[] { 2, 1, 4, 1 }, new[] { 3, 1, 6 } },
        { new[] { 5, 1, 7 }, new[] { 1, 6, 1 } },
        { new[] { 1, 1, 1 }, new[] { 4 } },
        { new[] { 4, 0 }, new[] { 1 } },
        { new[] { 4, 0 }, new[] { 4, 1 } },
        { new[] { 1, 17 }, new[] { 65, 1 } },
    };

    [Theory]
    [MemberData(nameof(BroadcastPairs))]
    public void BinaryOpsMatchTheNaiveBroadcastReference(int[] sa, int[] sb)
    {
        var rng = new Rng(1);
        var a = Tensor.Rand(sa, rng, 0.5f, 2f);
        var b = Tensor.Rand(sb, rng, 0.5f, 2f);
        Check(a, b, Tensor.Add, (x, y) => x + y);
        Check(a, b, Tensor.Sub, (x, y) => x - y);
        Check(b, a, Tensor.Sub, (x, y) => x - y);
        Check(a, b, Tensor.Mul, (x, y) => x * y);
        Check(a, b, Tensor.Div, (x, y) => x / y);
        Check(b, a, Tensor.Div, (x, y) => x / y);
        Check(a, b, Tensor.Pow, MathF.Pow);
        Check(a, b, Tensor.Maximum, MathF.Max);
        Check(a, b, Tensor.Minimum, MathF.Min);
        Check(a, b, (p, q) => Tensor.Gt(p, q).Float(), (x, y) => x > y ? 1 : 0);
        Check(a, b, (p, q) => Tensor.Le(p, q).Float(), (x, y) => x <= y ? 1 : 0);
    }

    static void Check(Tensor a, Tensor b, Func<Tensor, Tensor, Tensor> op, Func<float, float, float> f)
    {
        var expected = Reference(a, b, f, out var shape);
        var actual = op(a, b);
        Assert.Equal(shape, actual.ShapeArray());
        var got = actual.ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - got[i]) <= 1e-5f * MathF.Max(1f, MathF.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {got[i]}");
    }

    [Fact]
    public void IncompatibleShapesNameTheOpAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4) + Tensor.Zeros(3));
        Assert.Contains("add", e.Message);
        Assert.Contains("[3,4]", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Mul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 3, 4)));
    }

    [Fact]
    public void ScalarOperatorsAndUnaryOps()
    {
        var x = Tensor.FromArray([-2f, -0.5f, 0f, 1f, 4f]);
        Assert.Equal(new float[] { -1, 0.5f, 1, 2, 5 }, (x + 1f).ToArray());
        Assert.Equal(new float[] { 3, 1.5f, 1, 0, -3 }, (1f - x).ToArray());
        Assert.Equal(new float[] { -4, -1, 0, 2, 8 }, (2f * x).ToArray());
        Assert.Equal(new float[] { -1, -0.25f, 0, 0.5f, 2 }, (x / 2f).ToArray());
        Assert.Equal(new float[] { 2, 0.5f, 0, -1, -4 }, (-x).ToArray());
        Assert.Equal(new float[] { 2, 0.5f, 0, 1, 4 }, x.Abs().ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 1, 4 }, x.Relu().ToArray());
        Assert.Equal(new float[] { -1, -0.5f, 0, 1, 1 }, x.Clamp(-1, 1).ToArray());
        Assert.Equal(new float[] { 4, 0.25f, 0, 1, 16 }, x.Square().ToArray());
        Assert.Equal(new[] { false, false, false, true, true }, x.Gt(0).ToBoolArray());
        Assert.Equal(new float[] { -2, -0.5f, 0, 0, 0 }, x.Minimum(0).ToArray());
        Assert.Equal(2f, x.Sqrt()[4]);
        Assert.True(float.IsNaN(x.Sqrt()[0]));
        Assert.Equal(float.NegativeInfinity, x.Log()[2]);
        Assert.Equal(MathF.Exp(1), x.Exp()[3], 6);
        Assert.Equal(MathF.Tanh(-0.5f), x.Tanh()[1], 6);
        Assert.Equal(1 / (1 + MathF.Exp(2)), x.Sigmoid()[0], 6);
        Assert.Equal(16f, x.Pow(2)[4]);
        Assert.Throws<ArgumentException>(() => x.Clamp(1, -1));
    }

    [Fact]
    public void MaximumPropagatesNaNAsPyTorchDoes()
    {
        var a = Tensor.FromArray([float.NaN, 1f]);
        var b = Tensor.FromArray([0f, float.NaN]);
        var m = Tensor.Maximum(a, b).ToArray();
        Assert.True(float.IsNaN(m[0]) && float.IsNaN(m[1]));
    }

    [Fact]
    public void OpsDoNotModifyTheirInputs()
    {
        var a = Tensor.FromArray([1f, 2f]);
        _ = a + a;
        _ = a.Exp();
        Assert.Equal(new float[] { 1, 2 }, a.ToArray());
    }
}
