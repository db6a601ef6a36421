using MathNet.Numerics.LinearAlgebra;
using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Analysis;

/// <summary>
/// Principal component analysis, as scikit-learn's <c>PCA</c>: <see cref="Fit"/> centres the samples
/// [N, D] and finds the directions of largest variance; <see cref="Transform"/> projects onto the first
/// <see cref="ComponentCount"/> of them and <see cref="InverseTransform"/> maps back. Explained variances
/// use N − 1 in the denominator, as scikit-learn does. The eigen-decomposition comes from MathNet.Numerics
/// (of the D×D covariance, or of the N×N Gram matrix when there are fewer samples than features); the
/// products around it use our GEMM. Each component's sign is fixed so that its largest-magnitude loading
/// is positive, so the same data always gives the same components.
/// </summary>
public sealed class Pca
{
    readonly int? requested;
    float[]? mean, components;
    int features;

    /// <summary>Keeps <paramref name="components"/> components (null: min(N, D), as scikit-learn's default).</summary>
    public Pca(int? components = null)
    {
        if (components is < 1)
            throw new ArgumentOutOfRangeException(nameof(components), components, "pca: expected at least 1 component (or null for all).");
        requested = components;
    }

    /// <summary>The number of components kept (known after <see cref="Fit"/>).</summary>
    public int ComponentCount { get; private set; }

    /// <summary>True once <see cref="Fit"/> has run.</summary>
    public bool IsFitted => components is not null;

    /// <summary>The principal axes [ComponentCount, D], unit length, by decreasing variance (scikit-learn's <c>components_</c>).</summary>
    public Tensor Components => Tensor.FromArray((float[])Fitted().components!.Clone(), ComponentCount, features);

    /// <summary>The per-feature mean [D] subtracted before projecting.</summary>
    public Tensor Mean => Tensor.FromArray((float[])Fitted().mean!.Clone(), features);

    /// <summary>The variance along each kept component (eigenvalues of the covariance with N − 1).</summary>
    public double[] ExplainedVariance { get; private set; } = [];

    /// <summary>Each kept component's share of the total variance; sums to 1 when every component is kept.</summary>
    public double[] ExplainedVarianceRatio { get; private set; } = [];

