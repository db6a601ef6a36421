using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

public class InitTests
{
    static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.AsReadOnlySpan();
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        foreach (float x in v) { sum += x; min = Math.Min(min, x); max = Math.Max(max, x); }
        double mean = sum / v.Length, sq = 0;
        foreach (float x in v) sq += (x - mean) * (x - mean);
        return (mean, Math.Sqrt(sq / v.Length), min, max);
    }

    [Fact]
    public void GainsMatchPyTorch()
    {
        foreach (var n in new[] { Nonlinearity.Linear, Nonlinearity.Conv1d, Nonlinearity.Conv2d, Nonlinearity.Conv3d,
                     Nonlinearity.ConvTranspose1d, Nonlinearity.ConvTranspose2d, Nonlinearity.ConvTranspose3d, Nonlinearity.Sigmoid })
            Assert.Equal(1.0, Init.CalculateGain(n));
        Assert.Equal(5.0 / 3, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal(0.75, Init.CalculateGain(Nonlinearity.Selu));
        Assert.Equal(Math.Sqrt(2 / (1 + 0.01 * 0.01)), Init.CalculateGain(Nonlinearity.LeakyRelu));
        Assert.Equal(Math.Sqrt(2 / (1 + 0.2 * 0.2)), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2));
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain(Nonlinearity.LeakyRelu, 0));
        Assert.Equal(Math.Sqrt(2 / (1 + 0.2 * 0.2)), Init.CalculateGain("leaky_relu", 0.2));
        Assert.Equal(5.0 / 3, Init.CalculateGain("tanh"));
        Assert.Equal(1.0, Init.CalculateGain("conv_transpose2d"));
    }

    [Fact]
    public void FansFollowPyTorch()
    {
        Assert.Equal((20, 10), Init.CalculateFanInAndFanOut(new Tensor(10, 20)));
        Assert.Equal((3 * 5 * 7, 4 * 5 * 7), Init.CalculateFanInAndFanOut(new Tensor(4, 3, 5, 7)));
        Assert.Equal((2 * 3 * 3 * 3, 6 * 27), Init.CalculateFanInAndFanOut(new Tensor(6, 2, 3, 3, 3)));
    }

    [Fact]
    public void XavierUniformHasTheRightBoundsAndSpread()
    {
        var t = new Tensor(256, 512);
        Init.XavierUniform(t, 2.0, new Rng(1));
        double a = 2.0 * Math.Sqrt(6.0 / (256 + 512));
        var (mean, std, min, max) = Stats(t);
        Assert.True(min >= -a && max <= a, $"values outside ±{a}: [{min}, {max}]");
        Assert.True(max > 0.99 * a && min < -0.99 * a);
        Assert.True(Math.Abs(mean) < 0.01 * a);
        Assert.Equal(a / Math.Sqrt(3), std, a * 0.01);
    }

    [Fact]
    public void XavierNormalHasTheRightSpread()
    {
        var t = new Tensor(300, 200, 2);
        Init.XavierNormal(t, new Rng(2));
        double expected = Math.Sqrt(2.0 / (400 + 600));
        var (mean, std, _, _) = Stats(t);
        Assert.True(Math.Abs(mean) < 0.01 * expected);
        Assert.Equal(expected, std, expected * 0.01);
    }

    [Fact]
    public void KaimingUniformUsesTheChosenFanAndGain()
    {
        var t = new Tensor(64, 32, 3, 3); // fan_in 288, fan_out 576
        Init.KaimingUniform(t, new Rng(3));
        double bound = Math.Sqrt(3) * Math.Sqrt(2) / Math.Sqrt(288);
        var (_, std, min, max) = Stats(t);
        Assert.True(min >= -bound && max <= bound && max > 0.99 * bound);
        Assert.Equal(bound / Math.Sqrt(3), std, bound * 0.01);

        Init.KaimingUniform(t, 0, FanMode.FanOut, Nonlinearity.Tanh, new Rng(3));
        bound = Math.Sqrt(3) * (5.0 / 3) / Math.Sqrt(576);
        (_, std, min, max) = Stats(t);
        Assert.True(min >= -bound && max <= bound && max > 0.99 * bound);
    }

    [Fact]
    public void KaimingNormalUsesTheChosenFanAndGain()
    {
        var t = new Tensor(400, 250);
        Init.KaimingNormal(t, 0.1, FanMode.FanOut, Nonlinearity.LeakyRelu, new Rng(4));
        double expected = Math.Sqrt(2 / (1 + 0.01)) / Math.Sqrt(400);
        var (mean, std, _, _) = Stats(t);
        Assert.True(Math.Abs(mean) < 0.01 * expected);
        Assert.Equal(expected, std, expected * 0.01);

        Init.KaimingNormal(t, new Rng(4));
        (_, std, _, _) = Stats(t);
        Assert.Equal(Math.Sqrt(2) / Math.Sqrt(250), std, 0.01 * Math.Sqrt(2) / Math.Sqrt(250));
    }

    [Fact]
    public void UniformAndNormalFills()
    {
        var t = new Tensor(100_000);
        Init.Uniform(t, -2, 5, new Rng(5));
        var (mean, std, min, max) = Stats(t);
        Assert.True(min >= -2 && max < 5);
        Assert.Equal(1.5, mean, 0.03);
        Assert.Equal(7 / Math.Sqrt(12), std, 0.02);

        Init.Normal(t, 3, 0.5, new Rng(6));
        (mean, std, _, _) = Stats(t);
        Assert.Equal(3, mean, 0.01);
        Assert.Equal(0.5, std, 0.005);
    }

    [Fact]
    public void ConstantFills()
    {
        var t = new Tensor(2, 3);
        Assert.Same(t, Init.Constant(t, 0.25));
        Assert.All(t.ToArray(), x => Assert.Equal(0.25f, x));
        Init.Ones(t);
        Assert.All(t.ToArray(), x => Assert.Equal(1f, x));
        Init.Zeros(t);
        Assert.All(t.ToArray(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void SameSeedGivesSameValues()
    {
        var a = Init.XavierUniform(new Tensor(30, 40), new Rng(9));
        var b = Init.XavierUniform(new Tensor(30, 40), new Rng(9));
        var c = Init.XavierUniform(new Tensor(30, 40), new Rng(10));
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.NotEqual(a.ToArray(), c.ToArray());
        Assert.Equal(Init.KaimingNormal(new Tensor(7, 5), new Rng(1)).ToArray(), Init.KaimingNormal(new Tensor(7, 5), new Rng(1)).ToArray());
    }

    [Fact]
    public void ZeroElementTensorsAreLeftAlone()
    {
        var t = new Tensor(0, 5);
        var rng = new Rng(1);
        var before = rng.State;
        Init.KaimingUniform(t, rng);
        Init.XavierNormal(t, rng);
        Assert.Equal(before, rng.State);
    }

    [Fact]
    public void RejectsBadInput()
    {
        var rng = new Rng(1);
        var vector = new Tensor(10);
        Assert.Contains("[10]", Assert.Throws<ArgumentException>(() => Init.XavierUniform(vector, rng)).Message);
        Assert.Throws<ArgumentException>(() => Init.XavierNormal(vector, rng));
        Assert.Throws<ArgumentException>(() => Init.KaimingUniform(vector, rng));
        Assert.Throws<ArgumentException>(() => Init.KaimingNormal(new Tensor([]), rng));
        Assert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(vector));
        Assert.Equal("gain", Assert.Throws<ArgumentOutOfRangeException>(() => Init.XavierUniform(new Tensor(2, 2), -1, rng)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => Init.KaimingUniform(new Tensor(2, 2), 0, (FanMode)5, Nonlinearity.Relu, rng)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.CalculateGain((Nonlinearity)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.CalculateGain(Nonlinearity.LeakyRelu, double.NaN));
        Assert.Contains("'softplus'", Assert.Throws<ArgumentException>(() => Init.CalculateGain("softplus")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Uniform(vector, 1, 0, rng));
        Assert.Throws<ArgumentOutOfRangeException>(() => Init.Uniform(vector, double.NegativeInfinity, 0, rng));
        Assert.Equal("std", Assert.Throws<ArgumentOutOfRangeException>(() => Init.Normal(vector, 0, -1, rng)).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentOutOfRangeException>(() => Init.Normal(vector, double.NaN, 1, rng)).ParamName);
        Assert.Throws<ArgumentNullException>(() => Init.Uniform(vector, 0, 1, null!));
        Assert.Throws<ArgumentNullException>(() => Init.Constant(null!, 1));
    }
}
