using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn;

/// <summary>
/// Batch normalisation over the channel dimension (dim 1) of an N×C×… input, as PyTorch: in training mode
/// each channel is normalised with the batch mean and biased variance, and the running statistics move by
/// <see cref="Momentum"/> towards the batch mean and the unbiased variance (n/(n−1) times the biased one); in
/// evaluation mode the running statistics are used instead. Then y = γ·x̂ + β with γ = 1, β = 0 initially.
/// Without running statistics (trackRunningStats false) the batch statistics are used in both modes.
/// <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> only differ in the shapes they accept.
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>γ, [C], or null without affine.</summary>
    public Parameter? Weight { get; }
    /// <summary>β, [C], or null without affine.</summary>
    public Parameter? Bias { get; }
    /// <summary>The running mean, [C] (a buffer: saved, not trained), or null.</summary>
    public Tensor? RunningMean { get; }
    /// <summary>The running (unbiased) variance, [C], or null.</summary>
    public Tensor? RunningVar { get; }

    public int NumFeatures { get; }
    public float Eps { get; }
    public float Momentum { get; }
    public bool Affine => Weight is not null;
    public bool TrackRunningStats => RunningMean is not null;

    /// <summary>Normalisation of <paramref name="numFeatures"/> channels with PyTorch's defaults.</summary>
    protected BatchNorm(int numFeatures, float eps, float momentum, bool affine, bool trackRunningStats)
    {
        if (numFeatures < 1) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{GetType().Name}: expected num_features ≥ 1, got {numFeatures}.");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{GetType().Name}: expected eps > 0, got {eps}.");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"{GetType().Name}: expected momentum in [0, 1], got {momentum}.");
        NumFeatures = numFeatures; Eps = eps; Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numFeatures]));
            Bias = RegisterParameter("bias", new Tensor(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", new Tensor(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
        }
    }

    /// <summary>Throws unless the input has a shape this layer takes.</summary>
    protected abstract void CheckShape(Tensor input);

    public override Tensor Forward(Tensor input)
    {
        CheckShape(input);
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{Describe()}: expected {NumFeatures} channels in dimension 1, got shape {Shapes.Format(input.Shape)}.");
        int n = input.Size(0), c = NumFeatures, s = input.Count / Math.Max(1, n * c);
        int count = n * s;
        bool batchStats = Training || !TrackRunningStats;
        if (batchStats && count <= 1)
            throw new ArgumentException($"{Describe()}: expected more than 1 value per channel when training, got input shape {Shapes.Format(input.Shape)}.");

        var x = input.AsReadOnlySpan();
        var level = Simd.Best;
        // Statistics in double, two passes (the mean, then Σ(x − mean)²): a float32 sum loses the spread of a
        // channel whose mean is large against it (1e-3 relative at a mean of 1e6 times the spread).
        var mean = new double[c];
        var invStd = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double m, v;
            if (batchStats)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += Moments.Sum(x.Slice((i * c + ch) * s, s), level);
                m = sum / count;
                double sq = 0;
                for (int i = 0; i < n; i++) sq += Moments.SumOfSquaredDeviations(x.Slice((i * c + ch) * s, s), m, level);
                v = sq / count;
                if (Training && TrackRunningStats)
                {
                    var rm = RunningMean!.AsSpan(); var rv = RunningVar!.AsSpan();
                    rm[ch] = (float)((1 - Momentum) * rm[ch] + Momentum * m);
                    rv[ch] = (float)((1 - Momentum) * rv[ch] + Momentum * v * count / (count - 1));
                }
            }
            else
            {
                m = RunningMean!.AsReadOnlySpan()[ch];
                v = RunningVar!.AsReadOnlySpan()[ch];
            }
            mean[ch] = m;
            invStd[ch] = 1.0 / Math.Sqrt(v + Eps);
        }

        var y = Tensor.Uninitialized(input.ShapeArray());
        var ys = y.AsSpan();
        for (int ch = 0; ch < c; ch++)
        {
            double gamma = Weight is null ? 1 : Weight.AsReadOnlySpan()[ch], beta = Bias is null ? 0 : Bias.AsReadOnlySpan()[ch];
            // y = (x − mean)·scale + β with the mean split into a float part and the rest: x − meanHigh is exact
            // for x near the mean (within a factor 2), and the rest folds into the shift. The usual
            // x·scale + (β − mean·scale) would round x·scale at the size of the mean, not of the spread.
            double scale = gamma * invStd[ch];
            float meanHigh = (float)mean[ch];
            float shift = (float)(beta - (mean[ch] - meanHigh) * scale);
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                Standardize.Apply(x.Slice(at, s), meanHigh, (float)scale, shift, ys.Slice(at, s), level);
            }
        }
        var inputs = Weight is null ? new[] { input } : new Tensor[] { input, Weight, Bias! };
        return Graph.Record(y, "batch_norm", inputs, g => Backward(input, g, mean, invStd, batchStats, n, s));
    }

    Tensor?[] Backward(Tensor input, Tensor grad, double[] mean, double[] invStd, bool batchStats, int n, int s)
    {
        int c = NumFeatures, count = n * s;
        var level = Simd.Best;
        var x = input.AsReadOnlySpan();
        var g = grad.AsReadOnlySpan();
        var dx = input.RequiresGrad ? Tensor.Uninitialized(input.ShapeArray()) : null;
        var dGamma = Weight is null ? null : new Tensor(c);
        var dBeta = Weight is null ? null : new Tensor(c);
        for (int ch = 0; ch < c; ch++)
        {
            // Σg and Σg·x̂ = Σg·(x − mean)/σ per channel, in double: they feed every element's gradient.
            double sumG = 0, sumGX = 0;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                sumG += Moments.Sum(g.Slice(at, s), level);
                sumGX += Moments.SumOfWeightedDeviations(g.Slice(at, s), x.Slice(at, s), mean[ch], level);
            }
            sumGX *= invStd[ch];
            if (dGamma is not null) { dGamma.AsSpan()[ch] = (float)sumGX; dBeta!.AsSpan()[ch] = (float)sumG; }
            if (dx is null) continue;
            double gamma = Weight is null ? 1 : Weight.AsReadOnlySpan()[ch];
            double k = gamma * invStd[ch];
            var d = dx.AsSpan();
            if (!batchStats)
            {
                // Evaluation: the statistics are constants, so dx = k·g.
                for (int i = 0; i < n; i++)
                {
                    int at = (i * c + ch) * s;
                    TensorPrimitives.Multiply(g.Slice(at, s), (float)k, d.Slice(at, s));
                }
                continue;
            }
            // Training: the batch statistics depend on x too, which removes the gradient's mean and its projection
            // on x̂: dx = k·(g − mean(g) − x̂·mean(g·x̂)), computed as k·g − b·(x − meanHigh) + shift with the mean
            // split as in the forward, so that x − meanHigh is exact near the mean.
            double meanG = sumG / count, meanGX = sumGX / count;
            double b = k * invStd[ch] * meanGX;
            float meanHigh = (float)mean[ch];
            float shift = (float)(b * (mean[ch] - meanHigh) - k * meanG);
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                var target = d.Slice(at, s);
                Standardize.Apply(x.Slice(at, s), meanHigh, (float)-b, shift, target, level);
                TensorPrimitives.MultiplyAdd(g.Slice(at, s), (float)k, target, target);
            }
        }
        return Weight is null ? [dx] : [dx, dGamma, dBeta];
    }

    public override string Describe() =>
        $"{GetType().Name}({NumFeatures}, eps={Eps}, momentum={Momentum}, affine={(Affine ? "True" : "False")}, track_running_stats={(TrackRunningStats ? "True" : "False")})";

    // Saved architecture: PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) =>
        config.Set("num_features", NumFeatures).Set("eps", Eps).Set("momentum", Momentum).Set("affine", Affine).Set("track_running_stats", TrackRunningStats);
}
