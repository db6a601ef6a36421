using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>Batches of small products are split between threads, a whole product each; the split must never show.</summary>
[Collection(ThreadSettingCollection.Name)]
public class BatchedMatMulThreadTests
{
    [Theory]
    [InlineData(new[] { 64, 32, 32 }, new[] { 64, 32, 32 }, false, true)]
    [InlineData(new[] { 8, 1, 24, 40 }, new[] { 1, 16, 40, 24 }, false, false)]
    [InlineData(new[] { 32, 5, 40, 7 }, new[] { 5, 40, 9 }, true, false)]
    [InlineData(new[] { 300, 1, 64 }, new[] { 300, 64, 33 }, false, false)]
    public void SmallProductsGiveTheSameBitsOnAnyThreadCountAndAsOneByOne(int[] sa, int[] sb, bool ta, bool tb)
    {
        var rng = new Rng(12);
        var a = Tensor.Randn(sa, rng);
        var b = Tensor.Randn(sb, rng);
        float[] Run(int threads)
        {
            int saved = Parallelism.Threads;
            Parallelism.Threads = threads;
            try { return Tensor.MatMul(a, b, ta, tb).ToArray(); }
            finally { Parallelism.Threads = saved; }
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));

        // Each batch is the 2-D product of its own matrices, bit for bit.
        var c = Tensor.MatMul(a, b, ta, tb);
        var batchShape = c.ShapeArray()[..^2];
        int ra = sa.Length - 2, rb = sb.Length - 2, rank = batchShape.Length;
        foreach (var index in Naive.Indices(batchShape))
        {
            Tensor Matrix(Tensor t, int own)
            {
                var m = t;
                for (int d = 0; d < own; d++) m = m.Row(t.Size(d) == 1 ? 0 : index[d + rank - own]);
                return m;
            }
            var expected = Tensor.MatMul(Matrix(a, ra), Matrix(b, rb), ta, tb);
            var got = c;
            foreach (int i in index) got = got.Row(i);
            Assert.Equal(expected.ToArray(), got.ToArray());
        }
    }
}
