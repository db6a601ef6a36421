using static Neurone.Tests.Gradients;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Tensors;
using Neurone.Tests.Kernels;

namespace Neurone.Tests.Nn;

/// <summary>Conv1d and Conv2d: gradients by finite differences, forward against the direct definition, init, errors, config.</summary>
public class ConvLayerTests
{


    [Theory]
    [InlineData(1, 5, 6, 3, 1, 0, 1)]
    [InlineData(2, 7, 5, 3, 2, 1, 1)]
    [InlineData(1, 6, 7, 2, 1, 1, 2)]
    [InlineData(3, 5, 5, 1, 1, 0, 1)]
    [InlineData(2, 8, 6, 3, 3, 2, 2)]
    public void Conv2dGradients(int batch, int h, int w, int k, int stride, int padding, int dilation)
    {
        var conv = new Conv2d(2, 3, k, stride, padding, dilation, rng: new Rng(1));
        var x = Leaf([batch, 2, h, w], 2);
        Check(() => conv.Forward(x), x, conv.Weight, conv.Bias!);
        var noBias = new Conv2d(2, 2, k, stride, padding, dilation, bias: false, rng: new Rng(3));
        Check(() => noBias.Forward(x), x, noBias.Weight);
    }

    [Theory]
    [InlineData(1, 9, 3, 1, 0, 1)]
    [InlineData(2, 11, 3, 2, 1, 1)]
    [InlineData(1, 10, 4, 1, 2, 2)]
    [InlineData(3, 7, 2, 3, 1, 3)]
    public void Conv1dGradients(int batch, int length, int k, int stride, int padding, int dilation)
    {
        var conv = new Conv1d(2, 3, k, stride, padding, dilation, rng: new Rng(4));
        var x = Leaf([batch, 2, length], 5);
        Check(() => conv.Forward(x), x, conv.Weight, conv.Bias!);
    }

    [Fact]
    public void SamePaddingKeepsTheSizeAndHasGradients()
    {
        var c2 = new Conv2d(1, 2, 4, "same", rng: new Rng(6));
        var x2 = Leaf([1, 1, 5, 6], 7);
        Assert.Equal([1, 2, 5, 6], c2.Forward(x2).ShapeArray());
        Check(() => c2.Forward(x2), x2, c2.Weight, c2.Bias!);
        var c1 = new Conv1d(2, 2, 3, "same", dilation: 2, rng: new Rng(8));
        var x1 = Leaf([2, 2, 7], 9);
        Assert.Equal([2, 2, 7], c1.Forward(x1).ShapeArray());
        Check(() => c1.Forward(x1), x1, c1.Weight, c1.Bias!);
        Assert.Throws<ArgumentException>(() => new Conv2d(1, 1, 3, "same", stride: 2));
    }

    [Fact]
    public void FusedReluInSequentialHasTheSameValuesAndGradients()
    {
        var conv = new Conv2d(2, 3, 3, padding: 1, rng: new Rng(10));
        var model = new Sequential(conv, new ReLU());
        var x = Leaf([2, 2, 5, 5], 11);
        var fused = model.Forward(x);
        var plain = conv.Forward(x).Relu();
        Assert.Equal(plain.ToArray(), fused.ToArray());
        // Same gradients as the unfused pair (finite differences would straddle ReLU's kink).
        var r = Tensor.Randn([2, 3, 5, 5], new Rng(12));
        fused.Backward(r);
        var fusedGrads = new[] { x.Grad!.ToArray(), conv.Weight.Grad!.ToArray(), conv.Bias!.Grad!.ToArray() };
        x.Grad = null; conv.Weight.Grad = null; conv.Bias.Grad = null;
        conv.Forward(x).Relu().Backward(r);
        Assert.Equal(x.Grad!.ToArray(), fusedGrads[0]);
        Assert.Equal(conv.Weight.Grad!.ToArray(), fusedGrads[1]);
        // The bias gradient is a vector sum over a plane. Where the pooling never reads the last row and column
        // (13 → conv 11 → pooled 5 reads 10×10), the fused op leaves those outputs out, and their zero gradients
        // with them; the vector sum then groups its terms differently: equal to rounding, not to the bit.
        var expectedBias = conv.Bias.Grad!.ToArray();
        for (int i = 0; i < expectedBias.Length; i++)
            Assert.Equal(expectedBias[i], fusedGrads[2][i], 1e-5 * Math.Max(1, Math.Abs(expectedBias[i])));
    }

