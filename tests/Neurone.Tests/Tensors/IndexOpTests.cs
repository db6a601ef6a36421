using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;
using static Neurone.Tests.Gradients;

namespace Neurone.Tests.Tensors;

/// <summary>Comparisons, masks and index ops: hand-checked values, gradient checks, and the errors of bad input.</summary>
public class IndexOpTests
{
    [Fact]
    public void ComparisonsGiveBoolMasksAndBroadcast()
    {
        var a = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.FromArray([2f, 2f, 7f]);
        Assert.Equal(DType.Bool, Tensor.Eq(a, b).DType);
        Assert.Equal([false, true, false, false, false, false], Tensor.Eq(a, b).ToBoolArray());
        Assert.Equal([true, false, true, true, true, true], Tensor.Ne(a, b).ToBoolArray());
        Assert.Equal([true, false, true, false, false, true], Tensor.Lt(a, b).ToBoolArray());
        Assert.Equal([true, true, true, false, false, true], Tensor.Le(a, b).ToBoolArray());
        Assert.Equal([false, false, false, true, true, false], Tensor.Gt(a, b).ToBoolArray());
        Assert.Equal([false, true, false, true, true, false], Tensor.Ge(a, b).ToBoolArray());
        Assert.Equal([2, 3], Tensor.Eq(a, b).ShapeArray());
        Assert.Equal([false, false, true, true, true, true], a.Gt(2.5).ToBoolArray());
        Assert.Equal([true, true, false, false, false, false], a.Le(2).ToBoolArray());
        Assert.Equal([false, true, true, true, true, true], a.Ne(1).ToBoolArray());
        Assert.Equal([false, false, false, true, false, false], a.Eq(4).ToBoolArray());
        Assert.Equal([true, true, true, false, false, false], a.Lt(4).ToBoolArray());
        Assert.Equal([false, false, true, true, true, true], a.Ge(3).ToBoolArray());
        // A float32 tensor compares with the scalar rounded to float32, as PyTorch: 0.1f == 0.1.
        Assert.True(Tensor.FromArray([0.1f]).Eq(0.1).BoolItem());
        // NaN is unequal to everything, itself included.
        Assert.Equal([false, true], Tensor.FromArray([float.NaN, 1f]).Eq(Tensor.FromArray([float.NaN, 1f])).ToBoolArray());
        Assert.Equal([true], Tensor.FromArray([float.NaN]).Ne(Tensor.FromArray([float.NaN])).ToBoolArray());
    }

    [Fact]
    public void ComparisonsMixDTypesExactly()
    {
        var labels = Tensor.FromLongs([3, 1, 50_000_001]);
        Assert.Equal([false, true, false], Tensor.Eq(labels, Tensor.FromLongs([2, 1, 50_000_000])).ToBoolArray());
        Assert.Equal([true, false, true], labels.Gt(2).ToBoolArray());
        Assert.Equal([false, false, false], labels.Eq(2.5).ToBoolArray());
        Assert.Equal([true, false, false], Tensor.Eq(labels, Tensor.FromArray([3f, 1.5f, 7f])).ToBoolArray());
        Assert.Equal([true, false], Tensor.Eq(Tensor.FromBools([true, false]), Tensor.FromLongs([1, 1])).ToBoolArray());
        var e = Assert.Throws<ArgumentException>(() => Tensor.Eq(Tensor.Zeros(2, 3), Tensor.FromLongs([1, 2])));
        Assert.Contains("eq", e.Message);
        Assert.Contains("[2,3]", e.Message);
        Assert.Contains("Int64", e.Message);
    }

    [Fact]
    public void LogicalOpsTreatNonZeroAsTrue()
    {
        var p = Tensor.FromBools([true, true, false, false]);
        var q = Tensor.FromBools([true, false, true, false]);
        Assert.Equal([true, false, false, false], (p & q).ToBoolArray());
        Assert.Equal([true, true, true, false], (p | q).ToBoolArray());
        Assert.Equal([false, false, true, true], (!p).ToBoolArray());
        Assert.Equal([true, false], Tensor.LogicalAnd(Tensor.FromArray([2f, 0f]), Tensor.FromLongs([5])).ToBoolArray());
        Assert.Equal([false, true], Tensor.FromArray([3f, 0f]).LogicalNot().ToBoolArray());
    }

