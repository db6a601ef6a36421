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

    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta, int mr, int nr)
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
        float* t = stackalloc float[16];
        t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
        t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
        StoreEdge(t, 4, c, ldc, alpha, beta, mr, nr);
    }

    /// <summary>
    /// C[i,j] = alpha·t[i,j] + beta·C[i,j] for i &lt; mr, j &lt; nr, computed as fma(t, alpha, beta·C) exactly like
    /// the vector stores, so an element gets the same bits whether it sits in a full or an edge tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe void StoreEdge(float* t, int ldt, float* c, nint ldc, float alpha, float beta, int mr, int nr)
    {
        for (int i = 0; i < mr; i++, t += ldt, c += ldc)
            for (int j = 0; j < nr; j++)
                c[j] = beta == 0 ? t[j] * alpha : MathF.FusedMultiplyAdd(t[j], alpha, c[j] * beta);
    }
}
