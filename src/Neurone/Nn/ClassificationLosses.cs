using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Negative log-likelihood of Int64 class labels given log-probabilities [N, C] or [N, C, d1, …] (for example
/// the output of <see cref="LogSoftmax"/>): −input[i, label_i]; see <see cref="Functional.F.NllLoss"/>.
/// Labels equal to <see cref="IgnoreIndex"/> (default −100, as PyTorch) are skipped and not counted by the mean.
/// </summary>
public sealed class NLLLoss(Reduction reduction = Reduction.Mean, long ignoreIndex = -100) : Loss(reduction)
{
    /// <summary>The target value that contributes nothing.</summary>
    public long IgnoreIndex { get; } = ignoreIndex;

    public override Tensor Forward(Tensor input, Tensor target) => Functional.F.NllLoss(input, target, IgnoreIndex, Reduction);
}

/// <summary>
/// The multiclass hinge (SVM) loss as PyTorch defines it: for each sample,
/// Σ_{j≠y} max(0, margin − x_y + x_j)^p / C. CS231n's SVM loss is the same sum without the division
/// by the number of classes C, so it equals this loss times C.
/// </summary>
public sealed class MultiMarginLoss : Loss
{
    public float Margin { get; }
    public int P { get; }

    public MultiMarginLoss(int p = 1, float margin = 1f, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        if (p != 1 && p != 2) throw new ArgumentOutOfRangeException(nameof(p), p, "MultiMarginLoss: expected p = 1 or 2.");
        P = p;
        Margin = margin;
    }

    public override Tensor Forward(Tensor input, Tensor target)
    {
        var labels = ClassLabels(input, target);
        int n = input.Size(0), c = input.Size(1);
        var x = input.AsReadOnlySpan();
        var losses = new Tensor(n);
        var l = losses.AsSpan();
        for (int i = 0; i < n; i++)
        {
            float correct = x[i * c + labels[i]], sum = 0f;
            for (int j = 0; j < c; j++)
            {
                if (j == labels[i]) continue;
                float h = MathF.Max(0f, Margin - correct + x[i * c + j]);
                sum += P == 1 ? h : h * h;
            }
            l[i] = sum / c;
        }
        Graph.Record(losses, "multi_margin", [input], g =>
        {
            var r = new Tensor(n, c);
            var rs = r.AsSpan();
            var gs = g.AsReadOnlySpan();
            var xs = input.AsReadOnlySpan();
            for (int i = 0; i < n; i++)
            {
                int y = labels[i];
                float correct = xs[i * c + y];
                for (int j = 0; j < c; j++)
                {
                    if (j == y) continue;
                    float h = Margin - correct + xs[i * c + j];
                    if (h <= 0f) continue;
                    float d = (P == 1 ? 1f : 2f * h) * gs[i] / c;
                    rs[i * c + j] += d;
                    rs[i * c + y] -= d;
                }
            }
            return [r];
        });
        return Reduce(losses);
    }
}
