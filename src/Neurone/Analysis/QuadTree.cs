namespace Neurone.Analysis;

/// <summary>
/// The Barnes–Hut quadtree over a 2-D embedding, rebuilt every iteration. Nodes live in flat arrays
/// (struct-of-arrays, no objects), children of a node are four consecutive nodes, and every node owns a
/// contiguous range of a permutation of the points, so a leaf's points are read directly. Building reuses
/// the arrays of the previous iteration; it is sequential and deterministic (points are partitioned by a
/// stable counting pass), and queries only read, so many threads can query one tree.
/// </summary>
internal sealed class QuadTree
{
    /// <summary>A node with this many points or fewer is a leaf; its points are visited exactly.</summary>
    const int LeafSize = 4;
    /// <summary>Coincident points would split forever; below this depth they share a leaf.</summary>
    const int MaxDepth = 48;

    /// <summary>One cell: what a query reads together sits together (one cache line holds most of it).</summary>
    struct Node
    {
        public double MassX, MassY, SideSquared;
        public int FirstChild, From, To;    // FirstChild −1 for a leaf; [From, To) into the sorted points
    }

    int[] order = [], scratch = [];
    byte[] quadrant = [];
    // The points' coordinates in tree order, so a leaf's points are read contiguously.
    double[] sorted = [];
    Node[] tree = new Node[64];
    int nodes;

    /// <summary>The points in tree order: neighbours in the plane are near each other in this list.</summary>
    public ReadOnlySpan<int> Order => order;

    /// <summary>Deepest path from the root.</summary>
    public int Depth { get; private set; }

    /// <summary>Stack slots a <see cref="Repulsion"/> query may need: each level leaves at most three siblings waiting.</summary>
    public const int StackSize = 3 * MaxDepth + 8;

    public void Build(ReadOnlySpan<double> y, int n)
    {
        if (order.Length != n)
        {
            order = new int[n];
            scratch = new int[n];
            quadrant = new byte[n];
            sorted = new double[2 * n];
        }
        for (int i = 0; i < n; i++) order[i] = i;
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]); maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]); maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        // A square root cell slightly larger than the points, so none sits exactly on the far edge.
        double half = Math.Max(maxX - minX, maxY - minY) * 0.5 * (1 + 1e-6) + 1e-12;
        nodes = 1;
        Depth = 0;
        Split(0, 0, n, (minX + maxX) * 0.5, (minY + maxY) * 0.5, half, 0, y);
        for (int r = 0; r < n; r++) { sorted[2 * r] = y[2 * order[r]]; sorted[2 * r + 1] = y[2 * order[r] + 1]; }
    }

    void Split(int node, int lo, int hi, double cx, double cy, double half, int depth, ReadOnlySpan<double> y)
    {
        Depth = Math.Max(Depth, depth);
        ref Node cell = ref tree[node];
        cell.From = lo;
        cell.To = hi;
        cell.SideSquared = 4 * half * half;
        double sx = 0, sy = 0;
        for (int r = lo; r < hi; r++) { sx += y[2 * order[r]]; sy += y[2 * order[r] + 1]; }
        int count = hi - lo;
        cell.MassX = count > 0 ? sx / count : cx;
        cell.MassY = count > 0 ? sy / count : cy;
        cell.FirstChild = -1;
        if (count <= LeafSize || depth >= MaxDepth) return;
        // Stable counting partition into the quadrants (0: x low y low, 1: x high, 2: y high, 3: both).
        Span<int> counts = stackalloc int[4];
        for (int r = lo; r < hi; r++)
        {
            int p = order[r];
            byte q = (byte)((y[2 * p] >= cx ? 1 : 0) | (y[2 * p + 1] >= cy ? 2 : 0));
            quadrant[r] = q;
            counts[q]++;
        }
        Span<int> next = stackalloc int[4];
        next[0] = lo;
        for (int q = 1; q < 4; q++) next[q] = next[q - 1] + counts[q - 1];
        for (int r = lo; r < hi; r++) scratch[next[quadrant[r]]++] = order[r];
        Array.Copy(scratch, lo, order, lo, count);

        int child = nodes;
        nodes += 4;
        // Growing may move the array, so the cell is written through its index, not the ref above.
        if (nodes > tree.Length) Array.Resize(ref tree, Math.Max(nodes, 2 * tree.Length));
        tree[node].FirstChild = child;
        double h = half * 0.5;
        int start = lo;
        for (int q = 0; q < 4; q++)
        {
            int end = start + counts[q];
            Split(child + q, start, end, cx + ((q & 1) != 0 ? h : -h), cy + ((q & 2) != 0 ? h : -h), h, depth + 1, y);
            start = end;
        }
    }

    /// <summary>
    /// The repulsion on point <paramref name="i"/>: Σ_j q_ij²·(y_i − y_j) into (fx, fy) and Σ_j q_ij, with
    /// q_ij = 1/(1 + ‖y_i − y_j‖²) unnormalised. A cell whose side over its distance is below
    /// <paramref name="theta"/> counts as its point count at its centre of mass; leaves are summed exactly.
    /// <paramref name="stack"/> needs <see cref="StackSize"/> slots.
    /// </summary>
    public double Repulsion(ReadOnlySpan<double> y, int i, double theta, Span<int> stack, out double fx, out double fy)
    {
        double xi = y[2 * i], yi = y[2 * i + 1];
        double theta2 = theta * theta;
        double z = 0, ax = 0, ay = 0;
        var cells = tree;
        var points = sorted;
        var ids = order;
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            ref readonly Node cell = ref cells[stack[--top]];
            int count = cell.To - cell.From;
            if (count == 0) continue;
            if (cell.FirstChild >= 0)
            {
                double dx = xi - cell.MassX, dy = yi - cell.MassY;
                double d2 = dx * dx + dy * dy;
                if (cell.SideSquared < theta2 * d2)
                {
                    double q = 1 / (1 + d2);
                    z += count * q;
                    double m = count * q * q;
                    ax += m * dx;
                    ay += m * dy;
                }
                else
                {
                    int child = cell.FirstChild;
                    stack[top++] = child;
                    stack[top++] = child + 1;
                    stack[top++] = child + 2;
                    stack[top++] = child + 3;
                }
                continue;
            }
            for (int r = cell.From; r < cell.To; r++)
            {
                if (ids[r] == i) continue;
                double dx = xi - points[2 * r], dy = yi - points[2 * r + 1];
                double q = 1 / (1 + dx * dx + dy * dy);
                z += q;
                ax += q * q * dx;
                ay += q * q * dy;
            }
        }
        fx = ax;
        fy = ay;
        return z;
    }
}
