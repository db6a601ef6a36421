using Neurone.Autograd;
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
        var mean = new float[c];
        var invStd = new float[c];
        for (int ch = 0; ch < c; ch++)
        {
            double m, v;
            if (batchStats)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += System.Numerics.Tensors.TensorPrimitives.Sum(x.Slice((i * c + ch) * s, s));
                m = sum / count;
                double sq = 0;
                for (int i = 0; i < n; i++)
                    foreach (float value in x.Slice((i * c + ch) * s, s)) sq += (value - m) * (value - m);
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
            mean[ch] = (float)m;
            invStd[ch] = (float)(1.0 / Math.Sqrt(v + Eps));
        }

        var y = Tensor.Uninitialized(input.ShapeArray());
        var ys = y.AsSpan();
        for (int ch = 0; ch < c; ch++)
        {
            float gamma = Weight is null ? 1f : Weight.AsReadOnlySpan()[ch], beta = Bias is null ? 0f : Bias.AsReadOnlySpan()[ch];
            float scale = gamma * invStd[ch], shift = beta - mean[ch] * scale;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                var target = ys.Slice(at, s);
                System.Numerics.Tensors.TensorPrimitives.Multiply(x.Slice(at, s), scale, target);
                System.Numerics.Tensors.TensorPrimitives.Add(target, shift, target);
            }
        }
        var inputs = Weight is null ? new[] { input } : new Tensor[] { input, Weight, Bias! };
        return Graph.Record(y, "batch_norm", inputs, g => Backward(input, g, mean, invStd, batchStats, n, s));
    }

    Tensor?[] Backward(Tensor input, Tensor grad, float[] mean, float[] invStd, bool batchStats, int n, int s)
    {
        int c = NumFeatures, count = n * s;
        var x = input.AsReadOnlySpan();
        var g = grad.AsReadOnlySpan();
        var dx = input.RequiresGrad ? Tensor.Uninitialized(input.ShapeArray()) : null;
        var dGamma = Weight is null ? null : new Tensor(c);
        var dBeta = Weight is null ? null : new Tensor(c);
        for (int ch = 0; ch < c; ch++)
        {
            // Σg and Σg·x̂ per channel, in double: they feed every element's gradient.
            double sumG = 0, sumGX = 0;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                for (int j = 0; j < s; j++)
                {
                    sumG += g[at + j];
                    sumGX += g[at + j] * ((x[at + j] - mean[ch]) * invStd[ch]);
                }
            }
            if (dGamma is not null) { dGamma.AsSpan()[ch] = (float)sumGX; dBeta!.AsSpan()[ch] = (float)sumG; }
            if (dx is null) continue;
            float gamma = Weight is null ? 1f : Weight.AsReadOnlySpan()[ch];
            float k = gamma * invStd[ch];
            var d = dx.AsSpan();
            // Training: the batch statistics depend on x too, which removes the gradient's mean and its
            // projection on x̂. Evaluation: statistics are constants.
            float meanG = batchStats ? (float)(sumG / count) : 0f, meanGX = batchStats ? (float)(sumGX / count) : 0f;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + ch) * s;
                for (int j = 0; j < s; j++)
                {
                    float xhat = (x[at + j] - mean[ch]) * invStd[ch];
                    d[at + j] = k * (g[at + j] - meanG - xhat * meanGX);
                }
            }
        }
        return Weight is null ? [dx] : [dx, dGamma, dBeta];
    }

    public override string Describe() =>
        $"{GetType().Name}({NumFeatures}, eps={Eps}, momentum={Momentum}, affine={(Affine ? "True" : "False")}, track_running_stats={(TrackRunningStats ? "True" : "False")})";
}
