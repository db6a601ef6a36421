using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

/// <summary>
/// Every convolution path on tiny planes (1×1, 1×n, 2×3 …) with every padding mode ("valid", "same" with odd and even
/// kernels — PyTorch pads the extra one at the end —, numbers), stride and dilation: forward (with and without bias and
/// ReLU), both gradients, the fused ReLU + max pooling, and im2col/col2im, against the definition computed in double,
/// on every SIMD level this CPU has. Every buffer is a span cut from a larger array whose surroundings hold a NaN
/// sentinel (<see cref="Guarded{T}"/>): a read past a buffer poisons the results and a write past it changes a
/// sentinel; images are stacked in a batch, so a read past an image's row or plane lands on the next one's values.
/// </summary>
public class ConvolutionSweepTests
{
    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (var level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level)) data.Add(level);
        return data;
    }

    /// <summary>
    /// The sweep's geometries, each with a name for the failure message: every plane and kernel with "same" padding
    /// (undilated and dilated), "valid", and numeric padding with and without stride and dilation, where the window fits;
    /// and a few built by hand with padding at one end only, as a kernel may be given.
    /// <paramref name="unstridedOnly"/> keeps the modes of a layer followed by pooling.
    /// </summary>
    internal static IEnumerable<(string Name, WindowGeometry G)> Geometries(bool unstridedOnly = false)
    {
        (int H, int W)[] planes = [(1, 1), (1, 2), (1, 5), (2, 3), (3, 3), (5, 7), (2, 17)];
        (int KH, int KW)[] kernels = [(1, 1), (1, 2), (1, 3), (2, 2), (3, 3), (4, 4)];
        // stride, padding, dilation
        (int S, int P, int D)[] numeric = unstridedOnly ? [(1, 0, 1), (1, 1, 1)] : [(1, 0, 1), (1, 1, 1), (2, 1, 1), (3, 2, 2)];
        foreach (var (h, w) in planes)
            foreach (var (kh, kw) in kernels)
            {
                foreach (int d in unstridedOnly ? new[] { 1 } : new[] { 1, 2 })
                    yield return ($"same {h}x{w} k{kh}x{kw} d{d}", WindowGeometry.Same("sweep", h, w, kh, kw, d, d));
                foreach (var (s, p, d) in numeric)
                    if (d * (kh - 1) + 1 <= h + 2 * p && d * (kw - 1) + 1 <= w + 2 * p)
                        yield return ($"{h}x{w} k{kh}x{kw} s{s} p{p} d{d}", WindowGeometry.Create("sweep", h, w, kh, kw, s, s, p, p, d, d));
            }
        // Built by hand: padding only at the end (2 rows and columns), only at the start, and the end reached at a stride.
        yield return ("4x4 k3x3 padded 0 before, 2 after", new WindowGeometry(4, 4, 3, 3, 1, 1, 0, 0, 1, 1, 4, 4));
        yield return ("5x6 k3x3 padded 2 before, 0 after", new WindowGeometry(5, 6, 3, 3, 1, 1, 2, 2, 1, 1, 5, 6));
        yield return ("3x5 k2x2 padded 1 before, 0 after", new WindowGeometry(3, 5, 2, 2, 1, 1, 1, 1, 1, 1, 3, 5));
        if (!unstridedOnly) yield return ("4x4 k3x3 s2 padded 0 before, 1 after", new WindowGeometry(4, 4, 3, 3, 2, 2, 0, 0, 1, 1, 2, 2));
    }

    /// <summary>
    /// Images, input and output channels: one of each; two images (a part each, or one group side by side) whose
    /// 9 output channels leave a ragged block of 8; Winograd's 16.
    /// </summary>
    static IEnumerable<(int Batch, int Channels, int OutChannels)> Shapes(in WindowGeometry g)
    {
        var shapes = new List<(int, int, int)> { (1, 1, 1), (2, 2, 9) };
        if (g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.DilationH == 1 && g.InPlane <= 16) shapes.Add((2, 16, 16));
        return shapes;
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void ConvolutionForwardAndGradientsMatchTheDefinitionWithoutTouchingOutsideTheBuffers(SimdLevel level)
    {
        int seed = 0;
        foreach (var (name, g) in Geometries())
            foreach (var (batch, c, o) in Shapes(g))
                CheckConvolution(level, g, batch, c, o, ++seed, $"{level} {name} n{batch} c{c} o{o}");
    }

    static void CheckConvolution(SimdLevel level, in WindowGeometry g, int batch, int c, int o, int seed, string what)
    {
        var x = Sentinel.Around(ConvolutionKernelTests.Random(batch * c * g.InPlane, seed));
        var w = Sentinel.Around(ConvolutionKernelTests.Random(o * c * g.KernelArea, seed + 1000));
        var b = Sentinel.Around(ConvolutionKernelTests.Random(o, seed + 2000));
        int outputs = batch * o * g.OutPlane;
        var xs = x.ToArray(); var ws = w.ToArray(); var bs = b.ToArray();

        // Forward with bias.
        var y = Sentinel.Target(outputs);
        Convolution.Forward(g, batch, c, o, x.Span, w.Span, b.Span, y.Span, false, level);
        var (expected, magnitude) = NaiveForward(g, batch, c, o, xs, ws, bs);
        AssertNear(expected, magnitude, y.ToArray(), $"{what}: forward");
        y.AssertGuardsIntact($"{what}: forward output");

        // Forward without bias, ReLU fused.
        var r = Sentinel.Target(outputs);
        Convolution.Forward(g, batch, c, o, x.Span, w.Span, default, r.Span, true, level);
        (expected, magnitude) = NaiveForward(g, batch, c, o, xs, ws, null);
        for (int i = 0; i < expected.Length; i++) expected[i] = Math.Max(expected[i], 0);
        AssertNear(expected, magnitude, r.ToArray(), $"{what}: forward + ReLU");
        r.AssertGuardsIntact($"{what}: forward + ReLU output");

        // Every gradient, overwritten.
        var gyValues = ConvolutionKernelTests.Random(outputs, seed + 3000);
        var gy = Sentinel.Around(gyValues);
        var gx = Sentinel.Target(xs.Length);
        var gw = Sentinel.Target(ws.Length);
        var gb = Sentinel.Target(o);
        Convolution.Backward(g, batch, c, o, x.Span, w.Span, gy.Span, gx.Span, gw.Span, 0f, gb.Span, 0f, default, level);
        var grads = NaiveBackward(g, batch, c, o, xs, ws, gyValues.Select(v => (double)v).ToArray());
        AssertNear(grads.X, grads.XMagnitude, gx.ToArray(), $"{what}: input gradient");
        AssertNear(grads.W, grads.WMagnitude, gw.ToArray(), $"{what}: weight gradient");
        AssertNear(grads.B, grads.BMagnitude, gb.ToArray(), $"{what}: bias gradient");
        foreach (var (buffer, name) in new[] { (gx, "input gradient"), (gw, "weight gradient"), (gb, "bias gradient"), (x, "input"), (w, "weight"), (gy, "output gradient") })
            buffer.AssertGuardsIntact($"{what}: {name}");

        // Through the fused ReLU, accumulated onto the weight and bias gradients, no input gradient.
        var masked = new double[outputs];
        var reluOut = r.ToArray();
        for (int i = 0; i < outputs; i++) masked[i] = reluOut[i] > 0 ? gyValues[i] : 0;
        var gw1 = Sentinel.Accumulator(Enumerable.Repeat(1f, ws.Length).ToArray());
        var gb1 = Sentinel.Accumulator(Enumerable.Repeat(-1f, o).ToArray());
        Convolution.Backward(g, batch, c, o, x.Span, w.Span, gy.Span, default, gw1.Span, 1f, gb1.Span, 1f, r.Span, level);
        grads = NaiveBackward(g, batch, c, o, xs, ws, masked);
        AssertNear(grads.W.Select(v => v + 1).ToArray(), grads.WMagnitude, gw1.ToArray(), $"{what}: weight gradient through the ReLU, accumulated");
        AssertNear(grads.B.Select(v => v - 1).ToArray(), grads.BMagnitude, gb1.ToArray(), $"{what}: bias gradient through the ReLU, accumulated");
        gw1.AssertGuardsIntact($"{what}: accumulated weight gradient");
        gb1.AssertGuardsIntact($"{what}: accumulated bias gradient");
        r.AssertGuardsIntact($"{what}: ReLU output read by the backward");
    }

    /// <summary>Pooling windows for the fused op: LeNet's 2×2, an overlapping padded one, a dilated one that can miss a one-row plane.</summary>
    static IEnumerable<(string Name, WindowGeometry Pool)> Pools(in WindowGeometry conv)
    {
        var list = new List<(string, WindowGeometry)>();
        foreach (var (k, s, p, d) in new[] { (2, 2, 0, 1), (3, 2, 1, 1), (2, 3, 1, 2) })
        {
            if (d * (k - 1) + 1 > conv.OutHeight + 2 * p || d * (k - 1) + 1 > conv.OutWidth + 2 * p) continue;
            list.Add(($"pool k{k} s{s} p{p} d{d}", WindowGeometry.Create("sweep pool", conv.OutHeight, conv.OutWidth, k, k, s, s, p, p, d, d)));
        }
        return list;
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void FusedReluMaxPoolMatchesTheDefinitionWithoutTouchingOutsideTheBuffers(SimdLevel level)
    {
        int seed = 0;
        foreach (var (name, g) in Geometries(unstridedOnly: true))
            foreach (var (poolName, pool) in Pools(g))
                // Not the single channel: two images with a ragged block of channels cover the pooled paths' edges.
                foreach (var (batch, c, o) in Shapes(g).Skip(1))
                    CheckFusedPool(level, g, pool, batch, c, o, ++seed, $"{level} {name} {poolName} n{batch} c{c} o{o}");
    }

    static void CheckFusedPool(SimdLevel level, in WindowGeometry g, in WindowGeometry pool, int batch, int c, int o, int seed, string what)
    {
        var x = Sentinel.Around(ConvolutionKernelTests.Random(batch * c * g.InPlane, seed));
        var w = Sentinel.Around(ConvolutionKernelTests.Random(o * c * g.KernelArea, seed + 1000));
        var b = Sentinel.Around(ConvolutionKernelTests.Random(o, seed + 2000));
        var xs = x.ToArray(); var ws = w.ToArray();
        int planes = batch * o, pooled = planes * pool.OutPlane;
        var y = Sentinel.Target(pooled);
        var idx = Sentinel.IndexTarget(pooled);
        Convolution.ForwardReluMaxPool(g, pool, batch, c, o, x.Span, w.Span, b.Span, y.Span, idx.Span, level);
        y.AssertGuardsIntact($"{what}: pooled output");
        idx.AssertGuardsIntact($"{what}: winners");

        // The winners index the part of the convolution plane the pooling reads.
        var (conv, window) = Convolution.CropToPooled(g, pool);
        var (convolved, magnitude) = NaiveForward(g, batch, c, o, xs, ws, b.ToArray());
        var values = y.ToArray();
        var winners = idx.ToArray();
        var gradConv = new double[planes * g.OutPlane];
        var gyValues = ConvolutionKernelTests.Random(pooled, seed + 3000);
        for (int plane = 0; plane < planes; plane++)
            for (int py = 0; py < pool.OutHeight; py++)
                for (int px = 0; px < pool.OutWidth; px++)
                {
                    int q = plane * pool.OutPlane + py * pool.OutWidth + px, at = winners[q];
                    string output = $"{what}: pooled output {q}";
                    // The window's best in double, and whether it reaches the plane at all.
                    double best = double.NegativeInfinity, tolerance = 0;
                    for (int i = 0; i < pool.KernelH; i++)
                        for (int j = 0; j < pool.KernelW; j++)
                        {
                            int cy = py * pool.StrideH - pool.PadH + i * pool.DilationH, cx = px * pool.StrideW - pool.PadW + j * pool.DilationW;
                            if (cy < 0 || cy >= g.OutHeight || cx < 0 || cx >= g.OutWidth) continue;
                            int k = (plane * g.OutHeight + cy) * g.OutWidth + cx;
                            if (convolved[k] > best) best = convolved[k];
                            tolerance = Math.Max(tolerance, Tolerance(magnitude[k]));
                        }
                    double expected = Math.Max(best, 0);
                    Assert.True(Math.Abs(values[q] - expected) <= tolerance, $"{output}: expected {expected}, got {values[q]}");
                    if (double.IsNegativeInfinity(best)) { Assert.True(at == -1, $"{output}: a window wholly in the padding has no winner, got {at}"); continue; }
                    // A winner lies in the window and holds (to rounding) the window's best.
                    Assert.True(at >= 0 && at < window.InPlane, $"{output}: winner {at} outside the {window.Height}x{window.Width} plane the pooling reads");
                    int wy = at / window.Width, wx = at % window.Width;
                    Assert.True((wy + pool.PadH - py * pool.StrideH) % pool.DilationH == 0 && (wx + pool.PadW - px * pool.StrideW) % pool.DilationW == 0
                        && wy + pool.PadH >= py * pool.StrideH && wy + pool.PadH <= py * pool.StrideH + pool.DilationH * (pool.KernelH - 1)
                        && wx + pool.PadW >= px * pool.StrideW && wx + pool.PadW <= px * pool.StrideW + pool.DilationW * (pool.KernelW - 1),
                        $"{output}: winner ({wy}, {wx}) is not in the window");
                    int winner = (plane * g.OutHeight + wy) * g.OutWidth + wx;
                    Assert.True(Math.Abs(convolved[winner] - best) <= 2 * tolerance, $"{output}: winner ({wy}, {wx}) holds {convolved[winner]}, the window's best is {best}");
                    // The gradient reaches the winner where the pooled value passed the ReLU.
                    if (values[q] > 0) gradConv[winner] += gyValues[q];
                }
        Assert.True(conv.OutHeight <= g.OutHeight && conv.OutWidth <= g.OutWidth, $"{what}: the crop grew the plane");

        var gy = Sentinel.Around(gyValues);
        var gx = Sentinel.Target(xs.Length);
        var gw = Sentinel.Target(ws.Length);
        var gb = Sentinel.Target(o);
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x.Span, w.Span, y.Span, idx.Span, gy.Span, gx.Span, gw.Span, 0f, gb.Span, 0f, level);
        var grads = NaiveBackward(g, batch, c, o, xs, ws, gradConv);
        AssertNear(grads.X, grads.XMagnitude, gx.ToArray(), $"{what}: input gradient");
        AssertNear(grads.W, grads.WMagnitude, gw.ToArray(), $"{what}: weight gradient");
        AssertNear(grads.B, grads.BMagnitude, gb.ToArray(), $"{what}: bias gradient");
        // The first layer's path: weight and bias gradients only.
        var gw2 = Sentinel.Target(ws.Length);
        var gb2 = Sentinel.Target(o);
        Convolution.BackwardReluMaxPool(g, pool, batch, c, o, x.Span, w.Span, y.Span, idx.Span, gy.Span, default, gw2.Span, 0f, gb2.Span, 0f, level);
        AssertNear(grads.W, grads.WMagnitude, gw2.ToArray(), $"{what}: weight gradient without the input's");
        AssertNear(grads.B, grads.BMagnitude, gb2.ToArray(), $"{what}: bias gradient without the input's");
        foreach (var (buffer, name) in new[] { (gx, "input gradient"), (gw, "weight gradient"), (gb, "bias gradient"), (gw2, "weight gradient alone"),
                     (gb2, "bias gradient alone"), (x, "input"), (w, "weight"), (gy, "output gradient"), (y, "pooled output") })
            buffer.AssertGuardsIntact($"{what}: {name}");
        idx.AssertGuardsIntact($"{what}: winners read by the backward");
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Im2ColAndCol2ImMatchTheDefinitionWithoutTouchingOutsideTheBuffers(SimdLevel level)
    {
        int seed = 0;
        foreach (var (name, g) in Geometries())
        {
            string what = $"{level} {name}";
            int channels = 2, rows = channels * g.KernelArea;
            var x = Sentinel.Around(ConvolutionKernelTests.Random(channels * g.InPlane, ++seed));
            var cols = Sentinel.Target(rows * g.OutPlane);
            Im2Col.Pack(g, channels, x.Span, cols.Span, level);
            var columnValues = ConvolutionKernelTests.Random(rows * g.OutPlane, seed + 1000);
            var expectedCols = new double[cols.Length];
            var expectedImage = new double[x.Length];
            var xs = x.ToArray();
            ForEachTap(g, 1, channels, 1, (int _, int xi, int wi, int p) =>
            {
                // wi is the row (channel, tap) of the column matrix, p the position.
                expectedCols[wi * g.OutPlane + p] = xs[xi];
                expectedImage[xi] += columnValues[wi * g.OutPlane + p];
            });
            AssertNear(expectedCols, new double[expectedCols.Length], cols.ToArray(), $"{what}: im2col");
            cols.AssertGuardsIntact($"{what}: im2col columns");
            x.AssertGuardsIntact($"{what}: im2col image");

            var c = Sentinel.Around(columnValues);
            var image = Sentinel.Target(x.Length);
            Im2Col.Unpack(g, channels, c.Span, image.Span, level);
            AssertNear(expectedImage, expectedImage.Select(Math.Abs).ToArray(), image.ToArray(), $"{what}: col2im");
            image.AssertGuardsIntact($"{what}: col2im image");
            c.AssertGuardsIntact($"{what}: col2im columns");
        }
    }

    /// <summary>
    /// Calls <paramref name="tap"/>(output, input, weight, position) for every product of the convolution's definition
    /// whose input lies inside the image: output and input index the N×O×OH×OW and N×C×H×W arrays, weight the O×C×kH×kW
    /// weight (with one output channel, the im2col row), position the output position within its plane.
    /// </summary>
    internal static void ForEachTap(in WindowGeometry g, int batch, int channels, int outChannels, Action<int, int, int, int> tap)
    {
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outChannels; o++)
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                        for (int c = 0; c < channels; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int iy = oy * g.StrideH - g.PadH + i * g.DilationH, ix = ox * g.StrideW - g.PadW + j * g.DilationW;
                                    if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width) continue;
                                    int p = oy * g.OutWidth + ox;
                                    tap(((n * outChannels + o) * g.OutPlane) + p, ((n * channels + c) * g.Height + iy) * g.Width + ix,
                                        ((o * channels + c) * g.KernelH + i) * g.KernelW + j, p);
                                }
    }

    /// <summary>The convolution in double, and per output the sum of its terms' magnitudes (the scale of its rounding).</summary>
    internal static (double[] Y, double[] Magnitude) NaiveForward(in WindowGeometry g, int batch, int channels, int outChannels, float[] x, float[] w, float[]? b)
    {
        var y = new double[batch * outChannels * g.OutPlane];
        var magnitude = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = b?[i / g.OutPlane % outChannels] ?? 0;
            magnitude[i] = Math.Abs(y[i]);
        }
        ForEachTap(g, batch, channels, outChannels, (yi, xi, wi, _) =>
        {
            double term = (double)w[wi] * x[xi];
            y[yi] += term;
            magnitude[yi] += Math.Abs(term);
        });
        return (y, magnitude);
    }

    internal sealed record Gradients(double[] X, double[] XMagnitude, double[] W, double[] WMagnitude, double[] B, double[] BMagnitude);

    /// <summary>The input, weight and bias gradients in double from the output gradient <paramref name="gy"/>, with their terms' magnitudes.</summary>
    internal static Gradients NaiveBackward(in WindowGeometry g, int batch, int channels, int outChannels, float[] x, float[] w, double[] gy)
    {
        var gx = new double[x.Length]; var mx = new double[x.Length];
        var gw = new double[w.Length]; var mw = new double[w.Length];
        var gb = new double[outChannels]; var mb = new double[outChannels];
        for (int i = 0; i < gy.Length; i++) { gb[i / g.OutPlane % outChannels] += gy[i]; mb[i / g.OutPlane % outChannels] += Math.Abs(gy[i]); }
        ForEachTap(g, batch, channels, outChannels, (yi, xi, wi, _) =>
        {
            gx[xi] += gy[yi] * w[wi]; mx[xi] += Math.Abs(gy[yi] * w[wi]);
            gw[wi] += gy[yi] * x[xi]; mw[wi] += Math.Abs(gy[yi] * x[xi]);
        });
        return new Gradients(gx, mx, gw, mw, gb, mb);
    }

    /// <summary>
    /// How far a float32 result may be from the double one: float32 rounding of a sum of terms of that total magnitude
    /// (Winograd's transforms add a few more roundings). A value read from outside the image is off by the size of a
    /// term, a NaN fails every comparison.
    /// </summary>
    internal static double Tolerance(double magnitude) => 1e-6 + 1e-5 * magnitude;

    internal static void AssertNear(double[] expected, double[] magnitude, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(actual[i] - expected[i]) <= Tolerance(magnitude[i])))
                Assert.Fail($"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }
}
