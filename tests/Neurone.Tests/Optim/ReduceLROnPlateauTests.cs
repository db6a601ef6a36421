using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Tests.Optim;

public class ReduceLROnPlateauTests
{
    static SGD Optimizer(double lr = 1.0)
    {
        var p = Tensor.FromArray([1f]);
        p.RequiresGrad = true;
        return new SGD([p], lr: lr);
    }

    static double[] Run(ReduceLROnPlateau s, double[] metrics) =>
        metrics.Select(m => { s.Step(m); return s.Optimizer.LearningRate; }).ToArray();

    [Fact]
    public void ScriptedMetricsReduceAfterPatienceWithCooldown()
    {
        // Traced by hand (rel threshold 0.1: an improvement must go below 0.9·best):
        // 10 best; 9, 9.5 bad 1, 2; 9.2 bad 3 > 2 → halve, cooldown 1; 9.1 bad but cooling → 0;
        // 8.0 best; 8.5, 8.4 bad 1, 2; 8.3 bad 3 → halve; 8.2 cooling; 8.1 bad 1.
        var s = new ReduceLROnPlateau(Optimizer(), factor: 0.5, patience: 2, threshold: 0.1, cooldown: 1);
        var lrs = Run(s, [10, 9, 9.5, 9.2, 9.1, 8.0, 8.5, 8.4, 8.3, 8.2, 8.1]);
        Assert.Equal([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25], lrs);
        Assert.Equal(8.0, s.Best);
        Assert.Equal(1, s.NumBadEpochs);
        Assert.Equal(11, s.LastEpoch);
    }

    [Fact]
    public void DefaultsWaitTenBadEpochsAndDivideByTen()
    {
        var s = new ReduceLROnPlateau(Optimizer());
        var lrs = Run(s, Enumerable.Repeat(1.0, 13).ToArray());
        // Epoch 1 sets the best; epochs 2..11 are bad 1..10; epoch 12 is bad 11 > 10.
        Assert.Equal(1.0, lrs[10]);
        Assert.Equal(0.1, lrs[11], 15);
        Assert.Equal(0.1, lrs[12], 15);
    }

    [Fact]
    public void MaxModeWithAbsoluteThreshold()
    {
        var s = new ReduceLROnPlateau(Optimizer(), PlateauMode.Max, factor: 0.1, patience: 0, threshold: 0.05, thresholdMode: ThresholdMode.Abs);
        // 0.5 best; 0.54 not > 0.55 → bad 1 > 0 → reduce; 0.6 best; 0.6 bad → reduce.
        var lrs = Run(s, [0.5, 0.54, 0.6, 0.6]);
        Assert.Equal(1.0, lrs[0]);
        Assert.Equal(0.1, lrs[1], 15);
        Assert.Equal(0.1, lrs[2], 15);
        Assert.Equal(0.01, lrs[3], 15);
    }

    [Fact]
    public void StopsAtMinLrAndSkipsTinyReductions()
    {
        var s = new ReduceLROnPlateau(Optimizer(1.0), factor: 0.5, patience: 0, minLr: 0.3);
        var lrs = Run(s, [1, 1, 1, 1]);
        Assert.Equal([1.0, 0.5, 0.3, 0.3], lrs);

        // A reduction of no more than eps is not applied.
        var tiny = new ReduceLROnPlateau(Optimizer(1e-9), factor: 0.5, patience: 0);
        Assert.Equal([1e-9, 1e-9], Run(tiny, [1, 1]));
    }

    [Fact]
    public void NaNMetricCountsAsBad()
    {
        var s = new ReduceLROnPlateau(Optimizer(), patience: 1);
        Run(s, [1.0, double.NaN]);
        Assert.Equal(1, s.NumBadEpochs);
        Assert.Equal(1.0, s.Best);
    }

    [Fact]
    public void StateDictRoundTripContinuesIdentically()
    {
        double[] metrics = [5, 4, 4.5, 4.2, 4.1, 4.3, 3.0, 3.5, 3.6, 3.7, 3.8, 3.9];
        var a = new ReduceLROnPlateau(Optimizer(), factor: 0.5, patience: 1, cooldown: 2);
        Run(a, metrics[..5]);
        var state = a.StateDict();
        var optB = Optimizer(a.Optimizer.LearningRate);
        var b = new ReduceLROnPlateau(optB, factor: 0.5, patience: 1, cooldown: 2);
        b.LoadStateDict(state);
        Assert.Equal(Run(a, metrics[5..]), Run(b, metrics[5..]));
        Assert.Equal(a.StateDict(), b.StateDict());
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentNullException>(() => new ReduceLROnPlateau(null!));
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), factor: 1.0)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), factor: -0.1)).ParamName);
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), patience: -1)).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), threshold: -1e-4)).ParamName);
        Assert.Equal("cooldown", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), cooldown: -1)).ParamName);
        Assert.Equal("minLr", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), minLr: -1)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), eps: double.NaN)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), (PlateauMode)7)).ParamName);
        Assert.Equal("thresholdMode", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(Optimizer(), thresholdMode: (ThresholdMode)7)).ParamName);

        var s = new ReduceLROnPlateau(Optimizer());
        var good = s.StateDict();
        Assert.Throws<ArgumentException>(() => s.LoadStateDict(new Dictionary<string, double> { ["best"] = 1 }));
        var bad = good.ToDictionary(kv => kv.Key, kv => kv.Value);
        bad["num_bad_epochs"] = -2;
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LoadStateDict(bad));
        bad = good.ToDictionary(kv => kv.Key, kv => kv.Value);
        bad["best"] = double.NaN;
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LoadStateDict(bad));
    }
}
