using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

/// <summary>
/// Max, average and adaptive average pooling on tiny planes (1×1, 1×n, 2×3 …) with every kernel, stride, padding and
/// dilation that fits, including windows that lie wholly in the padding (kernel 2, dilation 2, padding 1 on a one-row
/// plane reads rows −1 and 1), forward and backward against the definition in double, on every SIMD level this CPU
/// has, every buffer a span between NaN sentinels (<see cref="Guarded{T}"/>).
/// </summary>
public class PoolingSweepTests
{
    public static TheoryData<SimdLevel> Levels() => ConvolutionSweepTests.Levels();

    /// <summary>Pooling windows on tiny planes; all, not only the padding PyTorch's layers allow (at most half the kernel).</summary>
    static IEnumerable<(string Name, WindowGeometry G)> Windows()
    {
        (int H, int W)[] planes = [(1, 1), (1, 2), (1, 4), (1, 5), (2, 3), (3, 3), (3, 7), (2, 17), (4, 34)];
        (int KH, int KW)[] kernels = [(1, 1), (1, 2), (1, 3), (2, 2), (3, 3), (2, 3)];
        foreach (var (h, w) in planes)
            foreach (var (kh, kw) in kernels)
                foreach (int s in new[] { 1, 2, 3 })
                    foreach (int p in new[] { 0, 1 })
                        foreach (int d in new[] { 1, 2 })
                        {
                            if (d * (kh - 1) + 1 > h + 2 * p || d * (kw - 1) + 1 > w + 2 * p) continue;
                            yield return ($"{h}x{w} k{kh}x{kw} s{s} p{p} d{d}", WindowGeometry.Create("sweep", h, w, kh, kw, s, s, p, p, d, d));
                        }
    }

