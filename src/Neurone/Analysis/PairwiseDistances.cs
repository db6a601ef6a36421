using Neurone.Kernels;

namespace Neurone.Analysis;

/// <summary>
/// Squared Euclidean distances between the rows of a matrix, a block of rows at a time, as
/// ‖a‖² + ‖b‖² − 2·a·b with the products from our GEMM; and exact k-nearest neighbours built on it.
/// Blocks keep memory at <see cref="BlockRows"/>×N floats however large N is.
/// </summary>
internal static class PairwiseDistances
{
    /// <summary>Rows per GEMM block: 256×10,000 floats is 10 MB and the product is long enough to use every core.</summary>
    public const int BlockRows = 256;

    /// <summary>‖row‖² of each row of <paramref name="x"/> [n, d], summed in double.</summary>
    public static double[] SquaredNorms(ReadOnlySpan<float> x, int n, int d)
    {
        var norms = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            var row = x.Slice(i * d, d);
            for (int j = 0; j < row.Length; j++) s += (double)row[j] * row[j];
            norms[i] = s;
        }
        return norms;
    }

    /// <summary>
    /// Squared distances from rows [start, start + rows) to every row, into <paramref name="block"/>
    /// [rows, n]. Rounding can make a distance slightly negative; it is clamped to 0.
    /// </summary>
    public static void Block(float[] x, int n, int d, double[] norms, int start, int rows, float[] block)
    {
        Gemm.Multiply(false, true, rows, n, d, -2f, x.AsSpan(start * d, rows * d), d, x, d, 0f, block, n);
        for (int r = 0; r < rows; r++)
        {
            var line = block.AsSpan(r * n, n);
            double ni = norms[start + r];
            for (int j = 0; j < n; j++) line[j] = (float)Math.Max(0, line[j] + ni + norms[j]);
        }
    }

    /// <summary>
    /// The <paramref name="k"/> nearest other rows of every row of <paramref name="x"/> [n, d], nearest first:
    /// indices [n, k] and squared distances [n, k], the latter recomputed exactly in double for the chosen
    /// pairs (the GEMM form loses digits when the norms are large next to the distances). Ties go to the
    /// lower index, so the answer does not depend on threads.
    /// </summary>
    public static (int[] Indices, double[] Distances) Nearest(float[] x, int n, int d, int k)
    {
        if (k < 1 || k >= n) throw new ArgumentOutOfRangeException(nameof(k), k, $"nearest neighbours: expected 1 ≤ k < N = {n}.");
        var norms = SquaredNorms(x, n, d);
        var indices = new int[n * k];
        var distances = new double[n * k];
        int blockRows = Math.Min(BlockRows, n);
        var block = new float[blockRows * n];
        var select = new SelectWork(x, n, d, k, block, indices, distances);
        for (int start = 0; start < n; start += blockRows)
        {
            int rows = Math.Min(blockRows, n - start);
            Block(x, n, d, norms, start, rows, block);
            select.Start = start;
            select.Rows = rows;
            select.Parts = Math.Min(rows, 4 * Parallelism.Threads);
            WorkerPool.Run(select, select.Parts);
        }
        return (indices, distances);
    }

    /// <summary>Per row of a block: a bounded max-heap keeps the k smallest distances seen.</summary>
    sealed class SelectWork(float[] x, int n, int d, int k, float[] block, int[] indices, double[] distances) : IParallelWork
    {
        public int Start, Rows, Parts;

        public void Execute(int index)
        {
            int from = (int)((long)Rows * index / Parts), to = (int)((long)Rows * (index + 1) / Parts);
            // One heap per part and block, not per row.
            var heapD = new float[k];
            var heapI = new int[k];
            for (int r = from; r < to; r++) SelectRow(Start + r, block.AsSpan(r * n, n), heapD, heapI);
        }

        void SelectRow(int i, ReadOnlySpan<float> line, float[] heapD, int[] heapI)
        {
            int size = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                float v = line[j];
                if (size < k)
                {
                    // Sift up.
                    int c = size++;
                    while (c > 0)
                    {
                        int p = (c - 1) >> 1;
                        if (!Worse(v, j, heapD[p], heapI[p])) break;
                        heapD[c] = heapD[p]; heapI[c] = heapI[p];
                        c = p;
                    }
                    heapD[c] = v; heapI[c] = j;
                }
                else if (Worse(heapD[0], heapI[0], v, j))
                {
                    // Replace the root (the worst kept) and sift down.
                    int c = 0;
                    while (true)
                    {
                        int l = 2 * c + 1;
                        if (l >= k) break;
                        int m = l + 1 < k && Worse(heapD[l + 1], heapI[l + 1], heapD[l], heapI[l]) ? l + 1 : l;
                        if (!Worse(heapD[m], heapI[m], v, j)) break;
                        heapD[c] = heapD[m]; heapI[c] = heapI[m];
                        c = m;
                    }
                    heapD[c] = v; heapI[c] = j;
                }
            }
            // Exact distances for the chosen pairs, then sort them nearest first.
            var outI = indices.AsSpan(i * k, k);
            var outD = distances.AsSpan(i * k, k);
            var xi = x.AsSpan(i * d, d);
            for (int t = 0; t < k; t++)
            {
                var xj = x.AsSpan(heapI[t] * d, d);
                double s = 0;
                for (int q = 0; q < d; q++) { double diff = (double)xi[q] - xj[q]; s += diff * diff; }
                outD[t] = s;
                outI[t] = heapI[t];
            }
            // k is small (≤ a few hundred): insertion sort by (distance, index) is enough and allocation-free.
            for (int a = 1; a < k; a++)
            {
                double dv = outD[a]; int iv = outI[a];
                int b = a - 1;
                while (b >= 0 && (outD[b] > dv || (outD[b] == dv && outI[b] > iv))) { outD[b + 1] = outD[b]; outI[b + 1] = outI[b]; b--; }
                outD[b + 1] = dv; outI[b + 1] = iv;
            }
        }

        /// <summary>True when (da, ia) ranks after (db, ib): larger distance, or equal distance and larger index.</summary>
        static bool Worse(float da, int ia, float db, int ib) => da > db || (da == db && ia > ib);
    }
}
