using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// Lowers a convolution to a matrix product. Pack turns one C×H×W image into the
/// (C·kH·kW)×(OH·OW) column matrix whose row (c, i, j) holds, for every output position, the input under
/// kernel tap (i, j) of channel c (zero where it falls in the padding). Then W[O, C·kH·kW] · columns is the
/// O×OH×OW output already in NCHW order, with no transpose. Unpack is the adjoint (col2im):
/// it adds every column entry back onto the input pixel it came from.
/// </summary>
/// <remarks>
/// Rows are written whole and in order, so the work is a sequence of contiguous copies when the stride is
/// 1 (memmove, vectorised) and a strided gather otherwise; padding is written as explicit zeros at the
/// ends of each row rather than tested per element.
/// </remarks>
public static unsafe class Im2Col
{
    /// <summary>Fills <paramref name="columns"/> ((C·kH·kW)×(OH·OW)) from <paramref name="image"/> (C×H×W).</summary>
    public static void Pack(in WindowGeometry g, int channels, ReadOnlySpan<float> image, Span<float> columns)
        => Pack(g, channels, image, columns, Simd.Best);

    /// <summary>Pack with an explicit SIMD level (tests force every path).</summary>
    internal static void Pack(in WindowGeometry g, int channels, ReadOnlySpan<float> image, Span<float> columns, SimdLevel level)
    {
        Check(g, channels, image.Length, columns.Length, level);
        fixed (float* src = image, dst = columns) Pack(g, channels, src, dst, g.OutPlane, level);
    }

    /// <summary>Sets <paramref name="image"/> (C×H×W) to the col2im sum of <paramref name="columns"/>.</summary>
    public static void Unpack(in WindowGeometry g, int channels, ReadOnlySpan<float> columns, Span<float> image)
        => Unpack(g, channels, columns, image, Simd.Best);

    /// <summary>Unpack with an explicit SIMD level (tests force every path).</summary>
    internal static void Unpack(in WindowGeometry g, int channels, ReadOnlySpan<float> columns, Span<float> image, SimdLevel level)
    {
        Check(g, channels, image.Length, columns.Length, level);
        fixed (float* src = columns, dst = image) Unpack(g, channels, src, dst, g.OutPlane, level);
    }

    static void Check(in WindowGeometry g, int channels, int imageLength, int columnsLength, SimdLevel level)
    {
        g.Check("im2col");
        if (channels < 1) throw new ArgumentException($"im2col: expected at least 1 channel, got {channels}.");
        if (!Simd.IsSupported(level)) throw new ArgumentException($"im2col: SIMD level {level} is not supported by this CPU (best is {Simd.Best}).");
        long img = (long)channels * g.InPlane, cols = (long)channels * g.KernelArea * g.OutPlane;
        if (imageLength < img) throw new ArgumentException($"im2col: the image has {imageLength} elements, expected {channels}x{g.Height}x{g.Width} = {img}.");
        if (columnsLength < cols) throw new ArgumentException($"im2col: the column matrix has {columnsLength} elements, expected {channels * g.KernelArea}x{g.OutPlane} = {cols}.");
    }

    /// <summary>As the public Pack, with the column matrix's rows <paramref name="rowStride"/> apart (several images side by side).</summary>
    internal static void Pack(in WindowGeometry g, int channels, float* image, float* columns, int rowStride)
        => Pack(g, channels, image, columns, rowStride, Simd.Best);

    /// <summary>As the public Pack, with the column matrix's rows <paramref name="rowStride"/> apart, at <paramref name="level"/>.</summary>
    internal static void Pack(in WindowGeometry g, int channels, float* image, float* columns, int rowStride, SimdLevel level)
    {
        if (IsNarrowValid(g, level)) PackNarrow(g, channels, image, columns, rowStride);
        else if (Avx512F.IsSupported && level == SimdLevel.Vector512) Pack<Moves512>(g, channels, image, columns, rowStride);
        else if (Avx.IsSupported && level == SimdLevel.Vector256) Pack<Moves256>(g, channels, image, columns, rowStride);
        else Pack<MovesScalar>(g, channels, image, columns, rowStride);
    }

