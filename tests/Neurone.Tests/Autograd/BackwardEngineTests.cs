using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Tests.Autograd;

public class BackwardEngineTests
{
    static Tensor Leaf(params float[] v)
    {
        var t = Tensor.FromArray(v);
        t.RequiresGrad = true;
        return t;
    }

    [Fact]
    public void ABufferOnlyTheBackwardReadsIsReleasedOnceTheGraphIsFreed()
    {
        int released = 0;
        Tensor Op(Tensor x) => Graph.RecordWithRelease(x * 1f, "probe", [x], g => [g * 2f], () => released++);
        var x = Leaf(1f, 2f);
        var kept = Op(x).Sum();
        kept.Backward(retainGraph: true);
        Assert.Equal(0, released); // the graph is kept: a second pass will need the buffer
        kept.Backward();
        Assert.Equal(1, released);
        Assert.Equal(new float[] { 4, 4 }, x.Grad!.ToArray());
        Assert.Throws<InvalidOperationException>(() => kept.Backward());
        Assert.Equal(1, released);
        using (GradMode.NoGrad()) Op(x);
        Assert.Equal(2, released); // nothing recorded: released at once
    }

    [Fact]
    public void GradientsOfAReusedTensorAreSummed()
    {
        var x = Leaf(2f, 3f);
        var y = (x * x + x * 3f).Sum(); // dy/dx = 2x + 3
        y.Backward();
        Assert.Equal(new float[] { 7, 9 }, x.Grad!.ToArray());
    }

    [Fact]
    public void BackwardAccumulatesUntilZeroGrad()
    {
        var x = Leaf(1f);
        (x * 2f).Sum().Backward();
        (x * 2f).Sum().Backward();
        Assert.Equal(4f, x.Grad!.Item());
        x.ZeroGrad();
        Assert.Equal(0f, x.Grad!.Item());
    }

    [Fact]
    public void ABackwardAfterZeroGradReplacesTheOldGradientAndKeepsItsBuffer()
    {
        var x = Leaf(1f, 2f);
        (x * 3f).Sum().Backward();
        var buffer = x.Grad!;
        x.ZeroGrad();
        (x * 5f).Sum().Backward();
        Assert.Same(buffer, x.Grad);
        Assert.Equal(new float[] { 5, 5 }, x.Grad!.ToArray());
        (x * 1f).Sum().Backward();
        Assert.Equal(new float[] { 6, 6 }, x.Grad!.ToArray());
    }

    [Fact]
    public void ASecondBackwardThroughAFreedGraphIsAClearError()
    {
        var x = Leaf(1f, 2f);
        var y = (x.Exp() * 2f).Sum();
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("retainGraph", e.Message);

        var z = (x.Exp() * 2f).Sum();
        x.Grad = null;
        z.Backward(retainGraph: true);
        z.Backward();
        Assert.Equal(4 * MathF.Exp(1), x.Grad!.ToArray()[0], 4);
    }

    [Fact]
    public void NoGradRecordsNothingAndDetachCutsTheGraph()
    {
        var x = Leaf(1f, 2f);
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            var y = x * 2f;
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
        }
        Assert.True(GradMode.IsEnabled);
        var d = (x * 2f).Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        var z = x * 2f;
        Assert.True(z.RequiresGrad);
        Assert.Equal("mul_scalar", z.GradFn!.Name);
    }

    [Fact]
    public void NonScalarBackwardNeedsAGradientOfTheRightShape()
    {
        var x = Leaf(1f, 2f);
        var y = x * 3f;
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones(3)));
        y.Backward(Tensor.FromArray([1f, 10f]));
        Assert.Equal(new float[] { 3, 30 }, x.Grad!.ToArray());
        Assert.Throws<InvalidOperationException>(() => Tensor.Ones(1).Backward());
    }

    [Fact]
    public void RetainGradKeepsAnIntermediateGradient()
    {
        var x = Leaf(1f, 2f);
        var h = x * 3f;
        h.RetainGrad();
        (h * h).Sum().Backward();
        Assert.Equal(new float[] { 6, 12 }, h.Grad!.ToArray());
        Assert.Equal(new float[] { 18, 36 }, x.Grad!.ToArray());
    }

    [Fact]
    public void OnlyLeavesMayTurnOffRequiresGrad()
    {
        var x = Leaf(1f);
        var y = x * 2f;
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        x.RequiresGrad = false;
        Assert.False(x.RequiresGrad);
    }

    [Fact]
    public void ADeepChainDoesNotOverflowTheStack()
    {
        var x = Leaf(1f);
        var y = x;
        for (int i = 0; i < 20_000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Item());
    }
}
