using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Cross-entropy of raw scores (logits, not probabilities) against class targets, as
    /// <c>torch.nn.functional.cross_entropy</c>: log-softmax over dimension 1 and the negative log-likelihood
    /// in one stable pass, and a backward of (softmax − target distribution)·scale with nothing else recorded.
    /// <para>
    /// <paramref name="input"/> is [N, C], [N, C, d1, …] or [C]; <paramref name="target"/> is either Int64
    /// class indices of shape [N, d1, …] (a value equal to <paramref name="ignoreIndex"/> contributes nothing and
    /// is not counted by the mean) or Float32 class probabilities of the input's own shape. With label
    /// smoothing ε the target distribution is (1 − ε)·one-hot + ε/C; for indices the mean divides both parts
    /// by the number of targets not ignored, as PyTorch does.
    /// </para>
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, float labelSmoothing = 0f)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "cross_entropy: expected label smoothing in [0, 1].");
        bool soft = target.DType == DType.Float32 && Shapes.Equal(target.Shape, input.Shape);
        ClassTargets? classes = soft ? null : ClassTargets.Read("cross_entropy", input, target, ignoreIndex);
        var (n, c, inner, targetShape) = ClassTargets.Layout("cross_entropy", input);
        int positions = n * inner;
        var x = input.AsReadOnlySpan();
        float eps = labelSmoothing;

        // Softmax per position, kept for the backward pass: it is all the gradient needs.
        var probabilities = Tensor.Uninitialized(input.ShapeArray());
        var p = probabilities.AsSpan();
        var losses = new Tensor(targetShape);
        var l = losses.AsSpan();
        var row = new float[inner == 1 ? 0 : c];
        var logp = new float[inner == 1 ? 0 : c];
        var softTargets = soft ? target.AsReadOnlySpan() : default;
        double total = 0;
        for (int s = 0; s < positions; s++)
        {
            int sample = s / inner, at = s % inner, start = sample * c * inner + at;
            ReadOnlySpan<float> xr;
            Span<float> lp;
            if (inner == 1)
            {
                xr = x.Slice(start, c);
                lp = p.Slice(start, c);
            }
            else
            {
                for (int k = 0; k < c; k++) row[k] = x[start + k * inner];
                xr = row;
                lp = logp;
            }
            // The loss from log p = (x − m) − ln Σ, formed in double and rounded once: a float sum of rounded
            // log-probabilities would add their roundings (and a finite-difference check sees each one).
            double logSum = Kernels.Softmax.LogSoftmax(xr, lp, Kernels.Simd.Best, out float max);
            double loss;
            if (classes is not null)
            {
                int label = classes.Labels[s];
                if (label < 0) loss = 0;
                else
                {
                    loss = -(1.0 - eps) * ((double)xr[label] - max - logSum);
                    if (eps > 0f) loss -= (double)eps / c * (Kernels.Moments.Sum(xr, Kernels.Simd.Best) - c * ((double)max + logSum));
                }
            }
            else
            {
                double dot = 0, mass = 0;
                for (int k = 0; k < c; k++)
                {
                    double tk = inner == 1 ? softTargets[start + k] : softTargets[start + k * inner];
                    dot += tk * ((double)xr[k] - max);
                    mass += tk;
                }
                loss = -(dot - mass * logSum);
                if (eps > 0f) loss = (1.0 - eps) * loss - (double)eps / c * (Kernels.Moments.Sum(xr, Kernels.Simd.Best) - c * ((double)max + logSum));
            }
            l[s] = (float)loss;
            total += loss;
            if (inner == 1) Kernels.ElementwiseMath.Exp(lp, lp);
            else
            {
                Kernels.ElementwiseMath.Exp(lp, lp);
                for (int k = 0; k < c; k++) p[start + k * inner] = lp[k];
            }
        }

        int divisor = classes?.Counted ?? positions;
        Tensor result = reduction switch
        {
            // As PyTorch: a mean over no counted target is 0/0, NaN.
            Reduction.Mean => Tensor.Scalar((float)(total / divisor)),
            Reduction.Sum => Tensor.Scalar((float)total),
            _ => losses,
        };
        var labels = classes?.Labels;
        return Graph.Record(result, "cross_entropy", [input], g =>
            [CrossEntropyBackward(probabilities, labels, soft ? target : null, g, reduction, divisor, eps, n, c, inner)]);
    }

    static double SumInDouble(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (float v in values) s += v;
        return s;
    }

    /// <summary>(softmax − ((1 − ε)·target + ε/C))·scale per position; 0 at ignored targets.</summary>
    static Tensor CrossEntropyBackward(Tensor probabilities, int[]? labels, Tensor? soft, Tensor g, Reduction reduction,
        int divisor, float eps, int n, int c, int inner)
    {
        var grad = Tensor.Uninitialized(probabilities.ShapeArray());
        var d = grad.AsSpan();
        var p = probabilities.AsReadOnlySpan();
        var gs = g.AsReadOnlySpan();
        var t = soft is null ? default : soft.AsReadOnlySpan();
        if (inner == 1)
        {
            for (int i = 0; i < n; i++)
            {
                float scale = Scale(reduction, gs, i, divisor);
                var row = d.Slice(i * c, c);
                if (labels is not null)
                {
                    if (labels[i] < 0) { row.Clear(); continue; }
                    TensorPrimitives.Subtract(p.Slice(i * c, c), eps / c, row);
                    row[labels[i]] -= 1f - eps;
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(t.Slice(i * c, c), -(1f - eps), p.Slice(i * c, c), row);
                    if (eps > 0f) TensorPrimitives.Subtract(row, eps / c, row);
                }
                TensorPrimitives.Multiply(row, scale, row);
            }
            return grad;
        }
        for (int s = 0; s < n * inner; s++)
        {
            int sample = s / inner, at = s % inner, start = sample * c * inner + at;
            float scale = Scale(reduction, gs, s, divisor);
            int label = labels is null ? -2 : labels[s];
            for (int k = 0; k < c; k++)
            {
                int idx = start + k * inner;
                float target = labels is null ? (1f - eps) * t[idx] + eps / c : label < 0 ? 0f : (k == label ? 1f - eps : 0f) + eps / c;
                d[idx] = label == -1 ? 0f : (p[idx] - target) * scale;
            }
        }
        return grad;
    }

    static float Scale(Reduction reduction, ReadOnlySpan<float> g, int position, int divisor) => reduction switch
    {
        Reduction.Mean => g[0] / divisor,
        Reduction.Sum => g[0],
        _ => g[position],
    };
}
