using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The AVX-512 microkernel: a 12×32 tile of C held in 24 zmm accumulators while it streams a packed
/// 12-row panel of A and a packed 32-column panel of B.
/// </summary>
/// <remarks>
/// Register budget (32 zmm): 24 accumulators + 2 for the B row (32 floats) + 1 broadcast = 27; the A element is
/// broadcast straight from memory (one broadcast load, reused by both FMAs of the row).
/// Per k step: 2 vector loads + 12 broadcasts feed 24 FMAs, which keeps both FMA pipes busy without
/// saturating the load ports; 2 FMA pipes × 4 cycles latency need at least 8 independent chains, we have
/// 24.
/// The kernel only does full tiles with one straight-line epilogue; the driver runs edge tiles into a
/// scratch tile. (An edge path in here, with its own uses of all accumulators, made RyuJIT spill every
/// accumulator to the stack inside the k loop in some compilations: 4× slower.)
/// </remarks>
internal readonly struct GemmKernel512 : IGemmKernel
{
    public static int MR => 12;
    public static int NR => 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        // Fetch the C tile now: its rows are ldc apart (often a multiple of 4 KiB, so they collide in L1 and
        // miss), and waiting for them only after the k loop would stall the stores.
        for (int r = 0; r < MR; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + 16);
        }
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            c0_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0_0); c0_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b1, c0_1);
            c1_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1_0); c1_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b1, c1_1);
            c2_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2_0); c2_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b1, c2_1);
            c3_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3_0); c3_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b1, c3_1);
            c4_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4_0); c4_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), b1, c4_1);
            c5_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5_0); c5_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), b1, c5_1);
            c6_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6_0); c6_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), b1, c6_1);
            c7_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7_0); c7_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), b1, c7_1);
            c8_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[8]), b0, c8_0); c8_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[8]), b1, c8_1);
            c9_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[9]), b0, c9_0); c9_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[9]), b1, c9_1);
            c10_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[10]), b0, c10_0); c10_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[10]), b1, c10_1);
            c11_0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[11]), b0, c11_0); c11_1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[11]), b1, c11_1);
            a += 12;
            b += 32;
        }

        // C = alpha·acc + beta·C as fma(acc, alpha, beta·C); beta = 0 never reads C (it may hold NaN).
        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        if (beta == 0)
        {
            (c0_0 * va).Store(c + 0 * ldc); (c0_1 * va).Store(c + 0 * ldc + 16);
            (c1_0 * va).Store(c + 1 * ldc); (c1_1 * va).Store(c + 1 * ldc + 16);
            (c2_0 * va).Store(c + 2 * ldc); (c2_1 * va).Store(c + 2 * ldc + 16);
            (c3_0 * va).Store(c + 3 * ldc); (c3_1 * va).Store(c + 3 * ldc + 16);
            (c4_0 * va).Store(c + 4 * ldc); (c4_1 * va).Store(c + 4 * ldc + 16);
            (c5_0 * va).Store(c + 5 * ldc); (c5_1 * va).Store(c + 5 * ldc + 16);
            (c6_0 * va).Store(c + 6 * ldc); (c6_1 * va).Store(c + 6 * ldc + 16);
            (c7_0 * va).Store(c + 7 * ldc); (c7_1 * va).Store(c + 7 * ldc + 16);
            (c8_0 * va).Store(c + 8 * ldc); (c8_1 * va).Store(c + 8 * ldc + 16);
            (c9_0 * va).Store(c + 9 * ldc); (c9_1 * va).Store(c + 9 * ldc + 16);
            (c10_0 * va).Store(c + 10 * ldc); (c10_1 * va).Store(c + 10 * ldc + 16);
            (c11_0 * va).Store(c + 11 * ldc); (c11_1 * va).Store(c + 11 * ldc + 16);
        }
        else
        {
            Update(c + 0 * ldc, c0_0, c0_1, va, vb);
            Update(c + 1 * ldc, c1_0, c1_1, va, vb);
            Update(c + 2 * ldc, c2_0, c2_1, va, vb);
            Update(c + 3 * ldc, c3_0, c3_1, va, vb);
            Update(c + 4 * ldc, c4_0, c4_1, va, vb);
            Update(c + 5 * ldc, c5_0, c5_1, va, vb);
            Update(c + 6 * ldc, c6_0, c6_1, va, vb);
            Update(c + 7 * ldc, c7_0, c7_1, va, vb);
            Update(c + 8 * ldc, c8_0, c8_1, va, vb);
            Update(c + 9 * ldc, c9_0, c9_1, va, vb);
            Update(c + 10 * ldc, c10_0, c10_1, va, vb);
            Update(c + 11 * ldc, c11_0, c11_1, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Update(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> va, Vector512<float> vb)
    {
        Vector512.FusedMultiplyAdd(x0, va, Vector512.Load(c) * vb).Store(c);
        Vector512.FusedMultiplyAdd(x1, va, Vector512.Load(c + 16) * vb).Store(c + 16);
    }
}
