using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The third AVX-512 microkernel: a 25×16 tile of C in 25 zmm accumulators, one vector wide, for products
/// whose sides are multiples of 25 and 16 but fit neither 12×32 nor 8×48 tiles well. The CS231n two-layer
/// net's batch of 200 against 100 hidden units fills 89% of these tiles against 77% of the 12×32 ones;
/// LeNet's second convolution at batch 1, computed transposed (100 positions × 32 channels on each core),
/// fills all of them against 93%. <see cref="GemmJob.ChooseTile"/> picks it where it fills its tiles
/// clearly better than the other two kernels.
/// </summary>
/// <remarks>
/// Register budget: 25 accumulators + 1 for the B row (16 floats) + 1 broadcast = 27 of 32. Per k step one
/// vector load and 25 broadcasts feed 25 FMAs: one zmm FMA a cycle, which is this core's peak, with the load
/// ports well inside their limit; 25 independent chains cover the FMA latency. Every element of C is the same
/// fused multiply-add chain over k with the same epilogue as in the other kernels, so which kernel runs never
/// changes a bit.
/// </remarks>
internal readonly struct GemmKernel512Tall : IGemmKernel
{
    public static int MR => 25;
    public static int NR => 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default;
        Vector512<float> c5 = default, c6 = default, c7 = default, c8 = default, c9 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default, c14 = default;
        Vector512<float> c15 = default, c16 = default, c17 = default, c18 = default, c19 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default, c24 = default;
        for (int r = 0; r < MR; r++)
            Sse.Prefetch0(c + r * ldc);
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a[8]), b0, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a[9]), b0, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a[10]), b0, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a[11]), b0, c11);
            c12 = Vector512.FusedMultiplyAdd(Vector512.Create(a[12]), b0, c12);
            c13 = Vector512.FusedMultiplyAdd(Vector512.Create(a[13]), b0, c13);
            c14 = Vector512.FusedMultiplyAdd(Vector512.Create(a[14]), b0, c14);
            c15 = Vector512.FusedMultiplyAdd(Vector512.Create(a[15]), b0, c15);
            c16 = Vector512.FusedMultiplyAdd(Vector512.Create(a[16]), b0, c16);
            c17 = Vector512.FusedMultiplyAdd(Vector512.Create(a[17]), b0, c17);
            c18 = Vector512.FusedMultiplyAdd(Vector512.Create(a[18]), b0, c18);
            c19 = Vector512.FusedMultiplyAdd(Vector512.Create(a[19]), b0, c19);
            c20 = Vector512.FusedMultiplyAdd(Vector512.Create(a[20]), b0, c20);
            c21 = Vector512.FusedMultiplyAdd(Vector512.Create(a[21]), b0, c21);
            c22 = Vector512.FusedMultiplyAdd(Vector512.Create(a[22]), b0, c22);
            c23 = Vector512.FusedMultiplyAdd(Vector512.Create(a[23]), b0, c23);
            c24 = Vector512.FusedMultiplyAdd(Vector512.Create(a[24]), b0, c24);
            a += 25;
            b += 16;
        }

        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        if (beta == 0)
        {
            (c0 * va).Store(c + 0 * ldc); (c1 * va).Store(c + 1 * ldc); (c2 * va).Store(c + 2 * ldc); (c3 * va).Store(c + 3 * ldc); (c4 * va).Store(c + 4 * ldc);
            (c5 * va).Store(c + 5 * ldc); (c6 * va).Store(c + 6 * ldc); (c7 * va).Store(c + 7 * ldc); (c8 * va).Store(c + 8 * ldc); (c9 * va).Store(c + 9 * ldc);
            (c10 * va).Store(c + 10 * ldc); (c11 * va).Store(c + 11 * ldc); (c12 * va).Store(c + 12 * ldc); (c13 * va).Store(c + 13 * ldc); (c14 * va).Store(c + 14 * ldc);
            (c15 * va).Store(c + 15 * ldc); (c16 * va).Store(c + 16 * ldc); (c17 * va).Store(c + 17 * ldc); (c18 * va).Store(c + 18 * ldc); (c19 * va).Store(c + 19 * ldc);
            (c20 * va).Store(c + 20 * ldc); (c21 * va).Store(c + 21 * ldc); (c22 * va).Store(c + 22 * ldc); (c23 * va).Store(c + 23 * ldc); (c24 * va).Store(c + 24 * ldc);
        }
        else
        {
            Update(c + 0 * ldc, c0, va, vb); Update(c + 1 * ldc, c1, va, vb); Update(c + 2 * ldc, c2, va, vb); Update(c + 3 * ldc, c3, va, vb); Update(c + 4 * ldc, c4, va, vb);
            Update(c + 5 * ldc, c5, va, vb); Update(c + 6 * ldc, c6, va, vb); Update(c + 7 * ldc, c7, va, vb); Update(c + 8 * ldc, c8, va, vb); Update(c + 9 * ldc, c9, va, vb);
            Update(c + 10 * ldc, c10, va, vb); Update(c + 11 * ldc, c11, va, vb); Update(c + 12 * ldc, c12, va, vb); Update(c + 13 * ldc, c13, va, vb); Update(c + 14 * ldc, c14, va, vb);
            Update(c + 15 * ldc, c15, va, vb); Update(c + 16 * ldc, c16, va, vb); Update(c + 17 * ldc, c17, va, vb); Update(c + 18 * ldc, c18, va, vb); Update(c + 19 * ldc, c19, va, vb);
            Update(c + 20 * ldc, c20, va, vb); Update(c + 21 * ldc, c21, va, vb); Update(c + 22 * ldc, c22, va, vb); Update(c + 23 * ldc, c23, va, vb); Update(c + 24 * ldc, c24, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Update(float* c, Vector512<float> x, Vector512<float> va, Vector512<float> vb) =>
        Vector512.FusedMultiplyAdd(x, va, Vector512.Load(c) * vb).Store(c);
}
