using Neurone.Kernels;

namespace Neurone.Analysis;

/// <summary>
/// t-SNE's input similarities. For each point a Gaussian over its neighbours' squared distances is tuned
/// by binary search on its precision β until the distribution's perplexity, 2^entropy (here e^entropy in
/// nats), matches the requested one; the conditional probabilities are then symmetrised into joint
/// probabilities P = (P_j|i + P_i|j) / Σ, as in scikit-learn.
/// </summary>
internal static class Affinities
{
    /// <summary>The search stops when the entropy is within this many nats of the target (scikit-learn's value).</summary>
    const double EntropyTolerance = 1e-5;
    const int MaxSteps = 100;
    /// <summary>Floor on dense joint probabilities, so KL(P‖Q) never takes the log of zero (numpy's float64 epsilon).</summary>
    const double Floor = 2.220446049250313e-16;

    /// <summary>
    /// Fills <paramref name="p"/> with the normalised conditional probabilities for squared distances
    /// <paramref name="distances"/>, at the β whose entropy is ln(perplexity). Distances are shifted by
    /// their minimum first: that leaves the normalised distribution and its entropy unchanged, and keeps
    /// exp from underflowing to an all-zero row when distances are large (raw pixel values).
    /// </summary>
    public static void ConditionalRow(ReadOnlySpan<double> distances, Span<double> p, double perplexity)
    {
        double min = double.PositiveInfinity;
        foreach (double v in distances) min = Math.Min(min, v);
        double target = Math.Log(perplexity);
        double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        for (int step = 0; step < MaxSteps; step++)
        {
            double sum = 0, weighted = 0;
            for (int j = 0; j < distances.Length; j++)
            {
                double shifted = distances[j] - min;
                double e = Math.Exp(-shifted * beta);
                p[j] = e;
                sum += e;
                weighted += shifted * e;
            }
            double entropy = Math.Log(sum) + beta * weighted / sum;
            double gap = entropy - target;
            for (int j = 0; j < p.Length; j++) p[j] /= sum;
            if (Math.Abs(gap) <= EntropyTolerance) return;
            if (gap > 0)
            {
                // Too flat: sharpen.
                lo = beta;
                beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2;
            }
            else
            {
                hi = beta;
                beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2;
            }
        }
    }

    /// <summary>Joint probabilities over every pair [n·n] (diagonal zero) for the exact method.</summary>
    public static double[] Dense(float[] x, int n, int d, double perplexity)
    {
        var norms = PairwiseDistances.SquaredNorms(x, n, d);
        var all = new float[(long)n * n <= int.MaxValue ? n * n : throw new ArgumentException($"t-SNE exact: N = {n} is too large for an N×N matrix; use the Barnes–Hut method.")];
        for (int start = 0; start < n; start += PairwiseDistances.BlockRows)
        {
            int rows = Math.Min(PairwiseDistances.BlockRows, n - start);
            var block = new float[rows * n];
            PairwiseDistances.Block(x, n, d, norms, start, rows, block);
            block.CopyTo(all, start * n);
        }
        var conditional = new double[n * n];
        ParallelRanges.For(n, (from, to) =>
        {
            var dist = new double[n - 1];
            var p = new double[n - 1];
            for (int i = from; i < to; i++)
            {
                for (int j = 0, t = 0; j < n; j++) if (j != i) dist[t++] = all[i * n + j];
                ConditionalRow(dist, p, perplexity);
                for (int j = 0, t = 0; j < n; j++) if (j != i) conditional[i * n + j] = p[t++];
            }
        }, 50L * n);
        var joint = new double[n * n];
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) total += conditional[i * n + j] + conditional[j * n + i];
        total = Math.Max(total, double.Epsilon);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) joint[i * n + j] = Math.Max((conditional[i * n + j] + conditional[j * n + i]) / total, Floor);
        return joint;
    }

    /// <summary>
    /// Joint probabilities over each point's <paramref name="k"/> nearest neighbours, symmetrised (a pair
    /// is kept when either point has the other among its neighbours) for Barnes–Hut.
    /// </summary>
    public static SparseAffinities Sparse(float[] x, int n, int d, double perplexity, int k)
    {
        var (neighbours, distances) = PairwiseDistances.Nearest(x, n, d, k);
        var conditional = new double[n * k];
        ParallelRanges.For(n, (from, to) =>
        {
            for (int i = from; i < to; i++)
                ConditionalRow(distances.AsSpan(i * k, k), conditional.AsSpan(i * k, k), perplexity);
        }, 50L * k);

        // P + Pᵀ in compressed rows: row i holds its own k entries and every (j → i) entry, merged by column.
        var rowCount = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            rowCount[i] += k;
            for (int t = 0; t < k; t++) rowCount[neighbours[i * k + t]]++;
        }
        var start = new int[n + 1];
        for (int i = 0; i < n; i++) start[i + 1] = start[i] + rowCount[i];
        var fill = (int[])start.Clone();
        var cols = new int[start[n]];
        var vals = new double[start[n]];
        for (int i = 0; i < n; i++)
            for (int t = 0; t < k; t++)
            {
                int j = neighbours[i * k + t];
                double v = conditional[i * k + t];
                cols[fill[i]] = j; vals[fill[i]++] = v;
                cols[fill[j]] = i; vals[fill[j]++] = v;
            }
        var rowStart = new int[n + 1];
        int write = 0;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            rowStart[i] = write;
            Array.Sort(cols, vals, start[i], start[i + 1] - start[i]);
            for (int r = start[i]; r < start[i + 1]; r++)
            {
                if (write > rowStart[i] && cols[write - 1] == cols[r]) vals[write - 1] += vals[r];
                else { cols[write] = cols[r]; vals[write] = vals[r]; write++; }
                total += vals[r];
            }
        }
        rowStart[n] = write;
        total = Math.Max(total, double.Epsilon);
        for (int r = 0; r < write; r++) vals[r] /= total;
        return new SparseAffinities(rowStart, cols[..write], vals[..write]);
    }
}
