using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    /// <summary>dst[p·width + r] = src[r·ld + p] for r &lt; rows, p &lt; len; rows rows..width are zeroed.</summary>
    static void Transpose(float* src, nint ld, int rows, int len, float* dst, int width)
    {
        for (int r = 0; r < rows; r++)
        {
            float* s = src + r * ld, d = dst + r;
            for (int p = 0; p < len; p++)
                d[p * width] = s[p];
        }
        for (int r = rows; r < width; r++)
            for (int p = 0; p < len; p++)
                dst[p * width + r] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void CopyPadded(float* src, float* dst, int count, int width)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; j + 8 <= count; j += 8)
                Vector256.Load(src + j).Store(dst + j);
        for (; j < count; j++) dst[j] = src[j];
        for (; j < width; j++) dst[j] = 0;
    }
}
