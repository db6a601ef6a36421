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

    /// <summary>True when a pass over <paramref name="length"/> elements is worth splitting (callers check first, so small passes allocate no closure).</summary>
    public static bool Worth(int length) => length >= MinLength && Parallelism.Threads > 1;

    /// <summary>Runs <paramref name="body"/>(from, to) over [0, length) in one range per thread.</summary>
    public static void For(int length, Action<int, int> body) => ParallelRanges.Run(length, Parallelism.Threads, body);
}
