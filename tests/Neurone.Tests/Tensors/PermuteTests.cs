using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class PermuteTests
{
    static IEnumerable<int[]> Permutations(int n) => n == 0
        ? [[]]
        : Permutations(n - 1).SelectMany(p => Enumerable.Range(0, n).Select(at => p.Take(at).Append(n - 1).Concat(p.Skip(at)).ToArray()));

    [Fact]
    public void EveryPermutationOfAwkwardShapesMatchesTheNaiveReference()
    {
        foreach (var shape in Naive.AwkwardShapes.Append([3, 2, 4, 5]).Append([2, 33, 40]))
        {
            var t = Naive.Sequence(shape);
            foreach (var dims in Permutations(shape.Length))
            {
                var p = t.Permute(dims);
                var outShape = dims.Select(d => shape[d]).ToArray();
                var expected = Naive.Build(outShape, i =>
                {
                    var src = new int[shape.Length];
                    for (int k = 0; k < dims.Length; k++) src[dims[k]] = i[k];
                    return t[src];
                });
                Naive.Equal(expected, p);
                // Negative dimensions name the same permutation.
                Naive.Equal(expected, t.Permute(dims.Select(d => d - shape.Length).ToArray()));
                // A view exactly when the dimensions of size above 1 keep their order (or there is nothing).
                var moved = dims.Where(d => shape[d] > 1).ToArray();
                bool inOrder = t.Count == 0 || moved.SequenceEqual(moved.Order());
                Assert.Equal(inOrder, p.SharesStorageWith(t));
            }
        }
    }

    [Fact]
    public void TransposeSwapsAnyTwoDimensions()
    {
        var t = Naive.Sequence(2, 3, 4, 5);
        for (int a = -4; a < 4; a++)
            for (int b = -4; b < 4; b++)
            {
                var dims = new[] { 0, 1, 2, 3 };
                int x = Naive.Wrap(a, 4), y = Naive.Wrap(b, 4);
                (dims[x], dims[y]) = (dims[y], dims[x]);
                Naive.Equal(t.Permute(dims), t.Transpose(a, b));
            }
        // A batch of matrix transposes (attention's Kᵀ) large enough to cross the transpose kernel's tiles.
        var k = Naive.Sequence(3, 2, 70, 33);
        var kt = k.Transpose(-2, -1);
        Assert.Equal(new[] { 3, 2, 33, 70 }, kt.ShapeArray());
        foreach (var i in Naive.Indices([3, 2, 70, 33])) Assert.Equal(k[i], kt[i[0], i[1], i[3], i[2]]);
        // A column turned into a row keeps its elements' order: a view.
        var column = Naive.Sequence(4, 1);
        Assert.True(column.Transpose(0, 1).SharesStorageWith(column));
    }

    [Fact]
    public void BadDimensionsNameTheShape()
    {
        var t = Tensor.Zeros(2, 3, 4);
        var e = Assert.Throws<ArgumentException>(() => t.Permute(0, 1));
        Assert.Contains("[2,3,4]", e.Message);
        Assert.Throws<ArgumentException>(() => t.Permute(0, 1, -2));
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => t.Transpose(0, 3));
        Assert.Contains("transpose: dimension 3 is out of range for shape [2,3,4] (rank 3, expected -3..2)", r.Message);
    }
}
