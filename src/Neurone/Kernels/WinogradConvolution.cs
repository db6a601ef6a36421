using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// A 3×3 stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3): each 2×2 tile of outputs is computed
/// from the 4×4 input tile under it with 16 multiplies per channel pair instead of 36. Per image, on one thread:
/// the input is copied channels-last into a zero-padded buffer, every tile transformed (V = Bᵀ·d·B), the 16
/// transformed planes multiplied by the transformed weights (U = G·g·Gᵀ, <see cref="TransformWeights"/>) in 16
/// small products over the channels, and each tile's products transformed back (Aᵀ·M·A) and biased, then either
/// written out (cut at zero with a fused ReLU) or, with a following ReLU and 2×2 max pooling whose windows are
/// exactly the tiles, pooled and cut at zero in registers.
/// </summary>
/// <remarks>
/// The backward is the exact adjoint of those steps, so it is the gradient of what the forward computed: the
/// output gradient (masked by the ReLU; pooled, sent to each window's winner) is transformed (A·dY·Aᵀ); the input
/// gradient is B·(dM·Uᵀ)·Bᵀ summed over the overlapping tiles, the weight gradient Gᵀ·(Σ V·dM)·G. LeNet's second
/// layer (32 → 64 channels, 13×13 pooled to 5×5): 25 tiles per image and 2.25× fewer multiplies than the cropped
/// im2col products, in each of the three. Results differ from the direct sum by rounding only (the transforms add
/// and subtract a few neighbours and halve). Needs AVX-512 and channel counts in multiples of 16; pooled, the
/// indices are those <see cref="MaxPool"/> records, so the other path can read them.
/// </remarks>
internal static unsafe class WinogradConvolution
{
    /// <summary>Points of a transformed tile (4×4).</summary>
    const int Points = 16;

    /// <summary>Channels per product block: two vectors (one for a last block of 16).</summary>
    const int Width = 32;

    /// <summary>Channel counts, and a forward's range of output channels, come in multiples of this: one vector.</summary>
    public const int ChannelBlock = 16;

    /// <summary>The most rows (tiles, or input channels) one product block takes: 8 × 2 vectors of accumulators.</summary>
    const int MaxRows = 8;

    /// <summary>
    /// Each thread's scratch, grown to the largest image seen: the channels-last input and input gradient, a band's
    /// transformed tiles and products, the masked output gradient, and the whole image's results channels last.
    /// </summary>
    [ThreadStatic] static float[]? inputScratch, gradInputScratch, transformedScratch, productScratch, gradientScratch, outputScratch;

    /// <summary>True when this CPU and <paramref name="conv"/> fit: a 3×3 kernel, stride and dilation 1, any padding.</summary>
    public static bool Applies(in WindowGeometry conv, int channels, int outChannels) => Applies(conv, channels, outChannels, Simd.Best);

    /// <summary>
    /// As <see cref="Applies(in WindowGeometry, int, int)"/>, at <paramref name="level"/>. Padding may differ at the two
    /// ends: the tiles read a buffer zero-padded past the input as far as they reach.
    /// </summary>
    public static bool Applies(in WindowGeometry conv, int channels, int outChannels, SimdLevel level) =>
        level == SimdLevel.Vector512
        && conv.KernelH == 3 && conv.KernelW == 3 && conv.StrideH == 1 && conv.StrideW == 1 && conv.DilationH == 1 && conv.DilationW == 1
        && channels % ChannelBlock == 0 && outChannels % ChannelBlock == 0;

    /// <summary>
    /// True when <paramref name="conv"/> (cropped to what the pooling reads) fits and <paramref name="pool"/>'s windows
    /// are the tiles: 2×2 at stride 2, no padding, covering the plane exactly.
    /// </summary>
    public static bool AppliesPooled(in WindowGeometry conv, in WindowGeometry pool, int channels, int outChannels) =>
        AppliesPooled(conv, pool, channels, outChannels, Simd.Best);

    /// <summary>As <see cref="AppliesPooled(in WindowGeometry, in WindowGeometry, int, int)"/>, at <paramref name="level"/>.</summary>
    public static bool AppliesPooled(in WindowGeometry conv, in WindowGeometry pool, int channels, int outChannels, SimdLevel level) =>
        Applies(conv, channels, outChannels, level)
        && pool.KernelH == 2 && pool.KernelW == 2 && pool.StrideH == 2 && pool.StrideW == 2 && pool.IsUnpadded
        && pool.DilationH == 1 && pool.DilationW == 1
        && pool.Height == conv.OutHeight && pool.Width == conv.OutWidth
        && conv.OutHeight == 2 * pool.OutHeight && conv.OutWidth == 2 * pool.OutWidth;

    /// <summary>Floats of the transformed weights of <paramref name="channels"/> → <paramref name="outChannels"/>.</summary>
    public static int TransformedSize(int channels, int outChannels) => Points * channels * outChannels;

