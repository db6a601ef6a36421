using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Classic;

/// <summary>
/// A kernel support-vector classifier (scikit-learn's <c>SVC</c>, LIBSVM's C-SVC): for each pair of
/// classes, the soft-margin dual is solved by <see cref="SmoSolver"/> (second-order working-set selection,
/// shrinking) over kernel rows kept in an LRU cache of <see cref="CacheSizeMb"/> megabytes, and a new row
/// gets one vote per pair (one-vs-one); the class with most votes wins, ties going to the lower class as
/// in LIBSVM. Training is deterministic: no randomness is involved and every kernel product is
/// bit-identical for any thread count.
/// </summary>
/// <remarks>
/// Where ours differs from scikit-learn: support vectors are listed in training order (not grouped by
/// class), and <see cref="DualCoef"/> is [pairs, support vectors] with a zero where a support vector does
/// not take part in a pair (LIBSVM packs it as [classes − 1, support vectors]). With two classes the
/// signs are scikit-learn's: a positive decision means <c>Classes[1]</c>. With more, pair p = (a, b) is
/// positive for a, the lower class, as in scikit-learn's one-vs-one decision values.
/// </remarks>
public sealed class Svc : Classifier
{
    KernelFunction? kernel;
    (int A, int B)[] pairs = [];
    float[] supportX = [], supportNorms = [];
    float[] dualCoef = []; // [pairs, nSV], LIBSVM orientation: positive means the pair's lower class
    double[] rho = [];

