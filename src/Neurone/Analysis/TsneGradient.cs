using Neurone.Kernels;

namespace Neurone.Analysis;

/// <summary>
/// The gradient of t-SNE's KL(P‖Q) for a 2-D embedding with the Student-t (one degree of freedom) kernel
/// q_ij = w_ij / Z, w_ij = 1/(1 + ‖y_i − y_j‖²), Z = Σ_{k≠l} w_kl:
/// ∂C/∂y_i = 4·(α·Σ_j p_ij·w_ij·(y_i − y_j) − Σ_j w_ij²·(y_i − y_j) / Z), with α the exaggeration.
/// The attraction runs over P's non-zeros (all pairs for the exact method, the symmetrised neighbour lists
/// for Barnes–Hut); the repulsion over all pairs, or over the quadtree's cells for Barnes–Hut. Each point
/// writes its own terms and its share of Z; Z is then summed in point order, so the result is the same for
/// any number of threads.
/// </summary>
internal sealed class TsneGradient
{
    readonly int n;
    readonly double[]? dense;
    readonly SparseAffinities? sparse;
    readonly double theta;
    readonly QuadTree tree = new();
    readonly double[] attraction, repulsion, zShare;
    readonly Action<int, int> exactBody, barnesHutBody;
    double[] y = [];

    /// <summary>Exact: P is dense [n·n].</summary>
    public TsneGradient(int n, double[] p) : this(n, p, null, 0) { }

    /// <summary>Barnes–Hut: P is sparse; cells with side/distance below <paramref name="theta"/> are summarised.</summary>
    public TsneGradient(SparseAffinities p, double theta) : this(p.Rows, null, p, theta) { }

    TsneGradient(int n, double[]? dense, SparseAffinities? sparse, double theta)
    {
        this.n = n;
        this.dense = dense;
        this.sparse = sparse;
        this.theta = theta;
        attraction = new double[2 * n];
        repulsion = new double[2 * n];
        zShare = new double[n];
        // Built once: the loops below run a thousand times.
        exactBody = ExactRows;
        barnesHutBody = BarnesHutRows;
    }

    /// <summary>Writes ∂C/∂y into <paramref name="grad"/> and returns Z.</summary>
    public double Compute(double[] embedding, double[] grad, double exaggeration)
    {
        y = embedding;
        if (dense is not null) ParallelRanges.For(n, exactBody, n);
        else
        {
            tree.Build(y, n);
            // A point meets on the order of a hundred cells and neighbours.
            ParallelRanges.For(n, barnesHutBody, 200);
        }
        double z = 0;
        for (int i = 0; i < n; i++) z += zShare[i];
        double invZ = 1 / Math.Max(z, double.Epsilon);
        for (int c = 0; c < 2 * n; c++) grad[c] = 4 * (exaggeration * attraction[c] - repulsion[c] * invZ);
        return z;
    }

    void ExactRows(int from, int to)
    {
        var p = dense!;
        for (int i = from; i < to; i++)
        {
            double xi = y[2 * i], yi = y[2 * i + 1];
            double ax = 0, ay = 0, rx = 0, ry = 0, z = 0;
            int row = i * n;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
                double w = 1 / (1 + dx * dx + dy * dy);
                z += w;
                double pw = p[row + j] * w, ww = w * w;
                ax += pw * dx; ay += pw * dy;
                rx += ww * dx; ry += ww * dy;
            }
            attraction[2 * i] = ax; attraction[2 * i + 1] = ay;
            repulsion[2 * i] = rx; repulsion[2 * i + 1] = ry;
            zShare[i] = z;
        }
    }

    void BarnesHutRows(int from, int to)
    {
        var p = sparse!;
        Span<int> stack = stackalloc int[QuadTree.StackSize];
        var order = tree.Order;
        // Points in tree order: consecutive queries walk nearly the same cells, which stay in cache.
        for (int t = from; t < to; t++)
        {
            int i = order[t];
            zShare[i] = tree.Repulsion(y, i, theta, stack, out repulsion[2 * i], out repulsion[2 * i + 1]);
            double xi = y[2 * i], yi = y[2 * i + 1];
            double ax = 0, ay = 0;
            for (int r = p.RowStart[i]; r < p.RowStart[i + 1]; r++)
            {
                int j = p.Columns[r];
                double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
                double pw = p.Values[r] / (1 + dx * dx + dy * dy);
                ax += pw * dx; ay += pw * dy;
            }
            attraction[2 * i] = ax; attraction[2 * i + 1] = ay;
        }
    }

    /// <summary>
    /// KL(P‖Q) = Σ p_ij·ln(p_ij / q_ij) over P's non-zeros, with <paramref name="z"/> from the last
    /// <see cref="Compute"/> on the same embedding (Barnes–Hut's Z is its approximation, as in scikit-learn).
    /// </summary>
    public double KlDivergence(double[] embedding, double z)
    {
        double kl = 0;
        if (dense is not null)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double pij = dense[i * n + j];
                    if (i == j || pij <= 0) continue;
                    kl += pij * Math.Log(pij / (Weight(embedding, i, j) / z));
                }
            return kl;
        }
        var p = sparse!;
        for (int i = 0; i < n; i++)
            for (int r = p.RowStart[i]; r < p.RowStart[i + 1]; r++)
            {
                double pij = p.Values[r];
                if (pij > 0) kl += pij * Math.Log(pij / (Weight(embedding, i, p.Columns[r]) / z));
            }
        return kl;
    }

    static double Weight(double[] y, int i, int j)
    {
        double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        return 1 / (1 + dx * dx + dy * dy);
    }
}
