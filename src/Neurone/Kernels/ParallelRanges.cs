namespace Neurone.Kernels;

/// <summary>
/// Runs a body over contiguous ranges of 0..count-1 on the kernel workers. Callers write each item's result to
/// its own slot (and combine slots afterwards in order), so results never depend on which thread ran what.
/// </summary>
internal sealed class ParallelRanges : IParallelWork
{
    readonly Action<int, int> body;
    readonly int count, parts;

    ParallelRanges(int count, int parts, Action<int, int> body) => (this.count, this.parts, this.body) = (count, parts, body);

    /// <summary>Below this many inner-loop steps in all, waking the workers costs more than it saves.</summary>
    const long ParallelWork = 1 << 16;

    /// <summary>
    /// Calls <paramref name="body"/>(from, to) over ranges covering 0..count-1, in parallel when the items
    /// hold at least <see cref="ParallelWork"/> steps (<paramref name="workPerItem"/> each). A few parts per
    /// thread even out items that cost more than others (points whose trees or neighbour lists are larger).
    /// </summary>
    public static void For(int count, Action<int, int> body, long workPerItem = 1 << 10)
    {
        if (count <= 0) return;
        if (count * workPerItem < ParallelWork || Parallelism.Threads == 1) body(0, count);
        else Run(count, Math.Min(count, 8 * Parallelism.Threads), body);
    }

    /// <summary>Calls <paramref name="body"/>(from, to) over <paramref name="parts"/> equal ranges covering 0..count-1.</summary>
    public static void Run(int count, int parts, Action<int, int> body) =>
        WorkerPool.Run(new ParallelRanges(count, parts, body), parts);

    public void Execute(int index) => body((int)((long)count * index / parts), (int)((long)count * (index + 1) / parts));
}
