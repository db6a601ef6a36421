namespace Neurone.Classic;

/// <summary>
/// Sequential minimal optimisation for the two-class soft-margin dual
/// min ½ αᵀQα − Σα subject to 0 ≤ α ≤ C and Σ yα = 0, where Q_ij = y_i y_j k(x_i, x_j). Each step moves
/// the pair chosen by the second-order working-set selection of Fan, Chen and Lin (2005; LIBSVM's WSS3):
/// i the most violating index of I_up, then j the index of I_low whose pair with i promises the largest
/// decrease b²/a of the objective. It stops when the maximal violation m(α) − M(α) falls below the
/// tolerance. Shrinking (Joachims 1998, as LIBSVM does it) sets aside bounded variables that the KKT
/// conditions say will stay bounded, so steps cost O(active) rather than O(n); before stopping, the
/// gradient of the set-aside variables is rebuilt (with Ḡ, the part owed to variables at C) and
/// optimality is checked over all of them.
/// </summary>
internal sealed class SmoSolver
{
    const double Tau = 1e-12; // stands in for a non-positive curvature a (non-PSD kernels, duplicates)
    const byte Lower = 0, Upper = 1, Free = 2;

    readonly KernelCache cache;
    readonly float[] diag;
    readonly sbyte[] y;
    readonly double c, eps;
    readonly int n;
    readonly double[] alpha, g, gBar;
    readonly byte[] status;
    readonly int[] active;
    readonly bool[] isActive;
    int activeSize;
    bool unshrunk;

    SmoSolver(KernelCache cache, float[] diag, sbyte[] y, double c, double eps)
    {
        this.cache = cache;
        this.diag = diag;
        this.y = y;
        this.c = c;
        this.eps = eps;
        n = y.Length;
        alpha = new double[n];
        g = new double[n];
        gBar = new double[n];
        status = new byte[n];
        active = new int[n];
        isActive = new bool[n];
        // α = 0 is feasible, and there G = Qα − 1 = −1.
        Array.Fill(g, -1.0);
        ActivateAll();
    }

    /// <summary>The solution: α, ρ (the decision is Σ α_s y_s k(x_s, x) − ρ), iterations and whether the tolerance was met.</summary>
    public readonly record struct Result(double[] Alpha, double Rho, long Iterations, bool Converged);

    /// <summary>Solves the dual for labels <paramref name="y"/> (±1) with kernel rows from <paramref name="cache"/> and k(x_i, x_i) in <paramref name="diag"/>.</summary>
    public static Result Solve(KernelCache cache, float[] diag, sbyte[] y, double c, double eps, bool shrinking, long maxIterations)
        => new SmoSolver(cache, diag, y, c, eps).Run(shrinking, maxIterations);

    Result Run(bool shrinking, long maxIterations)
    {
        long iter = 0;
        int period = Math.Min(n, 1000), counter = period + 1;
        bool converged = false;
        while (iter < maxIterations)
        {
            if (--counter == 0)
            {
                counter = period;
                if (shrinking) Shrink();
            }
            if (!SelectWorkingSet(out int i, out int j, out float[]? rowI))
            {
                if (activeSize == n) { converged = true; break; }
                // Optimal on the active set: check the whole problem before believing it.
                ReconstructGradient();
                ActivateAll();
                if (!SelectWorkingSet(out i, out j, out rowI)) { converged = true; break; }
                counter = 1;
            }
            iter++;
            Step(i, j, rowI!);
        }
        if (activeSize < n)
        {
            ReconstructGradient();
            ActivateAll();
        }
        return new Result((double[])alpha.Clone(), Rho(), iter, converged);
    }

    bool InUp(int t) => y[t] > 0 ? status[t] != Upper : status[t] != Lower;
    bool InLow(int t) => y[t] > 0 ? status[t] != Lower : status[t] != Upper;

    bool SelectWorkingSet(out int i, out int j, out float[]? rowI)
    {
        // i: the largest −y_t G_t over I_up. Strict comparisons keep the first index on ties.
        double gMax = double.NegativeInfinity;
        i = -1;
        j = -1;
        rowI = null;
        for (int k = 0; k < activeSize; k++)
        {
            int t = active[k];
            if (InUp(t) && -y[t] * g[t] > gMax) { gMax = -y[t] * g[t]; i = t; }
        }
        if (i < 0) return false;
        rowI = cache.Row(i);
        double kii = diag[i];
        double gMax2 = double.NegativeInfinity, best = double.PositiveInfinity;
        for (int k = 0; k < activeSize; k++)
        {
            int t = active[k];
            if (!InLow(t)) continue;
            double v = y[t] * g[t];
            if (v > gMax2) gMax2 = v;
            double b = gMax + v;
            if (b <= 0) continue;
            double a = kii + diag[t] - 2.0 * rowI[t];
            if (a <= 0) a = Tau;
            double decrease = -(b * b) / a;
            if (decrease < best) { best = decrease; j = t; }
        }
        return gMax + gMax2 >= eps && j >= 0;
    }

