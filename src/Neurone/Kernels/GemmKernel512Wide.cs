using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The second AVX-512 microkernel: an 8×48 tile of C in 24 zmm accumulators, for products whose row count
/// is a multiple of 8 but not of 12, where <see cref="GemmKernel512"/>'s 12-row tiles run partly empty
/// (64 output channels: five full tiles and one of 4 rows, 89% of the work useful; here 100%).
/// <see cref="GemmJob"/> picks whichever kernel leaves less of its tiles empty for the shape.
/// </summary>
/// <remarks>
/// Register budget: 24 accumulators + 3 for the B row (48 floats) + 1 broadcast = 28 of 32. Per k step 3
/// vector loads and 8 broadcasts feed 24 FMAs. Every element of C is the same fused multiply-add chain over
/// k, with the same epilogue, as in the 12×32 kernel, so which kernel runs never changes a bit.
/// </remarks>
internal readonly struct GemmKernel512Wide : IGemmKernel
{
    public static int MR => 8;
    public static int NR => 48;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0_0 = default, c0_1 = default, c0_2 = default;
        Vector512<float> c1_0 = default, c1_1 = default, c1_2 = default;
        Vector512<float> c2_0 = default, c2_1 = default, c2_2 = default;
        Vector512<float> c3_0 = default, c3_1 = default, c3_2 = default;
        Vector512<float> c4_0 = default, c4_1 = default, c4_2 = default;
        Vector512<float> c5_0 = default, c5_1 = default, c5_2 = default;
        Vector512<float> c6_0 = default, c6_1 = default, c6_2 = default;
        Vector512<float> c7_0 = default, c7_1 = default, c7_2 = default;
        for (int r = 0; r < MR; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + 16);
            Sse.Prefetch0(c + r * ldc + 32);
        }
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), b2 = Vector512.Load(b + 32);
            { var x = Vector512.Create(a[0]); c0_0 = Vector512.FusedMultiplyAdd(x, b0, c0_0); c0_1 = Vector512.FusedMultiplyAdd(x, b1, c0_1); c0_2 = Vector512.FusedMultiplyAdd(x, b2, c0_2); }
            { var x = Vector512.Create(a[1]); c1_0 = Vector512.FusedMultiplyAdd(x, b0, c1_0); c1_1 = Vector512.FusedMultiplyAdd(x, b1, c1_1); c1_2 = Vector512.FusedMultiplyAdd(x, b2, c1_2); }
            { var x = Vector512.Create(a[2]); c2_0 = Vector512.FusedMultiplyAdd(x, b0, c2_0); c2_1 = Vector512.FusedMultiplyAdd(x, b1, c2_1); c2_2 = Vector512.FusedMultiplyAdd(x, b2, c2_2); }
            { var x = Vector512.Create(a[3]); c3_0 = Vector512.FusedMultiplyAdd(x, b0, c3_0); c3_1 = Vector512.FusedMultiplyAdd(x, b1, c3_1); c3_2 = Vector512.FusedMultiplyAdd(x, b2, c3_2); }
            { var x = Vector512.Create(a[4]); c4_0 = Vector512.FusedMultiplyAdd(x, b0, c4_0); c4_1 = Vector512.FusedMultiplyAdd(x, b1, c4_1); c4_2 = Vector512.FusedMultiplyAdd(x, b2, c4_2); }
            { var x = Vector512.Create(a[5]); c5_0 = Vector512.FusedMultiplyAdd(x, b0, c5_0); c5_1 = Vector512.FusedMultiplyAdd(x, b1, c5_1); c5_2 = Vector512.FusedMultiplyAdd(x, b2, c5_2); }
            { var x = Vector512.Create(a[6]); c6_0 = Vector512.FusedMultiplyAdd(x, b0, c6_0); c6_1 = Vector512.FusedMultiplyAdd(x, b1, c6_1); c6_2 = Vector512.FusedMultiplyAdd(x, b2, c6_2); }
            { var x = Vector512.Create(a[7]); c7_0 = Vector512.FusedMultiplyAdd(x, b0, c7_0); c7_1 = Vector512.FusedMultiplyAdd(x, b1, c7_1); c7_2 = Vector512.FusedMultiplyAdd(x, b2, c7_2); }
            a += 8;
            b += 48;
        }

        Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
        if (beta == 0)
        {
            (c0_0 * va).Store(c + 0 * ldc); (c0_1 * va).Store(c + 0 * ldc + 16); (c0_2 * va).Store(c + 0 * ldc + 32);
            (c1_0 * va).Store(c + 1 * ldc); (c1_1 * va).Store(c + 1 * ldc + 16); (c1_2 * va).Store(c + 1 * ldc + 32);
            (c2_0 * va).Store(c + 2 * ldc); (c2_1 * va).Store(c + 2 * ldc + 16); (c2_2 * va).Store(c + 2 * ldc + 32);
            (c3_0 * va).Store(c + 3 * ldc); (c3_1 * va).Store(c + 3 * ldc + 16); (c3_2 * va).Store(c + 3 * ldc + 32);
            (c4_0 * va).Store(c + 4 * ldc); (c4_1 * va).Store(c + 4 * ldc + 16); (c4_2 * va).Store(c + 4 * ldc + 32);
            (c5_0 * va).Store(c + 5 * ldc); (c5_1 * va).Store(c + 5 * ldc + 16); (c5_2 * va).Store(c + 5 * ldc + 32);
            (c6_0 * va).Store(c + 6 * ldc); (c6_1 * va).Store(c + 6 * ldc + 16); (c6_2 * va).Store(c + 6 * ldc + 32);
            (c7_0 * va).Store(c + 7 * ldc); (c7_1 * va).Store(c + 7 * ldc + 16); (c7_2 * va).Store(c + 7 * ldc + 32);
        }
        else
        {
            Update(c + 0 * ldc, c0_0, c0_1, c0_2, va, vb);
            Update(c + 1 * ldc, c1_0, c1_1, c1_2, va, vb);
            Update(c + 2 * ldc, c2_0, c2_1, c2_2, va, vb);
            Update(c + 3 * ldc, c3_0, c3_1, c3_2, va, vb);
            Update(c + 4 * ldc, c4_0, c4_1, c4_2, va, vb);
            Update(c + 5 * ldc, c5_0, c5_1, c5_2, va, vb);
            Update(c + 6 * ldc, c6_0, c6_1, c6_2, va, vb);
            Update(c + 7 * ldc, c7_0, c7_1, c7_2, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Update(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> va, Vector512<float> vb)
    {
        Vector512.FusedMultiplyAdd(x0, va, Vector512.Load(c) * vb).Store(c);
        Vector512.FusedMultiplyAdd(x1, va, Vector512.Load(c + 16) * vb).Store(c + 16);
        Vector512.FusedMultiplyAdd(x2, va, Vector512.Load(c + 32) * vb).Store(c + 32);
    }
}
