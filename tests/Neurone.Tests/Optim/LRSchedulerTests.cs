using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Tests.Optim;

public class LRSchedulerTests
{
    static SGD Optimizer(double lr = 0.5)
    {
        var p = Tensor.FromArray([1f, 2f]);
        p.RequiresGrad = true;
        return new SGD([p], lr: lr);
    }

    // The rate before each of the first `epochs` epochs: index 0 is the rate after construction.
    static double[] Sequence(LRScheduler s, int epochs)
    {
        var lrs = new double[epochs];
        for (int e = 0; e < epochs; e++)
        {
            lrs[e] = s.Optimizer.LearningRate;
            Assert.Equal(lrs[e], s.LastLR);
            s.Step();
        }
        return lrs;
    }

    static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])),
                $"epoch {i}: expected {expected[i]}, got {actual[i]}.");
    }

    [Fact]
    public void StepLRDecaysEveryStepSizeEpochs()
    {
        var s = new StepLR(Optimizer(0.5), stepSize: 3, gamma: 0.2);
        var expected = Enumerable.Range(0, 10).Select(e => 0.5 * Math.Pow(0.2, e / 3)).ToArray();
        AssertClose(expected, Sequence(s, 10));
        Assert.Equal(0.5, s.BaseLR);
        Assert.Equal(10, s.LastEpoch);
    }

    [Fact]
    public void StepLRDefaultGammaIsATenth()
    {
        var s = new StepLR(Optimizer(1.0), stepSize: 1);
        s.Step();
        Assert.Equal(0.1, s.LastLR, 15);
    }

    [Fact]
    public void ExponentialLRDecaysEveryEpoch()
    {
        var s = new ExponentialLR(Optimizer(0.3), gamma: 0.9);
        AssertClose(Enumerable.Range(0, 10).Select(e => 0.3 * Math.Pow(0.9, e)).ToArray(), Sequence(s, 10));
    }

    [Fact]
    public void CosineAnnealingFollowsTheClosedForm()
    {
        const double baseLr = 0.1, etaMin = 0.01;
        const int tMax = 8;
        var s = new CosineAnnealingLR(Optimizer(baseLr), tMax, etaMin);
        var expected = Enumerable.Range(0, 12)
            .Select(e => etaMin + (baseLr - etaMin) * (1 + Math.Cos(Math.PI * e / tMax)) / 2).ToArray();
        var got = Sequence(s, 12);
        AssertClose(expected, got);
        Assert.Equal(etaMin, got[tMax], 15);
    }

    [Fact]
    public void WarmupRisesLinearlyThenHandsOverToTheSchedule()
    {
        const double baseLr = 0.8, start = 0.25;
        const int warmup = 4;
        var s = new StepLR(Optimizer(baseLr), stepSize: 2, gamma: 0.5, warmupEpochs: warmup, warmupStartFactor: start);
        var expected = Enumerable.Range(0, 10).Select(e => e < warmup
            ? baseLr * (start + (1 - start) * e / warmup)
            : baseLr * Math.Pow(0.5, (e - warmup) / 2)).ToArray();
        AssertClose(expected, Sequence(s, 10));
    }

    [Fact]
    public void WarmupWorksWithCosine()
    {
        var s = new CosineAnnealingLR(Optimizer(1.0), tMax: 4, warmupEpochs: 2);
        AssertClose([1.0 / 3, 2.0 / 3, 1.0, (1 + Math.Cos(Math.PI / 4)) / 2, 0.5, (1 + Math.Cos(3 * Math.PI / 4)) / 2, 0.0],
            Sequence(s, 7));
    }

    [Fact]
    public void StateDictRoundTripContinuesIdentically()
    {
        var a = new CosineAnnealingLR(Optimizer(0.2), tMax: 10, etaMin: 0.001, warmupEpochs: 3);
        for (int e = 0; e < 5; e++) a.Step();
        var state = a.StateDict();

        var optB = Optimizer(99); // a different starting rate: the base comes from the state
        var b = new CosineAnnealingLR(optB, tMax: 10, etaMin: 0.001, warmupEpochs: 3);
        b.LoadStateDict(state);
        Assert.Equal(a.LastLR, b.LastLR);
        Assert.Equal(a.Optimizer.LearningRate, optB.LearningRate);
        Assert.Equal(Sequence(a, 8), Sequence(b, 8));
    }

    [Fact]
    public void LoadStateDictRejectsBadState()
    {
        var s = new StepLR(Optimizer(), stepSize: 2);
        Assert.Throws<ArgumentException>(() => s.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = 1 }));
        Assert.Throws<ArgumentException>(() => s.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = 1, ["base_lr"] = 0.1, ["x"] = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = 1.5, ["base_lr"] = 0.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = -1, ["base_lr"] = 0.1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LoadStateDict(new Dictionary<string, double> { ["last_epoch"] = 1, ["base_lr"] = double.NaN }));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentNullException>(() => new StepLR(null!, 1));
        Assert.Equal("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Optimizer(), 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(Optimizer(), 1, gamma: -0.1)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(Optimizer(), 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(Optimizer(), double.NaN)).ParamName);
        Assert.Equal("tMax", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(Optimizer(), 0)).ParamName);
        Assert.Equal("etaMin", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealingLR(Optimizer(), 5, etaMin: -1)).ParamName);
        Assert.Equal("warmupEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(Optimizer(), 0.9, warmupEpochs: -1)).ParamName);
        Assert.Equal("warmupStartFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(Optimizer(), 0.9, 2, warmupStartFactor: 0)).ParamName);
        Assert.Equal("warmupStartFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialLR(Optimizer(), 0.9, 2, warmupStartFactor: 1.5)).ParamName);
    }
}
