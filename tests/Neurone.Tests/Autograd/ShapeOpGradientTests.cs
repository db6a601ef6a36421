using static Neurone.Tests.Gradients;
using Neurone.Tensors;

namespace Neurone.Tests.Autograd;

/// <summary>The shape, join, triangle, batched product and dimension-reduction ops, checked against finite differences.</summary>
public class ShapeOpGradientTests
{
    [Fact]
    public void NarrowChunkAndSplitAsViewsAndAsCopies()
    {
        var x = Leaf([3, 4, 5], 40);
        Check(() => x.Narrow(0, 1, 2), x);       // a view
        Check(() => x.Narrow(1, 1, 2), x);       // a copy
        Check(() => x.Narrow(-1, -3, 3), x);
        Check(() => x.Narrow(2, 2, 0), x);       // empty
        // Every part used, some twice: the gradients of all parts add up in x.
        Check(() => { var p = x.Chunk(3, 1); return Tensor.Cat([p[1], p[0] * 2f, p[1]], 1); }, x);
        Check(() => { var p = x.Split([2, 0, 3], 2); return p[0].Sum(2) + p[2].Mean(2); }, x);
        Check(() => x.Split(2, 0)[1], x);
        var leading = Leaf([1, 6, 2], 41);
        Check(() => leading.Narrow(1, 2, 3), leading); // a view behind a size-1 dimension
    }

    [Fact]
    public void CatAndStackOnAnyDimension()
    {
        var a = Leaf([2, 3, 4], 42);
        var b = Leaf([2, 1, 4], 43);
        var c = Leaf([2, 3, 4], 44);
        Check(() => Tensor.Cat([a, b, a], -2), a, b);
        Check(() => Tensor.Cat([a, c], 2), a, c);
        Check(() => Tensor.Stack([a, c, a], -1), a, c);
        Check(() => Tensor.Stack([a, c], 1), a, c);
    }

    [Fact]
    public void ExpandSumsTheRepeatedGradient()
    {
        var x = Leaf([3, 1, 2], 45);
        Check(() => x.Expand(4, 3, 5, 2), x);
        Check(() => x.Expand(-1, 3, -1), x);
        var s = Leaf([], 46);
        Check(() => s.Expand(2, 3), s);
    }

    [Fact]
    public void ViewsAndPermutations()
    {
        var x = Leaf([2, 3, 4, 2], 47);
        Check(() => x.Permute(3, 1, 0, 2), x);
        Check(() => x.Transpose(-1, -2), x);
        Check(() => x.Transpose(0, 3), x);
        Check(() => x.Flatten(1, 2), x);
        Check(() => x.Unsqueeze(-1).Squeeze(), x);
        var column = Leaf([4, 1], 48);
        Check(() => column.Transpose(0, 1) * Tensor.Arange(4).Reshape(1, 4), column); // the view case
    }

    [Fact]
    public void TrilAndTriu()
    {
        var x = Leaf([2, 4, 3], 49);
        Check(() => x.Tril(), x);
        Check(() => x.Tril(-1), x);
        Check(() => x.Triu(1), x);
        Check(() => x.Triu(-2), x);
    }

    public static TheoryData<int[], int[], bool, bool> Products => new()
    {
        { new[] { 2, 3, 4, 5 }, new[] { 2, 3, 5, 2 }, false, false },
        { new[] { 2, 1, 4, 5 }, new[] { 3, 5, 2 }, false, false },
        { new[] { 2, 3, 4, 5 }, new[] { 5, 2 }, false, false },
        { new[] { 4, 5 }, new[] { 2, 1, 5, 3 }, false, false },
        { new[] { 1, 3, 5, 4 }, new[] { 2, 1, 2, 5 }, true, true },
        { new[] { 2, 3, 5, 4 }, new[] { 1, 5, 3 }, true, false },
        { new[] { 2, 3, 4, 5 }, new[] { 3, 2, 5 }, false, true },
        { new[] { 5 }, new[] { 2, 3, 5, 2 }, false, false },
        { new[] { 2, 3, 4, 5 }, new[] { 5 }, false, false },
        { new[] { 2, 2, 1, 3, 4 }, new[] { 2, 1, 4, 3 }, false, false },
    };

    [Theory]
    [MemberData(nameof(Products))]
    public void BatchedMatMulWithBroadcastBatches(int[] sa, int[] sb, bool ta, bool tb)
    {
        var a = Leaf(sa, 50);
        var b = Leaf(sb, 51);
        Check(() => Tensor.MatMul(a, b, ta, tb), a, b);
    }

    [Fact]
    public void ReductionsAlongDimensions()
    {
        var x = Leaf([2, 3, 4], 52);
        Check(() => x.Sum(-1), x);
        Check(() => x.Sum(1, keepDim: true), x);
        Check(() => x.Sum([0, 2]), x);
        Check(() => x.Sum([-1, 1], keepDim: true), x);
        Check(() => x.Mean([0, 1]), x);
        Check(() => x.Mean(0, keepDim: true), x);
        Check(() => x.Var([0, 2]), x);
        Check(() => x.Var(1, keepDim: true, correction: 0), x);
        Check(() => x.Std([1, 2], keepDim: true), x);
        Check(() => x.Std(-1), x);
        // Distinct values, so no ties sit within the step of each other.
        var d = Tensor.Arange(24).Reshape(2, 3, 4) * 0.37f;
        var perm = Tensor.FromArray([.. Enumerable.Range(0, 24).Select(i => (float)((i * 7) % 24) * 0.1f)], 2, 3, 4);
        perm.RequiresGrad = true;
        Check(() => perm.Max(1) + d.Sum(1), perm);
        Check(() => perm.Min(-1, keepDim: true), perm);
    }
}
