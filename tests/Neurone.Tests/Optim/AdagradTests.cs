using Neurone.Optim;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

public class AdagradTests
{
    // torch.optim.Adagrad, written out: g ← g + λp; rate = lr / (1 + (t − 1)·decay); S ← S + g² (S starts
    // at the initial accumulator value); p ← p − rate·g / (√S + ε).
    static Func<double[], double[][], double[][]> Rule(double lr, double lrDecay = 0, double weightDecay = 0,
        double initial = 0, double eps = 1e-10) => (start, grads) =>
    {
        var p = (double[])start.Clone();
        var sum = Enumerable.Repeat(initial, p.Length).ToArray();
        var result = new double[grads.Length][];
        for (int s = 0; s < grads.Length; s++)
        {
            int t = s + 1;
            double rate = lr / (1 + (t - 1) * lrDecay);
            for (int i = 0; i < p.Length; i++)
            {
                double g = grads[s][i] + weightDecay * p[i];
                sum[i] += g * g;
                p[i] -= rate * g / (Math.Sqrt(sum[i]) + eps);
            }
            result[s] = (double[])p.Clone();
        }
        return result;
    };

    [Fact]
    public void DefaultStepsMatchTheRule() =>
        AssertMatchesReference(ps => new Adagrad(ps), Rule(1e-2));

    [Fact]
    public void LearningRateDecayMatchesTheRule() =>
        AssertMatchesReference(ps => new Adagrad(ps, lr: 0.1, lrDecay: 0.5), Rule(0.1, lrDecay: 0.5));

    [Fact]
    public void WeightDecayAndInitialAccumulatorMatchTheRule() =>
        AssertMatchesReference(ps => new Adagrad(ps, lr: 0.1, weightDecay: 0.2, initialAccumulatorValue: 0.3, eps: 1e-6),
            Rule(0.1, weightDecay: 0.2, initial: 0.3, eps: 1e-6));

    [Fact]
    public void MinimisesAQuadratic() =>
        Assert.True(MinimiseQuadratic(ps => new Adagrad(ps, lr: 0.5), 500) < 1e-4);

    [Fact]
    public void RejectsBadHyperparameters()
    {
        var ps = MakeParameters();
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(ps, lr: -1)).ParamName);
        Assert.Equal("lrDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(ps, lrDecay: -1)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(ps, weightDecay: -1)).ParamName);
        Assert.Equal("initialAccumulatorValue", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(ps, initialAccumulatorValue: -1)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(ps, eps: double.NaN)).ParamName);
    }
}
