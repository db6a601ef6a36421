using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// <see cref="DirectConvolution.Forward"/> followed by 2×2 stride-2 max pooling, in registers: each pair of
/// output rows is convolved for 4 channels and 32 columns at a time (16 accumulators) and pooled before it is
/// stored, so the full-size convolution output (LeNet's first layer: 32×26×26 per image, four times the pooled
/// output) is never written and read back. Only the pooled values and the winners' indices are stored. For 3×3
/// kernels the weight gradient comes straight from the pooled gradient and the winners, likewise without the
/// full-size plane (<see cref="AccumulateWeightGradient"/>).
/// </summary>
/// <remarks>
/// The same bits as the two kernels apart: every output is the same fused multiply-add chain over the taps
/// with the bias added last, and the pairs and rows are compared by <see cref="MaxPool"/>'s own vector steps
/// (first maximum wins, NaN wins), in the same order.
/// </remarks>
internal static unsafe class PooledDirectConvolution
{
    /// <summary>
    /// True when the direct convolution applies and the pooling is 2×2, stride 2, unpadded, over exactly the
    /// convolution's output (an even height and width, as the fused op crops it).
    /// </summary>
    public static bool Applies(in WindowGeometry g, in WindowGeometry pool, int taps) => Applies(g, pool, taps, Simd.Best);

    /// <summary>As <see cref="Applies(in WindowGeometry, in WindowGeometry, int)"/>, at <paramref name="level"/>.</summary>
    public static bool Applies(in WindowGeometry g, in WindowGeometry pool, int taps, SimdLevel level) =>
        DirectConvolution.Applies(g, taps, level)
        && pool.KernelH == 2 && pool.KernelW == 2 && pool.StrideH == 2 && pool.StrideW == 2 && pool.IsUnpadded
        && pool.DilationH == 1 && pool.DilationW == 1
        && pool.Height == g.OutHeight && pool.Width == g.OutWidth && g.OutHeight == 2 * pool.OutHeight && g.OutWidth == 2 * pool.OutWidth;