    [Fact]
    public void WhereAndMaskedFillPickAndBroadcast()
    {
        var c = Tensor.FromBools([true, false, false, true], 2, 2);
        var a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        var b = Tensor.FromArray([-1f, -2f]);
        Assert.Equal([1f, -2f, -1f, 4f], Tensor.Where(c, a, b).ToArray());
        Assert.Equal([1f, -2f, -1f, 4f], Tensor.Where(c, a, Tensor.Scalar(0f) + b).ToArray());
        Assert.Equal([7L, 0L, 0L, 7L], Tensor.Where(c, Tensor.FromLongs([7]), Tensor.FromLongs([0])).ToLongArray());
        var filled = a.MaskedFill(Tensor.FromBools([false, true]), -9);
        Assert.Equal([1f, -9f, 3f, -9f], filled.ToArray());
        Assert.Equal([1f, 2f, 3f, 4f], a.ToArray()); // a copy
        Assert.Equal([0L, 5L], Tensor.FromLongs([0, 1]).MaskedFill(Tensor.FromBools([false, true]), 5).ToLongArray());
        Assert.Equal(float.NegativeInfinity, a.MaskedFill(Tensor.FromBools([true]), double.NegativeInfinity)[0, 0]);
    }

    [Fact]
    public void WhereAndMaskedFillGradients()
    {
        var c = Tensor.FromBools([true, false, true, true, false, false, true, false], 2, 1, 4);
        var a = Leaf([1, 3, 1], 1);
        var b = Leaf([3, 4], 2);
        Check(() => Tensor.Where(c, a, b), a, b);
        var x = Leaf([2, 3, 4], 3);
        var mask = Tensor.FromBools([true, false, false, true, false, true, true, false, false, true, false, false], 3, 4);
        Check(() => x.MaskedFill(mask, 0.25), x);
        Check(() => x.MaskedFill(Tensor.FromBools([false, true, false], 3, 1), -5).Softmax(-1), x);
    }

