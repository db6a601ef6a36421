namespace Neurone.Kernels;

/// <summary>
/// Exact elementwise passes (copy, fill, add, multiply) over long spans, split between the kernel threads.
/// Such a pass over megabytes is bound by memory bandwidth, which one core cannot saturate: an L2 penalty
/// on CIFAR's 3072×100 weight is five of them per step. Only exactly rounded operations come here, so
/// where the split falls never changes a bit.
/// </summary>
internal static class LargeElementwise
{
    /// <summary>Spans shorter than this (1 MB of floats) run on the calling thread.</summary>
    public const int MinLength = 1 << 18;

    /// <summary>The work on elements [start, start + length).</summary>
    public delegate void Body(int start, int length);

    /// <summary>True when a pass over <paramref name="length"/> elements is worth splitting.</summary>
    public static bool Worth(int length) => length >= MinLength && Parallelism.Threads > 1;

    /// <summary>Runs <paramref name="body"/> over [0, length) in one part per thread (callers check <see cref="Worth"/> first).</summary>
    public static void For(int length, Body body)
    {
        int parts = Parallelism.Threads;
        WorkerPool.Run(new Job(length, parts, body), parts);
    }

    sealed class Job(int length, int parts, Body body) : IParallelWork
    {
        public void Execute(int index)
        {
            // Part boundaries on 16-float (64-byte) lines, so no two threads write one cache line.
            int start = (int)((long)length * index / parts) & ~15, end = index + 1 == parts ? length : (int)((long)length * (index + 1) / parts) & ~15;
            if (end > start) body(start, end - start);
        }
    }
}
