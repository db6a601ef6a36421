using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class ExpandTests
{
    [Theory]
    [InlineData(new[] { 3, 1 }, new[] { 3, 4 })]
    [InlineData(new[] { 1 }, new[] { 2, 3, 5 })]
    [InlineData(new[] { 2, 1, 3 }, new[] { 4, 2, 5, 3 })]
    [InlineData(new[] { 1, 1 }, new[] { 0, 1 })]
    [InlineData(new int[0], new[] { 2, 2 })]
    [InlineData(new[] { 2, 1, 1, 1, 2 }, new[] { 2, 3, 1, 2, 2 })]
    public void ExpandRepeatsSizeOneAndLeadingDimensions(int[] shape, int[] target)
    {
        var t = Naive.Sequence(shape);
        var e = t.Expand(target);
        int lead = target.Length - shape.Length;
        Naive.Equal(Naive.Build(target, i => t[i.Skip(lead).Select((v, k) => shape[k] == 1 ? 0 : v).ToArray()]), e);
        Assert.False(e.SharesStorageWith(t));
        // -1 keeps a size.
        var keep = target.Select((v, k) => k >= lead && shape[k - lead] == v ? -1 : v).ToArray();
        Naive.Equal(e, t.Expand(keep));
        Naive.Equal(e, t.ExpandAs(Tensor.Zeros(target)));
    }

    [Fact]
    public void ExpandToTheSameShapeIsAView()
    {
        var t = Naive.Sequence(2, 3);
        Assert.True(t.Expand(2, 3).SharesStorageWith(t));
        Assert.True(t.Expand(-1, -1).SharesStorageWith(t));
    }

    [Fact]
    public void BadSizesNameTheShapes()
    {
        var t = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => t.Expand(4, 3));
        Assert.Equal("expand: shape [2,3] cannot be expanded to [4,3] — dimension 0 has size 2, which is not 1 and not 4.", e.Message);
        Assert.Throws<ArgumentException>(() => t.Expand(3));
        Assert.Throws<ArgumentException>(() => t.Expand(-1, 2, 3));
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(1, 3).Expand(-2, 3));
    }
}