    /// <summary>Learns the mean and principal axes of <paramref name="x"/> [N, D] (N ≥ 2).</summary>
    public Pca Fit(Tensor x)
    {
        var (n, d) = CheckMatrix(x, "fit");
        if (n < 2) throw new ArgumentException($"pca fit: expected at least 2 samples, got {n}.", nameof(x));
        int k = requested ?? Math.Min(n, d);
        if (k > Math.Min(n, d))
            throw new ArgumentException($"pca fit: asked for {k} components, but [N={n}, D={d}] data has at most min(N, D) = {Math.Min(n, d)}.", nameof(x));

        var src = x.AsReadOnlySpan();
        var mu = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = src.Slice(i * d, d);
            for (int j = 0; j < d; j++) mu[j] += row[j];
        }
        for (int j = 0; j < d; j++) mu[j] /= n;
        var centred = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) centred[i * d + j] = (float)(src[i * d + j] - mu[j]);

        var (values, axes) = d <= n ? CovarianceAxes(centred, n, d, k) : GramAxes(centred, n, d, k);

        // The total variance is the trace of the covariance, whichever side was decomposed.
        double total = 0;
        foreach (float v in centred) total += (double)v * v;
        total /= n - 1;
        ExplainedVariance = new double[k];
        ExplainedVarianceRatio = new double[k];
        for (int c = 0; c < k; c++)
        {
            ExplainedVariance[c] = Math.Max(values[c], 0) / (n - 1);
            ExplainedVarianceRatio[c] = total > 0 ? ExplainedVariance[c] / total : 0;
        }
        FixSigns(axes, k, d);
        features = d;
        ComponentCount = k;
        mean = Array.ConvertAll(mu, v => (float)v);
        components = axes;
        return this;
    }

    /// <summary>Projects <paramref name="x"/> [N, D] onto the components: (x − mean)·Componentsᵀ, [N, ComponentCount].</summary>
    public Tensor Transform(Tensor x)
    {
        Fitted();
        var (n, d) = CheckMatrix(x, "transform");
        if (d != features) throw new ArgumentException($"pca transform: expected {features} features (as fitted), got {d}.", nameof(x));
        var centred = x.ToArray();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) centred[i * d + j] -= mean![j];
        var z = new float[n * ComponentCount];
        Gemm.Multiply(false, true, n, ComponentCount, d, 1f, centred, d, components, d, 0f, z, ComponentCount);
        return Tensor.FromArray(z, n, ComponentCount);
    }

    /// <summary>Maps projections [N, ComponentCount] back to the data space: z·Components + mean, [N, D].</summary>
    public Tensor InverseTransform(Tensor z)
    {
        Fitted();
        var (n, k) = CheckMatrix(z, "inverse transform");
        if (k != ComponentCount) throw new ArgumentException($"pca inverse transform: expected {ComponentCount} columns (the fitted component count), got {k}.", nameof(z));
        var x = new float[n * features];
        for (int i = 0; i < n; i++) mean.AsSpan().CopyTo(x.AsSpan(i * features, features));
        Gemm.Multiply(false, false, n, features, k, 1f, z.AsReadOnlySpan(), k, components, features, 1f, x, features);
        return Tensor.FromArray(x, n, features);
    }

    /// <summary><see cref="Fit"/> then <see cref="Transform"/> on the same data.</summary>
    public Tensor FitTransform(Tensor x) => Fit(x).Transform(x);

    /// <summary>Eigenvectors of the D×D scatter matrix XᵀX: the axes directly.</summary>
    static (double[] Values, float[] Axes) CovarianceAxes(float[] centred, int n, int d, int k)
    {
        var scatter = new float[d * d];
        Gemm.Multiply(true, false, d, d, n, 1f, centred, d, centred, d, 0f, scatter, d);
        var m = Matrix<double>.Build.Dense(d, d, (i, j) => 0.5 * ((double)scatter[i * d + j] + scatter[j * d + i]));
        var evd = m.Evd(Symmetricity.Symmetric);
        // MathNet returns eigenvalues in ascending order for symmetric matrices; we want the largest first.
        var values = new double[k];
        var axes = new float[k * d];
        for (int c = 0; c < k; c++)
        {
            int col = d - 1 - c;
            values[c] = evd.EigenValues[col].Real;
            for (int j = 0; j < d; j++) axes[c * d + j] = (float)evd.EigenVectors[j, col];
        }
        return (values, axes);
    }

    /// <summary>
    /// With fewer samples than features, the N×N Gram matrix XXᵀ = U·S²·Uᵀ is the smaller problem; the axes
    /// are then Xᵀu / s, renormalised in double.
    /// </summary>
    static (double[] Values, float[] Axes) GramAxes(float[] centred, int n, int d, int k)
    {
        var gram = new float[n * n];
        Gemm.Multiply(false, true, n, n, d, 1f, centred, d, centred, d, 0f, gram, n);
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => 0.5 * ((double)gram[i * n + j] + gram[j * n + i]));
        var evd = m.Evd(Symmetricity.Symmetric);
        var values = new double[k];
        var axes = new float[k * d];
        var axis = new double[d];
        for (int c = 0; c < k; c++)
        {
            int col = n - 1 - c;
            values[c] = evd.EigenValues[col].Real;
            Array.Clear(axis);
            for (int i = 0; i < n; i++)
            {
                double u = evd.EigenVectors[i, col];
                for (int j = 0; j < d; j++) axis[j] += u * centred[i * d + j];
            }
            double norm = 0;
            foreach (double v in axis) norm += v * v;
            norm = Math.Sqrt(norm);
            // A zero-variance direction has no defined axis; leave it zero rather than divide by zero.
            for (int j = 0; j < d; j++) axes[c * d + j] = norm > 0 ? (float)(axis[j] / norm) : 0f;
        }
        return (values, axes);
    }

    static void FixSigns(float[] axes, int k, int d)
    {
        for (int c = 0; c < k; c++)
        {
            var row = axes.AsSpan(c * d, d);
            int best = 0;
            for (int j = 1; j < d; j++) if (Math.Abs(row[j]) > Math.Abs(row[best])) best = j;
            if (row[best] < 0) for (int j = 0; j < d; j++) row[j] = -row[j];
        }
    }

    Pca Fitted() => IsFitted ? this : throw new InvalidOperationException("pca: call Fit before Transform, InverseTransform or reading the components.");

    static (int N, int D) CheckMatrix(Tensor x, string op)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2) throw new ArgumentException($"pca {op}: expected a matrix [N, D], got shape [{string.Join(",", x.ShapeArray())}].", nameof(x));
        return (x.Size(0), x.Size(1));
    }
}