    /// <summary>
    /// U = G·g·Gᵀ for every filter of the O×C×3×3 weight <paramref name="w"/>, as 16 planes: C×O (the forward's
    /// right operand) or, with <paramref name="byOutput"/>, O×C (the input gradient's).
    /// </summary>
    public static void TransformWeights(float* w, int channels, int outChannels, float* u, bool byOutput)
    {
        float* taps = stackalloc float[9 * 16];
        var half = Vector512.Create(0.5f);
        Span<Vector512<float>> t = stackalloc Vector512<float>[12];
        int outer = byOutput ? outChannels : channels, inner = byOutput ? channels : outChannels;
        nint plane = (nint)channels * outChannels;
        for (int a = 0; a < outer; a++)
            for (int b0 = 0; b0 < inner; b0 += 16)
            {
                // 16 filters along the plane's rows (consecutive in the weight by output, 9·C apart by channel), their
                // 9 taps transposed so that each tap is one vector.
                int o = byOutput ? a : b0, c = byOutput ? b0 : a;
                Transpose16.Matrix(w + ((nint)o * channels + c) * 9, byOutput ? 9 : 9 * channels, 16, 9, taps, 16);
                // G·g: rows g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2 of each column.
                for (int j = 0; j < 3; j++)
                {
                    var g0 = Vector512.Load(taps + j * 16);
                    var g1 = Vector512.Load(taps + (3 + j) * 16);
                    var g2 = Vector512.Load(taps + (6 + j) * 16);
                    t[j] = g0;
                    t[3 + j] = (g0 + g1 + g2) * half;
                    t[6 + j] = (g0 - g1 + g2) * half;
                    t[9 + j] = g2;
                }
                // (G·g)·Gᵀ: the same on each row.
                float* dst = u + (nint)a * inner + b0;
                for (int r = 0; r < 4; r++)
                {
                    var g0 = t[3 * r]; var g1 = t[3 * r + 1]; var g2 = t[3 * r + 2];
                    (g0).Store(dst + (4 * r) * plane);
                    ((g0 + g1 + g2) * half).Store(dst + (4 * r + 1) * plane);
                    ((g0 - g1 + g2) * half).Store(dst + (4 * r + 2) * plane);
                    (g2).Store(dst + (4 * r + 3) * plane);
                }
            }
    }

    /// <summary>
    /// The weight gradient Gᵀ·dU·G of every filter, from the 16 C×O planes <paramref name="du"/> (Σ V·dM over the
    /// tiles), written over the O×C×3×3 <paramref name="gw"/>.
    /// </summary>
    public static void WeightGradient(float* du, int channels, int outChannels, float* gw)
    {
        float* taps = stackalloc float[9 * 16];
        nint plane = (nint)channels * outChannels;
        var half = Vector512.Create(0.5f);
        Span<Vector512<float>> s = stackalloc Vector512<float>[12];
        for (int c = 0; c < channels; c++)
            for (int o0 = 0; o0 < outChannels; o0 += 16)
            {
                float* src = du + (nint)c * outChannels + o0;
                // Gᵀ·dU: rows dU0 + (dU1 + dU2)/2, (dU1 − dU2)/2, (dU1 + dU2)/2 + dU3 of each column.
                for (int b = 0; b < 4; b++)
                {
                    var d0 = Vector512.Load(src + b * plane);
                    var d1 = Vector512.Load(src + (4 + b) * plane);
                    var d2 = Vector512.Load(src + (8 + b) * plane);
                    var d3 = Vector512.Load(src + (12 + b) * plane);
                    var sum = (d1 + d2) * half;
                    s[b] = d0 + sum;
                    s[4 + b] = (d1 - d2) * half;
                    s[8 + b] = sum + d3;
                }
                // (Gᵀ·dU)·G: the same along each row.
                for (int i = 0; i < 3; i++)
                {
                    var d0 = s[4 * i]; var d1 = s[4 * i + 1]; var d2 = s[4 * i + 2]; var d3 = s[4 * i + 3];
                    var sum = (d1 + d2) * half;
                    (d0 + sum).Store(taps + (3 * i) * 16);
                    ((d1 - d2) * half).Store(taps + (3 * i + 1) * 16);
                    (sum + d3).Store(taps + (3 * i + 2) * 16);
                }
                // Back to 16 filters 9·C apart.
                Transpose16.Matrix(taps, 16, 9, 16, gw + ((nint)o0 * channels + c) * 9, 9 * channels);
            }
    }

    /// <summary>
    /// One image: output channels [<paramref name="o0"/>, <paramref name="o1"/>) (multiples of 16) of the
    /// convolution plus <paramref name="bias"/> (may be null), cut at zero with <paramref name="relu"/>, into the
    /// O×OH×OW <paramref name="y"/>. <paramref name="u"/> is <see cref="TransformWeights"/> by channel.
    /// </summary>
    public static void Forward(in WindowGeometry conv, int channels, int outChannels, float* x, float* u, float* bias,
        int o0, int o1, bool relu, float* y)
    {
        var tiles = new Tiles(conv);
        float* xp = ChannelsLastInput(conv, tiles, channels, x);
        // Each tile's four outputs, channels last, on the whole tile grid (one row and column past an odd output).
        float* results = Scratch(ref outputScratch, 4 * tiles.Count * outChannels);
        int bands = Bands(tiles.Count, channels, outChannels);
        for (int k = 0; k < bands; k++)
        {
            var band = Split(tiles.Count, bands, k);
            float* m = Products(tiles, band, channels, outChannels, xp, u, o0, o1);
            TransformOutput(tiles, band, outChannels, o0, o1, m, bias, relu, results);
        }
        int width = 2 * tiles.Columns;
        for (int oy = 0; oy < conv.OutHeight; oy++)
            Transpose16.Matrix(results + (nint)oy * width * outChannels + o0, outChannels, conv.OutWidth, o1 - o0,
                y + (nint)o0 * conv.OutPlane + oy * conv.OutWidth, conv.OutPlane);
    }

    /// <summary>
    /// One image, pooled: the ReLU'd maxima of the tiles for output channels [<paramref name="o0"/>,
    /// <paramref name="o1"/>) into the O×PH×PW <paramref name="pooled"/>, and the winners' indices into
    /// <paramref name="indices"/>.
    /// </summary>
    public static void ForwardPooled(in WindowGeometry conv, int channels, int outChannels, float* x, float* u, float* bias,
        int o0, int o1, float* pooled, int* indices)
    {
        var tiles = new Tiles(conv);
        int count = tiles.Count;
        float* xp = ChannelsLastInput(conv, tiles, channels, x);
        float* results = Scratch(ref outputScratch, 2 * count * outChannels);
        float* best = results;
        int* at = (int*)(results + count * outChannels);
        int bands = Bands(count, channels, outChannels);
        for (int k = 0; k < bands; k++)
        {
            var band = Split(count, bands, k);
            float* m = Products(tiles, band, channels, outChannels, xp, u, o0, o1);
            TransformOutputPooled(tiles, band, outChannels, o0, o1, m, bias, best, at);
        }
        // [tile][channel] → the O×PH×PW output.
        Transpose16.Matrix(best + o0, outChannels, count, o1 - o0, pooled + (nint)o0 * count, count);
        Transpose16.Matrix((float*)at + o0, outChannels, count, o1 - o0, (float*)indices + (nint)o0 * count, count);
    }

