using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Batch normalisation over the channel dimension (dim 1) of an N×C×… input, as PyTorch's <c>F.batch_norm</c>:
    /// with <paramref name="training"/> each channel is normalised with the batch mean and biased variance, and the
    /// running statistics, when given, move by <paramref name="momentum"/> towards the batch mean and the unbiased
    /// variance (n/(n−1) times the biased one); otherwise the running statistics are used and must be given. Then
    /// y = γ·x̂ + β, γ = <paramref name="weight"/> and β = <paramref name="bias"/> ([C] each, or null for 1 and 0).
    /// Statistics, output and backward are computed in double through the Moments and Standardize kernels, so a
    /// channel whose mean is large against its spread keeps its precision.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, float momentum = 0.1f, float eps = 1e-5f)
    {
        if (input.Rank < 2)
            throw new ArgumentException($"batch_norm: expected input N×C×…, got shape {Shapes.Format(input.Shape)}.");
        int n = input.Size(0), c = input.Size(1), s = input.Count / Math.Max(1, n * c);
        CheckChannelVector("weight", weight, c, input);
        CheckChannelVector("bias", bias, c, input);
        CheckChannelVector("running_mean", runningMean, c, input);
        CheckChannelVector("running_var", runningVar, c, input);
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException("batch_norm: expected both running_mean and running_var, or neither.");
        if (!training && runningMean is null)
            throw new ArgumentException("batch_norm: evaluation (training = false) needs running_mean and running_var.");
        int count = n * s;
        if (training && count <= 1)
            throw new ArgumentException($"batch_norm: expected more than 1 value per channel when training, got input shape {Shapes.Format(input.Shape)}.");

        var x = input.AsReadOnlySpan();
        var level = Simd.Best;
        // Statistics in double, two passes (the mean, then Σ(x − mean)²): a float32 sum loses the spread of a
        // channel whose mean is large against it (1e-3 relative at a mean of 1e6 times the spread).
        var mean = new double[c];
        var invStd = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double m, v;
            if (training)
            {
                double sum = 0;
                for (int i = 0; i < n; i++) sum += Moments.Sum(x.Slice((i * c + ch) * s, s), level);
                m = sum / count;
                double sq = 0;
                for (int i = 0; i < n; i++) sq += Moments.SumOfSquaredDeviations(x.Slice((i * c + ch) * s, s), m, level);
                v = sq / count;
                if (runningMean is not null)
                {
                    var rm = runningMean.AsSpan(); var rv = runningVar!.AsSpan();
                    rm[ch] = (float)((1 - momentum) * rm[ch] + momentum * m);
                    rv[ch] = (float)((1 - momentum) * rv[ch] + momentum * v * count / (count - 1));
                }
            }
            else
            {
                m = runningMean!.AsReadOnlySpan()[ch];
                v = runningVar!.AsReadOnlySpan()[ch];
            }
            mean[ch] = m;
            invStd[ch] = 1.0 / Math.Sqrt(v + eps);
        }

        var y = Tensor.Uninitialized(input.ShapeArray());
        var ys = y.AsSpan();
        for (int ch = 0; ch < c; ch++)
        {
            double gamma = weight is null ? 1 : weight.AsReadOnlySpan()[ch], beta = bias is null ? 0 : bias.AsReadOnlySpan()[ch];
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
        var inputs = new List<Tensor>(3) { input };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        return Graph.Record(y, "batch_norm", [.. inputs], g => BatchNormBackward(input, weight, bias, g, mean, invStd, training, n, c, s));
    }

    static void CheckChannelVector(string what, Tensor? t, int channels, Tensor input)
    {
        if (t is not null && (t.Rank != 1 || t.Size(0) != channels))
            throw new ArgumentException($"batch_norm: expected {what} of shape [{channels}] for input {Shapes.Format(input.Shape)}, got {Shapes.Format(t.Shape)}.");
    }

    static Tensor?[] BatchNormBackward(Tensor input, Tensor? weight, Tensor? bias, Tensor grad, double[] mean, double[] invStd, bool batchStats, int n, int c, int s)
    {
        int count = n * s;
        var level = Simd.Best;
        var x = input.AsReadOnlySpan();
        var g = grad.AsReadOnlySpan();
        var dx = input.RequiresGrad ? Tensor.Uninitialized(input.ShapeArray()) : null;
        var dGamma = weight is null ? null : new Tensor(c);
        var dBeta = bias is null ? null : new Tensor(c);
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
            if (dGamma is not null) dGamma.AsSpan()[ch] = (float)sumGX;
            if (dBeta is not null) dBeta.AsSpan()[ch] = (float)sumG;
            if (dx is null) continue;
            double gamma = weight is null ? 1 : weight.AsReadOnlySpan()[ch];
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
        var grads = new List<Tensor?>(3) { dx };
        if (weight is not null) grads.Add(dGamma);
        if (bias is not null) grads.Add(dBeta);
        return [.. grads];
    }
}