    [Fact]
    public void MasksOfTheWrongDTypeOrShapeAreNamed()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => x.MaskedFill(Tensor.Zeros(2, 3), 1));
        Assert.Contains("masked_fill", e.Message);
        Assert.Contains("Bool mask", e.Message);
        Assert.Contains("Float32", e.Message);
        Assert.Contains("[2,3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.MaskedFill(Tensor.FromBools([true, false]), 1));
        Assert.Contains("masked_fill", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[2,3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.MaskedFill(Tensor.Zeros([4, 2, 3], DType.Bool), 1));
        Assert.Contains("broadcast to the input's shape", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.FromLongs([1, 0, 1]), x, x));
        Assert.Contains("where", e.Message);
        Assert.Contains("Int64", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.Zeros([2], DType.Bool), x, x));
        Assert.Contains("where", e.Message);
        Assert.Contains("condition [2] (Bool)", e.Message);
        Assert.Contains("input [2,3] (Float32)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.Zeros([3], DType.Bool), x, Tensor.FromLongs([1])));
        Assert.Contains("one dtype", e.Message);
    }

    [Fact]
    public void ArgMaxArgMinAndTopKGiveInt64()
    {
        var x = Tensor.FromArray([1f, 5f, 5f, 0f, 9f, 2f], 2, 3);
        var am = x.ArgMax(1);
        Assert.Equal(DType.Int64, am.DType);
        Assert.Equal([1L, 1L], am.ToLongArray()); // first of the tied maxima
        Assert.Equal([0L, 1L, 0L], x.ArgMax(0).ToLongArray());
        Assert.Equal([2, 1], x.ArgMax(1, keepDim: true).ShapeArray());
        Assert.Equal([0L, 0L], x.ArgMin(1).ToLongArray());
        Assert.Equal([1L, 0L, 1L], x.ArgMin(0).ToLongArray());
        Assert.Equal(3, x.ArgMin());
        Assert.Equal([1L], Tensor.FromArray([1f, float.NaN, 5f], 1, 3).ArgMax(1).ToLongArray()); // NaN is the largest
        Assert.Equal([1L], Tensor.FromArray([1f, float.NaN, 5f], 3, 1).ArgMin(0).ToLongArray());
        var (values, indices) = x.TopK(2);
        Assert.Equal([5f, 5f, 9f, 2f], values.ToArray());
        Assert.Equal([1L, 2L, 1L, 2L], indices.ToLongArray());
        var (low, lowIdx) = x.TopK(1, dim: 0, largest: false);
        Assert.Equal([0f, 5f, 2f], low.ToArray());
        Assert.Equal([1L, 0L, 1L], lowIdx.ToLongArray());
        Assert.Equal([2, 0], x.TopK(0).Values.ShapeArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => x.TopK(4));
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => Tensor.FromLongs([1, 2]).ArgMax(0)).Message);
        var leaf = Leaf([3, 5], 4);
        Check(() => leaf.TopK(2, dim: 1).Values, leaf);
        Check(() => leaf.TopK(2, dim: 0, largest: false).Values, leaf);
    }

    [Fact]
    public void IndexSelectGatherAndScatterAddByHand()
    {
        var x = Tensor.FromArray([0f, 1f, 2f, 10f, 11f, 12f], 2, 3);
        Assert.Equal([10f, 11f, 12f, 0f, 1f, 2f, 10f, 11f, 12f], x.IndexSelect(0, Tensor.FromLongs([1, 0, 1])).ToArray());
        Assert.Equal([2f, 0f, 12f, 10f], x.IndexSelect(1, Tensor.FromLongs([2, 0])).ToArray());
        Assert.Equal([2, 0], x.IndexSelect(1, Tensor.Zeros([0], DType.Int64)).ShapeArray());
        Assert.Equal([1L, 3L], Tensor.FromLongs([3, 1]).IndexSelect(0, Tensor.FromLongs([1, 0])).ToLongArray());
        // out[i][j] = x[i][index[i][j]]
        Assert.Equal([2f, 2f, 10f, 11f], x.Gather(1, Tensor.FromLongs([2, 2, 0, 1], 2, 2)).ToArray());
        Assert.Equal([10f, 1f, 12f], x.Gather(0, Tensor.FromLongs([1, 0, 1], 1, 3)).ToArray());
        // out[index[i][j]][j] += src[i][j]
        var s = Tensor.Zeros(2, 3).ScatterAdd(0, Tensor.FromLongs([1, 0, 1, 1, 1, 0], 2, 3), Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3));
        Assert.Equal([0f, 2f, 6f, 5f, 5f, 3f], s.ToArray());
        // An index smaller than the source reads only its own corner of the source.
        var corner = Tensor.Zeros(1, 3).ScatterAdd(1, Tensor.FromLongs([2, 2], 1, 2), Tensor.FromArray([1f, 2f, 100f, 200f], 2, 2));
        Assert.Equal([0f, 0f, 3f], corner.ToArray());
    }

    [Fact]
    public void IndexOpGradients()
    {
        var x = Leaf([3, 4, 5], 5);
        Check(() => x.IndexSelect(1, Tensor.FromLongs([3, 0, 3])), x);
        Check(() => x.IndexSelect(-1, Tensor.FromLongs([4, 4, 1, 0])), x);
        Check(() => x.Gather(2, Tensor.FromLongs([.. Enumerable.Range(0, 3 * 2 * 3).Select(i => (long)(i * 7 % 5))], 3, 2, 3)), x);
        Check(() => x.Gather(0, Tensor.FromLongs([.. Enumerable.Range(0, 2 * 4 * 5).Select(i => (long)(i % 3))], 2, 4, 5)), x);
        var self = Leaf([3, 4], 6);
        var src = Leaf([2, 5], 7);
        var index = Tensor.FromLongs([0, 2, 2, 1, 0, 1, 1, 0], 2, 4);
        Check(() => self.ScatterAdd(0, index, src), self, src);
        Check(() => self.ScatterAdd(1, Tensor.FromLongs([3, 3, 0, 1, 2, 0], 2, 3), src), self, src);
    }

    [Fact]
    public void BadIndicesAreNamedWithOpShapesAndDType()
    {
        var x = Tensor.Zeros(3, 4);
        var e = Assert.Throws<ArgumentException>(() => x.IndexSelect(0, Tensor.FromArray([0f, 1f])));
        Assert.Contains("index_select", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Contains("Float32", e.Message);
        Assert.Contains("[3,4]", e.Message);
        Assert.Contains("[2]", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(1, Tensor.FromLongs([0, 4])));
        Assert.Contains("index_select", r.Message);
        Assert.Contains("index 4 at position 1", r.Message);
        Assert.Contains("size 4", r.Message);
        Assert.Contains("[3,4]", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(0, Tensor.FromLongs([-1])));
        e = Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.FromBools([true], 1, 1)));
        Assert.Contains("gather", e.Message);
        Assert.Contains("Bool", e.Message);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, Tensor.FromLongs([0, 9], 1, 2)));
        Assert.Contains("gather", r.Message);
        Assert.Contains("index 9", r.Message);
        Assert.Contains("[3,4]", r.Message);
        e = Assert.Throws<ArgumentException>(() => x.Gather(0, Tensor.FromLongs([0, 1])));
        Assert.Contains("rank", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.Gather(0, Tensor.Zeros([1, 5], DType.Int64)));
        Assert.Contains("larger than input [3,4]", e.Message);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => x.ScatterAdd(0, Tensor.FromLongs([3], 1, 1), Tensor.Zeros(1, 1)));
        Assert.Contains("scatter_add", r.Message);
        e = Assert.Throws<ArgumentException>(() => x.ScatterAdd(0, Tensor.Zeros([2, 2], DType.Int64), Tensor.Zeros(1, 1)));
        Assert.Contains("scatter_add", e.Message);
        Assert.Contains("no larger than the source", e.Message);
        e = Assert.Throws<ArgumentException>(() => x.ScatterAdd(0, Tensor.Zeros(1, 1), Tensor.Zeros(1, 1)));
        Assert.Contains("Int64", e.Message);
    }

    [Fact]
    public void EmbeddingGathersRowsAndSkipsThePaddingRowInTheGradient()
    {
        var weight = Tensor.FromArray([0f, 1f, 10f, 11f, 20f, 21f], 3, 2);
        weight.RequiresGrad = true;
        var idx = Tensor.FromLongs([2, 0, 2, 1], 2, 2);
        var y = F.Embedding(idx, weight, paddingIndex: 0);
        Assert.Equal([2, 2, 2], y.ShapeArray());
        Assert.Equal([20f, 21f, 0f, 1f, 20f, 21f, 10f, 11f], y.ToArray());
        y.Sum().Backward();
        // Row 2 used twice, row 1 once, row 0 is padding: no gradient.
        Assert.Equal([0f, 0f, 1f, 1f, 2f, 2f], weight.Grad!.ToArray());
        var w = Leaf([5, 3], 8);
        Check(() => F.Embedding(Tensor.FromLongs([4, 1, 1, 3, 0]), w), w);
        // With a padding row the gradient is, on purpose, not the derivative: the other rows get what they get without one.
        var ids = Tensor.FromLongs([4, 1, 1, 3, 0, 4], 2, 3);
        var upstream = Tensor.Randn([2, 3, 3], new Rng(9));
        var table = Leaf([5, 3], 10);
        (F.Embedding(ids, table) * upstream).Sum().Backward();
        var full = table.Grad!.ToArray();
        table.ZeroGrad();
        (F.Embedding(ids, table, paddingIndex: -1) * upstream).Sum().Backward();
        var padded = table.Grad!.ToArray();
        Assert.Equal(full[..12], padded[..12]);
        Assert.Equal([0f, 0f, 0f], padded[12..]);
        var e = Assert.Throws<ArgumentException>(() => F.Embedding(Tensor.FromArray([1f]), w));
        Assert.Contains("embedding", e.Message);
        Assert.Contains("Float32", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => F.Embedding(Tensor.FromLongs([5]), w));
        Assert.Contains("index 5", r.Message);
        Assert.Contains("[5,3]", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Embedding(Tensor.FromLongs([1]), w, paddingIndex: 5));
    }

    [Fact]
    public void SumOfAMaskCountsIt()
    {
        Assert.Equal(2L, Tensor.FromBools([true, false, true]).Sum().LongItem());
        Assert.Equal(-1L, Tensor.FromLongs([3, -4]).Sum().LongItem());
    }
}
