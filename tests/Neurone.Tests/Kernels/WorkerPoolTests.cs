using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

[Collection(ThreadSettingCollection.Name)]
public class WorkerPoolTests
{
    sealed class Recorder(int count, int throwAt = -1, Action<int>? inner = null) : IParallelWork
    {
        public readonly int[] Runs = new int[count];

        public void Execute(int index)
        {
            Interlocked.Increment(ref Runs[index]);
            inner?.Invoke(index);
            if (index == throwAt) throw new InvalidOperationException($"part {index} failed");
        }
    }

    [Fact]
    public void RunsEveryPartExactlyOnce()
    {
        for (int round = 0; round < 200; round++)
        {
            int count = 1 + round % 5;
            var r = new Recorder(count);
            WorkerPool.Run(r, count);
            Assert.All(r.Runs, n => Assert.Equal(1, n));
        }
    }

    [Fact]
    public void AJobOfManyPartsUsesNoMoreThreadsThanAllowed()
    {
        int saved = Parallelism.Threads;
        Parallelism.Threads = 2;
        try
        {
            for (int round = 0; round < 50; round++)
            {
                var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
                var r = new Recorder(16, inner: _ => { threads[Environment.CurrentManagedThreadId] = true; Thread.SpinWait(2000); });
                WorkerPool.Run(r, 16);
                Assert.All(r.Runs, n => Assert.Equal(1, n));
                Assert.InRange(threads.Count, 1, 2);
            }
        }
        finally { Parallelism.Threads = saved; }
    }

    [Fact]
    public void ExceptionInAnyPartSurfacesOnTheCaller()
    {
        for (int at = 0; at < 3; at++)
        {
            var r = new Recorder(3, throwAt: at);
            var e = Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(r, 3));
            Assert.Equal($"part {at} failed", e.Message);
            Assert.All(r.Runs, n => Assert.Equal(1, n));
        }
        // Nested calls run inline (the pool is busy with the outer job); they too run every part, then throw.
        var inner = new Recorder[2];
        var outer = new Recorder(2, inner: i =>
        {
            inner[i] = new Recorder(3, throwAt: 0);
            Assert.Throws<InvalidOperationException>(() => WorkerPool.Run(inner[i], 3));
        });
        WorkerPool.Run(outer, 2);
        Assert.All(inner, r => Assert.All(r.Runs, n => Assert.Equal(1, n)));
        // The pool still works afterwards.
        var ok = new Recorder(3);
        WorkerPool.Run(ok, 3);
        Assert.All(ok.Runs, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task NestedAndConcurrentCallsNeitherHangNorLoseParts()
    {
        var inner = new Recorder[4];
        var outer = new Recorder(4, inner: i => { inner[i] = new Recorder(3); WorkerPool.Run(inner[i], 3); });
        WorkerPool.Run(outer, 4);
        Assert.All(outer.Runs, n => Assert.Equal(1, n));
        Assert.All(inner, r => Assert.All(r.Runs, n => Assert.Equal(1, n)));

        var tasks = new Task[4];
        for (int t = 0; t < tasks.Length; t++)
            tasks[t] = Task.Run(() =>
            {
                for (int round = 0; round < 100; round++)
                {
                    var r = new Recorder(3);
                    WorkerPool.Run(r, 3);
                    Assert.All(r.Runs, n => Assert.Equal(1, n));
                }
            });
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
