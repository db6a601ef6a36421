using Neurone.Optim;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

public class AdamWTests
{
    [Fact]
    public void DefaultsDecayByOnePercentDecoupled()
    {
        var opt = new AdamW(MakeParameters());
        Assert.Equal(1e-3, opt.LearningRate);
        Assert.Equal(1e-2, opt.WeightDecay);
        AssertMatchesReference(ps => new AdamW(ps), AdamTests.Rule(1e-3, weightDecay: 1e-2, decoupled: true));
    }

    [Fact]
    public void StrongDecayMatchesTheDecoupledRule() =>
        AssertMatchesReference(ps => new AdamW(ps, lr: 0.1, weightDecay: 0.5),
            AdamTests.Rule(0.1, weightDecay: 0.5, decoupled: true));

    [Fact]
    public void AmsgradMatchesTheDecoupledRule() =>
        AssertMatchesReference(ps => new AdamW(ps, lr: 0.02, beta1: 0.5, beta2: 0.4, weightDecay: 0.2, amsgrad: true),
            AdamTests.Rule(0.02, beta1: 0.5, beta2: 0.4, weightDecay: 0.2, amsgrad: true, decoupled: true));

    [Fact]
    public void DecayDiffersFromAdamsL2()
    {
        var adam = Run(ps => new Adam(ps, lr: 0.1, weightDecay: 0.5), Neurone.Kernels.SimdLevel.Scalar);
        var adamW = Run(ps => new AdamW(ps, lr: 0.1, weightDecay: 0.5), Neurone.Kernels.SimdLevel.Scalar);
        Assert.NotEqual(adam[2][1], adamW[2][1]);
    }

    [Fact]
    public void MinimisesAQuadratic() =>
        // Decoupled decay pulls towards zero, so the minimum moves a little: use a small decay.
        Assert.True(MinimiseQuadratic(ps => new AdamW(ps, lr: 0.05, weightDecay: 1e-4), 600, AdamTests.Cosine(600)) < 2e-3);

    [Fact]
    public void RejectsBadHyperparameters()
    {
        var ps = MakeParameters();
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(ps, lr: -1)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(ps, beta1: 1)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(ps, beta2: -0.5)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(ps, eps: double.NaN)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(ps, weightDecay: -1e-2)).ParamName);
    }
}
