using Neurone.Optim;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

public class AdamTests
{
    // torch.optim.Adam / AdamW, written out: AdamW first shrinks p ← p(1 − lr·λ), Adam adds λp to g;
    // m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; v̂ ← max(v̂, v) with AMSGrad;
    // p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
    internal static Func<double[], double[][], double[][]> Rule(double lr, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool decoupled = false) => (initial, grads) =>
    {
        var p = (double[])initial.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        var vmax = new double[p.Length];
        var result = new double[grads.Length][];
        for (int s = 0; s < grads.Length; s++)
        {
            int t = s + 1;
            for (int i = 0; i < p.Length; i++)
            {
                double g = grads[s][i];
                if (decoupled) p[i] *= 1 - lr * weightDecay;
                else g += weightDecay * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                vmax[i] = Math.Max(vmax[i], v[i]);
                double second = amsgrad ? vmax[i] : v[i];
                double denom = Math.Sqrt(second) / Math.Sqrt(1 - Math.Pow(beta2, t)) + eps;
                p[i] -= lr / (1 - Math.Pow(beta1, t)) * m[i] / denom;
            }
            result[s] = (double[])p.Clone();
        }
        return result;
    };

    [Fact]
    public void DefaultStepsMatchTheRule() =>
        AssertMatchesReference(ps => new Adam(ps), Rule(1e-3));

    [Fact]
    public void L2WeightDecayAndOtherBetasMatchTheRule() =>
        AssertMatchesReference(ps => new Adam(ps, lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1),
            Rule(0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1));

    [Fact]
    public void AmsgradMatchesTheRule() =>
        // A small β₂ lets v shrink between steps, so the maximum actually differs from v.
        AssertMatchesReference(ps => new Adam(ps, lr: 0.01, beta2: 0.5, amsgrad: true),
            Rule(0.01, beta2: 0.5, amsgrad: true));

    [Fact]
    public void AmsgradWithWeightDecayMatchesTheRule() =>
        AssertMatchesReference(ps => new Adam(ps, lr: 0.01, beta2: 0.6, weightDecay: 0.05, amsgrad: true),
            Rule(0.01, beta2: 0.6, weightDecay: 0.05, amsgrad: true));

    [Fact]
    public void MinimisesAQuadratic()
    {
        Assert.True(MinimiseQuadratic(ps => new Adam(ps, lr: 0.05), 600, Cosine(600)) < 1e-3);
        Assert.True(MinimiseQuadratic(ps => new Adam(ps, lr: 0.05, amsgrad: true), 600, Cosine(600)) < 1e-3);
    }

    // Annealing the rate to zero lets the adaptive methods settle instead of hovering at ±lr.
    internal static Action<Neurone.Optim.Optimizer, int> Cosine(int steps)
    {
        CosineAnnealingLR? schedule = null;
        return (opt, _) => (schedule ??= new CosineAnnealingLR(opt, steps)).Step();
    }

    [Fact]
    public void RejectsBadHyperparameters()
    {
        var ps = MakeParameters();
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, lr: -1e-3)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, beta1: 1.0)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, beta1: -0.1)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, beta2: 1.5)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, beta2: double.NaN)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, eps: -1e-8)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(ps, weightDecay: -0.1)).ParamName);
    }
}
