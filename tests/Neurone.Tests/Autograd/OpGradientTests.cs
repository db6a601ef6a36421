using static Neurone.Tests.Gradients;
using Neurone.Autograd;
using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Tests.Autograd;

/// <summary>Every differentiable tensor op, checked against finite differences.</summary>
public class OpGradientTests
{


    public static TheoryData<int[], int[]> Pairs => new()
    {
        { new[] { 1, 3 }, new[] { 1, 3 } },
        { new[] { 4, 3 }, new[] { 3 } },
        { new[] { 4, 1 }, new[] { 1, 5 } },
        { new[] { 2, 3, 4 }, new[] { 3, 1 } },
        { new int[0], new[] { 2, 2 } },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void BroadcastingBinaryOps(int[] sa, int[] sb)
    {
        var a = Leaf(sa, 1);
        var b = Leaf(sb, 2);
        Check(() => a + b, a, b);
        Check(() => a - b, a, b);
        Check(() => a * b, a, b);
        var pa = Leaf(sa, 3, 0.5f, 2f);
        var pb = Leaf(sb, 4, 0.5f, 2f);
        Check(() => pa / pb, pa, pb);
        Check(() => Tensor.Pow(pa, pb), pa, pb);
        Check(() => Tensor.Maximum(a, b), a, b);
        Check(() => Tensor.Minimum(a, b), a, b);
    }

    [Fact]
    public void SumOfSquaresHasTheGradientsAndBitsOfTheSquaresSum()
    {
        // A leaf (gradient written into .Grad), an intermediate, and an input with a second use.
        var w = Leaf([3, 4], 8);
        Check(() => F.SumOfSquares(w) * 0.3f, w);
        var a = Leaf([3, 4], 9);
        Check(() => F.SumOfSquares(a * 2f), a);
        Check(() => F.SumOfSquares(a) + (a.Square() * a).Sum(), a);
        Assert.Equal("sum_of_squares", F.SumOfSquares(w).GradFn!.Name);
        // Σ of a square is an ordinary sum now: no op recognises another by its name.
        Assert.Equal("sum", w.Square().Sum().GradFn!.Name);

        // The same bits as the unfused ops, value and (x + x)·g, written fresh and then accumulated; sizes past
        // a vector and past the 1024-float block.
        foreach (int n in new[] { 35, 2053 })
        {
            var x = Leaf([n], 10);
            var values = x.ToArray();
            Assert.Equal(x.Square().Sum().Item(), F.SumOfSquares(x).Item());
            (F.SumOfSquares(x) * 0.25f).Backward();
            Assert.Equal(values.Select(v => (v + v) * 0.25f), x.Grad!.ToArray());
            F.SumOfSquares(x).Backward();
            Assert.Equal(values.Select(v => (v + v) * 0.25f + (v + v)), x.Grad!.ToArray());
            var y = Leaf([n], 11);
            var viaSquare = y.Square().Sum() * 0.25f;
            viaSquare.Backward();
            var expected = y.Grad!.ToArray();
            y.Grad = null;
            (F.SumOfSquares(y) * 0.25f).Backward();
            Assert.Equal(expected, y.Grad!.ToArray());
        }
    }

    [Fact]
    public void ScalarOperators()
    {
        var a = Leaf([2, 3], 5, 0.5f, 2f);
        Check(() => a + 2f, a);
        Check(() => 2f - a, a);
        Check(() => a - 2f, a);
        Check(() => a * -3f, a);
        Check(() => a / 4f, a);
        Check(() => 3f / a, a);
        Check(() => -a, a);
    }

    [Fact]
    public void UnaryOps()
    {
        var x = Leaf([3, 4], 6);
        var positive = Leaf([3, 4], 7, 0.5f, 2f);
        // Keep ReLU, abs and clamp inputs away from their kinks by more than the step.
        var kinked = Tensor.FromArray([-0.9f, -0.5f, -0.2f, 0.3f, 0.6f, 1.1f], 2, 3);
        kinked.RequiresGrad = true;
        Check(() => x.Exp(), x);
        Check(() => positive.Log(), positive);
        Check(() => positive.Sqrt(), positive);
        Check(() => x.Tanh(), x);
        Check(() => x.Sigmoid(), x);
        Check(() => x.Square(), x);
        Check(() => positive.Pow(2.5f), positive);
        Check(() => kinked.Relu(), kinked);
        Check(() => kinked.Abs(), kinked);
        Check(() => kinked.Clamp(-0.4f, 0.5f), kinked);
        Check(() => kinked.Maximum(0f), kinked);
        Check(() => kinked.Minimum(0.1f), kinked);
    }

    [Fact]
    public void ReluGradientOnAVectorLengthWithATail()
    {
        // 37 elements: whole SIMD vectors plus a scalar tail, values at least 0.05 from the kink.
        var x = Tensor.FromArray(Enumerable.Range(0, 37).Select(i => (i % 3 == 0 ? -1f : 1f) * (0.05f + 0.01f * i)).ToArray());
        x.RequiresGrad = true;
        Check(() => x.Relu(), x);
        x.Grad = null;
        x.Relu().Backward(Tensor.Full([37], 2f));
        Assert.Equal(x.ToArray().Select(v => v > 0 ? 2f : 0f).ToArray(), x.Grad!.ToArray());
    }

    [Theory]
    [InlineData(1, 5, 3)]
    [InlineData(4, 7, 2)]
    public void MatMulInEveryTransposeAndBatchedForm(int m, int k, int n)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                var a = Leaf(ta ? [k, m] : [m, k], 8);
                var b = Leaf(tb ? [n, k] : [k, n], 9);
                Check(() => Tensor.MatMul(a, b, ta, tb), a, b);
            }
        var a3 = Leaf([2, m, k], 10);
        var b3 = Leaf([2, k, n], 11);
        var b2 = Leaf([k, n], 12);
        var a2 = Leaf([m, k], 13);
        Check(() => Tensor.MatMul(a3, b3), a3, b3);
        Check(() => Tensor.MatMul(a3, b2), a3, b2);
        Check(() => Tensor.MatMul(a2, b3), a2, b3);
        var bt = Leaf([n, k], 14);
        Check(() => Tensor.MatMul(a3, bt, transposeB: true), a3, bt);
        var v = Leaf([k], 15);
        Check(() => Tensor.MatMul(v, b2), v, b2);
        Check(() => Tensor.MatMul(a2, v), a2, v);
        Check(() => Tensor.MatMul(v, v), v);
    }

    [Fact]
    public void Reductions()
    {
        var x = Leaf([3, 4, 2], 16);
        // Max and min need values further apart than the step, or the perturbation switches the winner.
        var spread = Tensor.FromArray(new Rng(16).Permutation(24).Select(i => i * 0.1f).ToArray(), 3, 4, 2);
        spread.RequiresGrad = true;
        Check(() => x.Sum(), x);
        Check(() => x.Mean(), x);
        Check(() => spread.Max(), spread);
        Check(() => spread.Min(), spread);
        for (int axis = -1; axis < 3; axis++)
        {
            int ax = axis;
            Check(() => x.Sum(ax), x);
            Check(() => x.Sum(ax, keepDim: true), x);
            Check(() => x.Mean(ax), x);
            Check(() => spread.Max(ax), spread);
            Check(() => spread.Min(ax, keepDim: true), spread);
            Check(() => x.Var(ax), x);
            Check(() => x.Var(ax, keepDim: true, correction: 0), x);
        }
        var single = Leaf([1, 5], 17);
        Check(() => single.Max(0), single);
        Check(() => single.Mean(1), single);
    }

    [Fact]
    public void MaxTiesShareTheGradient()
    {
        var x = Tensor.FromArray([1f, 3f, 3f]);
        x.RequiresGrad = true;
        x.Max().Backward();
        Assert.Equal(new float[] { 0, 0.5f, 0.5f }, x.Grad!.ToArray());
    }

    [Fact]
    public void LayoutOps()
    {
        var x = Leaf([4, 3, 2], 18);
        Check(() => x.Reshape(6, 4), x);
        Check(() => x.Flatten(1), x);
        Check(() => x.Unsqueeze(1).Squeeze(1), x);
        Check(() => x.Slice(1, 2), x);
        Check(() => x.Row(3), x);
        Check(() => x.GatherRows([3, 0, 3, 1]), x);
        Check(() => x.Permute(2, 0, 1), x);
        Check(() => x.Transpose(0, 2), x);
        Check(() => x.Clone(), x);
        var m = Leaf([3, 5], 19);
        Check(() => m.T(), m);
        var y = Leaf([4, 1, 2], 20);
        Check(() => Tensor.Concat([x, y], dim: 1), x, y);
        Check(() => Tensor.Concat([x, x], dim: 0), x);
        var z = Leaf([4, 3, 2], 21);
        Check(() => Tensor.Stack([x, z], dim: 2), x, z);
    }

    [Fact]
    public void ACompositeExpressionThroughManyOps()
    {
        var w = Leaf([5, 3], 22);
        var x = Leaf([2, 5], 23);
        var b = Leaf([3], 24);
        Check(() => (Tensor.MatMul(x, w) + b).Tanh().Square().Mean(1).Sum(), w, x, b);
    }
}
