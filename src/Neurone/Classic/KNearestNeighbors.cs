using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Classic;

/// <summary>
/// k-nearest-neighbour classification by Euclidean distance (scikit-learn's <c>KNeighborsClassifier</c>
/// with uniform weights and brute force). Fit keeps a copy of the training rows; queries are taken in
/// batches so the distance block stays within <see cref="BatchFloats"/> floats, and each block is one
/// GEMM: ‖q − x‖² = ‖q‖² + ‖x‖² − 2q·x. Equal distances go to the lower training index, and a tied vote
/// goes to the tied class whose nearest neighbour is closest (scikit-learn picks the lowest label
/// instead): both make the answer deterministic.
/// </summary>
public sealed class KNearestNeighbors : Classifier
{
    float[] train = [], trainNorms = [];
    int[] trainClass = [];
    int trainCount;

    /// <summary>A classifier that votes among the <paramref name="k"/> nearest training rows.</summary>
    public KNearestNeighbors(int k = 5, int batchFloats = 1 << 24)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "KNearestNeighbors: expected k >= 1.");
        if (batchFloats < 1) throw new ArgumentOutOfRangeException(nameof(batchFloats), batchFloats, "KNearestNeighbors: expected a positive batch size.");
        K = k;
        BatchFloats = batchFloats;
    }

    /// <summary>How many neighbours vote.</summary>
    public int K { get; }

    /// <summary>The most floats a block of query-to-training distances may hold (default 2²⁴, 64 MB).</summary>
    public int BatchFloats { get; }

    protected override void FitCore(ReadOnlySpan<float> x, int n, int d, int[] y, int classCount)
    {
        if (K > n) throw new ArgumentException($"KNearestNeighbors: k is {K}, expected at most the {n} training samples.", nameof(x));
        train = x.ToArray();
        trainNorms = KernelFunction.SquaredNorms(train, n, d);
        trainClass = (int[])y.Clone();
        trainCount = n;
    }

    /// <summary>
    /// The <see cref="K"/> nearest training rows of each query: Euclidean distances [n, k] (nearest
    /// first) and the training indices, row-major n×k.
    /// </summary>
    public (Tensor Distances, int[] Indices) KNeighbors(Tensor x)
    {
        int n = CheckQuery(x, nameof(KNeighbors));
        var (dist, idx) = Search(x.AsReadOnlySpan(), n);
        for (int i = 0; i < dist.Length; i++) dist[i] = MathF.Sqrt(MathF.Max(dist[i], 0f));
        return (Tensor.FromArray(dist, n, K), idx);
    }

    (float[] Dist, int[] Index) Search(ReadOnlySpan<float> x, int n)
    {
        int d = Features, nt = trainCount, k = K;
        var bestDist = new float[(long)n * k];
        var bestIndex = new int[(long)n * k];
        int batch = Math.Clamp(BatchFloats / nt, 1, n);
        var block = new float[(long)batch * nt];
        var queryNorms = KernelFunction.SquaredNorms(x, n, d);
        for (int start = 0; start < n; start += batch)
        {
            int m = Math.Min(batch, n - start);
            Gemm.Multiply(false, true, m, nt, d, -2f, x.Slice(start * d, m * d), d, train, d, 0f, block, nt);
            int s0 = start;
            Parallel.For(0, m, new ParallelOptions { MaxDegreeOfParallelism = Parallelism.Threads },
                q => SelectNearest(block.AsSpan(q * nt, nt), queryNorms[s0 + q],
                    bestDist.AsSpan((s0 + q) * k, k), bestIndex.AsSpan((s0 + q) * k, k)));
        }
        return (bestDist, bestIndex);
    }

    // Keeps the k smallest of ‖q‖² + ‖x_t‖² − 2q·x_t in a sorted list by insertion; strict comparison
    // keeps the lower index on equal distances because t increases.
    void SelectNearest(ReadOnlySpan<float> minus2Dot, float queryNorm, Span<float> dist, Span<int> index)
    {
        int k = dist.Length, filled = 0;
        for (int t = 0; t < minus2Dot.Length; t++)
        {
            float v = queryNorm + trainNorms[t] + minus2Dot[t];
            if (filled == k && !(v < dist[k - 1])) continue;
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && v < dist[pos - 1])
            {
                dist[pos] = dist[pos - 1];
                index[pos] = index[pos - 1];
                pos--;
            }
            dist[pos] = v;
            index[pos] = t;
        }
    }

    // Votes of each class among each row's neighbours, and the winner.
    (float[] Votes, int[] Winners) Vote(ReadOnlySpan<float> x, int n)
    {
        var (_, idx) = Search(x, n);
        int classes = Classes.Count;
        var votes = new float[(long)n * classes];
        var winners = new int[n];
        for (int i = 0; i < n; i++)
        {
            var row = votes.AsSpan(i * classes, classes);
            for (int j = 0; j < K; j++) row[trainClass[idx[i * K + j]]] += 1f;
            // Neighbours come nearest first, so among tied classes the first one met has the nearest member.
            int best = trainClass[idx[i * K]];
            for (int j = 1; j < K; j++)
            {
                int c = trainClass[idx[i * K + j]];
                if (row[c] > row[best]) best = c;
            }
            winners[i] = best;
        }
        return (votes, winners);
    }

    protected override int[] PredictIndices(ReadOnlySpan<float> x, int n) => Vote(x, n).Winners;

    /// <summary>The fraction of the k neighbours in each class, [n, classes]; with two classes, [n] the fraction for <c>Classes[1]</c> minus that for <c>Classes[0]</c>.</summary>
    protected override Tensor DecisionCore(ReadOnlySpan<float> x, int n)
    {
        var (votes, _) = Vote(x, n);
        int classes = Classes.Count;
        for (int i = 0; i < votes.Length; i++) votes[i] /= K;
        if (classes > 2) return Tensor.FromArray(votes, n, classes);
        var diff = new float[n];
        for (int i = 0; i < n; i++) diff[i] = votes[2 * i + 1] - votes[2 * i];
        return Tensor.FromArray(diff, n);
    }
}
