using System.Diagnostics;
using Neurone.Tensors;

namespace Neurone.Analysis;

/// <summary>
/// t-distributed stochastic neighbour embedding (van der Maaten and Hinton, 2008) of samples [N, D] into
/// the plane, with scikit-learn's <c>TSNE</c> defaults: perplexity 30, early exaggeration 12 for the first
/// 250 iterations with momentum 0.5, then momentum 0.8 up to 1,000 iterations, learning rate "auto" =
/// max(N / exaggeration / 4, 50), per-coordinate gains (+0.2 / ×0.8, at least 0.01), PCA initialisation
/// scaled to standard deviation 1e-4, and Barnes–Hut (van der Maaten, 2014) with angle 0.5 on the
/// 3·perplexity nearest neighbours. Input similarities use squared Euclidean distances, as scikit-learn's
/// do. The same <see cref="Seed"/> and data give the same embedding for any thread count.
/// </summary>
/// <remarks>
/// Differences from scikit-learn worth knowing: only 2 output dimensions are supported; <see cref="TsneMethod.Auto"/>
/// picks the exact gradient below <see cref="ExactLimit"/> points (scikit-learn always defaults to
/// Barnes–Hut); and optimisation stops early only on <see cref="MinGradNorm"/> (scikit-learn also stops
/// after 300 iterations without progress). As in scikit-learn, the momentum and gains restart when the
/// exaggeration ends.
/// </remarks>
public sealed partial class Tsne
{
    /// <summary>Below this many points <see cref="TsneMethod.Auto"/> uses the exact gradient.</summary>
    public const int ExactLimit = 1000;

    /// <summary>Output dimensions; only 2 is supported (the quadtree is two-dimensional).</summary>
    public int Components { get; init; } = 2;

    /// <summary>The effective number of neighbours each point's Gaussian covers; must be below N.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Factor on P during the first <see cref="ExplorationIterations"/> iterations, pulling clusters apart.</summary>
    public double EarlyExaggeration { get; init; } = 12;

    /// <summary>Step size; null means scikit-learn's "auto", max(N / EarlyExaggeration / 4, 50).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Total iterations, the exaggerated ones included (scikit-learn's <c>max_iter</c>).</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Iterations with early exaggeration and <see cref="InitialMomentum"/>.</summary>
    public int ExplorationIterations { get; init; } = 250;

    public double InitialMomentum { get; init; } = 0.5;
    public double FinalMomentum { get; init; } = 0.8;

    /// <summary>A stage stops once the gradient's norm falls to this.</summary>
    public double MinGradNorm { get; init; } = 1e-7;

    public TsneMethod Method { get; init; } = TsneMethod.Auto;

    /// <summary>Barnes–Hut's θ: a cell is summarised when its side over its distance is below this.</summary>
    public double Angle { get; init; } = 0.5;

    public TsneInit Init { get; init; } = TsneInit.Pca;

    /// <summary>Seeds the random initialisation (the PCA one is deterministic anyway).</summary>
    public ulong Seed { get; init; }

    /// <summary>Where progress goes every 50 iterations (with the KL divergence, which costs one extra pass); null for none.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>The method the last fit used.</summary>
    public TsneMethod MethodUsed { get; private set; }

    /// <summary>The learning rate the last fit used.</summary>
    public double LearningRateUsed { get; private set; }

    /// <summary>KL(P‖Q) of the final embedding, without exaggeration (scikit-learn's <c>kl_divergence_</c>).</summary>
    public double KlDivergence { get; private set; }

    /// <summary>Iterations the last fit ran.</summary>
    public int Iterations { get; private set; }

    /// <summary>The last embedding [N, 2].</summary>
    public Tensor? Embedding { get; private set; }

