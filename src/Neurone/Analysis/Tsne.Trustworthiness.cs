using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Analysis;

public sealed partial class Tsne
{
    /// <summary>
    /// How far an embedding's neighbourhoods can be trusted (Venna and Kaski, 2001), defined as scikit-learn's
    /// <c>sklearn.manifold.trustworthiness</c>: T(k) = 1 − 2/(N·k·(2N − 3k − 1)) · Σ_i Σ_{j ∈ N_k(i)} max(0, r(i, j) − k),
    /// where N_k(i) are the k nearest neighbours of i in <paramref name="low"/> and r(i, j) is j's rank
    /// (1 = nearest, i itself excluded) among i's neighbours in <paramref name="high"/>, by Euclidean distance.
    /// 1 means every embedded neighbour is a true neighbour. Costs O(N²·(D + k)) time but only blocks of
    /// distances in memory; for large N, score a random subset.
    /// </summary>
    public static double Trustworthiness(Tensor high, Tensor low, int k = 5)
    {
        ArgumentNullException.ThrowIfNull(high);
        ArgumentNullException.ThrowIfNull(low);
        if (high.Rank != 2 || low.Rank != 2)
            throw new ArgumentException($"trustworthiness: expected two matrices [N, D] and [N, d], got shapes [{string.Join(",", high.ShapeArray())}] and [{string.Join(",", low.ShapeArray())}].");
        int n = high.Size(0), d = high.Size(1), e = low.Size(1);
        if (low.Size(0) != n) throw new ArgumentException($"trustworthiness: the embedding has {low.Size(0)} rows, expected {n} (one per sample).", nameof(low));
        // scikit-learn's bound: beyond N/2 the normalisation no longer keeps the score in [0, 1].
        if (k < 1 || k >= n / 2.0) throw new ArgumentOutOfRangeException(nameof(k), k, $"trustworthiness: expected 1 ≤ k < N/2 = {n / 2.0}.");

        var embedded = LowNeighbours(low.ToArray(), n, e, k);
        var x = high.ToArray();
        var norms = PairwiseDistances.SquaredNorms(x, n, d);
        var penalty = new double[n];
        int blockRows = Math.Min(PairwiseDistances.BlockRows, n);
        var block = new float[blockRows * n];
        for (int start = 0; start < n; start += blockRows)
        {
            int rows = Math.Min(blockRows, n - start);
            PairwiseDistances.Block(x, n, d, norms, start, rows, block);
            int first = start;
            ParallelRanges.For(rows, (from, to) =>
            {
                for (int r = from; r < to; r++)
                {
                    int i = first + r;
                    var line = block.AsSpan(r * n, n);
                    double sum = 0;
                    for (int t = 0; t < k; t++)
                    {
                        int j = embedded[i * k + t];
                        float dj = line[j];
                        // Rank in the input space: how many others are nearer (ties broken by index) plus one.
                        int rank = 1;
                        for (int l = 0; l < n; l++)
                            if (l != i && (line[l] < dj || (line[l] == dj && l < j))) rank++;
                        sum += Math.Max(0, rank - k);
                    }
                    penalty[i] = sum;
                }
            }, (long)n * k);
        }
        double total = 0;
        for (int i = 0; i < n; i++) total += penalty[i];
        return 1 - total * 2.0 / ((double)n * k * (2.0 * n - 3.0 * k - 1.0));
    }

    /// <summary>The k nearest neighbours in the (low-dimensional) embedding, by brute force in double.</summary>
    static int[] LowNeighbours(float[] y, int n, int e, int k)
    {
        var result = new int[n * k];
        ParallelRanges.For(n, (from, to) =>
        {
            var bestD = new double[k];
            var bestI = new int[k];
            for (int i = from; i < to; i++)
            {
                int size = 0;
                for (int j = 0; j < n; j++)
                {
                    if (j == i) continue;
                    double s = 0;
                    for (int c = 0; c < e; c++) { double diff = (double)y[i * e + c] - y[j * e + c]; s += diff * diff; }
                    if (size == k && s >= bestD[k - 1]) continue;
                    // Insertion into the sorted short list; equal distances keep the lower index first.
                    int p = size < k ? size++ : k - 1;
                    while (p > 0 && bestD[p - 1] > s) { bestD[p] = bestD[p - 1]; bestI[p] = bestI[p - 1]; p--; }
                    bestD[p] = s; bestI[p] = j;
                }
                bestI.AsSpan().CopyTo(result.AsSpan(i * k, k));
            }
        }, (long)n * e);
        return result;
    }
}