    [Theory]
    // batch, channels in/out, input size, conv kernel/padding, pool kernel/stride/padding: LeNet's shapes,
    // odd sizes (a pooling that drops the last row, which the fused op then never computes), overlapping windows
    // with padding, one image (threaded GEMMs).
    [InlineData(4, 1, 8, 28, 3, 0, 2, 2, 0)]
    [InlineData(3, 4, 6, 13, 3, 0, 2, 2, 0)]
    [InlineData(2, 2, 3, 9, 3, 1, 3, 2, 1)]
    [InlineData(1, 3, 5, 12, 3, 1, 2, 2, 0)]
    [InlineData(9, 2, 4, 7, 2, 0, 2, 1, 0)]
    public void FusedReluAndMaxPoolInSequentialHaveTheSameValuesAndGradients(int batch, int inC, int outC, int size, int k, int pad,
        int poolK, int poolStride, int poolPad)
    {
        var conv = new Conv2d(inC, outC, k, padding: pad, rng: new Rng(13));
        var pool = new MaxPool2d(poolK, poolStride, poolPad);
        var model = new Sequential(conv, new ReLU(), pool);
        var x = Leaf([batch, inC, size, size], 14);
        var fused = model.Forward(x);
        var plain = pool.Forward(conv.Forward(x).Relu());
        Assert.Equal(plain.ShapeArray(), fused.ShapeArray());
        Assert.Equal(plain.ToArray(), fused.ToArray());
        var r = Tensor.Randn(plain.ShapeArray(), new Rng(15));
        fused.Backward(r);
        var fusedGrads = new[] { x.Grad!.ToArray(), conv.Weight.Grad!.ToArray(), conv.Bias!.Grad!.ToArray() };
        x.Grad = null; conv.Weight.Grad = null; conv.Bias.Grad = null;
        pool.Forward(conv.Forward(x).Relu()).Backward(r);
        Assert.Equal(x.Grad!.ToArray(), fusedGrads[0]);
        Assert.Equal(conv.Weight.Grad!.ToArray(), fusedGrads[1]);
        // The bias gradient is a vector sum over a plane. Where the pooling never reads the last row and column
        // (13 → conv 11 → pooled 5 reads 10×10), the fused op leaves those outputs out, and their zero gradients
        // with them; the vector sum then groups its terms differently: equal to rounding, not to the bit.
        var expectedBias = conv.Bias.Grad!.ToArray();
        for (int i = 0; i < expectedBias.Length; i++)
            Assert.Equal(expectedBias[i], fusedGrads[2][i], 1e-5 * Math.Max(1, Math.Abs(expectedBias[i])));
    }

    [Fact]
    public void FusedConvReluPoolErrorsNameTheLayers()
    {
        var model = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new MaxPool2d(4));
        var small = Tensor.Randn([1, 1, 5, 5], new Rng(16));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(small));
        Assert.Contains("MaxPool2d", e.Message);
        Assert.Contains("[1,2,3,3]", e.Message);
        var wrong = Tensor.Randn([1, 3, 9, 9], new Rng(17));
        Assert.Contains("Conv2d(1, 2", Assert.Throws<ArgumentException>(() => model.Forward(wrong)).Message);
    }

    [Fact]
    public void ForwardEqualsTheDirectConvolution()
    {
        var conv = new Conv2d(3, 4, 3, stride: 2, padding: 1, dilation: 2, rng: new Rng(12));
        var x = Tensor.Rand([2, 3, 9, 8], new Rng(13), -1f, 1f);
        var y = conv.Forward(x);
        var g = WindowGeometry.Create("test", 9, 8, 3, 3, 2, 2, 1, 1, 2, 2);
        var expected = ConvolutionKernelTests.Naive(g, 2, 3, 4, x.ToArray(), conv.Weight.ToArray(), conv.Bias!.ToArray());
        Assert.Equal([2, 4, g.OutHeight, g.OutWidth], y.ShapeArray());
        var actual = y.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
    }

    [Fact]
    public void InitialisationIsPyTorchsDefault()
    {
        var conv = new Conv2d(8, 16, 3, rng: new Rng(14));
        float bound = 1f / MathF.Sqrt(8 * 9);
        Assert.All(conv.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(conv.Weight.ToArray().Max() > 0.9f * bound);
        Assert.Equal([16, 8, 3, 3], conv.Weight.ShapeArray());
    }

    [Fact]
    public void ShapeErrorsNameTheLayerAndTheShapes()
    {
        var conv = new Conv2d(1, 2, 5);
        var e = Assert.Throws<ArgumentException>(() => conv.Forward(new Tensor(1, 1, 3, 8)));
        Assert.Contains("Conv2d(1, 2", e.Message);
        Assert.Contains("[1,1,3,8]", e.Message);
        Assert.Contains("padded input height is only 3", e.Message);
        var wrongChannels = Assert.Throws<ArgumentException>(() => conv.Forward(new Tensor(1, 3, 8, 8)));
        Assert.Contains("expected input N×1×H×W", wrongChannels.Message);
        Assert.Throws<ArgumentException>(() => new Conv1d(1, 1, 4).Forward(new Tensor(2, 1, 3)));
        Assert.Throws<ArgumentException>(() => new Conv1d(1, 1, 3).Forward(new Tensor(2, 3)));
    }

    [Fact]
    public void ConfigRoundTripsEveryNewLayer()
    {
        var model = new Sequential(
            new Conv2d(3, 4, 3, "same", bias: false), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Dropout2d(0.1f),
            new AvgPool2d(2, 1, 1), new AdaptiveAvgPool2d(2, 3), new Flatten(),
            Conv1dWrapperFree());
        var json = Architecture.Describe(model);
        var rebuilt = Architecture.Build(json);
        Assert.Equal(json, Architecture.Describe(rebuilt));
        var seq = (Sequential)Architecture.Build("[{\"type\":\"Conv1d\",\"in_channels\":1,\"out_channels\":2,\"kernel_size\":3,\"padding\":\"same\"},{\"type\":\"MaxPool1d\",\"kernel_size\":2},{\"type\":\"BatchNorm1d\",\"num_features\":2}]");
        Assert.Equal([4, 2, 4], seq.Forward(new Tensor(4, 1, 8)).ShapeArray());
    }

    /// <summary>Placeholder so the list above stays a valid Sequential of registered layers.</summary>
    static Module Conv1dWrapperFree() => new Identity();
}
