using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// The 256-bit microkernel (AVX2 + FMA): a 6×16 tile of C in 12 ymm accumulators.
/// </summary>
/// <remarks>
/// Sized for 16 vector registers (plain AVX2): 12 accumulators + 2 for the B row + 1 broadcast of the
/// A element = 15. Twelve independent FMA chains cover 2 pipes × 4–5 cycles of latency.
/// </remarks>
internal readonly struct GemmKernel256 : IGemmKernel
{
    public static int MR => 6;
    public static int NR => 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c0_0 = default, c0_1 = default, c1_0 = default, c1_1 = default, c2_0 = default, c2_1 = default;
        Vector256<float> c3_0 = default, c3_1 = default, c4_0 = default, c4_1 = default, c5_0 = default, c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8), x;
            x = Vector256.Create(a[0]); c0_0 = Vector256.FusedMultiplyAdd(x, b0, c0_0); c0_1 = Vector256.FusedMultiplyAdd(x, b1, c0_1);
            x = Vector256.Create(a[1]); c1_0 = Vector256.FusedMultiplyAdd(x, b0, c1_0); c1_1 = Vector256.FusedMultiplyAdd(x, b1, c1_1);
            x = Vector256.Create(a[2]); c2_0 = Vector256.FusedMultiplyAdd(x, b0, c2_0); c2_1 = Vector256.FusedMultiplyAdd(x, b1, c2_1);
            x = Vector256.Create(a[3]); c3_0 = Vector256.FusedMultiplyAdd(x, b0, c3_0); c3_1 = Vector256.FusedMultiplyAdd(x, b1, c3_1);
            x = Vector256.Create(a[4]); c4_0 = Vector256.FusedMultiplyAdd(x, b0, c4_0); c4_1 = Vector256.FusedMultiplyAdd(x, b1, c4_1);
            x = Vector256.Create(a[5]); c5_0 = Vector256.FusedMultiplyAdd(x, b0, c5_0); c5_1 = Vector256.FusedMultiplyAdd(x, b1, c5_1);
            a += 6;
            b += 16;
        }

        Vector256<float> va = Vector256.Create(alpha), vb = Vector256.Create(beta);
        Store(c, c0_0, c0_1, va, vb, beta);
        Store(c + ldc, c1_0, c1_1, va, vb, beta);
        Store(c + 2 * ldc, c2_0, c2_1, va, vb, beta);
        Store(c + 3 * ldc, c3_0, c3_1, va, vb, beta);
        Store(c + 4 * ldc, c4_0, c4_1, va, vb, beta);
        Store(c + 5 * ldc, c5_0, c5_1, va, vb, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Store(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> va, Vector256<float> vb, float beta)
    {
        // C = alpha·acc + beta·C as fma(acc, alpha, beta·C); beta = 0 never reads C (it may hold NaN).
        if (beta == 0)
        {
            (x0 * va).Store(c);
            (x1 * va).Store(c + 8);
        }
        else
        {
            Vector256.FusedMultiplyAdd(x0, va, Vector256.Load(c) * vb).Store(c);
            Vector256.FusedMultiplyAdd(x1, va, Vector256.Load(c + 8) * vb).Store(c + 8);
        }
    }
}