    /// <summary>An SVC with scikit-learn's defaults: C = 1, RBF kernel, γ = "scale", degree 3, coef0 0, tolerance 1e-3, shrinking, a 200 MB cache.</summary>
    public Svc(double c = 1.0, SvmKernel kernel = SvmKernel.Rbf, Gamma? gamma = null, int degree = 3, double coef0 = 0.0,
        double tolerance = 1e-3, bool shrinking = true, double cacheSizeMb = 200, long maxIterations = -1)
    {
        if (!(c > 0) || double.IsInfinity(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "Svc: expected a finite C > 0.");
        if (degree < 1) throw new ArgumentOutOfRangeException(nameof(degree), degree, "Svc: expected a polynomial degree of at least 1.");
        if (!double.IsFinite(coef0)) throw new ArgumentOutOfRangeException(nameof(coef0), coef0, "Svc: expected a finite coef0.");
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Svc: expected a tolerance > 0.");
        if (!(cacheSizeMb > 0)) throw new ArgumentOutOfRangeException(nameof(cacheSizeMb), cacheSizeMb, "Svc: expected a cache size > 0 MB.");
        C = c;
        Kernel = kernel;
        Gamma = gamma ?? Classic.Gamma.Scale;
        Degree = degree;
        Coef0 = coef0;
        Tolerance = tolerance;
        Shrinking = shrinking;
        CacheSizeMb = cacheSizeMb;
        MaxIterations = maxIterations;
    }

    /// <summary>The penalty on margin violations: small C prefers a wide margin, large C fits the training set.</summary>
    public double C { get; }
    public SvmKernel Kernel { get; }
    public Gamma Gamma { get; }
    public int Degree { get; }
    public double Coef0 { get; }

    /// <summary>The stopping tolerance on the maximal KKT violation m(α) − M(α).</summary>
    public double Tolerance { get; }
    public bool Shrinking { get; }

    /// <summary>The kernel-row cache's budget per pair problem, in megabytes (10⁶ bytes).</summary>
    public double CacheSizeMb { get; }

    /// <summary>The step limit per pair; −1 means max(10⁷, 100·n) as in LIBSVM.</summary>
    public long MaxIterations { get; }

    /// <summary>The γ actually used (after "scale" or "auto" was resolved on the training features).</summary>
    public double FittedGamma => Fitted().Gamma;

    /// <summary>Indices of the support vectors in the training set, increasing.</summary>
    public int[] SupportIndices { get; private set; } = [];

    /// <summary>The support vectors, [nSV, features].</summary>
    public Tensor SupportVectors => Tensor.FromArray((float[])supportX.Clone(), SupportIndices.Length, Features);

    /// <summary>How many support vectors each class has (in <see cref="Classifier.Classes"/> order).</summary>
    public int[] NSupport { get; private set; } = [];

    /// <summary>The class pairs (indices into <see cref="Classifier.Classes"/>), one binary problem each: (0,1), (0,2), …, (1,2), ….</summary>
    public IReadOnlyList<(int A, int B)> Pairs => pairs;

    /// <summary>Steps SMO took on each pair, and whether each met the tolerance.</summary>
    public long[] Iterations { get; private set; } = [];
    public bool[] Converged { get; private set; } = [];

    bool Binary => pairs.Length == 1;

    /// <summary>y_s α_s for each pair and support vector, [pairs, nSV] (see the remarks for signs).</summary>
    public Tensor DualCoef
    {
        get
        {
            Fitted();
            var t = Tensor.FromArray((float[])dualCoef.Clone(), pairs.Length, SupportIndices.Length);
            if (Binary) Negate(t.AsSpan());
            return t;
        }
    }

    /// <summary>The bias b of each pair's decision Σ y_s α_s k(x_s, x) + b.</summary>
    public double[] Intercepts
    {
        get
        {
            Fitted();
            var b = new double[rho.Length];
            for (int p = 0; p < b.Length; p++) b[p] = Binary ? rho[p] : -rho[p];
            return b;
        }
    }

    /// <summary>For the linear kernel, each pair's weight vector w = Σ y_s α_s x_s, [pairs, features].</summary>
    public Tensor Coef
    {
        get
        {
            if (Fitted().Kind != SvmKernel.Linear)
                throw new InvalidOperationException($"Svc.Coef: weights exist only for the linear kernel, this model uses {Kernel}.");
            int nsv = SupportIndices.Length;
            var w = new Tensor(pairs.Length, Features);
            Gemm.Multiply(false, false, pairs.Length, Features, nsv, 1f, DualCoef.AsReadOnlySpan(), nsv, supportX, Features, 0f, w.AsSpan(), Features);
            return w;
        }
    }

    KernelFunction Fitted() => kernel ?? throw new InvalidOperationException("Svc: the model is not fitted yet; call Fit(x, y) first.");

    protected override void FitCore(ReadOnlySpan<float> x, int n, int d, int[] y, int classCount)
    {
        var k = new KernelFunction(Kernel, Gamma.Resolve(x, d), Degree, Coef0);
        int pairCount = classCount * (classCount - 1) / 2;
        var newPairs = new (int, int)[pairCount];
        var alphas = new double[pairCount][];
        var members = new int[pairCount][];
        var newRho = new double[pairCount];
        var iterations = new long[pairCount];
        var converged = new bool[pairCount];
        long budget = (long)(CacheSizeMb * 1e6);
        int p = 0;
        for (int a = 0; a < classCount; a++)
            for (int b = a + 1; b < classCount; b++, p++)
            {
                newPairs[p] = (a, b);
                var idx = new List<int>();
                for (int i = 0; i < n; i++) if (y[i] == a || y[i] == b) idx.Add(i);
                int m = idx.Count;
                var sub = new float[(long)m * d];
                var labels = new sbyte[m];
                for (int r = 0; r < m; r++)
                {
                    x.Slice(idx[r] * d, d).CopyTo(sub.AsSpan(r * d, d));
                    labels[r] = (sbyte)(y[idx[r]] == a ? 1 : -1);
                }
                var norms = KernelFunction.SquaredNorms(sub, m, d);
                var diag = new float[m];
                for (int r = 0; r < m; r++) diag[r] = k.Self(norms[r]);
                var cache = new KernelCache(k, sub, norms, m, d, budget);
                long limit = MaxIterations > 0 ? MaxIterations : Math.Max(10_000_000L, 100L * m);
                var result = SmoSolver.Solve(cache, diag, labels, C, Tolerance, Shrinking, limit);
                alphas[p] = result.Alpha;
                members[p] = [.. idx];
                newRho[p] = result.Rho;
                iterations[p] = result.Iterations;
                converged[p] = result.Converged;
            }

        // The union of every pair's support vectors, in training order.
        var position = new int[n];
        Array.Fill(position, -1);
        for (p = 0; p < pairCount; p++)
            for (int r = 0; r < members[p].Length; r++)
                if (alphas[p][r] > 0) position[members[p][r]] = 0;
        var support = new List<int>();
        for (int i = 0; i < n; i++) if (position[i] == 0) { position[i] = support.Count; support.Add(i); }
        int nsv = support.Count;
        var sx = new float[(long)nsv * d];
        var counts = new int[classCount];
        for (int s = 0; s < nsv; s++)
        {
            x.Slice(support[s] * d, d).CopyTo(sx.AsSpan(s * d, d));
            counts[y[support[s]]]++;
        }
        var coef = new float[(long)pairCount * nsv];
        for (p = 0; p < pairCount; p++)
        {
            var (a, _) = newPairs[p];
            for (int r = 0; r < members[p].Length; r++)
            {
                double al = alphas[p][r];
                if (al <= 0) continue;
                int i = members[p][r];
                coef[(long)p * nsv + position[i]] = (float)(y[i] == a ? al : -al);
            }
        }

        kernel = k;
        pairs = newPairs;
        supportX = sx;
        supportNorms = KernelFunction.SquaredNorms(sx, nsv, d);
        dualCoef = coef;
        rho = newRho;
        SupportIndices = [.. support];
        NSupport = counts;
        Iterations = iterations;
        Converged = converged;
    }

    /// <summary>Each row's decision value per pair, [n, pairs], LIBSVM orientation.</summary>
    float[] PairDecisions(ReadOnlySpan<float> x, int n)
    {
        var k = Fitted();
        int d = Features, nsv = SupportIndices.Length, np = pairs.Length;
        var result = new float[(long)n * np];
        if (nsv == 0)
        {
            for (int i = 0; i < n; i++) for (int p = 0; p < np; p++) result[i * np + p] = (float)-rho[p];
            return result;
        }
        // Rows in batches so the kernel block stays near 16 MB however many support vectors there are.
        int batch = Math.Clamp(4_000_000 / nsv, 1, 1024);
        var block = new float[(long)Math.Min(batch, n) * nsv];
        for (int start = 0; start < n; start += batch)
        {
            int m = Math.Min(batch, n - start);
            var rows = x.Slice(start * d, m * d);
            var norms = KernelFunction.SquaredNorms(rows, m, d);
            k.Compute(rows, norms, m, supportX, supportNorms, nsv, d, block);
            var outRows = result.AsSpan(start * np, m * np);
            for (int i = 0; i < m; i++) for (int p = 0; p < np; p++) outRows[i * np + p] = (float)-rho[p];
            Gemm.Multiply(false, true, m, np, nsv, 1f, block, nsv, dualCoef, nsv, 1f, outRows, np);
        }
        return result;
    }

    protected override int[] PredictIndices(ReadOnlySpan<float> x, int n)
    {
        var dec = PairDecisions(x, n);
        int np = pairs.Length, classes = Classes.Count;
        var winners = new int[n];
        var votes = new int[classes];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(votes);
            for (int p = 0; p < np; p++) votes[dec[i * np + p] > 0 ? pairs[p].A : pairs[p].B]++;
            int best = 0;
            for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
            winners[i] = best;
        }
        return winners;
    }

