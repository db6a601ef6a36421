using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>Passes over more than a megabyte are split between threads; the split must never show in the result.</summary>
[Collection(ThreadSettingCollection.Name)]
public class LargeElementwiseTests
{
    [Fact]
    public void SquareFullAndGradientAccumulationGiveTheSameBitsOnAnyThreadCount()
    {
        int count = LargeElementwise.MinLength + 1234; // not a multiple of the parts or of a cache line
        float[][] Run(int threads)
        {
            int saved = Parallelism.Threads;
            Parallelism.Threads = threads;
            try
            {
                var x = Tensor.Randn([count], new Rng(3));
                x.RequiresGrad = true;
                var square = x.Square();
                (square.Sum() * 0.25f).Backward();   // the sum's backward fills a large tensor
                (x * 3f).Sum().Backward();            // accumulated onto the first gradient
                return [square.ToArray(), x.Grad!.ToArray(), Tensor.Full([count], 0.7f).ToArray()];
            }
            finally { Parallelism.Threads = saved; }
        }
        var one = Run(1);
        var x0 = Tensor.Randn([count], new Rng(3)).ToArray();
        Assert.Equal(x0.Select(v => v * v), one[0]);
        Assert.Equal(x0.Select(v => (v + v) * 0.25f + 3f), one[1]);
        Assert.All(one[2], v => Assert.Equal(0.7f, v));
        foreach (int t in new[] { 2, 3 })
        {
            var other = Run(t);
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], other[i]);
        }
    }

    [Fact]
    public void LargeGathersAreSplitWithoutChangingTheRows()
    {
        // 300 rows of 1,000: above the split threshold, with a row picked twice and the last row.
        var x = Tensor.Randn([500, 1000], new Rng(4));
        int[] rows = Enumerable.Range(0, 300).Select(i => (i * 37) % 500).Append(499).Append(37).ToArray();
        var expected = rows.SelectMany(r => x.ToArray().AsSpan(r * 1000, 1000).ToArray()).ToArray();
        foreach (int t in new[] { 1, 2, 3 })
        {
            int saved = Parallelism.Threads;
            Parallelism.Threads = t;
            try { Assert.Equal(expected, x.GatherRows(rows).ToArray()); }
            finally { Parallelism.Threads = saved; }
        }
        Assert.True(LargeElementwise.Worth(rows.Length * 1000) || Parallelism.Threads == 1);
    }
}
