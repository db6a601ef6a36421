using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layout the microkernels stream: an A panel holds, for
/// each k step, MR consecutive row values; a B panel holds, for each k step, NR consecutive column values.
/// Ragged last panels are zero-padded so the kernel always runs full tiles. Packing reads whichever layout
/// the caller has (plain or transposed) directly, so no transposed copy of a whole matrix is ever made.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc] into ⌈mc/mr⌉ panels of mr×kc at dst.</summary>
    public static void PackA(float* a, nint lda, bool transA, int i0, int mc, int p0, int kc, float* dst, int mr)
    {
        for (int ir = 0; ir < mc; ir += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - ir);
            if (transA)
                // Stored k×m: each k step is a contiguous run of rows.
                for (int p = 0; p < kc; p++)
                    CopyPadded(a + (p0 + p) * lda + i0 + ir, dst + p * mr, rows, mr);
            else
                // Stored m×k: walk each source row once (contiguous reads), scattering with stride mr.
                Transpose(a + (i0 + ir) * lda + p0, lda, rows, kc, dst, mr);
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, j0..j0+nc] into ⌈nc/nr⌉ panels of kc×nr at dst.</summary>
    public static void PackB(float* b, nint ldb, bool transB, int p0, int kc, int j0, int nc, float* dst, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            if (transB)
                // Stored n×k: column j of op(B) is row j of B.
                Transpose(b + (j0 + jr) * ldb + p0, ldb, cols, kc, dst, nr);
            else
                for (int p = 0; p < kc; p++)
                    CopyPadded(b + (p0 + p) * ldb + j0 + jr, dst + p * nr, cols, nr);
        }
    }

    /// <summary>
    /// dst[p·width + r] = src[r·ld + p] for r &lt; rows, p &lt; len; rows rows..width are zeroed (the padding of a
    /// packed panel) unless <paramref name="pad"/> is false.
    /// </summary>
    internal static void Transpose(float* src, nint ld, int rows, int len, float* dst, nint width, bool pad = true)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            // In-register transposes of 8×8 (and then 4×8) blocks: each source row is read 8 floats at a
            // time and each packed k step written 8 (4) floats at a time, instead of one scalar scatter per
            // element. This is most of the packing cost of the NT layout (X·Wᵀ) and of A in NN.
            int p8 = len & ~7;
            for (; r + 8 <= rows; r += 8)
                for (int p = 0; p < p8; p += 8)
                    Transpose8x8(src + r * ld + p, ld, dst + p * width + r, width);
            for (; r + 4 <= rows; r += 4)
                for (int p = 0; p < p8; p += 8)
                    Transpose4x8(src + r * ld + p, ld, dst + p * width + r, width);
            // The k tail (len not a multiple of 8) of the rows done above.
            for (int q = 0; q < r; q++)
                for (int p = p8; p < len; p++)
                    dst[p * width + q] = src[q * ld + p];
        }
        for (; r < rows; r++)
        {
            float* s = src + r * ld, d = dst + r;
            for (int p = 0; p < len; p++)
                d[p * width] = s[p];
        }
        for (r = rows; pad && r < width; r++)
            for (int p = 0; p < len; p++)
                dst[p * width + r] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* s, nint ld, float* d, nint width)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ld), r2 = Avx.LoadVector256(s + 2 * ld), r3 = Avx.LoadVector256(s + 3 * ld);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * ld), r5 = Avx.LoadVector256(s + 5 * ld), r6 = Avx.LoadVector256(s + 6 * ld), r7 = Avx.LoadVector256(s + 7 * ld);
        // Interleave pairs of rows, then pairs of pairs: u_i holds column i (lanes 0-3) and column i+4 (lanes 4-7)
        // of rows 0-3 (u0..u3) or rows 4-7 (u4..u7); a 128-bit lane swap finishes the transpose.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + width, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * width, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * width, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * width, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * width, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * width, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * width, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose4x8(float* s, nint ld, float* d, nint width)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + ld), r2 = Avx.LoadVector256(s + 2 * ld), r3 = Avx.LoadVector256(s + 3 * ld);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        u0.GetLower().Store(d); u1.GetLower().Store(d + width); u2.GetLower().Store(d + 2 * width); u3.GetLower().Store(d + 3 * width);
        u0.GetUpper().Store(d + 4 * width); u1.GetUpper().Store(d + 5 * width); u2.GetUpper().Store(d + 6 * width); u3.GetUpper().Store(d + 7 * width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyPadded(float* src, float* dst, int count, int width)
    {
        if (Avx512F.IsSupported)
        {
            // A panel row is 12 to 48 floats: one masked move per 16 (lanes past count load as zero, lanes
            // past width are not stored), with no scalar tail.
            for (int q = 0; q < width; q += 16)
                Avx512F.MaskStore(dst + q, LaneMasks.First512(width - q),
                    Avx512F.MaskLoad(src + q, LaneMasks.First512(count - q), Vector512<float>.Zero));
            return;
        }
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= count; j += 8)
                Vector256.Load(src + j).Store(dst + j);
        for (; j < count; j++) dst[j] = src[j];
        for (; j < width; j++) dst[j] = 0;
    }
}
