using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class TriangularTests
{
    public static TheoryData<int[]> Shapes => new() { new[] { 4, 4 }, new[] { 3, 5 }, new[] { 5, 2 }, new[] { 2, 3, 4 }, new[] { 2, 1, 3, 3 }, new[] { 0, 3 }, new[] { 3, 0 }, new[] { 1, 1 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TrilAndTriuKeepTheRightElementsOfEveryMatrix(int[] shape)
    {
        var t = Naive.Sequence(shape);
        int r = shape.Length;
        for (int diagonal = -6; diagonal <= 6; diagonal++)
        {
            int k = diagonal;
            Naive.Equal(Naive.Build(shape, i => i[r - 1] - i[r - 2] <= k ? t[i] : 0), t.Tril(diagonal));
            Naive.Equal(Naive.Build(shape, i => i[r - 1] - i[r - 2] >= k ? t[i] : 0), t.Triu(diagonal));
        }
        Assert.False(t.Tril().SharesStorageWith(t));
    }

    [Fact]
    public void VectorsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Tril());
        Assert.Equal("tril: expected a tensor with at least 2 dimensions, got shape [3].", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Scalar(1).Triu());
    }

    [Fact]
    public void ExtremeDiagonalsDoNotOverflow()
    {
        var t = Naive.Sequence(2, 2);
        Naive.Equal(t, t.Tril(int.MaxValue));
        Naive.Equal(Tensor.Zeros(2, 2), t.Tril(int.MinValue));
        Naive.Equal(t, t.Triu(int.MinValue));
        Naive.Equal(Tensor.Zeros(2, 2), t.Triu(int.MaxValue));
    }
}