    void Step(int i, int j, float[] rowI)
    {
        var rowJ = cache.Row(j);
        // Move along d_i = y_i, d_j = −y_j (which keeps Σ yα = 0) by the unconstrained optimum b/a,
        // then clip so both variables stay inside [0, C].
        double a = diag[i] + diag[j] - 2.0 * rowI[j];
        if (a <= 0) a = Tau;
        double t = (-y[i] * g[i] + y[j] * g[j]) / a;
        double roomI = y[i] > 0 ? c - alpha[i] : alpha[i];
        double roomJ = y[j] > 0 ? alpha[j] : c - alpha[j];
        bool clipI = false, clipJ = false;
        if (t >= roomI) { t = roomI; clipI = true; }
        if (t >= roomJ) { t = roomJ; clipJ = true; clipI = t >= roomI; }
        if (t <= 0) t = 0;
        byte oldI = status[i], oldJ = status[j];
        alpha[i] = clipI ? (y[i] > 0 ? c : 0) : alpha[i] + y[i] * t;
        alpha[j] = clipJ ? (y[j] > 0 ? 0 : c) : alpha[j] - y[j] * t;
        SetStatus(i);
        SetStatus(j);
        // G_k += Q_ki Δα_i + Q_kj Δα_j = y_k t (K_ik − K_jk).
        for (int k = 0; k < activeSize; k++)
        {
            int s = active[k];
            g[s] += y[s] * t * (rowI[s] - rowJ[s]);
        }
        UpdateGBar(i, oldI, rowI);
        UpdateGBar(j, oldJ, rowJ);
    }

    void SetStatus(int t) => status[t] = alpha[t] >= c ? Upper : alpha[t] <= 0 ? Lower : Free;

    // Ḡ_k = C Σ_{s at C} Q_ks, kept for every k so that set-aside gradients can be rebuilt cheaply.
    void UpdateGBar(int s, byte old, float[] row)
    {
        bool was = old == Upper, now = status[s] == Upper;
        if (was == now) return;
        double scale = (now ? c : -c) * y[s];
        for (int k = 0; k < n; k++) gBar[k] += scale * y[k] * row[k];
    }

    void Shrink()
    {
        double gMax1 = double.NegativeInfinity, gMax2 = double.NegativeInfinity;
        for (int k = 0; k < activeSize; k++)
        {
            int t = active[k];
            if (InUp(t)) gMax1 = Math.Max(gMax1, -y[t] * g[t]);
            if (InLow(t)) gMax2 = Math.Max(gMax2, y[t] * g[t]);
        }
        // Near the end, bring everything back once so nothing was set aside on stale evidence.
        if (!unshrunk && gMax1 + gMax2 <= eps * 10)
        {
            unshrunk = true;
            ReconstructGradient();
            ActivateAll();
        }
        int kept = 0;
        for (int k = 0; k < activeSize; k++)
        {
            int t = active[k];
            if (CanShrink(t, gMax1, gMax2)) isActive[t] = false;
            else active[kept++] = t;
        }
        activeSize = kept;
    }

    // A bounded variable that belongs to only one of I_up, I_low and lies beyond the other set's extreme
    // violation cannot join a violating pair while the extremes hold.
    bool CanShrink(int t, double gMax1, double gMax2)
    {
        if (status[t] == Upper) return y[t] > 0 ? -g[t] > gMax1 : -g[t] > gMax2;
        if (status[t] == Lower) return y[t] > 0 ? g[t] > gMax2 : g[t] > gMax1;
        return false;
    }

    void ReconstructGradient()
    {
        if (activeSize == n) return;
        for (int t = 0; t < n; t++) if (!isActive[t]) g[t] = gBar[t] - 1.0;
        for (int s = 0; s < n; s++)
        {
            if (status[s] != Free) continue;
            var row = cache.Row(s);
            double ys = y[s] * alpha[s];
            for (int t = 0; t < n; t++) if (!isActive[t]) g[t] += y[t] * ys * row[t];
        }
    }

    void ActivateAll()
    {
        for (int t = 0; t < n; t++) { active[t] = t; isActive[t] = true; }
        activeSize = n;
    }

    // For a free α_t, y_t f(x_t) = 1 gives ρ = y_t G_t; with none free, ρ lies between the bounds the
    // KKT conditions of the bounded variables leave, and the midpoint is taken.
    double Rho()
    {
        double ub = double.PositiveInfinity, lb = double.NegativeInfinity, sum = 0;
        int free = 0;
        for (int t = 0; t < n; t++)
        {
            double v = y[t] * g[t];
            if (status[t] == Free) { sum += v; free++; }
            else if ((status[t] == Upper) == (y[t] < 0)) ub = Math.Min(ub, v);
            else lb = Math.Max(lb, v);
        }
        return free > 0 ? sum / free : (ub + lb) / 2;
    }
}
