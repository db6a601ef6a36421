using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Tests.Optim;

public class ClipGradTests
{
    static Tensor WithGrad(float[] grad)
    {
        var p = new Tensor(grad.Length);
        p.RequiresGrad = true;
        p.Grad = Tensor.FromArray(grad);
        return p;
    }

    [Fact]
    public void ScalesAllGradientsTogetherByTheTotalNorm()
    {
        var a = WithGrad([3f, 4f]);
        var b = WithGrad([12f]);
        var idle = new Tensor(2) { RequiresGrad = true };
        double total = ClipGrad.ClipGradNorm([a, idle, b], maxNorm: 6.5);
        Assert.Equal(13.0, total, 12);
        double coef = 6.5 / (13 + 1e-6);
        Assert.Equal([(float)(3 * coef), (float)(4 * coef)], a.Grad!.ToArray());
        Assert.Equal([(float)(12 * coef)], b.Grad!.ToArray());
        Assert.Null(idle.Grad);
    }

    [Fact]
    public void LeavesGradientsBelowTheLimitAlone()
    {
        var a = WithGrad([3f, 4f]);
        Assert.Equal(5.0, ClipGrad.ClipGradNorm([a], maxNorm: 10), 12);
        Assert.Equal([3f, 4f], a.Grad!.ToArray());
    }

    [Fact]
    public void InfinityNormIsTheLargestMagnitude()
    {
        var a = WithGrad([1f, -7f]);
        var b = WithGrad([5f]);
        Assert.Equal(7.0, ClipGrad.ClipGradNorm([a, b], maxNorm: 3.5, normType: double.PositiveInfinity));
        double coef = 3.5 / (7 + 1e-6);
        Assert.Equal([(float)coef, (float)(-7 * coef)], a.Grad!.ToArray());
    }

    [Fact]
    public void OtherNormTypes()
    {
        Assert.Equal(9.0, ClipGrad.ClipGradNorm([WithGrad([1f, -3f]), WithGrad([5f])], maxNorm: 100, normType: 1), 12);
        Assert.Equal(Math.Pow(1 + 27 + 125, 1.0 / 3), ClipGrad.ClipGradNorm([WithGrad([1f, -3f]), WithGrad([5f])], maxNorm: 100, normType: 3), 12);
    }

    [Fact]
    public void LargeGradientsAreSummedAccurately()
    {
        var g = Enumerable.Range(0, 100_003).Select(i => (float)Math.Sin(i)).ToArray();
        double expected = Math.Sqrt(g.Sum(x => (double)x * x));
        Assert.Equal(expected, ClipGrad.ClipGradNorm([WithGrad(g)], maxNorm: 1e9), expected * 1e-7);
    }

    [Fact]
    public void NoGradientsGiveZero() =>
        Assert.Equal(0.0, ClipGrad.ClipGradNorm([new Tensor(3) { RequiresGrad = true }], 1.0));

    [Fact]
    public void NonFiniteNormThrowsOnlyWhenAsked()
    {
        var a = WithGrad([float.NaN, 1f]);
        Assert.Throws<InvalidOperationException>(() => ClipGrad.ClipGradNorm([a], 1.0, errorIfNonfinite: true));
        Assert.Equal([float.NaN, 1f], a.Grad!.ToArray());
        Assert.True(double.IsNaN(ClipGrad.ClipGradNorm([a], 1.0)));
    }

    [Fact]
    public void ClipGradValueClampsEveryElement()
    {
        var a = WithGrad([-3f, -0.5f, 0.2f, 9f]);
        ClipGrad.ClipGradValue([a], 1.0);
        Assert.Equal([-1f, -0.5f, 0.2f, 1f], a.Grad!.ToArray());
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var a = WithGrad([1f]);
        Assert.Throws<ArgumentNullException>(() => ClipGrad.ClipGradNorm((IEnumerable<Tensor>)null!, 1));
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.ClipGradNorm([a], -1)).ParamName);
        Assert.Equal("maxNorm", Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.ClipGradNorm([a], double.NaN)).ParamName);
        Assert.Equal("normType", Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.ClipGradNorm([a], 1, normType: 0)).ParamName);
        Assert.Equal("normType", Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.ClipGradNorm([a], 1, normType: double.NegativeInfinity)).ParamName);
        Assert.Equal("clipValue", Assert.Throws<ArgumentOutOfRangeException>(() => ClipGrad.ClipGradValue([a], -0.1)).ParamName);
        Assert.Throws<ArgumentNullException>(() => ClipGrad.ClipGradValue((IEnumerable<Tensor>)null!, 1));
    }
}
