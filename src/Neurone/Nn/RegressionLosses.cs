using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>Mean squared error, (input − target)².</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target)
    {
        RequireSameShape(input, target);
        return Reduce((input - target).Square());
    }
}

/// <summary>Mean absolute error, |input − target|.</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target)
    {
        RequireSameShape(input, target);
        return Reduce((input - target).Abs());
    }
}
