using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// 16×16 transposes in AVX-512 registers: the lowerings' blocks of taps × positions, and whole matrices of any
/// size in masked blocks (the Winograd path's channels-first ⇄ channels-last copies).
/// </summary>
internal static unsafe class Transpose16
{
    /// <summary>
    /// dst[j·ldDst + i] = src[i·ldSrc + j] for i &lt; <paramref name="rows"/>, j &lt; <paramref name="cols"/>: 16×16
    /// blocks, the edges masked.
    /// </summary>
    public static void Matrix(float* src, nint ldSrc, int rows, int cols, float* dst, nint ldDst)
    {
        var all = Vector512<float>.AllBitsSet;
        for (int i0 = 0; i0 < rows; i0 += 16)
        {
            int nr = Math.Min(16, rows - i0);
            var storeMask = LaneMasks.First512(nr);
            for (int j0 = 0; j0 < cols; j0 += 16)
            {
                int nc = Math.Min(16, cols - j0);
                var loadMask = LaneMasks.First512(nc);
                float* s = src + i0 * ldSrc + j0;
                Vector512<float> Row(int i) => i < nr ? Avx512F.MaskLoad(s + i * ldSrc, loadMask, Vector512<float>.Zero) : Vector512<float>.Zero;
                Store(Row(0), Row(1), Row(2), Row(3), Row(4), Row(5), Row(6), Row(7), Row(8), Row(9), Row(10), Row(11),
                    Row(12), Row(13), Row(14), Row(15), dst + j0 * ldDst + i0, ldDst, nc, storeMask, all);
            }
        }
    }

    /// <summary>
    /// Writes the 16×16 block r0..r15 (r_t = tap t's values at 16 positions) transposed: row k of the result
    /// (position k's 16 taps) at dst + k·ld, for the first <paramref name="count"/> positions, lanes under
    /// <paramref name="mask"/> and those outside <paramref name="keep"/> zero. In-lane unpacks and shuffles, then
    /// 128-bit lane shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3,
        Vector512<float> r4, Vector512<float> r5, Vector512<float> r6, Vector512<float> r7,
        Vector512<float> r8, Vector512<float> r9, Vector512<float> r10, Vector512<float> r11,
        Vector512<float> r12, Vector512<float> r13, Vector512<float> r14, Vector512<float> r15,
        float* dst, nint ld, int count, Vector512<float> mask, Vector512<float> keep)
    {
        // Pairs of rows interleaved: t[2i], t[2i+1] hold columns (4L, 4L+1) and (4L+2, 4L+3) of rows 2i, 2i+1
        // in each 128-bit lane L.
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
        var t10 = Avx512F.UnpackLow(r10, r11); var t11 = Avx512F.UnpackHigh(r10, r11);
        var t12 = Avx512F.UnpackLow(r12, r13); var t13 = Avx512F.UnpackHigh(r12, r13);
        var t14 = Avx512F.UnpackLow(r14, r15); var t15 = Avx512F.UnpackHigh(r14, r15);
        // u[4g + j], lane L: column 4L + j of rows 4g..4g+3.
        var u0 = Avx512F.Shuffle(t0, t2, 0x44); var u1 = Avx512F.Shuffle(t0, t2, 0xEE);
        var u2 = Avx512F.Shuffle(t1, t3, 0x44); var u3 = Avx512F.Shuffle(t1, t3, 0xEE);
        var u4 = Avx512F.Shuffle(t4, t6, 0x44); var u5 = Avx512F.Shuffle(t4, t6, 0xEE);
        var u6 = Avx512F.Shuffle(t5, t7, 0x44); var u7 = Avx512F.Shuffle(t5, t7, 0xEE);
        var u8 = Avx512F.Shuffle(t8, t10, 0x44); var u9 = Avx512F.Shuffle(t8, t10, 0xEE);
        var u10 = Avx512F.Shuffle(t9, t11, 0x44); var u11 = Avx512F.Shuffle(t9, t11, 0xEE);
        var u12 = Avx512F.Shuffle(t12, t14, 0x44); var u13 = Avx512F.Shuffle(t12, t14, 0xEE);
        var u14 = Avx512F.Shuffle(t13, t15, 0x44); var u15 = Avx512F.Shuffle(t13, t15, 0xEE);
        Columns(u0, u4, u8, u12, dst, ld, 0, count, mask, keep);
        Columns(u1, u5, u9, u13, dst, ld, 1, count, mask, keep);
        Columns(u2, u6, u10, u14, dst, ld, 2, count, mask, keep);
        Columns(u3, u7, u11, u15, dst, ld, 3, count, mask, keep);
    }

    /// <summary>
    /// Columns j, j+4, j+8, j+12 from the 4×4 blocks of rows 0–3 (<paramref name="a"/>), 4–7, 8–11 and 12–15, whose
    /// 128-bit lane L holds column 4L + j: gathered lane by lane and stored as rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Columns(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* dst, nint ld, int j,
        int count, Vector512<float> mask, Vector512<float> keep)
    {
        var ab02 = Avx512F.Shuffle4x128(a, b, 0x88); var ab13 = Avx512F.Shuffle4x128(a, b, 0xDD);
        var cd02 = Avx512F.Shuffle4x128(c, d, 0x88); var cd13 = Avx512F.Shuffle4x128(c, d, 0xDD);
        StoreRow(dst, ld, j, count, mask, keep, Avx512F.Shuffle4x128(ab02, cd02, 0x88));
        StoreRow(dst, ld, j + 4, count, mask, keep, Avx512F.Shuffle4x128(ab13, cd13, 0x88));
        StoreRow(dst, ld, j + 8, count, mask, keep, Avx512F.Shuffle4x128(ab02, cd02, 0xDD));
        StoreRow(dst, ld, j + 12, count, mask, keep, Avx512F.Shuffle4x128(ab13, cd13, 0xDD));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(float* dst, nint ld, int row, int count, Vector512<float> mask, Vector512<float> keep, Vector512<float> v)
    {
        if (row < count) Avx512F.MaskStore(dst + row * ld, mask, v & keep);
    }
}
