using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

/// <summary>
/// 3×3 stride-1 convolutions with channels in multiples of 16, alone or fused with ReLU and 2×2 max pooling, which
/// <see cref="Convolution"/> runs by Winograd's F(2×2, 3×3) on a CPU with AVX-512: the values of the definition up
/// to rounding, the same winners, and the gradients of the definitions.
/// </summary>
[Collection(ThreadSettingCollection.Name)]
public class WinogradConvolutionTests
{
    public static TheoryData<int, int, int, int, int, int> Layers() => new()
    {
        // h, w, pad, in channels, out channels, batch
        { 13, 13, 0, 32, 64, 5 },  // LeNet's second layer: 11×11 pooled to 5×5 (the last row and column unread)
        { 15, 15, 0, 64, 32, 4 },  // the CIFAR net's fourth layer, fewer outputs: 13×13 pooled to 6×6
        { 10, 9, 1, 32, 32, 4 },   // padded, not square, an odd width
        { 32, 32, 0, 32, 32, 2 },  // the CIFAR net's second layer: 225 tiles, taken in two bands
        { 13, 13, 0, 16, 48, 4 },  // channels in 16s: one-vector products
        { 13, 13, 0, 32, 64, 1 },  // one image: the forward splits its output channels between the threads
    };

    static (WindowGeometry Conv, WindowGeometry Pool) Geometry(int h, int w, int pad)
    {
        var g = WindowGeometry.Create("conv", h, w, 3, 3, 1, 1, pad, pad, 1, 1);
        return (g, WindowGeometry.Create("pool", g.OutHeight, g.OutWidth, 2, 2, 2, 2, 0, 0, 1, 1));
    }

