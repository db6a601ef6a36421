using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Binary cross-entropy on probabilities: −[t·log p + (1−t)·log(1−p)], the logarithms clamped at −100 as in
/// PyTorch (<see cref="F.BinaryCrossEntropy"/>). Prefer <see cref="BCEWithLogitsLoss"/>, which is stabler.
/// </summary>
public sealed class BCELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropy(input, target, Reduction);
}

/// <summary>
/// Sigmoid and binary cross-entropy in one stable step: max(x, 0) − x·t + log(1 + e^−|x|)
/// (<see cref="F.BinaryCrossEntropyWithLogits"/>). Backward: σ(x) − t.
/// </summary>
public sealed class BCEWithLogitsLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropyWithLogits(input, target, Reduction);
}
