using Neurone.Optim;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

public class RMSpropTests
{
    // torch.optim.RMSprop, written out: g ← g + λp; s ← αs + (1 − α)g²; centered: ḡ ← αḡ + (1 − α)g and
    // s̃ = s − ḡ², else s̃ = s; d = √s̃ + ε; momentum: b ← μb + g/d, p ← p − lr·b; else p ← p − lr·g/d.
    static Func<double[], double[][], double[][]> Rule(double lr, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false) => (initial, grads) =>
    {
        var p = (double[])initial.Clone();
        var sq = new double[p.Length];
        var avg = new double[p.Length];
        var buf = new double[p.Length];
        var result = new double[grads.Length][];
        for (int s = 0; s < grads.Length; s++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = grads[s][i] + weightDecay * p[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                double second = sq[i];
                if (centered)
                {
                    avg[i] = alpha * avg[i] + (1 - alpha) * g;
                    second -= avg[i] * avg[i];
                }
                double d = Math.Sqrt(second) + eps;
                if (momentum > 0)
                {
                    buf[i] = momentum * buf[i] + g / d;
                    p[i] -= lr * buf[i];
                }
                else p[i] -= lr * g / d;
            }
            result[s] = (double[])p.Clone();
        }
        return result;
    };

    [Fact]
    public void DefaultStepsMatchTheRule() =>
        AssertMatchesReference(ps => new RMSprop(ps), Rule(1e-2));

    [Fact]
    public void CenteredMatchesTheRule() =>
        AssertMatchesReference(ps => new RMSprop(ps, lr: 0.01, alpha: 0.9, centered: true), Rule(0.01, alpha: 0.9, centered: true));

    [Fact]
    public void MomentumWithWeightDecayMatchesTheRule() =>
        AssertMatchesReference(ps => new RMSprop(ps, lr: 0.01, momentum: 0.9, weightDecay: 0.1),
            Rule(0.01, momentum: 0.9, weightDecay: 0.1));

    [Fact]
    public void CenteredMomentumMatchesTheRule() =>
        AssertMatchesReference(ps => new RMSprop(ps, lr: 0.003, alpha: 0.8, eps: 1e-4, momentum: 0.5, centered: true, weightDecay: 0.02),
            Rule(0.003, alpha: 0.8, eps: 1e-4, momentum: 0.5, centered: true, weightDecay: 0.02));

    [Fact]
    public void KeepsOnlyTheBuffersItsOptionsNeed()
    {
        var names = (RMSprop o) => { o.Step(); return o.StateDict().Buffers.Keys.Where(k => k.StartsWith("0.")).Order().ToArray(); };
        var ps = MakeParameters();
        SetGradients(ps, 0);
        Assert.Equal(["0.square_avg"], names(new RMSprop(ps)));
        Assert.Equal(["0.grad_avg", "0.momentum_buffer", "0.square_avg"], names(new RMSprop(ps, momentum: 0.9, centered: true)));
    }

    [Fact]
    public void MinimisesAQuadratic()
    {
        Assert.True(MinimiseQuadratic(ps => new RMSprop(ps, lr: 0.01), 800, AdamTests.Cosine(800)) < 1e-3);
        Assert.True(MinimiseQuadratic(ps => new RMSprop(ps, lr: 0.005, momentum: 0.5, centered: true), 800, AdamTests.Cosine(800)) < 1e-3);
    }

    [Fact]
    public void RejectsBadHyperparameters()
    {
        var ps = MakeParameters();
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(ps, lr: -1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(ps, alpha: -0.1)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(ps, alpha: 1.1)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(ps, eps: -1)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(ps, weightDecay: -1)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(ps, momentum: -0.9)).ParamName);
    }
}
