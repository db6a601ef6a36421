using Neurone.Optim;
using Neurone.Tensors;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

public class SGDTests
{
    // torch.optim.SGD, written out: g ← g + λp; b ← g on the first step, else μb + (1 − τ)g;
    // g ← g + μb (Nesterov) or b; p ← p − lr·g.
    static Func<double[], double[][], double[][]> Rule(double lr, double momentum = 0, double dampening = 0,
        bool nesterov = false, double weightDecay = 0) => (initial, grads) =>
    {
        var p = (double[])initial.Clone();
        double[]? buf = null;
        var result = new double[grads.Length][];
        for (int s = 0; s < grads.Length; s++)
        {
            bool first = buf is null;
            buf ??= new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double g = grads[s][i] + weightDecay * p[i];
                if (momentum != 0)
                {
                    buf[i] = first ? g : momentum * buf[i] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * buf[i] : buf[i];
                }
                p[i] -= lr * g;
            }
            result[s] = (double[])p.Clone();
        }
        return result;
    };

    [Fact]
    public void PlainStepsMatchTheRule() =>
        AssertMatchesReference(ps => new SGD(ps, lr: 0.1), Rule(0.1));

    [Fact]
    public void WeightDecayIsAddedToTheGradient() =>
        AssertMatchesReference(ps => new SGD(ps, lr: 0.1, weightDecay: 0.3), Rule(0.1, weightDecay: 0.3));

    [Fact]
    public void MomentumStepsMatchTheRule() =>
        AssertMatchesReference(ps => new SGD(ps, lr: 0.05, momentum: 0.9), Rule(0.05, momentum: 0.9));

    [Fact]
    public void DampenedMomentumMatchesTheRule() =>
        AssertMatchesReference(ps => new SGD(ps, lr: 0.05, momentum: 0.8, dampening: 0.5, weightDecay: 0.01),
            Rule(0.05, momentum: 0.8, dampening: 0.5, weightDecay: 0.01));

    [Fact]
    public void NesterovWithWeightDecayMatchesTheRule() =>
        AssertMatchesReference(ps => new SGD(ps, lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1),
            Rule(0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1));

    [Fact]
    public void FirstMomentumStepSetsTheBufferToTheUndampenedGradient()
    {
        var p = Tensor.FromArray([1f, 2f, 3f]);
        p.RequiresGrad = true;
        p.Grad = Tensor.FromArray([0.5f, -1f, 2f]);
        var opt = new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.5);
        opt.Step();
        Assert.Equal([0.5f, -1f, 2f], opt.StateDict().Buffers["0.momentum_buffer"]);
    }

    [Fact]
    public void MinimisesAQuadratic()
    {
        Assert.True(MinimiseQuadratic(ps => new SGD(ps, lr: 0.2), 300) < 1e-4);
        Assert.True(MinimiseQuadratic(ps => new SGD(ps, lr: 0.1, momentum: 0.9, nesterov: true), 300) < 1e-4);
    }

    [Fact]
    public void RejectsBadHyperparameters()
    {
        var ps = MakeParameters();
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(ps, lr: -0.1)).ParamName);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(ps, lr: double.NaN)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(ps, momentum: -0.5)).ParamName);
        Assert.Equal("dampening", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(ps, dampening: double.PositiveInfinity)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(ps, weightDecay: -1)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new SGD(ps, nesterov: true)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new SGD(ps, momentum: 0.9, dampening: 0.1, nesterov: true)).ParamName);
    }
}
