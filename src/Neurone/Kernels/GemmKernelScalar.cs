using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.CompilerServices;

namespace Neurone.Kernels;

/// <summary>
/// The portable microkernel: a 4×4 tile in 16 scalar locals (x64 has 16 xmm registers, so the tile, one
/// A element and one B row of 4 almost fit). It is the reference the vector paths are tested against and
/// the fallback on CPUs without hardware vectors.
/// </summary>
internal readonly struct GemmKernelScalar : IGemmKernel
{
    public static int MR => 4;
    public static int NR => 4;

    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], x;
            x = a[0]; c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
            x = a[1]; c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
            x = a[2]; c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
            x = a[3]; c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
            a += 4;
            b += 4;
        }
        Store(c, c00, c01, c02, c03, alpha, beta);
        Store(c + ldc, c10, c11, c12, c13, alpha, beta);
        Store(c + 2 * ldc, c20, c21, c22, c23, alpha, beta);
        Store(c + 3 * ldc, c30, c31, c32, c33, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Store(float* c, float x0, float x1, float x2, float x3, float alpha, float beta)
    {
        c[0] = Update(c, x0, alpha, beta);
        c[1] = Update(c + 1, x1, alpha, beta);
        c[2] = Update(c + 2, x2, alpha, beta);
        c[3] = Update(c + 3, x3, alpha, beta);
    }

    /// <summary>
    /// C[i,j] = alpha·t[i,j] + beta·C[i,j] for i &lt; mr, j &lt; nr, computed as fma(t, alpha, beta·C) exactly like
    /// the vector stores, so an element gets the same bits whether it sits in a full or an edge tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe void StoreEdge(float* t, int ldt, float* c, nint ldc, float alpha, float beta, int mr, int nr)
    {
        if (Avx512F.IsSupported) { StoreEdge512(t, ldt, c, ldc, alpha, beta, mr, nr); return; }
        for (int i = 0; i < mr; i++, t += ldt, c += ldc)
            for (int j = 0; j < nr; j++)
                c[j] = Update(c + j, t[j], alpha, beta);
    }

    /// <summary>
    /// The same update a vector row at a time, the ragged end under a mask (masked-off lanes of C are neither
    /// read nor written). Edge tiles are common in convolutions (64 output channels = 5 tiles of 12 + 4), where
    /// the scalar loop cost as much as a quarter of the kernel's time.
    /// </summary>
    static unsafe void StoreEdge512(float* t, int ldt, float* c, nint ldc, float alpha, float beta, int mr, int nr)
    {
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        for (int i = 0; i < mr; i++, t += ldt, c += ldc)
            for (int j = 0; j < nr; j += 16)
            {
                var mask = LaneMasks.First512(nr - j);
                var x = Avx512F.MaskLoad(t + j, mask, Vector512<float>.Zero);
                var y = beta == 0 ? x * va : Vector512.FusedMultiplyAdd(x, va, Avx512F.MaskLoad(c + j, mask, Vector512<float>.Zero) * vb);
                Avx512F.MaskStore(c + j, mask, y);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe float Update(float* c, float x, float alpha, float beta)
        => beta == 0 ? x * alpha : MathF.FusedMultiplyAdd(x, alpha, *c * beta);
}
