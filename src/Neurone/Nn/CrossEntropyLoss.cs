using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Cross-entropy on logits (PyTorch's <c>CrossEntropyLoss</c>), the module form of
/// <see cref="F.CrossEntropy"/>: log-softmax and negative log-likelihood fused in one stable pass. It takes
/// raw scores (not probabilities) of shape [N, C] or [N, C, d1, …] and either Int64 class labels of shape
/// [N, d1, …] or Float32 class probabilities of the scores' shape. Labels equal to <see cref="IgnoreIndex"/>
/// (default −100) are skipped and not counted by the mean; with label smoothing ε the target is
/// (1 − ε)·one-hot + ε/C.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>The label-smoothing amount ε in [0, 1].</summary>
    public float LabelSmoothing { get; }

    /// <summary>The label value that contributes nothing (PyTorch's <c>ignore_index</c>).</summary>
    public long IgnoreIndex { get; }

    public CrossEntropyLoss(Reduction reduction = Reduction.Mean, float labelSmoothing = 0f, long ignoreIndex = -100) : base(reduction)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropyLoss: expected label smoothing in [0, 1].");
        LabelSmoothing = labelSmoothing;
        IgnoreIndex = ignoreIndex;
    }

    public override Tensor Forward(Tensor input, Tensor target) => F.CrossEntropy(input, target, IgnoreIndex, Reduction, LabelSmoothing);

    public override string ToString() => $"CrossEntropyLoss(label_smoothing={LabelSmoothing})";
}