    /// <summary>The general Pack, its row copies at the width of <typeparamref name="TMoves"/>.</summary>
    static void Pack<TMoves>(in WindowGeometry g, int channels, float* image, float* columns, int rowStride) where TMoves : struct, IRowMoves
    {
        int oh = g.OutHeight, ow = g.OutWidth, w = g.Width, sw = g.StrideW;
        float* dst = columns;
        for (int c = 0; c < channels; c++)
        {
            float* plane = image + (nint)c * g.InPlane;
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                int rowOffset = ki * g.DilationH - g.PadH;
                var (yLo, yHi) = WindowGeometry.ValidRange(rowOffset, g.StrideH, g.Height, oh);
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    int colOffset = kj * g.DilationW - g.PadW;
                    var (xLo, xHi) = WindowGeometry.ValidRange(colOffset, sw, w, ow);
                    new Span<float>(dst, yLo * ow).Clear();
                    for (int y = yLo; y < yHi; y++)
                    {
                        float* d = dst + y * ow;
                        float* s = plane + (nint)(y * g.StrideH + rowOffset) * w + colOffset;
                        for (int x = 0; x < xLo; x++) d[x] = 0f;
                        if (sw == 1) TMoves.Copy(s + xLo, d + xLo, xHi - xLo);
                        else for (int x = xLo; x < xHi; x++) d[x] = s[x * sw];
                        for (int x = xHi; x < ow; x++) d[x] = 0f;
                    }
                    new Span<float>(dst + yHi * ow, (oh - yHi) * ow).Clear();
                    dst += rowStride;
                }
            }
        }
    }

    /// <summary>As the public Unpack, with the column matrix's rows <paramref name="rowStride"/> apart, at <paramref name="level"/>.</summary>
    internal static void Unpack(in WindowGeometry g, int channels, float* columns, float* image, int rowStride, SimdLevel level)
    {
        if (IsNarrowValid(g, level)) UnpackNarrow(g, channels, columns, image, rowStride);
        else if (Avx512F.IsSupported && level == SimdLevel.Vector512) Unpack<Moves512>(g, channels, columns, image, rowStride);
        else if (Avx.IsSupported && level == SimdLevel.Vector256) Unpack<Moves256>(g, channels, columns, image, rowStride);
        else Unpack<MovesScalar>(g, channels, columns, image, rowStride);
    }

    /// <summary>The general Unpack, its row additions at the width of <typeparamref name="TMoves"/>.</summary>
    static void Unpack<TMoves>(in WindowGeometry g, int channels, float* columns, float* image, int rowStride) where TMoves : struct, IRowMoves
    {
        int oh = g.OutHeight, ow = g.OutWidth, w = g.Width, sw = g.StrideW;
        new Span<float>(image, channels * g.InPlane).Clear();
        float* src = columns;
        for (int c = 0; c < channels; c++)
        {
            float* plane = image + (nint)c * g.InPlane;
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                int rowOffset = ki * g.DilationH - g.PadH;
                var (yLo, yHi) = WindowGeometry.ValidRange(rowOffset, g.StrideH, g.Height, oh);
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    int colOffset = kj * g.DilationW - g.PadW;
                    var (xLo, xHi) = WindowGeometry.ValidRange(colOffset, sw, w, ow);
                    for (int y = yLo; y < yHi; y++)
                    {
                        float* s = src + y * ow;
                        float* d = plane + (nint)(y * g.StrideH + rowOffset) * w + colOffset;
                        if (sw == 1) TMoves.Add(s + xLo, d + xLo, xHi - xLo);
                        else for (int x = xLo; x < xHi; x++) d[x * sw] += s[x];
                    }
                    src += rowStride;
                }
            }
        }
    }

    /// <summary>
    /// Stride 1, no padding at either end, no dilation, and input rows of at most one AVX-512 vector (LeNet's and
    /// the CIFAR net's inner layers): every row of the image and of the column matrix is one masked vector move, so
    /// there is no per-row setup and nothing to zero. The moves are OW wide from column kj, so a window reaching
    /// past the row's end (an even "same" kernel's trailing padding) would read the next row: not for those.
    /// </summary>
    internal static bool IsNarrowValid(in WindowGeometry g) => IsNarrowValid(g, Simd.Best);

    /// <summary>As <see cref="IsNarrowValid(in WindowGeometry)"/>, at <paramref name="level"/>.</summary>
    internal static bool IsNarrowValid(in WindowGeometry g, SimdLevel level) => level == SimdLevel.Vector512 && g.Width <= 16
        && g.StrideH == 1 && g.StrideW == 1 && g.IsUnpadded && g.DilationH == 1 && g.DilationW == 1;

    static void PackNarrow(in WindowGeometry g, int channels, float* image, float* columns, int rowStride)
    {
        int oh = g.OutHeight, ow = g.OutWidth, w = g.Width;
        var rowMask = LaneMasks.First512(ow);
        float* dst = columns;
        for (int c = 0; c < channels; c++)
        {
            float* plane = image + (nint)c * g.InPlane;
            for (int ki = 0; ki < g.KernelH; ki++)
                for (int kj = 0; kj < g.KernelW; kj++, dst += rowStride)
                {
                    float* s = plane + ki * w + kj;
                    for (int y = 0; y < oh; y++)
                        Avx512F.MaskStore(dst + y * ow, rowMask, Avx512F.MaskLoad(s + y * w, rowMask, Vector512<float>.Zero));
                }
        }
    }

    /// <summary>
    /// col2im as a gather: each input row sums its kH·kW contributions in a register (each one masked load of a
    /// column-matrix row, shifted into place by loading from kj floats before it) and is stored once. Adding
    /// the shifted rows into memory one by one would stall on every store it reads back.
    /// </summary>
    static void UnpackNarrow(in WindowGeometry g, int channels, float* columns, float* image, int rowStride)
    {
        int oh = g.OutHeight, ow = g.OutWidth, w = g.Width, kh = g.KernelH, kw = g.KernelW;
        var inputMask = LaneMasks.First512(w);
        var lane = LaneMasks.Lanes512;
        Span<Vector512<float>> shiftMasks = stackalloc Vector512<float>[kw];
        for (int kj = 0; kj < kw; kj++)
            shiftMasks[kj] = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(kj)) & Vector512.LessThan(lane, Vector512.Create(kj + ow))).AsSingle();
        for (int c = 0; c < channels; c++)
        {
            float* plane = image + (nint)c * g.InPlane;
            float* channelRows = columns + (nint)c * kh * kw * rowStride;
            for (int iy = 0; iy < g.Height; iy++)
            {
                var sum = Vector512<float>.Zero;
                for (int ki = Math.Max(0, iy - oh + 1); ki < kh && ki <= iy; ki++)
                {
                    float* row = channelRows + (nint)ki * kw * rowStride + (iy - ki) * ow;
                    for (int kj = 0; kj < kw; kj++)
                        sum += Avx512F.MaskLoad(row + (nint)kj * rowStride - kj, shiftMasks[kj], Vector512<float>.Zero);
                }
                Avx512F.MaskStore(plane + iy * w, inputMask, sum);
            }
        }
    }

    // Image rows are short (LeNet: 11 to 26 floats), so a library copy's call costs more than the copy:
    // whole vectors, then the tail under a mask (AVX-512's masked moves are single fast instructions and
    // never touch the lanes left out, so the tail cannot read or write past the row). One type per width, chosen
    // once per image: a test of the level on every row cost 4% of LeNet's second-layer im2col.

    /// <summary>The row moves of the general Pack and Unpack at one SIMD width.</summary>
    interface IRowMoves
    {
        /// <summary>d[0..n) = s[0..n).</summary>
        static abstract void Copy(float* s, float* d, int n);

        /// <summary>d[0..n) += s[0..n).</summary>
        static abstract void Add(float* s, float* d, int n);
    }

    readonly struct Moves512 : IRowMoves
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Copy(float* s, float* d, int n)
        {
            int x = 0;
            for (; x <= n - 16; x += 16) Avx512F.Store(d + x, Avx512F.LoadVector512(s + x));
            if (x < n)
            {
                var mask = LaneMasks.First512(n - x);
                Avx512F.MaskStore(d + x, mask, Avx512F.MaskLoad(s + x, mask, Vector512<float>.Zero));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(float* s, float* d, int n)
        {
            int x = 0;
            for (; x <= n - 16; x += 16) Avx512F.Store(d + x, Avx512F.Add(Avx512F.LoadVector512(d + x), Avx512F.LoadVector512(s + x)));
            if (x < n)
            {
                var mask = LaneMasks.First512(n - x);
                var zero = Vector512<float>.Zero;
                Avx512F.MaskStore(d + x, mask, Avx512F.Add(Avx512F.MaskLoad(d + x, mask, zero), Avx512F.MaskLoad(s + x, mask, zero)));
            }
        }
    }

    readonly struct Moves256 : IRowMoves
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Copy(float* s, float* d, int n)
        {
            int x = 0;
            for (; x <= n - 8; x += 8) Avx.Store(d + x, Avx.LoadVector256(s + x));
            if (x < n)
            {
                var mask = LaneMasks.First256(n - x);
                Avx.MaskStore(d + x, mask, Avx.MaskLoad(s + x, mask));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(float* s, float* d, int n)
        {
            int x = 0;
            for (; x <= n - 8; x += 8) Avx.Store(d + x, Avx.Add(Avx.LoadVector256(d + x), Avx.LoadVector256(s + x)));
            if (x < n)
            {
                var mask = LaneMasks.First256(n - x);
                Avx.MaskStore(d + x, mask, Avx.Add(Avx.MaskLoad(d + x, mask), Avx.MaskLoad(s + x, mask)));
            }
        }
    }

    readonly struct MovesScalar : IRowMoves
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Copy(float* s, float* d, int n)
        {
            for (int x = 0; x < n; x++) d[x] = s[x];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(float* s, float* d, int n)
        {
            for (int x = 0; x < n; x++) d[x] += s[x];
        }
    }
}
