using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;
using static Neurone.Tests.Gradients;

namespace Neurone.Tests.Nn;

/// <summary>F.CrossEntropy and F.NllLoss with Int64 targets: ignore index, label smoothing, the [N, C, d…] layout, bad targets.</summary>
public class CrossEntropyTests
{
    [Fact]
    public void GradientsWithIgnoreIndexSmoothingAndSpatialLayout()
    {
        var logits = Leaf([4, 3], 1, -2f, 2f);
        var target = Tensor.FromLongs([2, -100, 0, 1]);
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            Check(() => F.CrossEntropy(logits, target, reduction: reduction), logits);
            Check(() => F.CrossEntropy(logits, target, reduction: reduction, labelSmoothing: 0.3f), logits);
            Check(() => F.NllLoss(logits.LogSoftmax(1), target, reduction: reduction), logits);
        }
        var spatial = Leaf([2, 3, 2, 3], 2, -2f, 2f);
        var labels = Tensor.FromLongs([0, 2, 1, 7, 1, 0, 2, 2, 7, 0, 1, 2], 2, 2, 3);
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            Check(() => F.CrossEntropy(spatial, labels, ignoreIndex: 7, reduction: reduction, labelSmoothing: 0.2f), spatial);
            Check(() => F.NllLoss(spatial.LogSoftmax(1), labels, ignoreIndex: 7, reduction: reduction), spatial);
        }
        var soft = Tensor.Rand([2, 3, 2, 3], new Rng(3)).Softmax(1);
        Check(() => F.CrossEntropy(spatial, soft, labelSmoothing: 0.1f), spatial);
        var one = Leaf([5], 4);
        Check(() => F.CrossEntropy(one, Tensor.FromLongs([3]).Reshape()), one);
    }

    [Fact]
    public void IgnoredTargetsAddNothingAndAreNotCounted()
    {
        var logits = Tensor.FromArray([2f, 0f, 0f, 5f, 1f, -1f], 2, 3);
        var kept = F.CrossEntropy(logits.Slice(0, 1), Tensor.FromLongs([0])).Item();
        Assert.Equal(kept, F.CrossEntropy(logits, Tensor.FromLongs([0, -100])).Item(), 6);
        Assert.Equal(kept, F.CrossEntropy(logits, Tensor.FromLongs([0, 1]), ignoreIndex: 1).Item(), 6);
        var none = F.CrossEntropy(logits, Tensor.FromLongs([0, -100]), reduction: Reduction.None);
        Assert.Equal([2], none.ShapeArray());
        Assert.Equal(0f, none[1]);
        // Nothing counted: a mean of nothing is NaN, as in PyTorch.
        Assert.True(float.IsNaN(F.CrossEntropy(logits, Tensor.FromLongs([-100, -100])).Item()));
        var x = Leaf([2, 3], 5);
        F.CrossEntropy(x, Tensor.FromLongs([1, -100])).Backward();
        Assert.Equal([0f, 0f, 0f], x.Grad!.ToArray()[3..]);
    }

    [Fact]
    public void SpatialLayoutEqualsTheFlattenedOne()
    {
        // [N, C, d] against the same positions moved to rows of [N·d, C].
        var x = Tensor.Randn([2, 4, 3], new Rng(6));
        var t = Tensor.FromLongs([3, 0, 1, 2, -100, 3], 2, 3);
        var rows = x.Permute(0, 2, 1).Reshape(6, 4);
        Assert.Equal(F.CrossEntropy(rows, t.Reshape(6), labelSmoothing: 0.1f).Item(), F.CrossEntropy(x, t, labelSmoothing: 0.1f).Item(), 5);
        var none = F.CrossEntropy(x, t, reduction: Reduction.None);
        Assert.Equal([2, 3], none.ShapeArray());
    }

    [Fact]
    public void BadTargetsNameTheOpShapesAndDType()
    {
        var logits = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.FromArray([0f, 1f])));
        Assert.Contains("cross_entropy", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Contains("Float32", e.Message);
        Assert.Contains("[2,3]", e.Message);
        Assert.Contains("[2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.FromLongs([0, 3])));
        Assert.Contains("target 3 at position 1", e.Message);
        Assert.Contains("[0, 3)", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.FromLongs([0, -1])));
        Assert.Contains("target -1", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(logits, Tensor.FromLongs([0, 1, 2])));
        Assert.Contains("shape [2]", e.Message);
        Assert.Contains("[3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(2, 3, 4), Tensor.FromLongs([0, 1])));
        Assert.Contains("[2,4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.NllLoss(logits, Tensor.FromBools([true, false])));
        Assert.Contains("nll_loss", e.Message);
        Assert.Contains("Bool", e.Message);
        e = Assert.Throws<ArgumentException>(() => new MultiMarginLoss().Forward(logits, Tensor.FromArray([0f, 1f])));
        Assert.Contains("MultiMarginLoss", e.Message);
        Assert.Contains("Float32", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(logits, Tensor.FromLongs([0, 1]), labelSmoothing: 1.5f));
        e = Assert.Throws<ArgumentException>(() => new MultiMarginLoss().Forward(logits, Tensor.FromLongs([0, long.MinValue])));
        Assert.Contains("MultiMarginLoss", e.Message);
        // Binary and regression losses take float targets, as PyTorch: labels are named, not misread.
        e = Assert.Throws<ArgumentException>(() => new BCEWithLogitsLoss().Forward(Tensor.Zeros(2), Tensor.FromLongs([0, 1])));
        Assert.Contains("binary_cross_entropy_with_logits", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Contains("Float()", e.Message);
    }
}
