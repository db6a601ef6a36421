using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>
/// Std of a constant line has deviation 0; PyTorch gives it a zero gradient, and so must we (sqrt's infinite slope
/// times the variance's zero gradient made NaN, found by the parity suite).
/// </summary>
public class StdGradientTests
{
    [Fact]
    public void ConstantLinesGetAZeroGradientAndOthersTheirOwn()
    {
        var x = Tensor.FromArray([2f, 2f, 2f, 1f, 2f, 4f], 2, 3);
        x.RequiresGrad = true;
        x.Std(1).Sum().Backward();
        var g = x.Grad!.ToArray();
        Assert.Equal([0f, 0f, 0f], g[..3]);
        // Second row: mean 7/3, std = sqrt(7/3); d std / d x_i = (x_i − mean) / ((n − 1)·std).
        double mean = 7.0 / 3, std = Math.Sqrt(((1 - mean) * (1 - mean) + (2 - mean) * (2 - mean) + (4 - mean) * (4 - mean)) / 2);
        double[] row = [1, 2, 4];
        for (int i = 0; i < 3; i++) Assert.Equal((row[i] - mean) / (2 * std), g[3 + i], 1e-6);
    }

    [Fact]
    public void WholeTensorAndSeveralDimsToo()
    {
        var x = Tensor.Full([2, 2], 5f);
        x.RequiresGrad = true;
        (x.Std() + x.Std([0, 1])).Backward();
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }
}
