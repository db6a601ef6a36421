using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class NarrowTests
{
    static Tensor Reference(Tensor t, int d, int start, int length)
    {
        var shape = t.ShapeArray();
        shape[d] = length;
        return Naive.Build(shape, i => { var j = (int[])i.Clone(); j[d] += start; return t[j]; });
    }

    [Fact]
    public void NarrowMatchesTheNaiveReferenceOnEveryDimensionOfAwkwardShapes()
    {
        foreach (var shape in Naive.AwkwardShapes)
        {
            var t = Naive.Sequence(shape);
            for (int dim = -shape.Length; dim < shape.Length; dim++)
            {
                int d = Naive.Wrap(dim, shape.Length), size = shape[d];
                for (int start = 0; start <= size; start++)
                    for (int length = 0; start + length <= size; length++)
                    {
                        var part = t.Narrow(dim, start, length);
                        Naive.Equal(Reference(t, d, start, length), part);
                        // A view exactly when the part is one contiguous run of the storage.
                        bool contiguous = shape.Take(d).Aggregate(1, (a, b) => a * b) == 1 || length == size || part.Count == 0;
                        Assert.Equal(contiguous, part.SharesStorageWith(t));
                    }
                if (size > 0) Naive.Equal(Reference(t, d, size - 1, 1), t.Narrow(dim, -1, 1));
            }
        }
    }

    [Fact]
    public void ANarrowViewWritesThroughAndACopyDoesNot()
    {
        var t = Naive.Sequence(4, 3);
        t.Narrow(0, 1, 2)[0, 0] = -1;
        Assert.Equal(-1f, t[1, 0]);
        var copy = t.Narrow(1, 1, 1);
        copy[0, 0] = -2;
        Assert.Equal(2f, t[0, 1]);
        // Leading size-1 dimensions do not stop a view.
        var u = Naive.Sequence(1, 1, 6, 2);
        Assert.True(u.Narrow(2, 3, 2).SharesStorageWith(u));
        Assert.Equal(new float[] { 7, 8, 9, 10 }, u.Narrow(2, 3, 2).ToArray());
    }

    [Fact]
    public void ChunkAndSplitFollowPyTorchsSizes()
    {
        var t = Naive.Sequence(3, 6, 2);
        int[] Sizes(Tensor[] parts, int d) => parts.Select(p => p.Size(d)).ToArray();
        Assert.Equal(new[] { 2, 2, 2 }, Sizes(t.Chunk(3, 1), 1));
        Assert.Equal(new[] { 2, 2, 2 }, Sizes(t.Chunk(4, 1), 1)); // ⌈6/4⌉ = 2: three parts, not four
        Assert.Equal(new[] { 1, 1, 1, 1, 1, 1 }, Sizes(t.Chunk(9, -2), 1));
        Assert.Equal(new[] { 2, 1 }, Sizes(t.Chunk(2), 0));
        Assert.Equal(new[] { 4, 2 }, Sizes(t.Split(4, 1), 1));
        Assert.Equal(new[] { 1, 0, 5 }, Sizes(t.Split([1, 0, 5], 1), 1));
        Assert.Equal(new[] { 0, 0, 0 }, Sizes(Tensor.Zeros(2, 0).Chunk(3, 1), 1));
        Assert.Equal(new[] { 0 }, Sizes(Tensor.Zeros(2, 0).Split(3, 1), 1));
        Assert.Equal(new[] { 0 }, Sizes(Tensor.Zeros(2, 0).Split(0, 1), 1));

        // The parts put back together are the tensor, on every dimension.
        foreach (var shape in Naive.AwkwardShapes)
        {
            var x = Naive.Sequence(shape);
            for (int d = 0; d < shape.Length; d++)
            {
                if (shape[d] == 0) continue;
                Naive.Equal(x, Tensor.Cat(x.Chunk(2, d), d));
                Naive.Equal(x, Tensor.Cat(x.Split(2, d), d));
                Naive.Equal(x, Tensor.Cat(x.Split([shape[d] - 1, 1], d), d));
                var parts = x.Split(1, d);
                Assert.Equal(shape[d], parts.Length);
                for (int i = 0; i < parts.Length; i++) Naive.Equal(Reference(x, d, i, 1), parts[i]);
            }
        }
    }

    [Fact]
    public void BadArgumentsNameTheOpAndTheShape()
    {
        var t = Tensor.Zeros(2, 5);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => t.Narrow(1, 3, 3));
        Assert.Contains("narrow", e.Message);
        Assert.Contains("[3, 6)", e.Message);
        Assert.Contains("[2,5]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Narrow(1, -6, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Narrow(1, 0, -1));
        var d = Assert.Throws<ArgumentOutOfRangeException>(() => t.Narrow(2, 0, 1));
        Assert.Contains("narrow: dimension 2 is out of range for shape [2,5]", d.Message);
        Assert.Throws<ArgumentException>(() => Tensor.Scalar(1).Narrow(0, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Chunk(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Split(0, 1));
        var s = Assert.Throws<ArgumentException>(() => t.Split([2, 2], 1));
        Assert.Contains("split: sizes [2,2] add up to 4", s.Message);
        Assert.Contains("[2,5]", s.Message);
        Assert.Throws<ArgumentException>(() => t.Split([6, -1], 1));
    }
}
