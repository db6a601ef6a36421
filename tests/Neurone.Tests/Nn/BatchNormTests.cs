using Neurone.Nn;
using Neurone.Tensors;
using static Neurone.Tests.Gradients;

namespace Neurone.Tests.Nn;

/// <summary>BatchNorm1d/2d: gradients in both modes, running statistics by hand, train/eval behaviour.</summary>
public class BatchNormTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void BatchNorm2dGradientsInTrainingAndEvaluation(int batch)
    {
        var bn = new BatchNorm2d(3);
        bn.Weight!.AsSpan().CopyTo(new float[3]);
        Tensor.Rand([3], new Rng(1), 0.5f, 1.5f).AsReadOnlySpan().CopyTo(bn.Weight.AsSpan());
        Tensor.Rand([3], new Rng(2), -0.5f, 0.5f).AsReadOnlySpan().CopyTo(bn.Bias!.AsSpan());
        var x = Leaf([batch, 3, 3, 2], 3);
        Check(() => bn.Forward(x), x, bn.Weight, bn.Bias);
        bn.Eval();
        Check(() => bn.Forward(x), x, bn.Weight, bn.Bias);
    }

    [Fact]
    public void BatchNorm1dGradientsOnFeaturesAndSequences()
    {
        var bn = new BatchNorm1d(4);
        var x = Leaf([5, 4], 4);
        Check(() => bn.Forward(x), x, bn.Weight!, bn.Bias!);
        var x3 = Leaf([2, 4, 3], 5);
        Check(() => bn.Forward(x3), x3, bn.Weight!, bn.Bias!);
        var plain = new BatchNorm1d(4, affine: false);
        Check(() => plain.Forward(x), x);
    }

    [Fact]
    public void RunningStatisticsFollowPyTorchsUpdate()
    {
        var bn = new BatchNorm1d(2, momentum: 0.1f);
        var x = Tensor.FromArray([1f, 10f, 2f, 20f, 6f, 60f], 3, 2);
        var y = bn.Forward(x).ToArray();
        // Channel 0: mean 3, biased var 14/3, unbiased 7.
        Assert.Equal(0.1f * 3f, bn.RunningMean!.ToArray()[0], 1e-6f);
        Assert.Equal(0.9f + 0.1f * 7f, bn.RunningVar!.ToArray()[0], 1e-5f);
        Assert.Equal(0.1f * 30f, bn.RunningMean.ToArray()[1], 1e-5f);
        Assert.Equal(0.9f + 0.1f * 700f, bn.RunningVar.ToArray()[1], 1e-3f);
        Assert.Equal((1f - 3f) / MathF.Sqrt(14f / 3f + 1e-5f), y[0], 1e-5f);

        // Evaluation uses the running statistics and leaves them alone.
        bn.Eval();
        var e = bn.Forward(x).ToArray();
        Assert.Equal((1f - 0.3f) / MathF.Sqrt(1.6f + 1e-5f), e[0], 1e-5f);
        Assert.Equal(0.3f, bn.RunningMean.ToArray()[0], 1e-6f);
    }

    [Fact]
    public void BatchNorm2dNormalisesEachChannelOverBatchAndSpace()
    {
        var bn = new BatchNorm2d(2);
        var y = bn.Forward(Tensor.Rand([4, 2, 3, 5], new Rng(6), -3f, 5f)).ToArray();
        for (int c = 0; c < 2; c++)
        {
            var values = Enumerable.Range(0, 4).SelectMany(n => y.Skip((n * 2 + c) * 15).Take(15)).ToArray();
            Assert.Equal(0.0, values.Average(v => (double)v), 1e-5);
            Assert.Equal(1.0, values.Average(v => (double)v * v), 1e-3);
        }
    }

    [Fact]
    public void OneValuePerChannelInTrainingIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(new Tensor(1, 3)));
        Assert.Contains("more than 1 value per channel", e.Message);
        Assert.Contains("[1,3]", e.Message);
        Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(new Tensor(2, 4, 2, 2)));
        var bn = new BatchNorm1d(3);
        bn.Eval();
        Assert.Equal([1, 3], bn.Forward(new Tensor(1, 3)).ShapeArray());
    }
}