    /// <summary>
    /// Tiles taken at a time: the band's transformed input and products (16 planes of tiles × (C + O)) in about
    /// half the L2. LeNet's second layer fits whole (25 tiles), the CIFAR net's second (225 tiles of 32 + 32
    /// channels) takes two bands; a large image is no longer a pass over tens of megabytes per product.
    /// </summary>
    static int Bands(int count, int channels, int outChannels)
    {
        int band = Math.Max(MaxRows, 8192 / (channels + outChannels));
        return (count + band - 1) / band;
    }

    /// <summary>The forward's products M[ξ] = V[ξ]·U[ξ] of a band's tiles: 16 planes of tiles × O, channels [o0, o1) filled.</summary>
    static float* Products(in Tiles tiles, Band band, int channels, int outChannels, float* xp, float* u, int o0, int o1)
    {
        int n = band.Count;
        float* v = Scratch(ref transformedScratch, Points * n * channels);
        float* m = Scratch(ref productScratch, Points * n * outChannels);
        TransformInput(tiles, band, channels, xp, v);
        int tileBlocks = Blocks(n);
        for (int xi = 0; xi < Points; xi++)
            for (int k = 0; k < tileBlocks; k++)
            {
                var (t0, rows) = Split(n, tileBlocks, k);
                for (int o = o0; o < o1; o += Width)
                    Product(rows, o1 - o, v + ((nint)xi * n + t0) * channels, channels, 1, u + (nint)xi * channels * outChannels + o, outChannels,
                        m + ((nint)xi * n + t0) * outChannels + o, outChannels, channels, accumulate: false);
            }
        return m;
    }

    /// <summary>
    /// One image's gradients from its output gradient <paramref name="gradOutput"/> (O×OH×OW), masked where
    /// <paramref name="reluOutput"/> (the forward's output with its ReLU; null for none) was not positive. The input
    /// gradient (C×H×W, optional) is written; the transformed weight gradient (16 C×O planes) and the bias gradient
    /// (optional) are added to. <paramref name="ut"/> is <see cref="TransformWeights"/> by output (needed only for
    /// the input gradient).
    /// </summary>
    public static void Backward(in WindowGeometry conv, int channels, int outChannels, float* x, float* ut,
        float* reluOutput, float* gradOutput, float* gx, float* du, float* gb)
    {
        var tiles = new Tiles(conv);
        int count = tiles.Count, outImage = outChannels * conv.OutPlane, width = 2 * tiles.Columns;
        float* g = gradOutput;
        if (reluOutput != null)
        {
            g = Scratch(ref gradientScratch, outImage);
            MaskByRelu(reluOutput, gradOutput, outImage, g);
        }
        AddBiasGradient(g, outChannels, conv.OutPlane, gb);
        // Channels last on the whole tile grid, zero past an odd output's last row and column.
        float* tileGrad = Scratch(ref outputScratch, 4 * count * outChannels);
        if (width != conv.OutWidth || 2 * tiles.Rows != conv.OutHeight) new Span<float>(tileGrad, 4 * count * outChannels).Clear();
        for (int oy = 0; oy < conv.OutHeight; oy++)
            Transpose16.Matrix(g + (nint)oy * conv.OutWidth, conv.OutPlane, outChannels, conv.OutWidth, tileGrad + (nint)oy * width * outChannels, outChannels);
        BackwardFromTiles(conv, tiles, channels, outChannels, x, ut, tileGrad, null, gx, du);
    }

    /// <summary>
    /// One image's gradients from its pooled output gradient <paramref name="gradPooled"/>, masked where the pooled
    /// <paramref name="output"/> was not positive and sent to the winners in <paramref name="indices"/>. Targets as
    /// in <see cref="Backward"/>.
    /// </summary>
    public static void BackwardPooled(in WindowGeometry conv, int channels, int outChannels, float* x, float* ut,
        float* output, int* indices, float* gradPooled, float* gx, float* du, float* gb)
    {
        var tiles = new Tiles(conv);
        int count = tiles.Count, pooledImage = count * outChannels;
        float* masked = Scratch(ref gradientScratch, pooledImage);
        MaskByRelu(output, gradPooled, pooledImage, masked);
        AddBiasGradient(masked, outChannels, count, gb);
        // [channel][tile] → [tile][channel].
        float* grads = Scratch(ref outputScratch, 2 * pooledImage);
        float* g = grads;
        int* at = (int*)(grads + pooledImage);
        Transpose16.Matrix(masked, count, outChannels, count, g, outChannels);
        Transpose16.Matrix((float*)indices, count, outChannels, count, (float*)at, outChannels);
        BackwardFromTiles(conv, tiles, channels, outChannels, x, ut, g, at, gx, du);
    }

