using System.Collections;
using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// Mini-batches of (x, y) tensors from a <see cref="Dataset"/> (PyTorch's <c>DataLoader</c>): each
/// enumeration is one epoch; with <c>shuffle</c> the order is a fresh permutation from the seeded
/// <see cref="Rng"/> every epoch, so the same seed gives the same batches. x has shape
/// [batch, ..SampleShape] and y [batch, ..TargetShape] of the data set's <see cref="Dataset.TargetDType"/>
/// (Int64 class labels for every classification set); the last batch is smaller unless
/// <c>dropLast</c>. While the consumer works on one batch the next is prepared on a background task,
/// so the model does not wait on conversion. An exception while preparing a batch surfaces on the
/// consumer's <c>MoveNext</c>; stopping early (break, an exception in the loop) waits for the one batch in
/// flight and leaves nothing running. With <c>reuseBuffers</c>, two pairs of tensors are recycled, which
/// avoids allocating per batch: a batch is then valid only until the next one is requested.
/// </summary>
public sealed class DataLoader : IEnumerable<(Tensor X, Tensor Y)>
{
    readonly Rng? rng;

    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, Rng? rng = null, bool dropLast = false,
        bool prefetch = true, bool reuseBuffers = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "data_loader: expected a positive batch size.");
        if (shuffle && rng is null)
            throw new ArgumentException("data_loader: shuffling needs an explicit Rng (same seed, same batches); pass rng: new Rng(seed).");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Prefetch = prefetch;
        ReuseBuffers = reuseBuffers;
        this.rng = rng;
    }

    public Dataset Dataset { get; }
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public bool Prefetch { get; }
    public bool ReuseBuffers { get; }

    /// <summary>Batches per epoch (PyTorch's <c>len(loader)</c>).</summary>
    public int Count => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    public IEnumerator<(Tensor X, Tensor Y)> GetEnumerator()
    {
        // The permutation is drawn when the epoch starts, on the caller's thread, so the Rng is never shared across threads.
        int[] order = Shuffle ? rng!.Permutation(Dataset.Count) : Dataset.AllIndices();
        return new Epoch(this, order);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    sealed class Epoch : IEnumerator<(Tensor X, Tensor Y)>
    {
        readonly DataLoader loader;
        readonly int[] order;
        readonly int batches;
        readonly (Tensor X, Tensor Y)[]? buffers;
        int next;                              // index of the batch the next MoveNext returns
        Task<(Tensor X, Tensor Y)>? pending;   // the batch being prepared in the background
        (Tensor X, Tensor Y) current;
        bool disposed;

        public Epoch(DataLoader loader, int[] order)
        {
            this.loader = loader;
            this.order = order;
            batches = loader.Count;
            if (loader.ReuseBuffers)
            {
                // Two pairs: the consumer holds one while the other is filled.
                int full = Math.Min(loader.BatchSize, loader.Dataset.Count);
                buffers = new (Tensor, Tensor)[2];
                for (int i = 0; i < 2; i++)
                    buffers[i] = (Tensor.Uninitialized(Dataset.BatchShape(loader.Dataset.SampleShape.ToArray(), full)),
                                  Tensor.Zeros(Dataset.BatchShape(loader.Dataset.TargetShape.ToArray(), full), loader.Dataset.TargetDType));
            }
            if (loader.Prefetch && batches > 0) pending = Start(0);
        }

        public (Tensor X, Tensor Y) Current => current;
        object IEnumerator.Current => current;

        public bool MoveNext()
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (next >= batches)
            {
                current = default;
                return false;
            }
            if (pending is not null)
            {
                var task = pending;
                pending = null;
                // GetResult rethrows the worker's exception itself, not wrapped in an AggregateException.
                current = task.GetAwaiter().GetResult();
            }
            else
            {
                current = Make(next);
            }
            next++;
            if (loader.Prefetch && next < batches) pending = Start(next);
            return true;
        }

        Task<(Tensor X, Tensor Y)> Start(int batch) => Task.Run(() => Make(batch));

        (Tensor X, Tensor Y) Make(int batch)
        {
            int start = batch * loader.BatchSize;
            int n = Math.Min(loader.BatchSize, order.Length - start);
            var idx = order.AsSpan(start, n);
            if (buffers is null) return loader.Dataset.GetBatch(idx);
            var (bx, by) = buffers[batch & 1];
            var x = n == bx.Size(0) ? bx : bx.Slice(0, n);
            var y = n == by.Size(0) ? by : by.Slice(0, n);
            loader.Dataset.GetFeatures(idx, x.AsSpan());
            loader.Dataset.GetTargets(idx, y);
            return (x, y);
        }

        public void Reset() => throw new NotSupportedException("data_loader: start a new epoch with a new foreach instead of Reset.");

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            var task = pending;
            pending = null;
            if (task is null) return;
            // Let the batch in flight finish so no worker outlives the epoch; its failure no longer matters.
            try { task.Wait(); } catch (AggregateException) { }
        }
    }
}
