using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

public class PoolingKernelTests
{
    public static TheoryData<SimdLevel, int, int, int, int, int, int> LevelsAndWindows()
    {
        var data = new TheoryData<SimdLevel, int, int, int, int, int, int>();
        // h, w, kh, kw, stride h/w pairs, pad, dilation — awkward widths around the vector sizes.
        var windows = new (int h, int w, int kh, int kw, int s, int p, int d)[]
        {
            (6, 26, 2, 2, 2, 0, 1), (7, 33, 2, 2, 2, 0, 1), (1, 65, 1, 2, 2, 0, 1), (5, 17, 3, 2, 2, 0, 1),
            (7, 7, 3, 3, 2, 1, 1), (8, 9, 3, 3, 1, 1, 2), (4, 64, 2, 2, 2, 0, 1), (3, 5, 3, 3, 3, 1, 1),
            (5, 11, 2, 2, 2, 0, 1), (3, 9, 2, 2, 2, 0, 1), (4, 15, 2, 2, 2, 0, 1), (2, 7, 2, 2, 2, 0, 1),
            // Rows of at most 16 inputs, two output rows per vector: an even and an odd number of output rows,
            // one output row, one window per row, the widest such row.
            (10, 10, 2, 2, 2, 0, 1), (13, 12, 2, 2, 2, 0, 1), (2, 5, 2, 2, 2, 0, 1), (9, 2, 2, 2, 2, 0, 1), (6, 16, 2, 2, 2, 0, 1),
        };
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level))
                foreach (var win in windows)
                    data.Add(level, win.h, win.w, win.kh, win.kw, win.s, win.p * 10 + win.d);
        return data;
    }

    static (float[] Values, int[] Indices) NaiveMax(in WindowGeometry g, int planes, float[] x)
    {
        var y = new float[planes * g.OutPlane];
        var idx = new int[y.Length];
        for (int c = 0; c < planes; c++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++)
                {
                    float best = float.NaN; int at = -1;
                    for (int i = 0; i < g.KernelH; i++)
                        for (int j = 0; j < g.KernelW; j++)
                        {
                            int iy = oy * g.StrideH - g.PadH + i * g.DilationH, ix = ox * g.StrideW - g.PadW + j * g.DilationW;
                            if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width) continue;
                            float v = x[c * g.InPlane + iy * g.Width + ix];
                            if (at < 0 || v > best || float.IsNaN(v)) { best = v; at = iy * g.Width + ix; }
                        }
                    y[c * g.OutPlane + oy * g.OutWidth + ox] = best;
                    idx[c * g.OutPlane + oy * g.OutWidth + ox] = at;
                }
        return (y, idx);
    }

    [Theory]
    [MemberData(nameof(LevelsAndWindows))]
    public void MaxPoolMatchesTheNaiveScanOnEveryPath(SimdLevel level, int h, int w, int kh, int kw, int s, int padDilation)
    {
        int pad = padDilation / 10, dil = padDilation % 10;
        var g = WindowGeometry.Create("test", h, w, kh, kw, kh == 1 ? 1 : s, s, kh == 1 ? 0 : pad, pad, kh == 1 ? 1 : dil, dil);
        int planes = 5;
        var x = ConvolutionKernelTests.Random(planes * g.InPlane, h * w);
        // Ties (as after ReLU), NaN and −∞: the first maximum must win on every path.
        for (int i = 0; i < x.Length; i += 3) x[i] = 0f;
        for (int i = 1; i < x.Length; i += 5) x[i] = 0f;
        x[7] = float.NaN;
        x[x.Length - 2] = float.NegativeInfinity;
        var (expected, expectedIdx) = NaiveMax(g, planes, x);
        foreach (int threads in new[] { 1, 2 })
        {
            var y = new float[expected.Length];
            var idx = new int[expected.Length];
            MaxPool.Forward(g, planes, x, y, idx, level, threads);
            Assert.Equal(expected, y);
            Assert.Equal(expectedIdx, idx);
        }
    }

    [Theory]
    // 2×2 stride-2 windows (the vector unpooling path): LeNet's planes, odd sizes that leave a row and a column
    // uncovered, rows of more than 16 windows.
    [InlineData(26, 26)]
    [InlineData(11, 11)]
    [InlineData(7, 35)]
    [InlineData(4, 66)]
    [InlineData(2, 2)]
    public void MaxPoolBackwardEqualsTheNaiveScatter(int h, int w)
    {
        var g = WindowGeometry.Create("test", h, w, 2, 2, 2, 2, 0, 0, 1, 1);
        int planes = 3;
        var x = ConvolutionKernelTests.Random(planes * g.InPlane, h + w);
        for (int i = 0; i < x.Length; i += 4) x[i] = 0f; // ties
        var y = new float[planes * g.OutPlane];
        var idx = new int[y.Length];
        MaxPool.Forward(g, planes, x, y, idx);
        var gy = ConvolutionKernelTests.Random(y.Length, 5);
        gy[0] = -0f;
        var expected = new float[x.Length];
        for (int c = 0; c < planes; c++)
            for (int i = 0; i < g.OutPlane; i++) expected[c * g.InPlane + idx[c * g.OutPlane + i]] += gy[c * g.OutPlane + i];
        var gx = Enumerable.Repeat(float.NaN, x.Length).ToArray(); // every input must be written
        MaxPool.Backward(g, planes, gy, idx, gx);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), gx.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void MaxPoolBackwardScattersToTheWinnersAndAddsOverlaps()
    {
        var g = WindowGeometry.Create("test", 4, 4, 3, 3, 1, 1, 0, 0, 1, 1);
        var x = new float[16];
        x[5] = 10f; // the maximum of all four overlapping windows
        var y = new float[4]; var idx = new int[4];
        MaxPool.Forward(g, 1, x, y, idx);
        Assert.All(idx, i => Assert.Equal(5, i));
        var gx = new float[16];
        MaxPool.Backward(g, 1, [1f, 2f, 3f, 4f], idx, gx);
        Assert.Equal(10f, gx[5]);
        Assert.Equal(10f, gx.Sum());
    }

    [Theory]
    [InlineData(6, 7, 2, 2, 0)]
    [InlineData(7, 7, 3, 2, 1)]
    [InlineData(5, 9, 3, 3, 1)]
    public void AvgPoolCountsPaddingInTheDivisor(int h, int w, int k, int s, int p)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, s, s, p, p, 1, 1);
        var x = ConvolutionKernelTests.Random(3 * g.InPlane, 21);
        var y = new float[3 * g.OutPlane];
        AvgPool.Forward(g, 3, x, y);
        for (int c = 0; c < 3; c++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++)
                {
                    double sum = 0;
                    for (int i = 0; i < k; i++)
                        for (int j = 0; j < k; j++)
                        {
                            int iy = oy * s - p + i, ix = ox * s - p + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) sum += x[c * h * w + iy * w + ix];
                        }
                    Assert.Equal((float)(sum / (k * k)), y[c * g.OutPlane + oy * g.OutWidth + ox], 1e-5f);
                }
    }

    [Fact]
    public void AdaptivePoolingUsesOverlappingBinsWhenSizesDoNotDivide()
    {
        // H = 5 into 3 bins: rows [0,2), [1,4), [3,5) as PyTorch.
        var g = new WindowGeometry(5, 1, 1, 1, 1, 1, 0, 0, 1, 1, 3, 1);
        float[] x = [1, 2, 3, 4, 5];
        var y = new float[3];
        AvgPool.AdaptiveForward(g, 1, x, y);
        Assert.Equal([1.5f, 3f, 4.5f], y);
    }
}
