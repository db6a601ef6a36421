using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn;

/// <summary>
/// Cross-entropy on logits, fused: log-softmax and negative log-likelihood in one stable pass, and a
/// backward of (softmax − target distribution) / N with nothing else recorded. As in PyTorch it takes
/// raw scores (not probabilities) of shape [N, C] and either N class labels or an [N, C] table of
/// class probabilities. With label smoothing ε the target is (1 − ε)·one-hot + ε/C.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>The label-smoothing amount ε in [0, 1].</summary>
    public float LabelSmoothing { get; }

    public CrossEntropyLoss(Reduction reduction = Reduction.Mean, float labelSmoothing = 0f) : base(reduction)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropyLoss: expected label smoothing in [0, 1].");
        LabelSmoothing = labelSmoothing;
    }

    public override Tensor Forward(Tensor input, Tensor target)
    {
        bool soft = target.Rank == 2 && input.Rank == 2 && target.Size(1) == input.Size(1) && input.Size(1) > 1;
        int[]? labels = soft ? null : ClassLabels(input, target);
        int n = input.Size(0), c = input.Size(1);
        var x = input.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        // The softmax is kept for the backward pass: it is all the gradient needs.
        var probabilities = Tensor.Uninitialized([n, c]);
        var p = probabilities.AsSpan();
        var losses = new Tensor(n);
        var l = losses.AsSpan();
        float eps = LabelSmoothing;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var row = x.Slice(i * c, c);
            var logp = p.Slice(i * c, c);
            // The loss from log p = (x − m) − ln Σ, formed in double and rounded once: a float sum of rounded
            // log-probabilities would add their roundings (and a finite-difference check sees each one).
            double logSum = Kernels.Softmax.LogSoftmax(row, logp, Kernels.Simd.Best, out float max);
            double loss;
            if (labels is not null)
            {
                loss = -(1.0 - eps) * ((double)row[labels[i]] - max - logSum);
                if (eps > 0f) loss -= (double)eps / c * (Kernels.Moments.Sum(row, Kernels.Simd.Best) - c * ((double)max + logSum));
            }
            else
            {
                var ti = t.Slice(i * c, c);
                double dot = 0, mass = 0;
                for (int j = 0; j < c; j++) { dot += (double)ti[j] * ((double)row[j] - max); mass += ti[j]; }
                loss = -(dot - mass * logSum);
                if (eps > 0f) loss = (1.0 - eps) * loss - (double)eps / c * (Kernels.Moments.Sum(row, Kernels.Simd.Best) - c * ((double)max + logSum));
            }
            l[i] = (float)loss;
            total += loss;
            Kernels.ElementwiseMath.Exp(logp, logp);
        }

        Tensor result = Reduction switch
        {
            Reduction.Mean => Tensor.Scalar(n == 0 ? float.NaN : (float)(total / n)),
            Reduction.Sum => Tensor.Scalar((float)total),
            _ => losses,
        };
        var targetCopy = soft ? target : null;
        return Graph.Record(result, "cross_entropy", [input], g => [Backward(probabilities, labels, targetCopy, g, n, c)]);
    }

    Tensor Backward(Tensor probabilities, int[]? labels, Tensor? soft, Tensor g, int n, int c)
    {
        var grad = Tensor.Uninitialized([n, c]);
        var d = grad.AsSpan();
        var p = probabilities.AsReadOnlySpan();
        var gs = g.AsReadOnlySpan();
        float eps = LabelSmoothing;
        for (int i = 0; i < n; i++)
        {
            float scale = Reduction switch { Reduction.Mean => gs[0] / n, Reduction.Sum => gs[0], _ => gs[i] };
            var row = d.Slice(i * c, c);
            // d loss / d logits = softmax − target distribution.
            if (labels is not null)
            {
                TensorPrimitives.Subtract(p.Slice(i * c, c), eps / c, row);
                row[labels[i]] -= 1f - eps;
            }
            else
            {
                var ti = soft!.AsReadOnlySpan().Slice(i * c, c);
                TensorPrimitives.MultiplyAdd(ti, -(1f - eps), p.Slice(i * c, c), row);
                if (eps > 0f) TensorPrimitives.Subtract(row, eps / c, row);
            }
            TensorPrimitives.Multiply(row, scale, row);
        }
        return grad;
    }

    public override string ToString() => $"CrossEntropyLoss(label_smoothing={LabelSmoothing})";
}