    /// <summary>The definition's pooled output, its winners' indices in the cropped plane, and each window's margin over its runner-up.</summary>
    static (float[] Pooled, int[] Winners, float[] Margin) Reference(in WindowGeometry g, in WindowGeometry pool, int batch, int c, int o,
        float[] x, float[] w, float[] b)
    {
        var y = ConvolutionKernelTests.Naive(g, batch, c, o, x, w, b);
        int ph = pool.OutHeight, pw = pool.OutWidth, width = 2 * pw;
        var pooled = new float[batch * o * ph * pw];
        var winners = new int[pooled.Length];
        var margin = new float[pooled.Length];
        for (int plane = 0; plane < batch * o; plane++)
            for (int py = 0; py < ph; py++)
                for (int px = 0; px < pw; px++)
                {
                    float best = float.NegativeInfinity, second = float.NegativeInfinity;
                    int at = 0;
                    for (int i = 0; i < 2; i++)
                        for (int j = 0; j < 2; j++)
                        {
                            float v = y[plane * g.OutPlane + (2 * py + i) * g.OutWidth + 2 * px + j];
                            if (v > best) { second = best; best = v; at = (2 * py + i) * width + 2 * px + j; }
                            else second = MathF.Max(second, v);
                        }
                    int k = (plane * ph + py) * pw + px;
                    pooled[k] = MathF.Max(best, 0f);
                    winners[k] = at;
                    margin[k] = best - second;
                }
        return (pooled, winners, margin);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void ForwardEqualsTheDefinitionUpToRounding(int h, int w, int pad, int c, int o, int batch)
    {
        var (g, pool) = Geometry(h, w, pad);
        var (crop, cropPool) = Convolution.CropToPooled(g, pool);
        // Winograd's kernel where the CPU has AVX-512, the general path elsewhere: both must meet the definition.
        Assert.Equal(Simd.Best == SimdLevel.Vector512, WinogradConvolution.AppliesPooled(crop, cropPool, c, o));
        var x = ConvolutionKernelTests.Random(batch * c * g.InPlane, 1);
        var wt = ConvolutionKernelTests.Random(o * c * 9, 2);
        var b = ConvolutionKernelTests.Random(o, 3);
        var (expected, winners, margin) = Reference(g, pool, batch, c, o, x, wt, b);
        var got = new float[expected.Length];
        var gotIdx = new int[expected.Length];
        Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, wt, b, got, gotIdx);
        if (Simd.Best == SimdLevel.Vector512)
            AssertFirstImageCameFromTheKernel(crop, c, o, x, wt, b, got, gotIdx);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"output {i}: expected {expected[i]}, got {got[i]}");
            // A window whose two best differ by less than the rounding may pick either.
            if (margin[i] > 1e-3f) Assert.True(winners[i] == gotIdx[i], $"winner {i}: expected {winners[i]}, got {gotIdx[i]}");
        }
    }

    /// <summary>The kernel called directly on image 0 gives the call's bits: the batch went the Winograd way.</summary>
    static unsafe void AssertFirstImageCameFromTheKernel(in WindowGeometry crop, int c, int o, float[] x, float[] wt, float[] b, float[] got, int[] gotIdx)
    {
        int pooledImage = o * crop.OutPlane / 4;
        var u = new float[WinogradConvolution.TransformedSize(c, o)];
        var one = new float[pooledImage];
        var oneIdx = new int[pooledImage];
        fixed (float* px = x, pw = wt, pb = b, pu = u, py = one)
        fixed (int* pi = oneIdx)
        {
            WinogradConvolution.TransformWeights(pw, c, o, pu, byOutput: false);
            WinogradConvolution.ForwardPooled(crop, c, o, px, pu, pb, 0, o, py, pi);
        }
        Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), got.Take(pooledImage).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(oneIdx, gotIdx.Take(pooledImage));
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void BackwardEqualsTheDefinition(int h, int w, int pad, int c, int o, int batch)
    {
        var (g, pool) = Geometry(h, w, pad);
        var x = ConvolutionKernelTests.Random(batch * c * g.InPlane, 4);
        var wt = ConvolutionKernelTests.Random(o * c * 9, 5);
        var b = ConvolutionKernelTests.Random(o, 6);
        var pooled = new float[batch * o * pool.OutPlane];
        var idx = new int[pooled.Length];
        Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, wt, b, pooled, idx);
        var gp = ConvolutionKernelTests.Random(pooled.Length, 7);
        var gx = new float[x.Length]; var gw = new float[wt.Length]; var gb = new float[o];
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, wt, pooled, idx, gp, gx, gw, 0f, gb, 0f);

        var gy = ConvolutionKernelTests.GradientAtWinners(g, pool, batch * o, pooled, idx, gp);
        AssertGradientsAreTheDefinitions(g, batch, c, o, x, wt, gy, gx, gw, gb);
    }

    /// <summary>The input, weight and bias gradients against the definitions in double, given the convolution output's gradient.</summary>
    static void AssertGradientsAreTheDefinitions(in WindowGeometry g, int batch, int c, int o, float[] x, float[] wt, float[] gy,
        float[] gx, float[] gw, float[] gb)
    {
        var (ew, eb) = ConvolutionKernelTests.NaiveWeightGradient(g, batch, c, o, x, gy);
        AssertClose(NaiveInputGradient(g, batch, c, o, wt, gy), gx, "input gradient");
        AssertClose(ew, gw, "weight gradient");
        AssertClose(eb, gb, "bias gradient");
    }

    /// <summary>dx[n,c,iy,ix] = Σ gy[n,o,oy,ox]·w[o,c,i,j] over the outputs whose window reads (iy, ix), in double.</summary>
    static double[] NaiveInputGradient(in WindowGeometry g, int batch, int c, int o, float[] w, float[] gy)
    {
        var gx = new double[batch * c * g.InPlane];
        for (int n = 0; n < batch; n++)
            for (int k = 0; k < o; k++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        double d = gy[((n * o + k) * g.OutHeight + oy) * g.OutWidth + ox];
                        if (d == 0) continue;
                        for (int ch = 0; ch < c; ch++)
                            for (int i = 0; i < 3; i++)
                                for (int j = 0; j < 3; j++)
                                {
                                    int iy = oy - g.PadH + i, ix = ox - g.PadW + j;
                                    if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width) continue;
                                    gx[((n * c + ch) * g.Height + iy) * g.Width + ix] += d * w[((k * c + ch) * 3 + i) * 3 + j];
                                }
                    }
        return gx;
    }

    static void AssertClose(double[] expected, float[] got, string what)
    {
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-5 * (1 + scale), $"{what} {i}: expected {expected[i]}, got {got[i]}");
    }

    public static TheoryData<int, int, int, int, int, int, bool> PlainLayers() => new()
    {
        // h, w, pad, in channels, out channels, batch, fused ReLU
        { 15, 15, 1, 32, 64, 3, true },   // the CIFAR net's third layer ("same"): 15×15, odd, so the tiles overhang
        { 8, 8, 1, 32, 32, 4, false },    // "same", even, no ReLU
        { 13, 11, 0, 64, 32, 2, true },   // "valid", 11×9
        { 24, 24, 1, 32, 32, 2, true },   // 144 tiles, taken in two bands
        { 9, 9, 1, 32, 64, 1, true },     // one image: the forward splits its output channels
        { 9, 9, 1, 48, 16, 2, false },    // channels in 16s
        { 7, 7, 1, 16, 48, 1, true },     // one image of 48 outputs: split 16 + 32
        { 1, 1, 1, 16, 16, 2, true },     // a 1×1 image: one tile, mostly padding
        { 5, 4, 2, 16, 32, 3, false },    // padding wider than the kernel's half: 7×6 outputs
    };

    [Theory]
    [MemberData(nameof(PlainLayers))]
    public void UnpooledForwardAndBackwardEqualTheDefinitions(int h, int w, int pad, int c, int o, int batch, bool relu)
    {
        var g = WindowGeometry.Create("conv", h, w, 3, 3, 1, 1, pad, pad, 1, 1);
        Assert.Equal(Simd.Best == SimdLevel.Vector512, WinogradConvolution.Applies(g, c, o));
        var x = ConvolutionKernelTests.Random(batch * c * g.InPlane, 19);
        var wt = ConvolutionKernelTests.Random(o * c * 9, 20);
        var b = ConvolutionKernelTests.Random(o, 21);
        var expected = ConvolutionKernelTests.Naive(g, batch, c, o, x, wt, b);
        if (relu) for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i], 0f);
        var y = new float[expected.Length];
        Convolution.Forward(g, batch, c, o, x, wt, b, y, relu);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"output {i}: expected {expected[i]}, got {y[i]}");

        var gy = ConvolutionKernelTests.Random(y.Length, 22);
        var gx = new float[x.Length]; var gw = new float[wt.Length]; var gb = new float[o];
        Convolution.Backward(g, batch, c, o, x, wt, gy, gx, gw, 0f, gb, 0f, relu ? y : default);
        // With the ReLU the gradient passes where the output was positive.
        var passed = relu ? gy.Select((d, i) => y[i] > 0 ? d : 0f).ToArray() : gy;
        AssertGradientsAreTheDefinitions(g, batch, c, o, x, wt, passed, gx, gw, gb);
    }

    [Theory]
    [InlineData(1)]   // the forward split by output channel
    [InlineData(11)]  // more images than the weight gradient's chunks
    public void ResultsAreBitIdenticalForAnyThreadCount(int batch)
    {
        var (g, pool) = Geometry(13, 13, 0);
        int c = 32, o = 64;
        var x = ConvolutionKernelTests.Random(batch * c * g.InPlane, 8);
        var wt = ConvolutionKernelTests.Random(o * c * 9, 9);
        var b = ConvolutionKernelTests.Random(o, 10);
        var gp = ConvolutionKernelTests.Random(batch * o * pool.OutPlane, 11);
        ConvolutionKernelTests.AssertSameBitsForAnyThreadCount(() =>
        {
            var pooled = new float[gp.Length];
            var idx = new int[gp.Length];
            Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, wt, b, pooled, idx);
            var gx = new float[x.Length]; var gw = new float[wt.Length]; var gb = new float[o];
            Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, wt, pooled, idx, gp, gx, gw, 0f, gb, 0f);
            return [pooled, idx, gx, gw, gb];
        });
    }

    [Fact]
    public void WeightsChangedInPlaceBetweenCallsAreTransformedAgain()
    {
        // The transformed weights are remembered while the weights stay the same bit for bit: changing the last
        // float of the same array, or the first in the backward, must reach the result, and two layers may alternate.
        var (g, pool) = Geometry(13, 13, 0);
        int batch = 2, c = 32, o = 64;
        var x = ConvolutionKernelTests.Random(batch * c * g.InPlane, 15);
        var w = ConvolutionKernelTests.Random(o * c * 9, 16);
        var other = ConvolutionKernelTests.Random(o * c * 9, 17);
        float[] Run(float[] weights)
        {
            var pooled = new float[batch * o * pool.OutPlane];
            Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, weights, [], pooled, new int[pooled.Length]);
            return pooled;
        }
        var first = Run(w);
        var fromOther = Run(other);
        Assert.Equal(first, Run(w));
        Assert.Equal(fromOther, Run(other));
        w[^1] += 5f;
        var changed = Run(w);
        Assert.NotEqual(first, changed);
        Assert.Equal(changed, Run(w.ToArray()));
        var backward = new float[x.Length];
        var pooledOut = new float[batch * o * pool.OutPlane];
        var idx = new int[pooledOut.Length];
        Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, w, [], pooledOut, idx);
        var gp = ConvolutionKernelTests.Random(pooledOut.Length, 18);
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, w, pooledOut, idx, gp, backward, [], 0f, [], 0f);
        w[0] = -w[0];
        var flipped = new float[x.Length];
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, w, pooledOut, idx, gp, flipped, [], 0f, [], 0f);
        Assert.NotEqual(backward, flipped);
    }

    [Fact]
    public void ALayerTooLargeToRememberIsTransformedOnEveryCall()
    {
        // 256 → 288 channels: a transform above what the cache keeps.
        var g = WindowGeometry.Create("conv", 4, 4, 3, 3, 1, 1, 1, 1, 1, 1);
        int c = 256, o = 288;
        var x = ConvolutionKernelTests.Random(c * g.InPlane, 23);
        var w = ConvolutionKernelTests.Random(o * c * 9, 24);
        foreach (int round in new[] { 0, 1 })
        {
            if (round == 1) w[^1] += 5f;
            var expected = ConvolutionKernelTests.Naive(g, 1, c, o, x, w, null);
            var y = new float[expected.Length];
            Convolution.Forward(g, 1, c, o, x, w, [], y);
            for (int i = 0; i < y.Length; i++)
                Assert.True(Math.Abs(expected[i] - y[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"round {round}, output {i}: expected {expected[i]}, got {y[i]}");
        }
    }

    [Fact]
    public void BackwardAddsOntoTheWeightAndBiasGradientsWithBetaOne()
    {
        var (g, pool) = Geometry(13, 13, 0);
        int batch = 4, c = 32, o = 32;
        var x = ConvolutionKernelTests.Random(batch * c * g.InPlane, 12);
        var wt = ConvolutionKernelTests.Random(o * c * 9, 13);
        var pooled = new float[batch * o * pool.OutPlane];
        var idx = new int[pooled.Length];
        Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, wt, [], pooled, idx);
        var gp = ConvolutionKernelTests.Random(pooled.Length, 14);
        var gw = new float[wt.Length]; var gb = new float[o];
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, wt, pooled, idx, gp, [], gw, 0f, gb, 0f);
        var twice = gw.ToArray(); var twiceB = gb.ToArray();
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, wt, pooled, idx, gp, [], twice, 1f, twiceB, 1f);
        for (int i = 0; i < gw.Length; i++) Assert.Equal(2 * gw[i], twice[i], 1e-5f);
        for (int i = 0; i < gb.Length; i++) Assert.Equal(2 * gb[i], twiceB[i], 1e-5f);
    }
}