    /// <summary>Calls <paramref name="tap"/>(output, input) for every position of every window that lies inside the plane, window rows first.</summary>
    static void ForEachTap(in WindowGeometry g, int planes, Action<int, int> tap)
    {
        for (int c = 0; c < planes; c++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++)
                    for (int i = 0; i < g.KernelH; i++)
                        for (int j = 0; j < g.KernelW; j++)
                        {
                            int iy = oy * g.StrideH - g.PadH + i * g.DilationH, ix = ox * g.StrideW - g.PadW + j * g.DilationW;
                            if (iy < 0 || iy >= g.Height || ix < 0 || ix >= g.Width) continue;
                            tap(c * g.OutPlane + oy * g.OutWidth + ox, c * g.InPlane + iy * g.Width + ix);
                        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void MaxPoolMatchesTheDefinitionWithoutTouchingOutsideTheBuffers(SimdLevel level)
    {
        int seed = 0;
        foreach (var (name, g) in Windows())
        {
            string what = $"{level} {name}";
            int planes = 3;
            var values = ConvolutionKernelTests.Random(planes * g.InPlane, ++seed);
            for (int i = 0; i < values.Length; i += 3) values[i] = 0f; // ties: the first maximum wins
            var x = Sentinel.Around(values);
            var y = Sentinel.Target(planes * g.OutPlane);
            var idx = Sentinel.IndexTarget(planes * g.OutPlane);
            MaxPool.Forward(g, planes, x.Span, y.Span, idx.Span, level, threads: 1);

            var best = Enumerable.Repeat(float.NegativeInfinity, y.Length).ToArray();
            var winner = Enumerable.Repeat(-1, y.Length).ToArray();
            ForEachTap(g, planes, (o, i) =>
            {
                if (winner[o] < 0 || values[i] > best[o]) { best[o] = values[i]; winner[o] = i % g.InPlane; }
            });
            Assert.True(best.SequenceEqual(y.ToArray()), $"{what}: forward values differ");
            Assert.True(winner.SequenceEqual(idx.ToArray()), $"{what}: winners differ (−1 where the window lies wholly in the padding)");
            x.AssertGuardsIntact($"{what}: input");
            y.AssertGuardsIntact($"{what}: output");
            idx.AssertGuardsIntact($"{what}: winners");

            var gyValues = ConvolutionKernelTests.Random(y.Length, seed + 1000);
            var gy = Sentinel.Around(gyValues);
            var gx = Sentinel.Target(x.Length);
            MaxPool.Backward(g, planes, gy.Span, idx.Span, gx.Span, level);
            var expected = new double[x.Length];
            for (int o = 0; o < y.Length; o++)
                if (winner[o] >= 0) expected[o / g.OutPlane * g.InPlane + winner[o]] += gyValues[o];
            ConvolutionSweepTests.AssertNear(expected, expected.Select(Math.Abs).ToArray(), gx.ToArray(), $"{what}: backward");
            gx.AssertGuardsIntact($"{what}: input gradient");
            gy.AssertGuardsIntact($"{what}: output gradient");
            idx.AssertGuardsIntact($"{what}: winners read by the backward");
        }
    }

    [Fact]
    public void MaxPoolBackwardOfWindowsWhollyInThePaddingWritesNothing()
    {
        // The geometry: kernel 2, stride 3, padding 1, dilation 2 on one-row planes. Every window reads rows −1
        // and 1 of a one-row plane, so none has a winner; the backward once added each window's gradient one element
        // before its plane: the previous plane's last element, and for the first plane one float before the array.
        var g = WindowGeometry.Create("test", 1, 4, 2, 2, 3, 3, 1, 1, 2, 2);
        int planes = 3;
        var x = Sentinel.Around(ConvolutionKernelTests.Random(planes * g.InPlane, 1));
        var y = Sentinel.Target(planes * g.OutPlane);
        var idx = Sentinel.IndexTarget(planes * g.OutPlane);
        MaxPool.Forward(g, planes, x.Span, y.Span, idx.Span);
        Assert.All(y.ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.All(idx.ToArray(), i => Assert.Equal(-1, i));

        var gx = Sentinel.Target(x.Length);
        MaxPool.Backward(g, planes, Enumerable.Repeat(1f, y.Length).ToArray(), idx.Span, gx.Span);
        gx.AssertGuardsIntact("input gradient");
        Assert.All(gx.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void AvgPoolMatchesTheDefinitionWithoutTouchingOutsideTheBuffers(SimdLevel level)
    {
        // Average pooling has no SIMD path of its own (it sums rows with TensorPrimitives); the level only names the run.
        int seed = 0;
        foreach (var (name, g) in Windows())
        {
            if (g.DilationH != 1) continue; // PyTorch's AvgPool has no dilation; the kernel ignores it
            string what = $"{level} {name}";
            int planes = 2;
            var values = ConvolutionKernelTests.Random(planes * g.InPlane, ++seed);
            var x = Sentinel.Around(values);
            var y = Sentinel.Target(planes * g.OutPlane);
            AvgPool.Forward(g, planes, x.Span, y.Span);
            var expected = new double[y.Length];
            var magnitude = new double[y.Length];
            double area = g.KernelArea; // padding counts in the divisor (count_include_pad)
            ForEachTap(g, planes, (o, i) => { expected[o] += values[i] / area; magnitude[o] += Math.Abs(values[i]); });
            ConvolutionSweepTests.AssertNear(expected, magnitude, y.ToArray(), $"{what}: forward");
            y.AssertGuardsIntact($"{what}: output");
            x.AssertGuardsIntact($"{what}: input");

            var gyValues = ConvolutionKernelTests.Random(y.Length, seed + 1000);
            var gy = Sentinel.Around(gyValues);
            var gx = Sentinel.Target(x.Length);
            AvgPool.Backward(g, planes, gy.Span, gx.Span);
            var expectedGx = new double[x.Length];
            var magnitudeGx = new double[x.Length];
            ForEachTap(g, planes, (o, i) => { expectedGx[i] += gyValues[o] / area; magnitudeGx[i] += Math.Abs(gyValues[o]); });
            ConvolutionSweepTests.AssertNear(expectedGx, magnitudeGx, gx.ToArray(), $"{what}: backward");
            gx.AssertGuardsIntact($"{what}: input gradient");
            gy.AssertGuardsIntact($"{what}: output gradient");
        }
    }

    [Fact]
    public void AdaptiveAvgPoolMatchesTheDefinitionWithoutTouchingOutsideTheBuffers()
    {
        int seed = 0;
        foreach (var (h, w) in new[] { (1, 1), (1, 5), (2, 3), (5, 7), (3, 2) })
            foreach (var (oh, ow) in new[] { (1, 1), (2, 2), (3, 2), (4, 7), (1, 3) })
            {
                string what = $"{h}x{w} to {oh}x{ow}";
                var g = new WindowGeometry(h, w, 1, 1, 1, 1, 0, 0, 1, 1, oh, ow);
                int planes = 2;
                var values = ConvolutionKernelTests.Random(planes * g.InPlane, ++seed);
                var x = Sentinel.Around(values);
                var y = Sentinel.Target(planes * g.OutPlane);
                AvgPool.AdaptiveForward(g, planes, x.Span, y.Span);
                var gyValues = ConvolutionKernelTests.Random(y.Length, seed + 1000);
                var gy = Sentinel.Around(gyValues);
                var gx = Sentinel.Target(x.Length);
                AvgPool.AdaptiveBackward(g, planes, gy.Span, gx.Span);

                // PyTorch's bins: output i covers ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉.
                var expected = new double[y.Length];
                var expectedGx = new double[x.Length];
                for (int c = 0; c < planes; c++)
                    for (int oy = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++)
                        {
                            int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh, x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                            int o = c * g.OutPlane + oy * ow + ox;
                            double count = (y1 - y0) * (x1 - x0);
                            for (int iy = y0; iy < y1; iy++)
                                for (int ix = x0; ix < x1; ix++)
                                {
                                    expected[o] += values[c * g.InPlane + iy * w + ix] / count;
                                    expectedGx[c * g.InPlane + iy * w + ix] += gyValues[o] / count;
                                }
                        }
                ConvolutionSweepTests.AssertNear(expected, expected.Select(v => 10 * Math.Abs(v)).ToArray(), y.ToArray(), $"{what}: forward");
                ConvolutionSweepTests.AssertNear(expectedGx, expectedGx.Select(v => 10 * Math.Abs(v)).ToArray(), gx.ToArray(), $"{what}: backward");
                foreach (var (buffer, name) in new[] { (x, "input"), (y, "output"), (gy, "output gradient"), (gx, "input gradient") })
                    buffer.AssertGuardsIntact($"{what}: {name}");
            }
    }
}
