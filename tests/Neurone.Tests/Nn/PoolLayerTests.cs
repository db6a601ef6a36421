using Neurone.Nn;
using Neurone.Tensors;
using static Neurone.Tests.Gradients;

namespace Neurone.Tests.Nn;

/// <summary>The pooling layers and Dropout2d: gradients, shapes, errors.</summary>
public class PoolLayerTests
{
    // Max pooling is piecewise linear: distinct values spaced far more than the step keep the winners fixed.
    static Tensor Spread(int[] shape, ulong seed)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        var perm = new Rng(seed).Permutation(count);
        var values = perm.Select(p => p * 0.1f - count * 0.05f).ToArray();
        var t = Tensor.FromArray(values, shape);
        t.RequiresGrad = true;
        return t;
    }

    [Theory]
    [InlineData(1, 6, 6, 2, 2, 0, 1)]
    [InlineData(2, 7, 5, 3, 2, 1, 1)]
    [InlineData(1, 9, 8, 3, 1, 1, 2)]
    [InlineData(2, 5, 19, 2, 2, 0, 1)]
    public void MaxPool2dGradients(int batch, int h, int w, int k, int stride, int padding, int dilation)
    {
        var pool = new MaxPool2d(k, stride, padding, dilation);
        var x = Spread([batch, 2, h, w], 1);
        Check(() => pool.Forward(x), x);
    }

    [Fact]
    public void MaxPoolWindowsWhollyInThePaddingGiveMinusInfinityAndPassNoGradient()
    {
        // Kernel 2, stride 3, padding 1, dilation 2 (padding within PyTorch's half-kernel rule): on one-row planes every
        // window reads rows −1 and 1, on a one-element signal positions −1 and 1. The output is −∞, as PyTorch's; the
        // gradient goes nowhere (PyTorch 1.13 adds it to the next plane's elements; Neurone once added it to the
        // previous plane's last element, and for the first plane one float before the array).
        var x = Spread([2, 3, 1, 4], 9);
        var y = new MaxPool2d(2, 3, 1, 2).Forward(x);
        Assert.Equal([2, 3, 1, 2], y.ShapeArray());
        Assert.All(y.ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        y.Backward(Tensor.Ones(y.ShapeArray()));
        Assert.All(x.Grad!.ToArray(), v => Assert.Equal(0f, v));

        var s = Spread([2, 3, 1], 10);
        var z = new MaxPool1d(2, 3, 1, 2).Forward(s);
        Assert.All(z.ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        z.Backward(Tensor.Ones(z.ShapeArray()));
        Assert.All(s.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(1, 9, 2, 2, 0)]
    [InlineData(3, 20, 3, 2, 1)]
    [InlineData(2, 33, 2, 2, 0)]
    public void MaxPool1dGradients(int batch, int length, int k, int stride, int padding)
    {
        var pool = new MaxPool1d(k, stride, padding);
        var x = Spread([batch, 3, length], 2);
        Check(() => pool.Forward(x), x);
        Assert.Equal((length + 2 * padding - k) / stride + 1, pool.Forward(x).Size(2));
    }

    [Theory]
    [InlineData(1, 6, 6, 2, 2, 0)]
    [InlineData(2, 7, 5, 3, 2, 1)]
    public void AvgPool2dGradients(int batch, int h, int w, int k, int stride, int padding)
    {
        var pool = new AvgPool2d(k, stride, padding);
        var x = Leaf([batch, 2, h, w], 3);
        Check(() => pool.Forward(x), x);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    public void AdaptiveAvgPool2dGradientsAndGlobalAverage(int oh, int ow)
    {
        var pool = new AdaptiveAvgPool2d(oh, ow);
        var x = Leaf([2, 3, 5, 7], 4);
        Check(() => pool.Forward(x), x);
        var global = new AdaptiveAvgPool2d(1).Forward(x);
        Assert.Equal([2, 3, 1, 1], global.ShapeArray());
        Assert.Equal(x.ToArray().Take(35).Average(), global.ToArray()[0], 1e-5f);
    }

    [Fact]
    public void PoolingErrorsNameTheLayerAndShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new MaxPool2d(3).Forward(new Tensor(1, 1, 2, 2)));
        Assert.Contains("MaxPool2d(kernel_size=3", e.Message);
        Assert.Contains("[1,1,2,2]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, padding: 2));
        Assert.Throws<ArgumentException>(() => new MaxPool1d(2).Forward(new Tensor(2, 4)));
    }

    [Fact]
    public void Dropout2dDropsWholeChannelsAndScalesTheRest()
    {
        var layer = new Dropout2d(0.5f, new Rng(5));
        var x = Leaf([4, 8, 3, 3], 6);
        var y = layer.Forward(x);
        var xs = x.ToArray(); var ys = y.ToArray();
        int dropped = 0;
        for (int plane = 0; plane < 32; plane++)
        {
            bool zero = ys[plane * 9] == 0f;
            if (zero) dropped++;
            for (int i = 0; i < 9; i++) Assert.Equal(zero ? 0f : 2f * xs[plane * 9 + i], ys[plane * 9 + i], 1e-6f);
        }
        Assert.InRange(dropped, 6, 26);
        y.Backward(Tensor.Ones([4, 8, 3, 3]));
        var g = x.Grad!.ToArray();
        for (int i = 0; i < g.Length; i++) Assert.Equal(ys[i] == 0f ? 0f : 2f, g[i]);
        layer.Eval();
        Assert.Same(x, layer.Forward(x));
    }
}