    /// <summary>
    /// Two classes: the decision value f(x) [n], positive for <c>Classes[1]</c>. More: [n, classes], the
    /// votes plus the summed pair confidences squashed into (−⅓, ⅓) — scikit-learn's "ovr" shape — so
    /// the argmax agrees with the vote and ties lean toward the more confident class.
    /// </summary>
    protected override Tensor DecisionCore(ReadOnlySpan<float> x, int n)
    {
        var dec = PairDecisions(x, n);
        if (Binary)
        {
            Negate(dec);
            return Tensor.FromArray(dec, n);
        }
        int np = pairs.Length, classes = Classes.Count;
        var result = new float[(long)n * classes];
        var conf = new double[classes];
        for (int i = 0; i < n; i++)
        {
            Array.Clear(conf);
            var row = result.AsSpan(i * classes, classes);
            for (int p = 0; p < np; p++)
            {
                float v = dec[i * np + p];
                row[v > 0 ? pairs[p].A : pairs[p].B] += 1f;
                conf[pairs[p].A] += v;
                conf[pairs[p].B] -= v;
            }
            for (int c = 0; c < classes; c++) row[c] += (float)(conf[c] / (3 * (Math.Abs(conf[c]) + 1)));
        }
        return Tensor.FromArray(result, n, classes);
    }

    static void Negate(Span<float> s)
    {
        for (int i = 0; i < s.Length; i++) s[i] = -s[i];
    }
}
