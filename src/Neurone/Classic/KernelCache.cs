namespace Neurone.Classic;

/// <summary>
/// The rows of an n×n kernel matrix that SMO asked for most recently, within a memory budget: a row is
/// computed on first request, kept while it is among the most recently used, and its buffer is reused
/// for the next row when the budget is full (least recently used first). SMO touches two rows per
/// iteration and returns to the same few free variables again and again, so most requests are hits.
/// </summary>
internal sealed class KernelCache
{
    readonly KernelFunction kernel;
    readonly float[] x, norms;
    readonly int n, d, capacity;
    readonly float[]?[] rows;
    // A doubly linked list over cached row indices, most recent at the tail; -1 ends it.
    readonly int[] prev, next;
    int head = -1, tail = -1, count;

    public KernelCache(KernelFunction kernel, float[] x, float[] norms, int n, int d, long budgetBytes)
    {
        this.kernel = kernel;
        this.x = x;
        this.norms = norms;
        this.n = n;
        this.d = d;
        long perRow = (long)n * sizeof(float);
        // Two rows at least: an SMO step needs both of its rows at once.
        capacity = (int)Math.Clamp(budgetBytes / perRow, 2, n);
        rows = new float[n][];
        prev = new int[n];
        next = new int[n];
    }

    /// <summary>How many requests were answered from the cache and how many computed a row.</summary>
    public long Hits { get; private set; }
    public long Misses { get; private set; }

    /// <summary>Row <paramref name="i"/> of the kernel matrix, k(x_i, x_j) for every j. Valid until the next two requests.</summary>
    public float[] Row(int i)
    {
        var row = rows[i];
        if (row is not null)
        {
            Hits++;
            Unlink(i);
            Append(i);
            return row;
        }
        Misses++;
        if (count == capacity)
        {
            int victim = head;
            Unlink(victim);
            row = rows[victim];
            rows[victim] = null;
            count--;
        }
        row ??= new float[n];
        kernel.Compute(x.AsSpan(i * d, d), norms.AsSpan(i, 1), 1, x, norms, n, d, row);
        rows[i] = row;
        Append(i);
        count++;
        return row;
    }

    void Unlink(int i)
    {
        if (prev[i] >= 0) next[prev[i]] = next[i]; else head = next[i];
        if (next[i] >= 0) prev[next[i]] = prev[i]; else tail = prev[i];
    }

    void Append(int i)
    {
        prev[i] = tail;
        next[i] = -1;
        if (tail >= 0) next[tail] = i; else head = i;
        tail = i;
    }
}
