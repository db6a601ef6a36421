using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Neurone.Kernels;

/// <summary>A piece of work split into numbered parts that may run on different threads.</summary>
internal interface IParallelWork
{
    /// <summary>Runs part <paramref name="index"/>.</summary>
    void Execute(int index);
}

/// <summary>
/// A few persistent worker threads for kernels. Parallel.For costs 5–20 µs and allocates per call, which is
/// a tenth of a 128×784×512 GEMM; here a call posts its parts to workers that spin for a short while after
/// each job (so back-to-back kernel calls in a training step find them awake) and then sleep on a
/// semaphore.
/// </summary>
/// <remarks>
/// Parts are claimed, not assigned: the caller and the woken workers take the next unclaimed part until
/// none is left, so a worker the OS is slow to schedule (a busy machine) costs nothing — the caller does its
/// part too — instead of stalling the call. Claims carry a generation number, so a worker that wakes after
/// its job is over finds nothing to claim and never touches the finished job. Callers split work so results
/// do not depend on which thread runs a part: this changes speed, never results. One job at a time: a
/// second caller (another thread, or a kernel called from inside a part) runs all its parts inline.
/// Exceptions in any part are rethrown on the caller once every claimed part has finished.
/// </remarks>
internal static class WorkerPool
{
    sealed class Worker
    {
        public readonly SemaphoreSlim Wake = new(0);
        public int Sleeping;
        public int Posted;          // bumped once per job; the worker looks for work when it differs from what it saw
        public IParallelWork? Work;
        public int Generation, Count;
    }

    /// <summary>How long an idle worker spins before it sleeps: long enough to bridge the gap between the
    /// kernel calls of one training step, short enough not to burn a core when the program goes idle.</summary>
    static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    static readonly object gate = new();
    static Worker[] workers = [];
    static int generation;
    static long claims;             // (generation << 32) | next unclaimed part
    static int completed;           // parts of the current generation finished
    static Exception? error;

    /// <summary>Runs parts 0..count-1 of <paramref name="work"/>, in parallel when the pool is free.</summary>
    public static void Run(IParallelWork work, int count)
    {
        // At most one thread per allowed core: a job split into more parts than threads (so they even out)
        // is drained by the caller and Threads − 1 workers. Waking a worker per part once put 8 threads on
        // 2 cores for a convolution's backward: time-sliced parts left the caller waiting (16% of a CIFAR step).
        int helpers = Math.Min(count, Parallelism.Threads) - 1;
        // Monitor is re-entrant: a part that calls Run on the caller's own thread must not start a second
        // job over the running one (it would reset the claim and completion counters), so it runs inline.
        if (helpers <= 0 || Monitor.IsEntered(gate) || !Monitor.TryEnter(gate))
        {
            // Same contract as the parallel path: every part runs, the first exception is rethrown after.
            Exception? first = null;
            for (int i = 0; i < count; i++)
            {
                try { work.Execute(i); }
                catch (Exception e) { first ??= e; }
            }
            if (first is not null) ExceptionDispatchInfo.Throw(first);
            return;
        }
        try
        {
            if (workers.Length < helpers) Grow(helpers);
            int gen = ++generation;
            Volatile.Write(ref completed, 0);
            error = null;
            Interlocked.Exchange(ref claims, (long)gen << 32);
            for (int i = 0; i < helpers; i++)
            {
                Worker w = workers[i];
                w.Work = work;
                w.Count = count;
                Volatile.Write(ref w.Generation, gen);
                Interlocked.Increment(ref w.Posted); // full fence: publishes the job before the worker sees the bump
                if (Volatile.Read(ref w.Sleeping) != 0) w.Wake.Release();
            }

            Drain(work, gen, count);
            var spin = new SpinWait();
            while (Volatile.Read(ref completed) != count) spin.SpinOnce(sleep1Threshold: -1);
            if (error is { } e) ExceptionDispatchInfo.Throw(e);
        }
        finally
        {
            Monitor.Exit(gate);
        }
    }

    /// <summary>Claims and runs parts of generation <paramref name="gen"/> until none is left.</summary>
    static void Drain(IParallelWork work, int gen, int count)
    {
        while (true)
        {
            long s = Volatile.Read(ref claims);
            if ((int)(s >> 32) != gen || (int)s >= count) return;
            if (Interlocked.CompareExchange(ref claims, s + 1, s) != s) continue;
            try { work.Execute((int)s); }
            catch (Exception e) { Interlocked.CompareExchange(ref error, e, null); }
            Interlocked.Increment(ref completed);
        }
    }

    static void Grow(int size)
    {
        var grown = new Worker[size];
        Array.Copy(workers, grown, workers.Length);
        for (int i = workers.Length; i < size; i++)
        {
            var w = grown[i] = new Worker();
            new Thread(() => Loop(w)) { IsBackground = true, Name = $"Neurone kernel worker {i + 1}" }.Start();
        }
        workers = grown;
    }

    static void Loop(Worker w)
    {
        int seen = 0;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref w.Posted) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                // Dekker-style handshake with Run: we publish Sleeping, then re-check Posted; Run bumps Posted,
                // then checks Sleeping. One of the two sees the other, so a post is never missed (at worst a
                // spare Release makes a later Wait return early, and the loop re-checks).
                Interlocked.Exchange(ref w.Sleeping, 1);
                if (Volatile.Read(ref w.Posted) == seen) w.Wake.Wait();
                Volatile.Write(ref w.Sleeping, 0);
                start = Stopwatch.GetTimestamp();
            }
            seen = Volatile.Read(ref w.Posted);
            // A consistent (job, generation) pair: if a newer post is being written, skip; its bump follows.
            int gen = Volatile.Read(ref w.Generation);
            IParallelWork? work = Volatile.Read(ref w.Work);
            int count = Volatile.Read(ref w.Count);
            if (work is null || Volatile.Read(ref w.Generation) != gen) continue;
            Drain(work, gen, count);
        }
    }
}