    /// <summary>
    /// The rest of a backward from the tiles' output gradients, band by band: dM = A·dY·Aᵀ (from the 2×2 gradients
    /// channels last, or with <paramref name="winners"/> from each tile's pooled gradient and winner), then
    /// dU[ξ] += V[ξ]ᵀ·dM[ξ] (the input transformed again) and the input gradient B·(dM[ξ]·Uᵀ[ξ])·Bᵀ summed over
    /// the overlapping tiles.
    /// </summary>
    static void BackwardFromTiles(in WindowGeometry conv, in Tiles tiles, int channels, int outChannels, float* x, float* ut,
        float* tileGrad, int* winners, float* gx, float* du)
    {
        int count = tiles.Count, size = tiles.PaddedSize(channels);
        float* xp = du == null ? null : ChannelsLastInput(conv, tiles, channels, x);
        float* dxp = null;
        if (gx != null)
        {
            dxp = Scratch(ref gradInputScratch, size);
            new Span<float>(dxp, size).Clear();
        }
        int bands = Bands(count, channels, outChannels);
        for (int b = 0; b < bands; b++)
        {
            var band = Split(count, bands, b);
            int n = band.Count;
            float* dm = Scratch(ref productScratch, Points * n * outChannels);
            if (winners == null) TransformOutputGradient(tiles, band, outChannels, tileGrad, dm);
            else TransformOutputGradientPooled(tiles, band, outChannels, tileGrad, winners, dm);
            float* v = Scratch(ref transformedScratch, Points * n * channels);
            if (du != null)
            {
                TransformInput(tiles, band, channels, xp, v);
                // Rows are input channels, the depth the band's tiles.
                int channelBlocks = Blocks(channels);
                for (int xi = 0; xi < Points; xi++)
                    for (int k = 0; k < channelBlocks; k++)
                    {
                        var (c0, rows) = Split(channels, channelBlocks, k);
                        for (int o = 0; o < outChannels; o += Width)
                            Product(rows, outChannels - o, v + (nint)xi * n * channels + c0, 1, channels, dm + (nint)xi * n * outChannels + o, outChannels,
                                du + (nint)xi * channels * outChannels + (nint)c0 * outChannels + o, outChannels, n, accumulate: true);
                    }
            }
            if (gx == null) continue;
            // dV[ξ] (tiles × C) over the band's V, which the weight gradient has used by now.
            float* dv = v;
            int tileBlocks = Blocks(n);
            for (int xi = 0; xi < Points; xi++)
                for (int k = 0; k < tileBlocks; k++)
                {
                    var (t0, rows) = Split(n, tileBlocks, k);
                    for (int c = 0; c < channels; c += Width)
                        Product(rows, channels - c, dm + ((nint)xi * n + t0) * outChannels, outChannels, 1, ut + (nint)xi * channels * outChannels + c, channels,
                            dv + ((nint)xi * n + t0) * channels + c, channels, outChannels, accumulate: false);
                }
            TransformInputGradient(tiles, band, channels, dv, dxp);
        }
        if (gx != null) FromChannelsLast(conv, tiles, channels, dxp, gx);
    }

    /// <summary>dst = gradient where output &gt; 0, else 0 (the ReLU's backward), over <paramref name="count"/> floats.</summary>
    static void MaskByRelu(float* output, float* gradient, int count, float* dst)
    {
        for (int i = 0; i < count; i += 16)
        {
            var mask = LaneMasks.First512(count - i);
            var keep = Vector512.GreaterThan(Avx512F.MaskLoad(output + i, mask, Vector512<float>.Zero), Vector512<float>.Zero);
            Avx512F.MaskStore(dst + i, mask, Vector512.ConditionalSelect(keep, Avx512F.MaskLoad(gradient + i, mask, Vector512<float>.Zero), Vector512<float>.Zero));
        }
    }

    static void AddBiasGradient(float* gradient, int outChannels, int plane, float* gb)
    {
        if (gb == null) return;
        for (int o = 0; o < outChannels; o++)
            gb[o] += System.Numerics.Tensors.TensorPrimitives.Sum(new ReadOnlySpan<float>(gradient + (nint)o * plane, plane));
    }

    /// <summary>
    /// Asks for <paramref name="count"/> floats from <paramref name="next"/> (the next image's input) to be brought into
    /// the cache while this image computes: the layer's input comes from memory, and its 32 channel planes read
    /// row by row are more streams than the hardware prefetcher follows.
    /// </summary>
    public static void Prefetch(float* next, int count)
    {
        for (int i = 0; i < count; i += 16) Sse.Prefetch0(next + i);
    }

    /// <summary>The tile grid of one image and the zero-padded channels-last buffer the tiles read from.</summary>
    readonly struct Tiles
    {
        /// <summary>Tile rows and columns: half the output's, rounded up (pooled, the pooled output's size).</summary>
        public readonly int Rows, Columns;

        /// <summary>Rows and columns of the padded buffer: the tiles' reach, and at least the padded input.</summary>
        public readonly int PaddedHeight, PaddedWidth;

        public Tiles(in WindowGeometry conv)
        {
            Rows = (conv.OutHeight + 1) / 2; Columns = (conv.OutWidth + 1) / 2;
            PaddedHeight = Math.Max(2 * Rows + 2, conv.PadH + conv.Height);
            PaddedWidth = Math.Max(2 * Columns + 2, conv.PadW + conv.Width);
        }

        public int Count => Rows * Columns;

        public int PaddedSize(int channels) => PaddedHeight * PaddedWidth * channels;

        /// <summary>Where tile <paramref name="t"/>'s 4×4 input window starts in the padded buffer.</summary>
        public nint Corner(int t, int channels)
        {
            int ty = t / Columns, tx = t - ty * Columns;
            return ((nint)2 * ty * PaddedWidth + 2 * tx) * channels;
        }
    }

    /// <summary>The image channels last in this thread's padded input buffer.</summary>
    static float* ChannelsLastInput(in WindowGeometry conv, in Tiles tiles, int channels, float* x)
    {
        float* xp = Scratch(ref inputScratch, tiles.PaddedSize(channels));
        ToChannelsLast(conv, tiles, channels, x, xp);
        return xp;
    }