    /// <summary>Embeds <paramref name="x"/> [N, D] and returns the coordinates [N, 2].</summary>
    public Tensor FitTransform(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Validate(x);
        int n = x.Size(0), d = x.Size(1);
        var data = x.ToArray();
        MethodUsed = Method == TsneMethod.Auto ? (n < ExactLimit ? TsneMethod.Exact : TsneMethod.BarnesHut) : Method;
        LearningRateUsed = LearningRate ?? Math.Max(n / EarlyExaggeration / 4, 50);
        var clock = Stopwatch.StartNew();

        TsneGradient gradient;
        if (MethodUsed == TsneMethod.Exact) gradient = new TsneGradient(n, Affinities.Dense(data, n, d, Perplexity));
        else
        {
            int k = Math.Min(n - 1, (int)(3 * Perplexity + 1));
            gradient = new TsneGradient(Affinities.Sparse(data, n, d, Perplexity, k), Angle);
        }
        Report($"t-SNE: {n} points, {d} dimensions, {MethodUsed}, affinities in {clock.Elapsed.TotalSeconds:F2} s");

        var y = Initialise(x, n);
        var grad = new double[2 * n];
        var update = new double[2 * n];
        var gains = new double[2 * n];
        int exploration = Math.Min(ExplorationIterations, MaxIter);
        int it = 0, ran = 0;
        double z;
        for (int stage = 0; stage < 2; stage++)
        {
            int end = stage == 0 ? exploration : MaxIter;
            double momentum = stage == 0 ? InitialMomentum : FinalMomentum;
            double exaggeration = stage == 0 ? EarlyExaggeration : 1;
            Array.Clear(update);
            Array.Fill(gains, 1.0);
            for (; it < end; it++)
            {
                ran++;
                gradient.Compute(y, grad, exaggeration);
                double norm = Step(y, grad, update, gains, momentum, LearningRateUsed);
                if (Log is not null && (it + 1) % 50 == 0)
                {
                    z = gradient.Compute(y, grad, exaggeration);
                    Report($"iteration {it + 1}: KL {gradient.KlDivergence(y, z):F4}, gradient norm {norm:G3}, {clock.Elapsed.TotalSeconds:F1} s");
                }
                // scikit-learn runs the two stages as two descents; a converged stage moves on to the next.
                if (norm <= MinGradNorm) break;
            }
            it = end;
        }
        // One more pass gives Z for the final positions (the loop's Z belongs to the step before).
        z = gradient.Compute(y, grad, 1);
        KlDivergence = gradient.KlDivergence(y, z);
        Iterations = ran;
        Report($"t-SNE done: KL {KlDivergence:F4} after {Iterations} iterations, {clock.Elapsed.TotalSeconds:F1} s");

        var result = new float[2 * n];
        for (int c = 0; c < result.Length; c++) result[c] = (float)y[c];
        Embedding = Tensor.FromArray(result, n, 2);
        return Embedding;
    }

    /// <summary>One gradient step with momentum and per-coordinate gains; returns the gradient's norm.</summary>
    static double Step(double[] y, double[] grad, double[] update, double[] gains, double momentum, double learningRate)
    {
        double norm = 0;
        for (int c = 0; c < y.Length; c++)
        {
            double g = grad[c];
            norm += g * g;
            // Gains grow where the gradient keeps pointing against the last step, and shrink where it flips.
            double gain = update[c] * g < 0 ? gains[c] + 0.2 : gains[c] * 0.8;
            gains[c] = gain = Math.Max(gain, 0.01);
            update[c] = momentum * update[c] - learningRate * gain * g;
            y[c] += update[c];
        }
        return Math.Sqrt(norm);
    }

    double[] Initialise(Tensor x, int n)
    {
        var y = new double[2 * n];
        if (Init == TsneInit.Random)
        {
            var rng = new Rng(Seed);
            for (int c = 0; c < y.Length; c++) y[c] = 1e-4 * rng.NextGaussian();
            return y;
        }
        var projected = new Pca(2).FitTransform(x).AsReadOnlySpan();
        double mean = 0, square = 0;
        for (int i = 0; i < n; i++) mean += projected[2 * i];
        mean /= n;
        for (int i = 0; i < n; i++) square += (projected[2 * i] - mean) * (projected[2 * i] - mean);
        double std = Math.Sqrt(square / n);
        // scikit-learn divides by the first column's standard deviation (population form) and scales to 1e-4.
        double scale = std > 0 ? 1e-4 / std : 1;
        for (int c = 0; c < y.Length; c++) y[c] = projected[c] * scale;
        return y;
    }

    void Validate(Tensor x)
    {
        if (x.Rank != 2) throw new ArgumentException($"t-SNE: expected samples [N, D], got shape [{string.Join(",", x.ShapeArray())}].", nameof(x));
        int n = x.Size(0), d = x.Size(1);
        if (Components != 2) throw new ArgumentException($"t-SNE: only 2 output components are supported, got {Components}.");
        if (n < 3 || d < 1) throw new ArgumentException($"t-SNE: expected at least 3 samples with at least 1 feature, got [{n}, {d}].", nameof(x));
        if (!(Perplexity > 0) || Perplexity >= n) throw new ArgumentException($"t-SNE: perplexity must be in (0, N = {n}), got {Perplexity}.");
        if (!(EarlyExaggeration >= 1)) throw new ArgumentException($"t-SNE: early exaggeration must be at least 1, got {EarlyExaggeration}.");
        if (LearningRate is { } lr && !(lr > 0)) throw new ArgumentException($"t-SNE: learning rate must be positive (or null for auto), got {lr}.");
        if (MaxIter < 1 || ExplorationIterations < 0) throw new ArgumentException($"t-SNE: expected MaxIter ≥ 1 and ExplorationIterations ≥ 0, got {MaxIter} and {ExplorationIterations}.");
        if (!(Angle >= 0 && Angle <= 1)) throw new ArgumentException($"t-SNE: angle must be in [0, 1], got {Angle}.");
        if (Init == TsneInit.Pca && d < 2) throw new ArgumentException($"t-SNE: PCA initialisation needs at least 2 features, got {d}; use TsneInit.Random.");
        foreach (float v in x.AsReadOnlySpan())
            if (!float.IsFinite(v)) throw new ArgumentException("t-SNE: the samples contain NaN or infinity.", nameof(x));
    }

    void Report(string line) => Log?.WriteLine(line);
}
