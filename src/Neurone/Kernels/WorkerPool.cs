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
/// semaphore. The caller runs part 0 itself and waits for the rest.
/// </summary>
/// <remarks>
/// One job at a time: a second caller (another thread, or a kernel called from inside a worker) does not
/// wait for the pool but runs all its parts inline. Callers split work so results do not depend on which
/// thread runs a part, so this changes speed, never results. Exceptions in any part are rethrown on the
/// caller after all parts finished.
/// </remarks>
internal static class WorkerPool
{
    sealed class Worker
    {
        public readonly SemaphoreSlim Wake = new(0);
        public int Sleeping;
        public int Posted;          // bumped once per job; the worker runs when it differs from what it saw
        public IParallelWork? Work;
        public int Index;
        public Exception? Error;
    }

    /// <summary>How long an idle worker spins before it sleeps: long enough to bridge the gap between the
    /// kernel calls of one training step, short enough not to burn a core when the program goes idle.</summary>
    static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    static readonly object gate = new();
    static Worker[] workers = [];
    static int pending;

    /// <summary>Runs parts 0..count-1 of <paramref name="work"/>, in parallel when the pool is free.</summary>
    public static void Run(IParallelWork work, int count)
    {
        if (count <= 1 || !Monitor.TryEnter(gate))
        {
            for (int i = 0; i < count; i++) work.Execute(i);
            return;
        }
        try
        {
            if (workers.Length < count - 1) Grow(count - 1);
            Volatile.Write(ref pending, count - 1);
            for (int i = 1; i < count; i++)
            {
                Worker w = workers[i - 1];
                w.Work = work;
                w.Index = i;
                w.Error = null;
                Interlocked.Increment(ref w.Posted); // full fence: publishes Work/Index before the worker sees the bump
                if (Volatile.Read(ref w.Sleeping) != 0) w.Wake.Release();
            }

            Exception? error = null;
            try { work.Execute(0); }
            catch (Exception e) { error = e; }

            var spin = new SpinWait();
            while (Volatile.Read(ref pending) != 0) spin.SpinOnce(sleep1Threshold: -1);

            for (int i = 1; i < count; i++)
            {
                Worker w = workers[i - 1];
                error ??= w.Error;
                w.Work = null;
                w.Error = null;
            }
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Monitor.Exit(gate);
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
            try { w.Work!.Execute(w.Index); }
            catch (Exception e) { w.Error = e; }
            Interlocked.Decrement(ref pending);
        }
    }
}