    /// <summary>The C×H×W image into the padded H'×W'×C buffer at (padH, padW), zeros around it.</summary>
    static void ToChannelsLast(in WindowGeometry conv, in Tiles tiles, int channels, float* x, float* padded)
    {
        // Only the border is cleared (none at all for an unpadded layer the tiles cover, such as LeNet's second):
        // the image's rows are written whole.
        int rowFloats = tiles.PaddedWidth * channels, left = conv.PadW * channels, right = rowFloats - left - conv.Width * channels;
        new Span<float>(padded, conv.PadH * rowFloats).Clear();
        int below = conv.PadH + conv.Height;
        new Span<float>(padded + (nint)below * rowFloats, (tiles.PaddedHeight - below) * rowFloats).Clear();
        for (int y = 0; y < conv.Height; y++)
        {
            float* row = padded + (nint)(y + conv.PadH) * rowFloats;
            new Span<float>(row, left).Clear();
            new Span<float>(row + rowFloats - right, right).Clear();
            Transpose16.Matrix(x + (nint)y * conv.Width, conv.InPlane, channels, conv.Width, row + left, channels);
        }
    }

    /// <summary>The padded buffer's interior back to the C×H×W image (written over).</summary>
    static void FromChannelsLast(in WindowGeometry conv, in Tiles tiles, int channels, float* padded, float* x)
    {
        for (int y = 0; y < conv.Height; y++)
            Transpose16.Matrix(padded + ((nint)(y + conv.PadH) * tiles.PaddedWidth + conv.PadW) * channels, channels, conv.Width, channels,
                x + (nint)y * conv.Width, conv.InPlane);
    }

