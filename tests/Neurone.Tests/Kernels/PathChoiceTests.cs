using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

/// <summary>
/// Which convolution path a layer takes, asked of the predicates at each SIMD level (no vector code runs, so this
/// holds on any CPU): the fast paths that read a window's rows as runs of the input refuse a layer whose windows
/// reach past the input's end, as "same" padding with an even kernel's do, while LeNet's and the CIFAR net's odd
/// kernels keep every path they had.
/// </summary>
public class PathChoiceTests
{
    static readonly WindowGeometry LeNet1 = WindowGeometry.Create("conv1", 28, 28, 3, 3, 1, 1, 0, 0, 1, 1);
    static readonly WindowGeometry LeNet2 = WindowGeometry.Create("conv2", 13, 13, 3, 3, 1, 1, 0, 0, 1, 1);
    static readonly WindowGeometry CifarSame3 = WindowGeometry.Same("cifar", 16, 16, 3, 3, 1, 1);

    [Fact]
    public void OddKernelsKeepTheirFastPaths()
    {
        var level = SimdLevel.Vector512;
        Assert.True(LeNet1.IsUnpadded && LeNet2.IsUnpadded);
        Assert.True(DirectConvolution.Applies(LeNet1, 9, level));
        var pool1 = WindowGeometry.Create("pool1", 26, 26, 2, 2, 2, 2, 0, 0, 1, 1);
        Assert.True(PooledDirectConvolution.Applies(LeNet1, pool1, 9, level));
        Assert.True(PooledDirectConvolution.GradientApplies(LeNet1, pool1, 9, level));
        Assert.True(Im2Col.IsNarrowValid(LeNet2, level));
        Assert.True(LoweredImages.Applies(LeNet2, level) && TransposedLoweredImages.Applies(LeNet2, level));
        var (conv2, pool2) = Convolution.CropToPooled(LeNet2, WindowGeometry.Create("pool2", 11, 11, 2, 2, 2, 2, 0, 0, 1, 1));
        Assert.True(WinogradConvolution.AppliesPooled(conv2, pool2, 32, 64, level));
        Assert.True(WinogradConvolution.Applies(CifarSame3, 32, 32, level));
    }

    public static TheoryData<int, int, int, int, int> EvenSame() => new()
    {
        // height, width, kernel height, kernel width, dilation
        { 1, 4, 1, 2, 1 },      // the Conv1d(1, 1, 2, "same")
        { 3, 3, 2, 2, 1 },      // the Conv2d(1, 1, 2, "same")
        { 13, 13, 2, 2, 1 },
        { 28, 28, 4, 4, 1 },    // padding 1 before, 2 after
        { 13, 13, 2, 2, 3 },    // padding 1 before, 2 after
    };

    [Theory]
    [MemberData(nameof(EvenSame))]
    public void WindowsPastTheInputsEndTakeThePathsThatStopAtItsEdge(int h, int w, int kh, int kw, int d)
    {
        var g = WindowGeometry.Same("test", h, w, kh, kw, d, d);
        Assert.False(g.IsUnpadded);
        Assert.True(g.TrailingPadH + g.TrailingPadW > 0);
        foreach (var level in Enum.GetValues<SimdLevel>())
        {
            Assert.False(DirectConvolution.Applies(g, kh * kw, level));
            Assert.False(Im2Col.IsNarrowValid(g, level));
            Assert.False(LoweredImages.Applies(g, level));
            Assert.False(TransposedLoweredImages.Applies(g, level));
        }
    }

    [Fact]
    public void TheFastPathsAreVector512Only()
    {
        foreach (var level in new[] { SimdLevel.Scalar, SimdLevel.Vector256 })
        {
            Assert.False(DirectConvolution.Applies(LeNet1, 9, level));
            Assert.False(Im2Col.IsNarrowValid(LeNet2, level));
            Assert.False(WinogradConvolution.Applies(CifarSame3, 32, 32, level));
        }
    }

    [Fact]
    public void TrailingPaddingIsWhatTheLastWindowReachesPastTheInput()
    {
        // "same", k = 4: 1 before, 2 after; k = 2, d = 3: 1 and 2; an odd kernel: as much after as before.
        Assert.Equal((1, 2), (WindowGeometry.Same("t", 5, 5, 4, 4, 1, 1).PadH, WindowGeometry.Same("t", 5, 5, 4, 4, 1, 1).TrailingPadH));
        Assert.Equal((1, 2), (WindowGeometry.Same("t", 5, 5, 2, 2, 3, 3).PadW, WindowGeometry.Same("t", 5, 5, 2, 2, 3, 3).TrailingPadW));
        Assert.Equal(1, CifarSame3.TrailingPadH);
        // A stride that leaves the last input unread: nothing past the end.
        Assert.Equal(0, WindowGeometry.Create("t", 6, 6, 3, 3, 2, 2, 0, 0, 1, 1).TrailingPadW);
        Assert.Equal(1, WindowGeometry.Create("t", 5, 5, 3, 3, 2, 2, 1, 1, 1, 1).TrailingPadW);
    }

    [Fact]
    public void AGeometryBuiltByHandThatNoKernelCanRunIsRejectedByName()
    {
        var bad = new WindowGeometry(3, 3, 2, 2, 0, 1, 0, 0, 1, 1, 3, 3); // stride 0
        var ex = Assert.Throws<ArgumentException>(() => Convolution.Forward(bad, 1, 1, 1, new float[9], new float[4], default, new float[9]));
        Assert.Contains("conv", ex.Message);
        Assert.Contains("StrideH = 0", ex.Message);
        Assert.Throws<ArgumentException>(() => MaxPool.Forward(bad with { StrideH = 1, PadW = -1 }, 1, new float[9], new float[9], new int[9]));
        Assert.Throws<ArgumentException>(() => AvgPool.Forward(bad with { StrideH = 1, DilationH = 0 }, 1, new float[9], new float[9]));
    }
}
