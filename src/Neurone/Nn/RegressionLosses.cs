using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>Mean squared error, (input − target)² (<see cref="F.MseLoss"/>).</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.MseLoss(input, target, Reduction);
}

/// <summary>Mean absolute error, |input − target| (<see cref="F.L1Loss"/>).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => F.L1Loss(input, target, Reduction);
}