    /// <summary>V = Bᵀ·d·B for every channel of a band's tiles: 16 planes of tiles × C.</summary>
    static void TransformInput(in Tiles tiles, Band band, int channels, float* padded, float* v)
    {
        nint row = (nint)tiles.PaddedWidth * channels, plane = (nint)band.Count * channels;
        for (int l = 0; l < band.Count; l++)
        {
            float* corner = padded + tiles.Corner(band.First + l, channels);
            for (int c = 0; c < channels; c += 16)
            {
                float* p = corner + c;
                // Bᵀ down each column: d0 − d2, d1 + d2, d2 − d1, d1 − d3.
                Column(p, row, out var e00, out var e10, out var e20, out var e30);
                Column(p + channels, row, out var e01, out var e11, out var e21, out var e31);
                Column(p + 2 * channels, row, out var e02, out var e12, out var e22, out var e32);
                Column(p + 3 * channels, row, out var e03, out var e13, out var e23, out var e33);
                // ·B along each row, the same combination.
                float* dst = v + (nint)l * channels + c;
                StoreRow(dst, plane, 0, e00, e01, e02, e03);
                StoreRow(dst, plane, 4, e10, e11, e12, e13);
                StoreRow(dst, plane, 8, e20, e21, e22, e23);
                StoreRow(dst, plane, 12, e30, e31, e32, e33);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Column(float* p, nint row, out Vector512<float> e0, out Vector512<float> e1, out Vector512<float> e2, out Vector512<float> e3)
    {
        var d0 = Vector512.Load(p); var d1 = Vector512.Load(p + row); var d2 = Vector512.Load(p + 2 * row); var d3 = Vector512.Load(p + 3 * row);
        e0 = d0 - d2; e1 = d1 + d2; e2 = d2 - d1; e3 = d1 - d3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(float* dst, nint plane, int first, Vector512<float> d0, Vector512<float> d1, Vector512<float> d2, Vector512<float> d3)
    {
        (d0 - d2).Store(dst + first * plane);
        (d1 + d2).Store(dst + (first + 1) * plane);
        (d2 - d1).Store(dst + (first + 2) * plane);
        (d1 - d3).Store(dst + (first + 3) * plane);
    }

    /// <summary>
    /// Y = Aᵀ·M·A per tile for channels [o0, o1), plus the bias, cut at zero with <paramref name="relu"/>: each
    /// tile's four outputs into the channels-last grid <paramref name="y"/> (2·rows × 2·columns × O).
    /// </summary>
    static void TransformOutput(in Tiles tiles, Band band, int outChannels, int o0, int o1, float* m, float* bias, bool relu, float* y)
    {
        nint plane = (nint)band.Count * outChannels, row = (nint)2 * tiles.Columns * outChannels;
        for (int l = 0; l < band.Count; l++)
        {
            int t = band.First + l, ty = t / tiles.Columns, tx = t - ty * tiles.Columns;
            float* corner = y + 2 * ty * row + (nint)2 * tx * outChannels;
            for (int o = o0; o < o1; o += 16)
            {
                TileOutputs(m + (nint)l * outChannels + o, plane, bias, o, out var y00, out var y01, out var y10, out var y11);
                Finish(y00, relu).Store(corner + o);
                Finish(y01, relu).Store(corner + outChannels + o);
                Finish(y10, relu).Store(corner + row + o);
                Finish(y11, relu).Store(corner + row + outChannels + o);
            }
        }
    }

    /// <summary>max(y, 0) with <paramref name="relu"/> (NaN stays NaN, as TensorPrimitives.Max), else y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Finish(Vector512<float> y, bool relu) => relu ? Vector512.Max(y, Vector512<float>.Zero) : y;

    /// <summary>
    /// dM = A·dY·Aᵀ per tile from its 2×2 output gradient (channels last on the tile grid, as
    /// <see cref="TransformOutput"/> writes it). Down the rows: d0, d0 + d1, d0 − d1, −d1; then the same along them.
    /// </summary>
    static void TransformOutputGradient(in Tiles tiles, Band band, int outChannels, float* g, float* dm)
    {
        nint plane = (nint)band.Count * outChannels, row = (nint)2 * tiles.Columns * outChannels;
        for (int l = 0; l < band.Count; l++)
        {
            int t = band.First + l, ty = t / tiles.Columns, tx = t - ty * tiles.Columns;
            float* corner = g + 2 * ty * row + (nint)2 * tx * outChannels;
            for (int o = 0; o < outChannels; o += 16)
            {
                var d00 = Vector512.Load(corner + o); var d01 = Vector512.Load(corner + outChannels + o);
                var d10 = Vector512.Load(corner + row + o); var d11 = Vector512.Load(corner + row + outChannels + o);
                float* dst = dm + (nint)l * outChannels + o;
                SpreadColumns(dst, plane, 0, d00, d01);
                SpreadColumns(dst, plane, 4, d00 + d10, d01 + d11);
                SpreadColumns(dst, plane, 8, d00 - d10, d01 - d11);
                SpreadColumns(dst, plane, 12, -d10, -d11);
            }
        }
    }

    /// <summary>Row r of dM from r·dY's two columns: r0, r0 + r1, r0 − r1, −r1 into points first..first + 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void SpreadColumns(float* dst, nint plane, int first, Vector512<float> r0, Vector512<float> r1)
    {
        r0.Store(dst + first * plane);
        (r0 + r1).Store(dst + (first + 1) * plane);
        (r0 - r1).Store(dst + (first + 2) * plane);
        (-r1).Store(dst + (first + 3) * plane);
    }

    /// <summary>
    /// Y = Aᵀ·M·A per tile for channels [o0, o1), plus the bias, then the tile's maximum (the first maximum wins,
    /// NaN wins, as <see cref="MaxPool"/>) cut at zero, and its index in the cropped plane: [tile][channel].
    /// </summary>
    static void TransformOutputPooled(in Tiles tiles, Band band, int outChannels, int o0, int o1, float* m, float* bias, float* best, int* at)
    {
        int width = 2 * tiles.Columns;
        nint plane = (nint)band.Count * outChannels;
        var one = Vector512<int>.One;
        var nextRow = Vector512.Create(width);
        for (int l = 0; l < band.Count; l++)
        {
            int t = band.First + l, ty = t / tiles.Columns, tx = t - ty * tiles.Columns;
            var corner = Vector512.Create(2 * ty * width + 2 * tx);
            for (int o = o0; o < o1; o += 16)
            {
                TileOutputs(m + (nint)l * outChannels + o, plane, bias, o, out var y00, out var y01, out var y10, out var y11);
                var right = Wins(y01, y00);
                var top = Vector512.ConditionalSelect(right, y01, y00);
                var topAt = right.AsInt32() & one;
                right = Wins(y11, y10);
                var bottom = Vector512.ConditionalSelect(right, y11, y10);
                var bottomAt = nextRow + (right.AsInt32() & one);
                var lower = Wins(bottom, top);
                Vector512.Max(Vector512.ConditionalSelect(lower, bottom, top), Vector512<float>.Zero).Store(best + (nint)t * outChannels + o);
                (corner + Vector512.ConditionalSelect(lower.AsInt32(), bottomAt, topAt)).Store(at + (nint)t * outChannels + o);
            }
        }
    }

    /// <summary>
    /// One tile's four outputs for 16 channels from its 16 products at <paramref name="p"/> (points
    /// <paramref name="plane"/> apart): Aᵀ down each column (m0 + m1 + m2, m1 − m2 − m3), then along each row, plus
    /// the bias of channels o..o + 15 (none when null).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void TileOutputs(float* p, nint plane, float* bias, int o,
        out Vector512<float> y00, out Vector512<float> y01, out Vector512<float> y10, out Vector512<float> y11)
    {
        Fold(p, plane, 0, out var f00, out var f10);
        Fold(p, plane, 1, out var f01, out var f11);
        Fold(p, plane, 2, out var f02, out var f12);
        Fold(p, plane, 3, out var f03, out var f13);
        var b = bias == null ? Vector512<float>.Zero : Vector512.Load(bias + o);
        y00 = f00 + f01 + f02 + b; y01 = f01 - f02 - f03 + b;
        y10 = f10 + f11 + f12 + b; y11 = f11 - f12 - f13 + b;
    }

    /// <summary>Where <paramref name="later"/> replaces <paramref name="first"/>: greater, or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Wins(Vector512<float> later, Vector512<float> first) =>
        Vector512.GreaterThan(later, first) | ~Vector512.Equals(later, later);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Fold(float* p, nint plane, int column, out Vector512<float> f0, out Vector512<float> f1)
    {
        var m0 = Vector512.Load(p + column * plane); var m1 = Vector512.Load(p + (4 + column) * plane);
        var m2 = Vector512.Load(p + (8 + column) * plane); var m3 = Vector512.Load(p + (12 + column) * plane);
        f0 = m0 + m1 + m2; f1 = m1 - m2 - m3;
    }

    /// <summary>
    /// dM = A·dY·Aᵀ per tile, where dY is the tile's gradient: the masked pooled gradient at the winner (row i,
    /// column j of the tile), zero elsewhere. dM[a][b] = g·Aᵀ[i][a]·Aᵀ[j][b], Aᵀ's rows (1, 1, 1, 0), (0, 1, −1, −1).
    /// </summary>
    static void TransformOutputGradientPooled(in Tiles tiles, Band band, int outChannels, float* g, int* at, float* dm)
    {
        int width = 2 * tiles.Columns;
        nint plane = (nint)band.Count * outChannels;
        var odd = Vector512<int>.One;
        for (int l = 0; l < band.Count; l++)
        {
            int t = band.First + l, ty = t / tiles.Columns;
            var secondRow = Vector512.Create((2 * ty + 1) * width);
            for (int o = 0; o < outChannels; o += 16)
            {
                nint k = (nint)t * outChannels + o;
                var grad = Vector512.Load(g + k);
                var index = Vector512.Load(at + k);
                var lowerRow = Vector512.GreaterThanOrEqual(index, secondRow).AsSingle();
                var rightColumn = Vector512.Equals(index & odd, odd).AsSingle();
                var zero = Vector512<float>.Zero;
                // g·Aᵀ[i][a] for a = 0..3.
                var r0 = Vector512.ConditionalSelect(lowerRow, zero, grad);
                var r2 = Vector512.ConditionalSelect(lowerRow, -grad, grad);
                var r3 = Vector512.ConditionalSelect(lowerRow, -grad, zero);
                float* dst = dm + (nint)l * outChannels + o;
                SpreadRow(dst, plane, 0, r0, rightColumn);
                SpreadRow(dst, plane, 4, grad, rightColumn);
                SpreadRow(dst, plane, 8, r2, rightColumn);
                SpreadRow(dst, plane, 12, r3, rightColumn);
            }
        }
    }

    /// <summary>r·Aᵀ[j][b] for b = 0..3 into points first..first + 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void SpreadRow(float* dst, nint plane, int first, Vector512<float> r, Vector512<float> rightColumn)
    {
        var zero = Vector512<float>.Zero;
        Vector512.ConditionalSelect(rightColumn, zero, r).Store(dst + first * plane);
        r.Store(dst + (first + 1) * plane);
        Vector512.ConditionalSelect(rightColumn, -r, r).Store(dst + (first + 2) * plane);
        Vector512.ConditionalSelect(rightColumn, -r, zero).Store(dst + (first + 3) * plane);
    }

    /// <summary>dd = B·dV·Bᵀ per tile of a band and channel, added into the padded channels-last buffer at the tile's corner.</summary>
    static void TransformInputGradient(in Tiles tiles, Band band, int channels, float* dv, float* padded)
    {
        nint row = (nint)tiles.PaddedWidth * channels, plane = (nint)band.Count * channels;
        for (int l = 0; l < band.Count; l++)
        {
            float* corner = padded + tiles.Corner(band.First + l, channels);
            for (int c = 0; c < channels; c += 16)
            {
                float* src = dv + (nint)l * channels + c;
                // B·Z per column b: z0, z1 − z2 + z3, z1 + z2 − z0, −z3.
                Unfold(src, plane, 0, out var h00, out var h10, out var h20, out var h30);
                Unfold(src, plane, 1, out var h01, out var h11, out var h21, out var h31);
                Unfold(src, plane, 2, out var h02, out var h12, out var h22, out var h32);
                Unfold(src, plane, 3, out var h03, out var h13, out var h23, out var h33);
                // ·Bᵀ along each row, the same combination, added in.
                AddRow(corner + c, channels, h00, h01, h02, h03);
                AddRow(corner + row + c, channels, h10, h11, h12, h13);
                AddRow(corner + 2 * row + c, channels, h20, h21, h22, h23);
                AddRow(corner + 3 * row + c, channels, h30, h31, h32, h33);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Unfold(float* src, nint plane, int column, out Vector512<float> h0, out Vector512<float> h1, out Vector512<float> h2, out Vector512<float> h3)
    {
        var z0 = Vector512.Load(src + column * plane); var z1 = Vector512.Load(src + (4 + column) * plane);
        var z2 = Vector512.Load(src + (8 + column) * plane); var z3 = Vector512.Load(src + (12 + column) * plane);
        h0 = z0; h1 = z1 - z2 + z3; h2 = z1 + z2 - z0; h3 = -z3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddRow(float* p, nint step, Vector512<float> z0, Vector512<float> z1, Vector512<float> z2, Vector512<float> z3)
    {
        (Vector512.Load(p) + z0).Store(p);
        (Vector512.Load(p + step) + (z1 - z2 + z3)).Store(p + step);
        (Vector512.Load(p + 2 * step) + (z1 + z2 - z0)).Store(p + 2 * step);
        (Vector512.Load(p + 3 * step) - z3).Store(p + 3 * step);
    }

    /// <summary>Blocks of at most <see cref="MaxRows"/> rows that <paramref name="total"/> rows take.</summary>
    static int Blocks(int total) => (total + MaxRows - 1) / MaxRows;

    /// <summary>Part <paramref name="k"/> of <paramref name="parts"/> over <paramref name="total"/> rows or tiles, the sizes as even as they come (25 = 7 + 6 + 6 + 6).</summary>
    static Band Split(int total, int parts, int k)
    {
        int from = total * k / parts, to = total * (k + 1) / parts;
        return new(from, to - from);
    }

    /// <summary>Consecutive tiles (or rows) [First, First + Count).</summary>
    readonly record struct Band(int First, int Count);

    static float* Scratch(ref float[]? buffer, int size)
    {
        if (buffer is null || buffer.Length < size) buffer = GC.AllocateUninitializedArray<float>(size, pinned: true);
        return (float*)Unsafe.AsPointer(ref buffer[0]);
    }

    /// <summary>
    /// c[r][0..w) (+)= Σ_k a[r·aRow + k·aK]·b[k·ldb + 0..w) for <paramref name="rows"/> ≤ 8 rows and w = 32 (16 when
    /// only <paramref name="columns"/> &lt; 32 remain): every product of this kernel, with the rows and the depth
    /// chosen by the caller.
    /// </summary>
    static void Product(int rows, int columns, float* a, nint aRow, nint aK, float* b, nint ldb, float* c, nint ldc, int depth, bool accumulate)
    {
        if (columns >= Width) Product<Two>(rows, a, aRow, aK, b, ldb, c, ldc, depth, accumulate);
        else Product<One>(rows, a, aRow, aK, b, ldb, c, ldc, depth, accumulate);
    }

    static void Product<TColumns>(int rows, float* a, nint aRow, nint aK, float* b, nint ldb, float* c, nint ldc, int depth, bool accumulate)
        where TColumns : struct, IVectors
    {
        switch (rows)
        {
            case 1: Product<R1, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            case 2: Product<R2, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            case 3: Product<R3, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            case 4: Product<R4, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            case 5: Product<R5, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            case 6: Product<R6, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            case 7: Product<R7, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            case 8: Product<R8, TColumns>(a, aRow, aK, b, ldb, c, ldc, depth, accumulate); break;
            default: throw new ArgumentOutOfRangeException(nameof(rows), rows, "a product block has 1 to 8 rows.");
        }
    }

    /// <summary>Vectors of 16 columns a product block takes.</summary>
    interface IVectors { static abstract int Count { get; } }
    struct One : IVectors { public static int Count => 1; }
    struct Two : IVectors { public static int Count => 2; }

    interface IRows { static abstract int Count { get; } }
    struct R1 : IRows { public static int Count => 1; }
    struct R2 : IRows { public static int Count => 2; }
    struct R3 : IRows { public static int Count => 3; }
    struct R4 : IRows { public static int Count => 4; }
    struct R5 : IRows { public static int Count => 5; }
    struct R6 : IRows { public static int Count => 6; }
    struct R7 : IRows { public static int Count => 7; }
    struct R8 : IRows { public static int Count => 8; }

    /// <summary>The kernel for a row and vector count known when compiled: the JIT drops the rows and the vector past them.</summary>
    [SkipLocalsInit]
    static void Product<TRows, TColumns>(float* a, nint aRow, nint aK, float* b, nint ldb, float* c, nint ldc, int depth, bool accumulate)
        where TRows : struct, IRows where TColumns : struct, IVectors
    {
        int n = TRows.Count;
        bool two = TColumns.Count > 1;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        if (accumulate)
        {
            c00 = Vector512.Load(c); if (two) c01 = Vector512.Load(c + 16);
            if (n > 1) { c10 = Vector512.Load(c + ldc); if (two) c11 = Vector512.Load(c + ldc + 16); }
            if (n > 2) { c20 = Vector512.Load(c + 2 * ldc); if (two) c21 = Vector512.Load(c + 2 * ldc + 16); }
            if (n > 3) { c30 = Vector512.Load(c + 3 * ldc); if (two) c31 = Vector512.Load(c + 3 * ldc + 16); }
            if (n > 4) { c40 = Vector512.Load(c + 4 * ldc); if (two) c41 = Vector512.Load(c + 4 * ldc + 16); }
            if (n > 5) { c50 = Vector512.Load(c + 5 * ldc); if (two) c51 = Vector512.Load(c + 5 * ldc + 16); }
            if (n > 6) { c60 = Vector512.Load(c + 6 * ldc); if (two) c61 = Vector512.Load(c + 6 * ldc + 16); }
            if (n > 7) { c70 = Vector512.Load(c + 7 * ldc); if (two) c71 = Vector512.Load(c + 7 * ldc + 16); }
        }
        for (int k = 0; k < depth; k++)
        {
            // With one vector the second column's multiplies run on a copy and are never stored.
            var b0 = Vector512.Load(b); var b1 = two ? Vector512.Load(b + 16) : b0;
            float* ak = a;
            var s = Vector512.Create(ak[0]); c00 = Avx512F.FusedMultiplyAdd(s, b0, c00); c01 = Avx512F.FusedMultiplyAdd(s, b1, c01);
            if (n > 1) { s = Vector512.Create(ak[aRow]); c10 = Avx512F.FusedMultiplyAdd(s, b0, c10); c11 = Avx512F.FusedMultiplyAdd(s, b1, c11); }
            if (n > 2) { s = Vector512.Create(ak[2 * aRow]); c20 = Avx512F.FusedMultiplyAdd(s, b0, c20); c21 = Avx512F.FusedMultiplyAdd(s, b1, c21); }
            if (n > 3) { s = Vector512.Create(ak[3 * aRow]); c30 = Avx512F.FusedMultiplyAdd(s, b0, c30); c31 = Avx512F.FusedMultiplyAdd(s, b1, c31); }
            if (n > 4) { s = Vector512.Create(ak[4 * aRow]); c40 = Avx512F.FusedMultiplyAdd(s, b0, c40); c41 = Avx512F.FusedMultiplyAdd(s, b1, c41); }
            if (n > 5) { s = Vector512.Create(ak[5 * aRow]); c50 = Avx512F.FusedMultiplyAdd(s, b0, c50); c51 = Avx512F.FusedMultiplyAdd(s, b1, c51); }
            if (n > 6) { s = Vector512.Create(ak[6 * aRow]); c60 = Avx512F.FusedMultiplyAdd(s, b0, c60); c61 = Avx512F.FusedMultiplyAdd(s, b1, c61); }
            if (n > 7) { s = Vector512.Create(ak[7 * aRow]); c70 = Avx512F.FusedMultiplyAdd(s, b0, c70); c71 = Avx512F.FusedMultiplyAdd(s, b1, c71); }
            a += aK;
            b += ldb;
        }
        c00.Store(c); if (two) c01.Store(c + 16);
        if (n > 1) { c10.Store(c + ldc); if (two) c11.Store(c + ldc + 16); }
        if (n > 2) { c20.Store(c + 2 * ldc); if (two) c21.Store(c + 2 * ldc + 16); }
        if (n > 3) { c30.Store(c + 3 * ldc); if (two) c31.Store(c + 3 * ldc + 16); }
        if (n > 4) { c40.Store(c + 4 * ldc); if (two) c41.Store(c + 4 * ldc + 16); }
        if (n > 5) { c50.Store(c + 5 * ldc); if (two) c51.Store(c + 5 * ldc + 16); }
        if (n > 6) { c60.Store(c + 6 * ldc); if (two) c61.Store(c + 6 * ldc + 16); }
        if (n > 7) { c70.Store(c + 7 * ldc); if (two) c71.Store(c + 7 * ldc + 16); }
    }
}