    /// <summary>
    /// For output channels [o0, o1) of one C×H×W image: pooled[o − o0] = maxpool(conv(image)[o] + bias[o]) and
    /// winners[o − o0] = each window's winner as an index into its convolution plane; planes
    /// <see cref="WindowGeometry.OutPlane"/> of <paramref name="pool"/> apart. <paramref name="bias"/> may be null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in WindowGeometry g, in WindowGeometry pool, int channels, float* image, float* weight, float* bias,
        int o0, int o1, float* pooled, int* winners)
    {
        int taps = channels * g.KernelArea, ow = g.OutWidth, w = g.Width, pw = pool.OutWidth, pooledPlane = pool.OutPlane;
        int* offset = stackalloc int[taps];
        g.TapOffsets(0, taps, offset);
        var lane = LaneMasks.Lanes512;
        var evens = lane + lane;
        var odds = evens + Vector512<int>.One;
        for (int ob = o0; ob < o1; ob += 4)
        {
            // A block of 4 channels; past the last channel the weights of the last one are reused and not stored.
            int count = Math.Min(4, o1 - ob);
            float* w0 = weight + (nint)ob * taps, w1 = weight + (nint)Math.Min(ob + 1, o1 - 1) * taps;
            float* w2 = weight + (nint)Math.Min(ob + 2, o1 - 1) * taps, w3 = weight + (nint)Math.Min(ob + 3, o1 - 1) * taps;
            for (int x0 = 0; x0 < ow; x0 += 32)
            {
                var lo = LaneMasks.First512(ow - x0);
                var hi = LaneMasks.First512(ow - x0 - 16);
                var outMask = LaneMasks.First512((ow - x0) / 2);
                var column = Vector512.Create(x0) + evens;
                for (int py = 0; py < pool.OutHeight; py++)
                {
                    float* top = image + 2 * py * w + x0, bottom = top + w;
                    // a{channel}{row}{half}: the two convolution rows of the window, 32 columns in two halves.
                    Vector512<float> a000 = default, a001 = default, a010 = default, a011 = default;
                    Vector512<float> a100 = default, a101 = default, a110 = default, a111 = default;
                    Vector512<float> a200 = default, a201 = default, a210 = default, a211 = default;
                    Vector512<float> a300 = default, a301 = default, a310 = default, a311 = default;
                    for (int t = 0; t < taps; t++)
                    {
                        var t0 = Avx512F.MaskLoad(top + offset[t], lo, Vector512<float>.Zero);
                        var t1 = Avx512F.MaskLoad(top + offset[t] + 16, hi, Vector512<float>.Zero);
                        var b0 = Avx512F.MaskLoad(bottom + offset[t], lo, Vector512<float>.Zero);
                        var b1 = Avx512F.MaskLoad(bottom + offset[t] + 16, hi, Vector512<float>.Zero);
                        var k0 = Vector512.Create(w0[t]);
                        a000 = Vector512.FusedMultiplyAdd(k0, t0, a000); a001 = Vector512.FusedMultiplyAdd(k0, t1, a001);
                        a010 = Vector512.FusedMultiplyAdd(k0, b0, a010); a011 = Vector512.FusedMultiplyAdd(k0, b1, a011);
                        var k1 = Vector512.Create(w1[t]);
                        a100 = Vector512.FusedMultiplyAdd(k1, t0, a100); a101 = Vector512.FusedMultiplyAdd(k1, t1, a101);
                        a110 = Vector512.FusedMultiplyAdd(k1, b0, a110); a111 = Vector512.FusedMultiplyAdd(k1, b1, a111);
                        var k2 = Vector512.Create(w2[t]);
                        a200 = Vector512.FusedMultiplyAdd(k2, t0, a200); a201 = Vector512.FusedMultiplyAdd(k2, t1, a201);
                        a210 = Vector512.FusedMultiplyAdd(k2, b0, a210); a211 = Vector512.FusedMultiplyAdd(k2, b1, a211);
                        var k3 = Vector512.Create(w3[t]);
                        a300 = Vector512.FusedMultiplyAdd(k3, t0, a300); a301 = Vector512.FusedMultiplyAdd(k3, t1, a301);
                        a310 = Vector512.FusedMultiplyAdd(k3, b0, a310); a311 = Vector512.FusedMultiplyAdd(k3, b1, a311);
                    }
                    // Winners' indices: the window's top-left column in the top row, in the plane.
                    var leftIndex = Vector512.Create(2 * py * ow) + column;
                    int at = py * pw + x0 / 2;
                    Pool(a000, a001, a010, a011, bias, ob, 0, count, leftIndex, ow, evens, odds, pooled + at, winners + at, outMask);
                    Pool(a100, a101, a110, a111, bias, ob, 1, count, leftIndex, ow, evens, odds, pooled + at + pooledPlane, winners + at + pooledPlane, outMask);
                    Pool(a200, a201, a210, a211, bias, ob, 2, count, leftIndex, ow, evens, odds, pooled + at + 2 * pooledPlane, winners + at + 2 * pooledPlane, outMask);
                    Pool(a300, a301, a310, a311, bias, ob, 3, count, leftIndex, ow, evens, odds, pooled + at + 3 * pooledPlane, winners + at + 3 * pooledPlane, outMask);
                }
            }
            pooled += 4 * pooledPlane;
            winners += 4 * pooledPlane;
        }
    }

    /// <summary>
    /// Adds channel <paramref name="j"/>'s bias to its two convolution rows (32 columns each), pools them as
    /// <see cref="MaxPool"/> does (pairs of each row, then the second row where it wins) and stores the 16 results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Pool(Vector512<float> top0, Vector512<float> top1, Vector512<float> bottom0, Vector512<float> bottom1, float* bias, int block, int j,
        int count, Vector512<int> leftIndex, int ow, Vector512<int> evens, Vector512<int> odds, float* pooled, int* winners, Vector512<float> outMask)
    {
        if (j >= count) return;
        if (bias != null)
        {
            var b = Vector512.Create(bias[block + j]);
            top0 += b; top1 += b; bottom0 += b; bottom1 += b;
        }
        var (best, at) = MaxPool.BetterOfPairs(top0, top1, evens, odds, leftIndex);
        var (rowBest, rowAt) = MaxPool.BetterOfPairs(bottom0, bottom1, evens, odds, leftIndex + Vector512.Create(ow));
        (best, at) = MaxPool.LaterRowWins(best, at, rowBest, rowAt);
        Avx512F.MaskStore(pooled, outMask, best);
        Avx512F.MaskStore(winners, outMask.AsInt32(), at);
    }

    /// <summary>
    /// True when <see cref="AccumulateWeightGradient"/> takes the layer: a pooled direct convolution with a 3×3 kernel
    /// whose pooled rows fit one vector (at most 16 windows) and whose input rows fit two (at most 32 pixels), as a
    /// first layer on MNIST- or CIFAR-sized images.
    /// </summary>
    public static bool GradientApplies(in WindowGeometry g, in WindowGeometry pool, int taps) => GradientApplies(g, pool, taps, Simd.Best);

    /// <summary>As <see cref="GradientApplies(in WindowGeometry, in WindowGeometry, int)"/>, at <paramref name="level"/>.</summary>
    public static bool GradientApplies(in WindowGeometry g, in WindowGeometry pool, int taps, SimdLevel level) =>
        Applies(g, pool, taps, level) && g.KernelH == 3 && g.KernelW == 3 && pool.OutWidth <= 16 && g.Width <= 32;

    /// <summary>
    /// Adds one C×H×W image's weight and bias gradients of <see cref="Forward"/> + ReLU into the lane sums
    /// <paramref name="sums"/> (per output channel, taps + 1 vectors: the taps', then the bias's; their lanes are the
    /// pooled columns), straight from the pooled gradient: each window's gradient, where its pooled
    /// <paramref name="output"/> is positive, times the pixels under its winner. The unpooled gradient plane and the
    /// im2col matrix the general path builds are never written. <paramref name="pixels"/> is scratch for
    /// <see cref="PixelsScratchSize"/> vectors, 64-byte aligned.
    /// </summary>
    /// <remarks>
    /// A pooled row's windows read rows 2·py .. 2·py + 3 and, for winner column j and tap column kj, the pixels at
    /// 2·px + j + kj: for each row offset a and column shift b (0..3) the 16 windows' pixels are one permute of the
    /// row's two vectors (P[a][b], lanes past the row's windows zeroed), and a tap's pixels under the winners are
    /// P[i + ki][j + kj], picked lane by lane from four of them by the winners' row and column. All of an image's P
    /// are built first; then each output channel and input channel keeps its 9 tap sums in registers over the rows.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateWeightGradient(in WindowGeometry g, in WindowGeometry pool, int channels, int outChannels, float* image,
        float* output, int* winners, float* gradPooled, float* sums, Vector512<float>* pixels)
    {
        const int Shifts = 4, PerChannel = 16;
        int taps = channels * 9, w = g.Width, pw = pool.OutWidth, ph = pool.OutHeight, pooledPlane = pool.OutPlane, planeWidth = g.OutWidth;
        var lane = LaneMasks.Lanes512;
        var evens = lane + lane;
        var windows = LaneMasks.First512(pw);
        var low = LaneMasks.First512(w);
        var high = LaneMasks.First512(w - 16);
        for (int py = 0; py < ph; py++)
            for (int c = 0; c < channels; c++)
                for (int a = 0; a < Shifts; a++)
                {
                    float* row = image + (nint)c * g.InPlane + (2 * py + a) * w;
                    var v0 = Avx512F.MaskLoad(row, low, Vector512<float>.Zero);
                    var v1 = Avx512F.MaskLoad(row + 16, high, Vector512<float>.Zero);
                    Vector512<float>* dst = pixels + (py * channels + c) * PerChannel + a * Shifts;
                    for (int b = 0; b < Shifts; b++)
                        dst[b] = Avx512F.PermuteVar16x32x2(v0, evens + Vector512.Create(b), v1) & windows;
                }
        var odd = Vector512<int>.One;
        for (int o = 0; o < outChannels; o++)
        {
            float* sum = sums + (nint)o * (taps + 1) * 16;
            var biasSum = Vector512.Load(sum + taps * 16);
            for (int c = 0; c < channels; c++)
            {
                float* s = sum + c * 9 * 16;
                var s0 = Vector512.Load(s); var s1 = Vector512.Load(s + 16); var s2 = Vector512.Load(s + 32);
                var s3 = Vector512.Load(s + 48); var s4 = Vector512.Load(s + 64); var s5 = Vector512.Load(s + 80);
                var s6 = Vector512.Load(s + 96); var s7 = Vector512.Load(s + 112); var s8 = Vector512.Load(s + 128);
                for (int py = 0; py < ph; py++)
                {
                    int at = o * pooledPlane + py * pw;
                    var keep = Vector512.GreaterThan(Avx512F.MaskLoad(output + at, windows, Vector512<float>.Zero), Vector512<float>.Zero);
                    var grad = Avx512F.MaskLoad(gradPooled + at, windows, Vector512<float>.Zero) & keep;
                    var index = Avx512F.MaskLoad(winners + at, windows.AsInt32(), Vector512<int>.Zero);
                    var lower = Vector512.GreaterThanOrEqual(index, Vector512.Create((2 * py + 1) * planeWidth)).AsSingle();
                    var right = Vector512.Equals(index & odd, odd).AsSingle();
                    if (c == 0) biasSum += grad;
                    Vector512<float>* p = pixels + (py * channels + c) * PerChannel;
                    s0 = Tap(grad, lower, right, p, 0, s0); s1 = Tap(grad, lower, right, p, 1, s1); s2 = Tap(grad, lower, right, p, 2, s2);
                    s3 = Tap(grad, lower, right, p, 4, s3); s4 = Tap(grad, lower, right, p, 5, s4); s5 = Tap(grad, lower, right, p, 6, s5);
                    s6 = Tap(grad, lower, right, p, 8, s6); s7 = Tap(grad, lower, right, p, 9, s7); s8 = Tap(grad, lower, right, p, 10, s8);
                }
                s0.Store(s); s1.Store(s + 16); s2.Store(s + 32); s3.Store(s + 48); s4.Store(s + 64);
                s5.Store(s + 80); s6.Store(s + 96); s7.Store(s + 112); s8.Store(s + 128);
            }
            biasSum.Store(sum + taps * 16);
        }
    }

    /// <summary>Vectors of scratch <see cref="AccumulateWeightGradient"/> needs for an image.</summary>
    public static int PixelsScratchSize(in WindowGeometry pool, int channels) => pool.OutHeight * channels * 16;

    /// <summary>
    /// One tap's sum plus the gradient times the pixels under the winners: P[i + ki][j + kj] with the tap's P[ki][kj]
    /// at <paramref name="first"/> (row offsets 4 vectors apart, column shifts 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Tap(Vector512<float> grad, Vector512<float> lower, Vector512<float> right, Vector512<float>* p, int first, Vector512<float> sum)
    {
        var top = Vector512.ConditionalSelect(right, p[first + 1], p[first]);
        var bottom = Vector512.ConditionalSelect(right, p[first + 5], p[first + 4]);
        return Vector512.FusedMultiplyAdd(grad, Vector512.ConditionalSelect(lower, bottom, top), sum);
    }
}
