using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

[Collection(ThreadSettingCollection.Name)]
public class ConvolutionKernelTests
{
    /// <summary>Direct convolution, the definition: y[n,o,oy,ox] = b[o] + Σ w[o,c,i,j]·x[n,c,oy·s−p+i·d, ox·s−p+j·d].</summary>
    internal static float[] Naive(in WindowGeometry g, int batch, int channels, int outChannels, float[] x, float[] w, float[]? b)
    {
        var y = new float[batch * outChannels * g.OutPlane];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outChannels; o++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        double sum = b?[o] ?? 0;
                        for (int c = 0; c < channels; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int iy = oy * g.StrideH - g.PadH + i * g.DilationH, ix = ox * g.StrideW - g.PadW + j * g.DilationW;
                                    if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width) continue;
                                    sum += (double)w[((o * channels + c) * g.KernelH + i) * g.KernelW + j] * x[((n * channels + c) * g.Height + iy) * g.Width + ix];
                                }
                        y[((n * outChannels + o) * g.OutHeight + oy) * g.OutWidth + ox] = (float)sum;
                    }
        return y;
    }

    /// <summary>
    /// The gradient of a fused conv + ReLU + 2×2 pooling's convolution output, by hand: each positive pooled value's
    /// gradient at its winner (an index into the plane cropped to even sizes), zero elsewhere.
    /// </summary>
    internal static float[] GradientAtWinners(in WindowGeometry g, in WindowGeometry pool, int planes, float[] pooled, int[] winners, float[] gradPooled)
    {
        var gy = new float[planes * g.OutPlane];
        int width = 2 * pool.OutWidth;
        for (int plane = 0; plane < planes; plane++)
            for (int q = 0; q < pool.OutPlane; q++)
            {
                int at = plane * pool.OutPlane + q;
                if (pooled[at] > 0) gy[plane * g.OutPlane + winners[at] / width * g.OutWidth + winners[at] % width] = gradPooled[at];
            }
        return gy;
    }

    internal static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }

    public static TheoryData<int, int, int, int, int, int, int, int> Shapes() => new()
    {
        // h, w, k, stride, pad, dilation, channels, out
        { 7, 9, 3, 1, 0, 1, 2, 3 },
        { 5, 5, 3, 2, 1, 1, 3, 5 },
        { 8, 6, 2, 2, 0, 1, 1, 4 },
        { 9, 7, 3, 1, 2, 2, 2, 2 },
        { 1, 17, 1, 1, 0, 1, 4, 3 },   // pointwise
        { 6, 6, 5, 3, 2, 1, 2, 7 },
        { 3, 3, 3, 1, 1, 1, 1, 1 },
        { 4, 16, 3, 1, 0, 1, 2, 3 },    // the widest row the one-vector im2col path takes
        { 4, 17, 3, 1, 0, 1, 2, 3 },    // one wider: the general path
        { 11, 13, 4, 3, 1, 2, 3, 33 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardEqualsTheDirectConvolution(int h, int w, int k, int s, int p, int d, int c, int o)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, s, s, p, p, d, d);
        foreach (int batch in new[] { 1, 3, 10 })
        {
            var x = Random(batch * c * h * w, 1);
            var wt = Random(o * c * k * k, 2);
            var b = Random(o, 3);
            var y = new float[batch * o * g.OutPlane];
            Convolution.Forward(g, batch, c, o, x, wt, b, y);
            var expected = Naive(g, batch, c, o, x, wt, b);
            for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 1e-4f);
        }
    }

    [Fact]
    public void SamePaddingWithAnEvenKernelPadsMoreAtTheEnd()
    {
        var g = WindowGeometry.Same("test", 5, 6, 4, 2, 1, 1);
        Assert.Equal((5, 6, 1, 0), (g.OutHeight, g.OutWidth, g.PadH, g.PadW));
        var x = Random(2 * 5 * 6, 4);
        var w = Random(3 * 2 * 8, 5);
        var y = new float[3 * 30];
        Convolution.Forward(g, 1, 2, 3, x, w, default, y);
        var expected = Naive(g, 1, 2, 3, x, w, null);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 1e-4f);
    }

    [Theory]
    [InlineData(8, 2, 1, 2)]   // strided, padded, dilated: the general path
    [InlineData(13, 1, 0, 1)]  // rows of one vector: the masked-move path
    public void Col2ImIsTheAdjointOfIm2Col(int width, int stride, int pad, int dilation)
    {
        // <im2col(x), c> = <x, col2im(c)> for every x and c: the backward is the exact transpose.
        var g = WindowGeometry.Create("test", 7, width, 3, 3, stride, stride, pad, pad, dilation, dilation);
        int channels = 3, rows = channels * g.KernelArea;
        var x = Random(channels * g.InPlane, 6);
        var c = Random(rows * g.OutPlane, 7);
        var cols = new float[c.Length];
        var back = new float[x.Length];
        Im2Col.Pack(g, channels, x, cols);
        Im2Col.Unpack(g, channels, c, back);
        double left = 0, right = 0;
        for (int i = 0; i < c.Length; i++) left += (double)cols[i] * c[i];
        for (int i = 0; i < x.Length; i++) right += (double)x[i] * back[i];
        Assert.Equal(left, right, 1e-3);
    }

    [Fact]
    public void GradientsAreBitIdenticalForAnyThreadCount()
    {
        var g = WindowGeometry.Create("test", 9, 9, 3, 3, 1, 1, 1, 1, 1, 1);
        int batch = 13, c = 4, o = 6;
        var x = Random(batch * c * g.InPlane, 8);
        var w = Random(o * c * 9, 9);
        var gy = Random(batch * o * g.OutPlane, 10);
        AssertSameBitsForAnyThreadCount(() =>
        {
            var gx = new float[x.Length]; var gw = new float[w.Length]; var gb = new float[o];
            Convolution.Backward(g, batch, c, o, x, w, gy, gx, gw, 0f, gb, 0f);
            return [gx, gw, gb];
        });
    }

    /// <summary>Runs <paramref name="compute"/> with 1, 2 and 3 kernel threads; every array it returns must come out the same.</summary>
    internal static void AssertSameBitsForAnyThreadCount(Func<Array[]> compute)
    {
        Array[] Run(int threads)
        {
            int saved = Parallelism.Threads;
            Parallelism.Threads = threads;
            try { return compute(); }
            finally { Parallelism.Threads = saved; }
        }
        var one = Run(1);
        foreach (int t in new[] { 2, 3 })
        {
            var other = Run(t);
            for (int i = 0; i < one.Length; i++)
                Assert.True(System.Collections.StructuralComparisons.StructuralEqualityComparer.Equals(one[i], other[i]),
                    $"result {i} differs between 1 and {t} threads");
        }
    }

    [Fact]
    public void ForwardOfFewImagesSplitByChannelIsBitIdenticalForAnyThreadCount()
    {
        // Fewer images than threads: the output channels are split between the threads (40 = 3 tiles + 4).
        // 40·27·484 multiply-adds per image: above the size where a small forward is split by channel.
        var g = WindowGeometry.Create("test", 24, 24, 3, 3, 1, 1, 0, 0, 1, 1);
        var pool = WindowGeometry.Create("pool", 22, 22, 2, 2, 2, 2, 0, 0, 1, 1);
        int c = 3, o = 40;
        var w = Random(o * c * 9, 11);
        var b = Random(o, 12);
        foreach (int batch in new[] { 1, 2 })
        {
            var x = Random(batch * c * g.InPlane, 13);
            AssertSameBitsForAnyThreadCount(() =>
            {
                var y = new float[batch * o * g.OutPlane];
                Convolution.Forward(g, batch, c, o, x, w, b, y, relu: true);
                var pooled = new float[batch * o * pool.OutPlane];
                var idx = new int[pooled.Length];
                Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, w, b, pooled, idx);
                return [y, pooled, idx];
            });
        }
    }

    [Theory]
    // h, w, k, in channels, out channels: LeNet's first layer, the CIFAR net's, an odd output (pooling drops the
    // last row and column), rows wider than one block of 32 columns, channels not a multiple of the block of 4.
    [InlineData(28, 28, 3, 1, 32)]
    [InlineData(32, 32, 3, 3, 6)]
    [InlineData(7, 7, 3, 1, 13)]
    [InlineData(10, 41, 3, 2, 5)]
    public void DirectConvolutionPooledInRegistersGivesTheBitsOfConvolutionThenPooling(int h, int w, int k, int c, int o)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, 1, 1, 0, 0, 1, 1);
        var pool = WindowGeometry.Create("pool", g.OutHeight, g.OutWidth, 2, 2, 2, 2, 0, 0, 1, 1);
        int batch = 3;
        // Small integers: many ties within a window (the first maximum must win); a few NaN pixels (NaN wins).
        var rng = new Random(71);
        var x = Enumerable.Range(0, batch * c * g.InPlane).Select(_ => (float)rng.Next(-2, 3)).ToArray();
        for (int i = 0; i < x.Length; i += 97) x[i] = float.NaN;
        var wt = Enumerable.Range(0, o * c * k * k).Select(_ => (float)rng.Next(-1, 2)).ToArray();
        var b = Enumerable.Range(0, o).Select(_ => (float)rng.Next(-1, 2)).ToArray();
        var y = new float[batch * o * g.OutPlane];
        Convolution.Forward(g, batch, c, o, x, wt, b, y);
        var expected = new float[batch * o * pool.OutPlane];
        var expectedIdx = new int[expected.Length];
        // Pooled over the planes the fused op reads (cropped to an even size), indices into that crop.
        var crop = WindowGeometry.Create("crop", 2 * pool.OutHeight, 2 * pool.OutWidth, 2, 2, 2, 2, 0, 0, 1, 1);
        var cropped = new float[batch * o * crop.InPlane];
        for (int plane = 0; plane < batch * o; plane++)
            for (int r = 0; r < crop.Height; r++)
                y.AsSpan(plane * g.OutPlane + r * g.OutWidth, crop.Width).CopyTo(cropped.AsSpan(plane * crop.InPlane + r * crop.Width));
        MaxPool.Forward(crop, batch * o, cropped, expected, expectedIdx);
        for (int i = 0; i < expected.Length; i++) expected[i] = MathF.Max(expected[i], 0f);
        var got = new float[expected.Length];
        var gotIdx = new int[expected.Length];
        // The case runs the fused kernel where the CPU has AVX-512, the general path elsewhere.
        var (convCrop, poolCrop) = Convolution.CropToPooled(g, pool);
        Assert.Equal(Simd.Best == SimdLevel.Vector512, PooledDirectConvolution.Applies(convCrop, poolCrop, c * k * k));
        Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, wt, b, got, gotIdx);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), got.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(expectedIdx, gotIdx);
    }

    [Theory]
    // h, w, k, in channels, out channels, batch: LeNet's first layer (more images than gradient chunks), a
    // CIFAR-sized pooled first layer (32 wide, 15 windows), an odd output (pooling drops a row and a column),
    // a 5×5 kernel (the general path), two channels and out channels not a multiple of 4.
    [InlineData(28, 28, 3, 1, 32, 11)]
    [InlineData(32, 32, 3, 3, 8, 2)]
    [InlineData(13, 13, 3, 1, 6, 3)]
    [InlineData(14, 14, 5, 1, 4, 2)]
    [InlineData(12, 11, 3, 2, 5, 2)]
    public void PooledFirstLayerGradientsEqualTheDefinition(int h, int w, int k, int c, int o, int batch)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, 1, 1, 0, 0, 1, 1);
        var pool = WindowGeometry.Create("pool", g.OutHeight, g.OutWidth, 2, 2, 2, 2, 0, 0, 1, 1);
        var (crop, cropPool) = Convolution.CropToPooled(g, pool);
        // With AVX-512, 3×3 kernels take the fused gradient; the 5×5 one, and every case without AVX-512, the general
        // path (unpooling, im2col and a product).
        Assert.Equal(Simd.Best == SimdLevel.Vector512 && k == 3, PooledDirectConvolution.GradientApplies(crop, cropPool, c * k * k));
        var x = Random(batch * c * g.InPlane, 31);
        var wt = Random(o * c * k * k, 32);
        var b = Random(o, 33);
        var pooled = new float[batch * o * pool.OutPlane];
        var idx = new int[pooled.Length];
        Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x, wt, b, pooled, idx);
        var gp = Random(pooled.Length, 34);
        var gw = new float[wt.Length]; var gb = new float[o];
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, wt, pooled, idx, gp, [], gw, 0f, gb, 0f);
        var gy = GradientAtWinners(g, pool, batch * o, pooled, idx, gp);
        var (ew, eb) = NaiveWeightGradient(g, batch, c, o, x, gy);
        double scale = ew.Max(Math.Abs) + 1;
        for (int i = 0; i < ew.Length; i++) Assert.True(Math.Abs(ew[i] - gw[i]) <= 1e-5 * scale, $"weight gradient {i}: expected {ew[i]}, got {gw[i]}");
        for (int i = 0; i < o; i++) Assert.True(Math.Abs(eb[i] - gb[i]) <= 1e-5 * (1 + Math.Abs(eb[i])), $"bias gradient {i}: expected {eb[i]}, got {gb[i]}");
        AssertSameBitsForAnyThreadCount(() =>
        {
            var w2 = new float[wt.Length]; var b2 = new float[o];
            Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x, wt, pooled, idx, gp, [], w2, 0f, b2, 0f);
            return [w2, b2];
        });
    }

    [Theory]
    // h, w, k, in channels, out channels: LeNet's and the CIFAR net's first layers, a row of only a tail
    // (5 wide), 32 taps (the most the direct path takes), out channels not a multiple of its block of 8.
    [InlineData(28, 28, 3, 1, 32)]
    [InlineData(32, 32, 3, 3, 32)]
    [InlineData(7, 7, 3, 1, 13)]
    [InlineData(9, 20, 4, 2, 9)]
    [InlineData(6, 5, 2, 3, 1)]
    public void DirectForwardGivesTheSameBitsAsIm2ColAndGemm(int h, int w, int k, int c, int o)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, 1, 1, 0, 0, 1, 1);
        int rows = c * k * k, p = g.OutPlane;
        // The direct path where the CPU has AVX-512, im2col and the GEMM elsewhere.
        Assert.Equal(Simd.Best == SimdLevel.Vector512, DirectConvolution.Applies(g, rows));
        var x = Random(c * g.InPlane, 21);
        var wt = Random(o * rows, 22);
        var b = Random(o, 23);
        var y = new float[o * p];
        Convolution.Forward(g, 1, c, o, x, wt, b, y);
        var cols = new float[rows * p];
        Im2Col.Pack(g, c, x, cols);
        var expected = new float[o * p];
        for (int i = 0; i < o; i++) expected.AsSpan(i * p, p).Fill(b[i]);
        Gemm.Multiply(false, false, o, p, rows, 1f, wt, rows, cols, p, 1f, expected, p);
        Assert.Equal(expected, y);
    }

    /// <summary>The weight and bias gradients by the definition, in double: Σ over images and outputs of gy·x.</summary>
    internal static (double[] gw, double[] gb) NaiveWeightGradient(in WindowGeometry g, int batch, int channels, int outChannels, float[] x, float[] gy)
    {
        int taps = channels * g.KernelArea;
        var gw = new double[outChannels * taps];
        var gb = new double[outChannels];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outChannels; o++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        double d = gy[((n * outChannels + o) * g.OutHeight + oy) * g.OutWidth + ox];
                        gb[o] += d;
                        for (int c = 0; c < channels; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int iy = oy * g.StrideH - g.PadH + i * g.DilationH, ix = ox * g.StrideW - g.PadW + j * g.DilationW;
                                    if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width) continue;
                                    gw[((o * channels + c) * g.KernelH + i) * g.KernelW + j] += d * x[((n * channels + c) * g.Height + iy) * g.Width + ix];
                                }
                    }
        return (gw, gb);
    }

    [Theory]
    // h, w, k, in channels, out channels, batch: LeNet's first layer (more images than gradient chunks), the CIFAR
    // net's, 32 taps, taps and channels that are not multiples of the direct kernel's 3×8 block, a tail-only row.
    [InlineData(28, 28, 3, 1, 32, 11)]
    [InlineData(32, 32, 3, 3, 32, 2)]
    [InlineData(9, 20, 4, 2, 9, 3)]
    [InlineData(7, 7, 2, 1, 13, 1)]
    [InlineData(6, 5, 2, 3, 1, 4)]
    public void FirstLayerWeightGradientEqualsTheDefinition(int h, int w, int k, int c, int o, int batch)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, 1, 1, 0, 0, 1, 1);
        Assert.Equal(Simd.Best == SimdLevel.Vector512, DirectConvolution.Applies(g, c * k * k));
        var x = Random(batch * c * g.InPlane, 31);
        var wt = Random(o * c * k * k, 32);
        var gy = Random(batch * o * g.OutPlane, 33);
        var (expectedW, expectedB) = NaiveWeightGradient(g, batch, c, o, x, gy);
        var gw = new float[wt.Length]; var gb = new float[o];
        Convolution.Backward(g, batch, c, o, x, wt, gy, default, gw, 0f, gb, 0f);
        // Sums of up to 11·676 products of values in [−1, 1]: float rounding stays far below 1e-3.
        for (int i = 0; i < gw.Length; i++) Assert.Equal(expectedW[i], gw[i], 1e-3);
        for (int i = 0; i < gb.Length; i++) Assert.Equal(expectedB[i], gb[i], 1e-3);
    }

    [Avx512Theory]
    // h, w, k, channels, images: LeNet's second layer cut to what its pooling reads (13×13 → 10×10 outputs;
    // vectors across two images), planes smaller than a vector (lanes over several images, one by one), rows of
    // exactly 16, a one-column plane (16 positions 45 floats apart: two spans).
    [InlineData(12, 12, 3, 4, 3)]
    [InlineData(5, 4, 2, 2, 5)]
    [InlineData(6, 16, 3, 1, 2)]
    [InlineData(18, 3, 3, 2, 2)]
    public unsafe void LoweredImagesPackTheSamePanelsAsIm2ColThenPacking(int h, int w, int k, int c, int images)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, 1, 1, 0, 0, 1, 1);
        Assert.True(LoweredImages.Applies(g));
        int rows = c * k * k, n = images * g.OutPlane;
        var x = Random(images * c * g.InPlane, 41);
        var cols = new float[rows * n];
        fixed (float* px = x, pc = cols)
        {
            for (int i = 0; i < images; i++) Im2Col.Pack(g, c, px + i * c * g.InPlane, pc + i * g.OutPlane, n);
            // The forward's operand, cols (taps × positions), and the weight gradient's, colsᵀ.
            AssertPanelsAsPacked(LoweredImages.Current.Set(g, c, px, images), pc, n, false, rows, n);
            AssertPanelsAsPacked(TransposedLoweredImages.Current.Set(g, c, px, images), pc, n, true, n, rows);
        }
    }

    /// <summary>
    /// A source's panels of op(B) (depth × width) equal <see cref="GemmPacking.PackB"/>'s from the column matrix
    /// (taps × positions, rows <paramref name="ld"/> apart; op(B) its transpose when <paramref name="transposed"/>),
    /// for every panel width a kernel uses and for ranges whole, ragged at both ends, and from a later panel on.
    /// </summary>
    static unsafe void AssertPanelsAsPacked(IPanelSource source, float* cols, int ld, bool transposed, int depth, int width)
    {
        foreach (int nr in new[] { 8, 12, 16, 25, 32, 48 })
            foreach (var (p0, kc, j0, nc) in new[] { (0, depth, 0, width), (1, depth - 3, 1, width - 2), (depth / 2, depth - depth / 2, width / 3, width - width / 3), (0, depth, nr, width - nr) })
            {
                if (kc <= 0 || nc <= 0) continue;
                int size = (nc + nr - 1) / nr * nr * kc;
                var expected = new float[size];
                var got = Enumerable.Repeat(float.NaN, size).ToArray();
                fixed (float* pe = expected, pg = got)
                {
                    GemmPacking.PackB(cols, ld, transposed, p0, kc, j0, nc, pe, nr);
                    source.PackB(p0, kc, j0, nc, pg, nr);
                }
                Assert.Equal(expected, got);
            }
    }

    [Avx512Theory]
    // h, w, k, channels, images, output channels, which product, computed transposed: forwards W·cols whose B
    // panels come from the images (one with a k tail past the kernel's k blocks), LeNet's second layer at batch 1
    // on one core (32 channels), computed transposed (its A panels, 25 positions, from the images); weight
    // gradients dY·colsᵀ (LeNet's second layer on a group of four, five output channels, and one transposed).
    [InlineData(10, 14, 3, 2, 2, 72, false, false)]
    [InlineData(12, 12, 3, 64, 5, 96, false, false)]
    [InlineData(12, 12, 3, 32, 1, 32, false, true)]
    [InlineData(12, 12, 3, 32, 4, 64, true, false)]
    [InlineData(12, 12, 3, 4, 3, 5, true, false)]
    [InlineData(10, 14, 3, 2, 2, 72, true, true)]
    public unsafe void AProductWithLoweredImagesGivesTheBitsOfTheColumnMatrix(int h, int w, int k, int c, int images, int m,
        bool weightGradient, bool transposed)
    {
        var g = WindowGeometry.Create("test", h, w, k, k, 1, 1, 0, 0, 1, 1);
        Assert.True(LoweredImages.Applies(g));
        int taps = c * k * k, n = images * g.OutPlane;
        // op(B) is cols (taps × positions) for the forward, colsᵀ for the weight gradient.
        var (depth, width) = weightGradient ? (n, taps) : (taps, n);
        // The case runs the path it names: panels as B, or as A of the transposed product.
        Assert.Equal(transposed, GemmJob.PrefersTransposed(Simd.Best, m, width, depth));
        var x = Random(images * c * g.InPlane, 51);
        var a = Random(m * depth, 52);
        var c0 = Random(m * width, 53);
        var cols = new float[taps * n];
        foreach (float beta in new[] { 0f, 1f })
        {
            var expected = (float[])c0.Clone();
            var got = (float[])c0.Clone();
            fixed (float* px = x, pc = cols, pa = a, pg = got)
            {
                for (int i = 0; i < images; i++) Im2Col.Pack(g, c, px + i * c * g.InPlane, pc + i * g.OutPlane, n);
                Gemm.Multiply(false, weightGradient, m, width, depth, 1f, a, depth, cols, n, beta, expected, width, Simd.Best, 2);
                IPanelSource source = weightGradient ? TransposedLoweredImages.Current.Set(g, c, px, images) : LoweredImages.Current.Set(g, c, px, images);
                Gemm.Multiply(false, m, width, depth, 1f, pa, depth, source, beta, pg, width, Simd.Best, 2);
            }
            for (int i = 0; i < got.Length; i++)
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(got[i]));
        }
    }

    [Fact]
    public void BackwardAccumulatesWithBetaOne()
    {
        var g = WindowGeometry.Create("test", 5, 5, 3, 3, 1, 1, 0, 0, 1, 1);
        var x = Random(2 * 2 * 25, 11); var w = Random(3 * 2 * 9, 12); var gy = Random(2 * 3 * 9, 13);
        var gw = new float[w.Length]; var gb = new float[3];
        Convolution.Backward(g, 2, 2, 3, x, w, gy, default, gw, 0f, gb, 0f);
        var twice = (float[])gw.Clone(); var twiceB = (float[])gb.Clone();
        Convolution.Backward(g, 2, 2, 3, x, w, gy, default, twice, 1f, twiceB, 1f);
        for (int i = 0; i < gw.Length; i++) Assert.Equal(2 * gw[i], twice[i], 1e-5f);
        for (int i = 0; i < gb.Length; i++) Assert.Equal(2 * gb[i], twiceB[i], 1e-5f);
    }

    [Fact]
    public void AWindowLargerThanThePaddedInputNamesTheLayerAndSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => WindowGeometry.Create("Conv2d(1, 1)", 4, 4, 7, 7, 1, 1, 1, 1, 1, 1));
        Assert.Contains("Conv2d(1, 1)", e.Message);
        Assert.Contains("padded input height is only 6", e.Message);
    }
}
