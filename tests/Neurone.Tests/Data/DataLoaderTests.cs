using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Tests.Data;

public class DataLoaderTests
{
    static TensorDataset Numbers(int n) =>
        new(Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), n, 1), Tensor.FromLongs(Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray(), n));

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void OneEpochCoversEverySampleOnceInBatches(bool prefetch, bool reuse)
    {
        var loader = new DataLoader(Numbers(10), 4, shuffle: true, rng: new Rng(1), prefetch: prefetch, reuseBuffers: reuse);
        Assert.Equal(3, loader.Count);
        var seen = new List<float>();
        var sizes = new List<int>();
        foreach (var (x, y) in loader)
        {
            sizes.Add(x.Size(0));
            Assert.Equal([x.Size(0), 1], x.ShapeArray());
            Assert.Equal([x.Size(0)], y.ShapeArray());
            Assert.Equal(DType.Int64, y.DType);
            for (int i = 0; i < x.Size(0); i++) Assert.Equal((long)x[i, 0] % 3, y.LongAt(i));
            seen.AddRange(x.ToArray());
        }
        Assert.Equal([4, 4, 2], sizes);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (float)i), seen);
    }

    [Fact]
    public void DropLastAndOrderWithoutShuffle()
    {
        var loader = new DataLoader(Numbers(10), 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], loader.SelectMany(b => b.X.ToArray()).ToArray());
    }

    [Fact]
    public void EachEpochReshufflesAndTheSameSeedRepeats()
    {
        float[] Epoch(DataLoader l) => l.SelectMany(b => b.X.ToArray()).ToArray();
        var a = new DataLoader(Numbers(50), 8, shuffle: true, rng: new Rng(5));
        var b = new DataLoader(Numbers(50), 8, shuffle: true, rng: new Rng(5));
        var a1 = Epoch(a);
        var a2 = Epoch(a);
        Assert.NotEqual(a1, a2);
        Assert.Equal(a1, Epoch(b));
        Assert.Equal(a2, Epoch(b));
        Assert.Throws<ArgumentException>(() => new DataLoader(Numbers(5), 2, shuffle: true));
    }

    sealed class Failing(int failAt) : Dataset([1], [])
    {
        public int Filled;
        public override int Count => 100;
        protected internal override void FillFeatures(ReadOnlySpan<int> indices, Span<float> destination)
        {
            Interlocked.Increment(ref Filled);
            if (indices[0] >= failAt) throw new InvalidDataException("broken sample " + indices[0]);
            destination.Fill(1);
        }
        protected internal override void FillTargets(ReadOnlySpan<int> indices, Span<float> destination) => destination.Clear();
    }

    [Fact]
    public void ExceptionInTheBackgroundSurfacesOnTheConsumer()
    {
        var loader = new DataLoader(new Failing(30), 10);
        int batches = 0;
        var e = Assert.Throws<InvalidDataException>(() => { foreach (var _ in loader) batches++; });
        Assert.Equal("broken sample 30", e.Message);
        Assert.Equal(3, batches);
    }

    [Fact]
    public void StoppingEarlyLeavesNothingRunning()
    {
        var data = new Failing(1000);
        var loader = new DataLoader(data, 10);
        foreach (var _ in loader) break;
        int filled = data.Filled;
        Thread.Sleep(50);
        Assert.Equal(filled, data.Filled);
        Assert.InRange(filled, 1, 2);
        using (var en = loader.GetEnumerator()) { }
        var failing = new DataLoader(new Failing(10), 10);
        using (var en = failing.GetEnumerator()) Assert.True(en.MoveNext()); // the failing batch in flight is swallowed on Dispose
    }

    [Fact]
    public void ImageBatchesAreConvertedPerBatch()
    {
        var px = new byte[] { 0, 255, 51, 102 };
        var ds = new ImageDataset(px, [1, 0], 1, 1, 2, ["a", "b"]);
        var (x, y) = new DataLoader(ds.Flatten(), 2).First();
        Assert.Equal([0f, 1f, 0.2f, 0.4f], x.ToArray());
        Assert.Equal([1L, 0L], y.ToLongArray());
    }
}
