using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>torch.matmul's semantics at any rank, against a naive product in double over broadcast batch indices.</summary>
public class BatchedMatMulTests
{
    /// <summary>The naive torch.matmul: vectors promoted, batch dimensions broadcast, the vector dimensions dropped.</summary>
    static Tensor Reference(Tensor a, Tensor b, bool ta, bool tb)
    {
        var sa = a.ShapeArray();
        var sb = b.ShapeArray();
        bool av = sa.Length == 1, bv = sb.Length == 1;
        if (av) sa = [1, sa[0]];
        if (bv) sb = [sb[0], 1];
        int m = ta ? sa[^1] : sa[^2], k = ta ? sa[^2] : sa[^1], n = tb ? sb[^2] : sb[^1];
        var ba = sa[..^2];
        var bb = sb[..^2];
        int rank = Math.Max(ba.Length, bb.Length);
        int Dim(int[] s, int i) => i < rank - s.Length ? 1 : s[i - (rank - s.Length)];
        var batch = Enumerable.Range(0, rank).Select(i => Dim(ba, i) == 1 ? Dim(bb, i) : Dim(ba, i)).ToArray();
        var full = batch.Append(m).Append(n).ToArray();
        var ar = a.Reshape(sa);
        var br = b.Reshape(sb);
        var c = Naive.Build(full, idx =>
        {
            var ia = new int[sa.Length];
            var ib = new int[sb.Length];
            for (int i = 0; i < ba.Length; i++) ia[i] = ba[i] == 1 ? 0 : idx[i + rank - ba.Length];
            for (int i = 0; i < bb.Length; i++) ib[i] = bb[i] == 1 ? 0 : idx[i + rank - bb.Length];
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                (ia[^2], ia[^1]) = ta ? (p, idx[rank]) : (idx[rank], p);
                (ib[^2], ib[^1]) = tb ? (idx[rank + 1], p) : (p, idx[rank + 1]);
                s += (double)ar[ia] * br[ib];
            }
            return (float)s;
        });
        var outShape = batch.ToList();
        if (!av) outShape.Add(m);
        if (!bv) outShape.Add(n);
        return c.Reshape(outShape.ToArray());
    }

    static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.ShapeArray(), actual.ShapeArray());
        var e = expected.ToArray();
        var g = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - g[i]) <= 1e-4 * Math.Max(1, Math.Abs(e[i])), $"element {i}: expected {e[i]}, got {g[i]}");
    }

    public static TheoryData<int[], int[]> Pairs => new()
    {
        { new[] { 4 }, new[] { 4 } },
        { new[] { 4 }, new[] { 4, 3 } },
        { new[] { 2, 4 }, new[] { 4 } },
        { new[] { 4 }, new[] { 2, 3, 4, 5 } },
        { new[] { 2, 3, 5, 4 }, new[] { 4 } },
        { new[] { 3, 5, 4 }, new[] { 4, 2 } },
        { new[] { 5, 4 }, new[] { 3, 4, 2 } },
        { new[] { 3, 5, 4 }, new[] { 3, 4, 2 } },
        { new[] { 2, 1, 5, 4 }, new[] { 3, 4, 2 } },
        { new[] { 1, 3, 5, 4 }, new[] { 2, 1, 4, 2 } },
        { new[] { 2, 3, 5, 4 }, new[] { 4, 2 } },
        { new[] { 2, 3, 5, 4 }, new[] { 1, 1, 4, 2 } },
        { new[] { 1, 1, 5, 4 }, new[] { 2, 3, 4, 2 } },
        { new[] { 2, 1, 2, 1, 3, 4 }, new[] { 3, 1, 2, 4, 1 } },
        { new[] { 2, 2, 1, 3, 4 }, new[] { 1, 2, 4, 2 } },
        { new[] { 0, 3, 4 }, new[] { 4, 2 } },
        { new[] { 2, 3, 0 }, new[] { 2, 0, 5 } },
        { new[] { 2, 0, 4 }, new[] { 1, 4, 3 } },
        { new[] { 1, 1, 1 }, new[] { 1, 1, 1 } },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void MatchesTheNaiveProductInEveryTranspose(int[] sa, int[] sb)
    {
        var rng = new Rng(31);
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                if ((ta && sa.Length == 1) || (tb && sb.Length == 1)) continue;
                // A transposed operand is stored with its last two dimensions swapped.
                var storedA = ta ? sa[..^2].Append(sa[^1]).Append(sa[^2]).ToArray() : sa;
                var storedB = tb ? sb[..^2].Append(sb[^1]).Append(sb[^2]).ToArray() : sb;
                var a = Tensor.Randn(storedA, rng);
                var b = Tensor.Randn(storedB, rng);
                AssertClose(Reference(a, b, ta, tb), Tensor.MatMul(a, b, ta, tb));
            }
    }

    [Theory]
    [InlineData(new[] { 2, 3, 0 }, new[] { 0, 5 })]
    [InlineData(new[] { 2, 0, 4 }, new[] { 4, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 0 })]
    [InlineData(new[] { 0, 3, 4 }, new[] { 1, 4, 2 })]
    public void EmptyProductsHaveGradientsOfTheOperandsShapes(int[] sa, int[] sb)
    {
        var a = Tensor.Ones(sa);
        var b = Tensor.Ones(sb);
        a.RequiresGrad = b.RequiresGrad = true;
        var c = Tensor.MatMul(a, b);
        Assert.All(c.ToArray(), v => Assert.Equal(0f, v));
        c.Backward(Tensor.Ones(c.ShapeArray()));
        Assert.Equal(sa, a.Grad!.ShapeArray());
        Assert.Equal(sb, b.Grad!.ShapeArray());
        Assert.All(a.Grad.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(b.Grad.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void MismatchedBatchDimensionsNameBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3, 4, 5), Tensor.Zeros(3, 2, 5, 6)));
        Assert.Equal("matmul: [2,3,4,5] x [3,2,5,6] — batch dimensions [2,3] and [3,2] cannot be broadcast (2 against 3 at batch dimension 0).", e.Message);
        var k = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3, 4, 5), Tensor.Zeros(2, 3, 4, 6)));
        Assert.Contains("inner dimensions 5 and 4 differ", k.Message);
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3)));
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(4), Tensor.Zeros(2, 3, 4)));
    }
}
