namespace Neurone.Kernels;

/// <summary>
/// The global thread setting of every multithreaded kernel (default: all cores). Kernels split work
/// over output elements only, never over a reduction, so results are bit-identical for any setting.
/// </summary>
public static class Parallelism
{
    static int threads = Environment.ProcessorCount;

    /// <summary>How many threads kernels may use; at least 1.</summary>
    public static int Threads
    {
        get => threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Parallelism.Threads: expected at least 1 thread.");
            threads = value;
        }
    }
}
