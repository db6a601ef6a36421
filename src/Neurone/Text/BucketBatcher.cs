using Neurone.Tensors;

namespace Neurone.Text;

/// <summary>
/// Batches of sample indices that group sequences of similar length, so padding each batch to its own longest
/// sequence wastes little work (torchtext's <c>BucketIterator</c>, a length-grouped sampler). Each epoch the
/// indices are shuffled, cut into pools of <see cref="PoolBatches"/> batches, each pool is sorted by length
/// and cut into batches, and the batches are shuffled: the order changes every epoch yet every batch holds
/// neighbours in length. The same seed gives the same batches.
/// </summary>
public sealed class BucketBatcher
{
    readonly int[] lengths;
    readonly Rng rng;

    /// <summary>The number of samples in a batch (the last may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>How many batches' worth of samples are sorted together; larger groups lengths more tightly but shuffles less.</summary>
    public int PoolBatches { get; }

    /// <summary>Whether a batch smaller than <see cref="BatchSize"/> is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>A batcher over samples of the given <paramref name="lengths"/>, shuffled by <paramref name="rng"/>.</summary>
    public BucketBatcher(IReadOnlyList<int> lengths, int batchSize, Rng rng, int poolBatches = 50, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(rng);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "bucket batcher: expected a batch size of at least 1.");
        if (poolBatches < 1) throw new ArgumentOutOfRangeException(nameof(poolBatches), poolBatches, "bucket batcher: expected at least 1 batch per pool.");
        this.lengths = [.. lengths];
        this.rng = rng;
        BatchSize = batchSize;
        PoolBatches = poolBatches;
        DropLast = dropLast;
    }

    /// <summary>The batches of one epoch, each an array of sample indices.</summary>
    public List<int[]> NextEpoch()
    {
        int n = lengths.Length;
        var order = rng.Permutation(n);
        int pool = BatchSize * PoolBatches;
        var batches = new List<int[]>();
        for (int start = 0; start < n; start += pool)
        {
            int count = Math.Min(pool, n - start);
            var slice = order.AsSpan(start, count);
            var keys = new long[count];
            // Sort by length, ties by position in the shuffled order, so the sort is deterministic.
            for (int i = 0; i < count; i++) keys[i] = ((long)lengths[slice[i]] << 32) | (uint)i;
            var sorted = slice.ToArray();
            Array.Sort(keys, sorted);
            for (int b = 0; b < count; b += BatchSize)
            {
                int size = Math.Min(BatchSize, count - b);
                if (size < BatchSize && DropLast) continue;
                batches.Add(sorted.AsSpan(b, size).ToArray());
            }
        }
        var shuffled = batches.ToArray();
        rng.Shuffle<int[]>(shuffled);
        return [.. shuffled];
    }
}
