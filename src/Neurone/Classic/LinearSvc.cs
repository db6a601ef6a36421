using System.Numerics.Tensors;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Classic;

/// <summary>
/// A linear support-vector classifier for large problems (scikit-learn's <c>LinearSVC</c>, LIBLINEAR's
/// solver): the L2-regularised dual ½‖w‖² + C Σ loss(1 − y_i w·x_i) is solved by dual coordinate
/// descent (Hsieh, Chang, Lin, Keerthi, Sundararajan 2008) — one α_i at a time in a random order, each
/// update a closed-form clipped Newton step that touches w with one axpy — with the paper's shrinking of
/// bounded α whose projected gradient says they will stay bounded. Multiclass is one-vs-rest; two classes
/// train a single problem with <c>Classes[1]</c> positive. As in LIBLINEAR the intercept is a constant
/// feature of value <see cref="InterceptScaling"/> and so is regularised too. The visiting order comes
/// from an <see cref="Rng"/> seeded with <see cref="Seed"/> plus the class, so results do not depend on
/// how the one-vs-rest problems are spread over threads.
/// </summary>
public sealed class LinearSvc : Classifier
{
    float[] weights = []; // [problems, features]
    float[] bias = [];

    /// <summary>scikit-learn's defaults: C = 1, squared hinge, tolerance 1e-4, at most 1,000 passes, an intercept.</summary>
    public LinearSvc(double c = 1.0, LinearSvmLoss loss = LinearSvmLoss.SquaredHinge, double tolerance = 1e-4,
        int maxIterations = 1000, bool fitIntercept = true, double interceptScaling = 1.0, ulong seed = 0)
    {
        if (!(c > 0) || double.IsInfinity(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "LinearSvc: expected a finite C > 0.");
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "LinearSvc: expected a tolerance > 0.");
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "LinearSvc: expected at least 1 iteration.");
        if (!(interceptScaling > 0) || double.IsInfinity(interceptScaling)) throw new ArgumentOutOfRangeException(nameof(interceptScaling), interceptScaling, "LinearSvc: expected a finite intercept scaling > 0.");
        C = c;
        Loss = loss;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
        FitIntercept = fitIntercept;
        InterceptScaling = interceptScaling;
        Seed = seed;
    }

    public double C { get; }
    public LinearSvmLoss Loss { get; }

    /// <summary>Stop when the spread of projected gradients max PG − min PG over a pass falls below this.</summary>
    public double Tolerance { get; }

    /// <summary>The most passes over the data per one-vs-rest problem.</summary>
    public int MaxIterations { get; }
    public bool FitIntercept { get; }
    public double InterceptScaling { get; }
    public ulong Seed { get; }

    /// <summary>Passes each problem took, and whether it met the tolerance.</summary>
    public int[] Iterations { get; private set; } = [];
    public bool[] Converged { get; private set; } = [];

    int Problems => Classes.Count == 2 ? 1 : Classes.Count;

    /// <summary>The weights, [1, features] for two classes (positive means <c>Classes[1]</c>), else [classes, features].</summary>
    public Tensor Coef => Tensor.FromArray((float[])weights.Clone(), Problems, Features);

    /// <summary>The intercepts, [1] or [classes].</summary>
    public Tensor Intercept => Tensor.FromArray((float[])bias.Clone(), Problems);

    protected override void FitCore(ReadOnlySpan<float> x, int n, int d, int[] y, int classCount)
    {
        int problems = classCount == 2 ? 1 : classCount;
        var data = x.ToArray();
        var norms = KernelFunction.SquaredNorms(data, n, d);
        var w = new float[problems * d];
        var b = new float[problems];
        var iterations = new int[problems];
        var converged = new bool[problems];
        Parallel.For(0, problems, new ParallelOptions { MaxDegreeOfParallelism = Parallelism.Threads }, k =>
        {
            int positive = problems == 1 ? 1 : k;
            var labels = new sbyte[n];
            for (int i = 0; i < n; i++) labels[i] = (sbyte)(y[i] == positive ? 1 : -1);
            var rng = new Rng(Seed + (ulong)k);
            (b[k], iterations[k], converged[k]) = Solve(data, norms, n, d, labels, w.AsSpan(k * d, d), rng);
        });
        weights = w;
        bias = b;
        Iterations = iterations;
        Converged = converged;
    }

    (float Bias, int Iterations, bool Converged) Solve(float[] x, float[] norms, int n, int d, sbyte[] y, Span<float> w, Rng rng)
    {
        // The squared hinge is the hinge with a diagonal D_ii = 1/(2C) added to Q and no upper bound.
        bool squared = Loss == LinearSvmLoss.SquaredHinge;
        double upper = squared ? double.PositiveInfinity : C;
        double dii = squared ? 0.5 / C : 0;
        double s = FitIntercept ? InterceptScaling : 0;
        double wb = 0; // the weight of the constant feature s
        var alpha = new double[n];
        var qd = new double[n];
        for (int i = 0; i < n; i++) qd[i] = norms[i] + s * s + dii;
        var index = new int[n];
        for (int i = 0; i < n; i++) index[i] = i;
        int activeSize = n;
        double pgMaxOld = double.PositiveInfinity, pgMinOld = double.NegativeInfinity;
        int iter = 0;
        bool done = false;
        while (iter < MaxIterations)
        {
            iter++;
            double pgMax = double.NegativeInfinity, pgMin = double.PositiveInfinity;
            rng.Shuffle(index.AsSpan(0, activeSize));
            for (int k = 0; k < activeSize; k++)
            {
                int i = index[k];
                var xi = new ReadOnlySpan<float>(x, i * d, d);
                double g = y[i] * (TensorPrimitives.Dot(w, xi) + wb * s) - 1 + dii * alpha[i];
                double pg = 0;
                if (alpha[i] == 0)
                {
                    // At the lower bound with a gradient pointing outward by more than last pass's
                    // largest violation: set aside until the final check.
                    if (g > pgMaxOld) { Remove(index, ref k, ref activeSize); continue; }
                    if (g < 0) pg = g;
                }
                else if (alpha[i] == upper)
                {
                    if (g < pgMinOld) { Remove(index, ref k, ref activeSize); continue; }
                    if (g > 0) pg = g;
                }
                else pg = g;
                pgMax = Math.Max(pgMax, pg);
                pgMin = Math.Min(pgMin, pg);
                if (Math.Abs(pg) > 1e-12)
                {
                    double old = alpha[i];
                    alpha[i] = Math.Min(Math.Max(old - g / qd[i], 0), upper);
                    double delta = (alpha[i] - old) * y[i];
                    TensorPrimitives.MultiplyAdd(xi, (float)delta, w, w);
                    wb += delta * s;
                }
            }
            if (pgMax - pgMin <= Tolerance)
            {
                if (activeSize == n) { done = true; break; }
                // Converged on the active set: bring everything back and check again.
                activeSize = n;
                pgMaxOld = double.PositiveInfinity;
                pgMinOld = double.NegativeInfinity;
                continue;
            }
            pgMaxOld = pgMax <= 0 ? double.PositiveInfinity : pgMax;
            pgMinOld = pgMin >= 0 ? double.NegativeInfinity : pgMin;
        }
        return ((float)(wb * s), iter, done);
    }

    static void Remove(int[] index, ref int k, ref int activeSize)
    {
        activeSize--;
        (index[k], index[activeSize]) = (index[activeSize], index[k]);
        k--;
    }

    float[] Scores(ReadOnlySpan<float> x, int n)
    {
        int p = Problems, d = Features;
        var scores = new float[(long)n * p];
        for (int i = 0; i < n; i++) bias.CopyTo(scores.AsSpan(i * p, p));
        Gemm.Multiply(false, true, n, p, d, 1f, x, d, weights, d, 1f, scores, p);
        return scores;
    }

    protected override int[] PredictIndices(ReadOnlySpan<float> x, int n)
    {
        var scores = Scores(x, n);
        int p = Problems;
        var winners = new int[n];
        for (int i = 0; i < n; i++)
            winners[i] = p == 1 ? (scores[i] > 0 ? 1 : 0) : TensorPrimitives.IndexOfMax(scores.AsSpan(i * p, p));
        return winners;
    }

    /// <summary>w·x + b: [n] for two classes, [n, classes] (one-vs-rest scores) otherwise.</summary>
    protected override Tensor DecisionCore(ReadOnlySpan<float> x, int n)
    {
        var scores = Scores(x, n);
        return Problems == 1 ? Tensor.FromArray(scores, n) : Tensor.FromArray(scores, n, Problems);
    }
}
