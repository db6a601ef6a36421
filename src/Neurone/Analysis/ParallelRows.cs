using Neurone.Kernels;

namespace Neurone.Analysis;

/// <summary>
/// Runs a body over contiguous row ranges on the kernel workers. Callers write each row's result to its
/// own slot and combine slots afterwards in row order, so results never depend on which thread ran what.
/// </summary>
internal sealed class ParallelRows : IParallelWork
{
    readonly Action<int, int> body;
    readonly int rows, parts;

    ParallelRows(int rows, int parts, Action<int, int> body) => (this.rows, this.parts, this.body) = (rows, parts, body);

    /// <summary>Below this many inner-loop steps in all, waking the workers costs more than it saves.</summary>
    const long ParallelWork = 1 << 16;

    /// <summary>
    /// Calls <paramref name="body"/>(from, to) over ranges covering 0..rows-1, in parallel when the rows
    /// hold at least <see cref="ParallelWork"/> steps (<paramref name="workPerRow"/> each).
    /// </summary>
    public static void For(int rows, Action<int, int> body, long workPerRow = 1 << 10)
    {
        if (rows <= 0) return;
        if (rows * workPerRow < ParallelWork || Parallelism.Threads == 1)
        {
            body(0, rows);
            return;
        }
        // A few parts per thread even out points whose trees or neighbour lists cost more than others.
        int parts = Math.Min(rows, 8 * Parallelism.Threads);
        WorkerPool.Run(new ParallelRows(rows, parts, body), parts);
    }

    public void Execute(int index) => body((int)((long)rows * index / parts), (int)((long)rows * (index + 1) / parts));
}
