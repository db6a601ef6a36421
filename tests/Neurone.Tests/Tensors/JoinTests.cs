using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class JoinTests
{
    [Fact]
    public void CatMatchesTheNaiveReferenceOnEveryDimension()
    {
        foreach (var shape in Naive.AwkwardShapes)
            for (int dim = -shape.Length; dim < shape.Length; dim++)
            {
                int d = Naive.Wrap(dim, shape.Length);
                var sizes = new[] { 2, 0, 1 };
                var parts = sizes.Select((n, p) =>
                {
                    var s = (int[])shape.Clone();
                    s[d] = n;
                    return Naive.Build(s, i => 1000 * p + i.Aggregate(0, (a, b) => 10 * a + b));
                }).ToArray();
                var joined = Tensor.Cat(parts, dim);
                var expectedShape = (int[])shape.Clone();
                expectedShape[d] = 3;
                var expected = Naive.Build(expectedShape, i =>
                {
                    int at = i[d], p = at < 2 ? 0 : 2;
                    var j = (int[])i.Clone();
                    j[d] = at < 2 ? at : 0;
                    return parts[p][j];
                });
                Naive.Equal(expected, joined);
                Assert.False(joined.SharesStorageWith(parts[0]));
            }
    }

    [Fact]
    public void StackInsertsANewDimensionAnywhere()
    {
        foreach (var shape in Naive.AwkwardShapes)
            for (int dim = -shape.Length - 1; dim <= shape.Length; dim++)
            {
                int d = Naive.Wrap(dim, shape.Length + 1);
                var parts = Enumerable.Range(0, 3).Select(p => Naive.Build(shape, i => 1000 * p + i.Aggregate(0, (a, b) => 10 * a + b))).ToArray();
                var stacked = Tensor.Stack(parts, dim);
                var expectedShape = shape.Take(d).Append(3).Concat(shape.Skip(d)).ToArray();
                var expected = Naive.Build(expectedShape, i => parts[i[d]][i.Where((_, k) => k != d).ToArray()]);
                Naive.Equal(expected, stacked);
            }
        // Scalars stack into a vector.
        Assert.Equal(new float[] { 1, 2 }, Tensor.Stack([Tensor.Scalar(1), Tensor.Scalar(2)]).ToArray());
    }

    [Fact]
    public void BadInputNamesTheOpAndTheShapes()
    {
        var a = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Cat([a, Tensor.Zeros(2, 3), Tensor.Zeros(3, 3)], 1));
        Assert.Equal("cat: tensor 2 has shape [3,3], which differs from [2,3] outside dimension 1.", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Cat([a, Tensor.Zeros(2, 3, 1)]));
        Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Scalar(1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Cat([a], 2));
        var s = Assert.Throws<ArgumentException>(() => Tensor.Stack([a, Tensor.Zeros(3, 2)]));
        Assert.Contains("stack", s.Message);
        Assert.Contains("[2,3]", s.Message);
        Assert.Contains("[3,2]", s.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Stack([a, a], 3));
        Assert.Contains("stack: dimension 3 is out of range", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Stack([a, a], -4));
        Assert.Contains("stack: tensor 1 is null", Assert.Throws<ArgumentNullException>(() => Tensor.Stack([a, null!])).Message);
        Assert.Contains("cat: tensor 1 is null", Assert.Throws<ArgumentNullException>(() => Tensor.Cat([a, null!])).Message);
        Assert.Contains("cat: tensor 0 is null", Assert.Throws<ArgumentNullException>(() => Tensor.Cat([null!, a])).Message);
    }
}
