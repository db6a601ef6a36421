using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// Matrix-vector products, the m = 1 or n = 1 cases of GEMM (batch-1 inference): y[j] = alpha·Σp x[p]·M(p,j)
/// + beta·y[j]. Packing would cost as much as the product here, so the matrix is streamed in place, in one
/// of two layouts: "rows" (M(p,j) = mat[p·ld + j], an axpy sweep over the rows) or "dots" (M(p,j) =
/// mat[j·ld + p], one dot product per output). x is contiguous (the driver gathers it if needed).
/// </summary>
/// <remarks>
/// Every output is computed by the same instruction sequence wherever it falls (vector lane or scalar tail
/// of the rows layout both do a sequential fused multiply-add over p; a dot is always one whole call), so
/// splitting the outputs between threads cannot change a bit.
/// </remarks>
internal static unsafe class Gemv
{
    /// <summary>Outputs [j0, j1) of y (stride incy).</summary>
    public static void Run(SimdLevel level, bool rows, int k, int j0, int j1, float alpha, float* x, float* mat, nint ld,
        float beta, float* y, nint incy)
    {
        float* t = stackalloc float[128];
        if (!rows)
        {
            int j = j0;
            if (level == SimdLevel.Vector512)
                // Four rows at a time share each load of x (5 loads per 4 FMAs instead of 8).
                for (; j + 4 <= j1; j += 4)
                {
                    Dot512x4(x, mat + j * ld, ld, k, t);
                    for (int u = 0; u < 4; u++) Update(y + (j + u) * incy, t[u], alpha, beta);
                }
            for (; j < j1; j++)
            {
                float* row = mat + j * ld;
                float s = level switch
                {
                    SimdLevel.Vector512 => Dot512(x, row, k),
                    SimdLevel.Vector256 => Dot256(x, row, k),
                    _ => DotScalar(x, row, k),
                };
                Update(y + j * incy, s, alpha, beta);
            }
            return;
        }

        int width = level switch { SimdLevel.Vector512 => 128, SimdLevel.Vector256 => 64, _ => 4 };
        int jb = j0;
        for (; jb + width <= j1; jb += width)
        {
            if (level == SimdLevel.Vector512) Axpy512(k, x, mat + jb, ld, t);
            else if (level == SimdLevel.Vector256) Axpy256(k, x, mat + jb, ld, t);
            else AxpyScalar(k, x, mat + jb, ld, t, width);
            for (int u = 0; u < width; u++) Update(y + (jb + u) * incy, t[u], alpha, beta);
        }
        if (jb < j1)
        {
            AxpyScalar(k, x, mat + jb, ld, t, j1 - jb);
            for (int u = 0; u < j1 - jb; u++) Update(y + (jb + u) * incy, t[u], alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Update(float* y, float s, float alpha, float beta)
        => *y = beta == 0 ? s * alpha : MathF.FusedMultiplyAdd(s, alpha, *y * beta);

    // Rows layout: 8 vector accumulators cover 2 FMA pipes × 4 cycles and read 8 consecutive vectors
    // (whole cache lines) of each matrix row.
    static void Axpy512(int k, float* x, float* m, nint ld, float* t)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int p = 0; p < k; p++, m += ld)
        {
            var v = Vector512.Create(x[p]);
            s0 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m), s0);
            s1 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m + 48), s3);
            s4 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m + 64), s4);
            s5 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m + 80), s5);
            s6 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m + 96), s6);
            s7 = Vector512.FusedMultiplyAdd(v, Vector512.Load(m + 112), s7);
        }
        s0.Store(t); s1.Store(t + 16); s2.Store(t + 32); s3.Store(t + 48);
        s4.Store(t + 64); s5.Store(t + 80); s6.Store(t + 96); s7.Store(t + 112);
    }

    static void Axpy256(int k, float* x, float* m, nint ld, float* t)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int p = 0; p < k; p++, m += ld)
        {
            var v = Vector256.Create(x[p]);
            s0 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m), s0);
            s1 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m + 8), s1);
            s2 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m + 16), s2);
            s3 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m + 24), s3);
            s4 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m + 32), s4);
            s5 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m + 40), s5);
            s6 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m + 48), s6);
            s7 = Vector256.FusedMultiplyAdd(v, Vector256.Load(m + 56), s7);
        }
        s0.Store(t); s1.Store(t + 8); s2.Store(t + 16); s3.Store(t + 24);
        s4.Store(t + 32); s5.Store(t + 40); s6.Store(t + 48); s7.Store(t + 56);
    }

    /// <summary>Sequential fused multiply-add per column: the same bits as a vector lane.</summary>
    static void AxpyScalar(int k, float* x, float* m, nint ld, float* t, int count)
    {
        for (int u = 0; u < count; u++) t[u] = 0;
        for (int p = 0; p < k; p++, m += ld)
        {
            float v = x[p];
            for (int u = 0; u < count; u++) t[u] = MathF.FusedMultiplyAdd(v, m[u], t[u]);
        }
    }

    // Dots: per row, two vector accumulators over alternating 16-float chunks, summed in a fixed order.
    // Dot512 and Dot512x4 do exactly the same operations per row, so grouping never changes a result.
    static float Dot512(float* x, float* r, int k)
    {
        Vector512<float> s0 = default, s1 = default;
        int p = 0;
        for (; p + 32 <= k; p += 32)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(r + p), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + p + 16), Vector512.Load(r + p + 16), s1);
        }
        if (p + 16 <= k)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(r + p), s0);
            p += 16;
        }
        float s = Vector512.Sum(s0 + s1);
        for (; p < k; p++) s = MathF.FusedMultiplyAdd(x[p], r[p], s);
        return s;
    }

    static void Dot512x4(float* x, float* r, nint ld, int k, float* t)
    {
        float* r1 = r + ld, r2 = r + 2 * ld, r3 = r + 3 * ld;
        Vector512<float> a0 = default, a1 = default, b0 = default, b1 = default, c0 = default, c1 = default, d0 = default, d1 = default;
        int p = 0;
        for (; p + 32 <= k; p += 32)
        {
            Vector512<float> x0 = Vector512.Load(x + p), x1 = Vector512.Load(x + p + 16);
            a0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r + p), a0); a1 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(r + p + 16), a1);
            b0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r1 + p), b0); b1 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(r1 + p + 16), b1);
            c0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r2 + p), c0); c1 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(r2 + p + 16), c1);
            d0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r3 + p), d0); d1 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(r3 + p + 16), d1);
        }
        if (p + 16 <= k)
        {
            Vector512<float> x0 = Vector512.Load(x + p);
            a0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r + p), a0);
            b0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r1 + p), b0);
            c0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r2 + p), c0);
            d0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(r3 + p), d0);
            p += 16;
        }
        float sa = Vector512.Sum(a0 + a1), sb = Vector512.Sum(b0 + b1), sc = Vector512.Sum(c0 + c1), sd = Vector512.Sum(d0 + d1);
        for (; p < k; p++)
        {
            sa = MathF.FusedMultiplyAdd(x[p], r[p], sa);
            sb = MathF.FusedMultiplyAdd(x[p], r1[p], sb);
            sc = MathF.FusedMultiplyAdd(x[p], r2[p], sc);
            sd = MathF.FusedMultiplyAdd(x[p], r3[p], sd);
        }
        t[0] = sa; t[1] = sb; t[2] = sc; t[3] = sd;
    }

    static float Dot256(float* x, float* r, int k)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int p = 0;
        for (; p + 32 <= k; p += 32)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + p), Vector256.Load(r + p), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Load(x + p + 8), Vector256.Load(r + p + 8), s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.Load(x + p + 16), Vector256.Load(r + p + 16), s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.Load(x + p + 24), Vector256.Load(r + p + 24), s3);
        }
        for (; p + 8 <= k; p += 8)
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + p), Vector256.Load(r + p), s0);
        float s = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; p < k; p++) s = MathF.FusedMultiplyAdd(x[p], r[p], s);
        return s;
    }

    static float DotScalar(float* x, float* r, int k)
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s0 += x[p] * r[p]; s1 += x[p + 1] * r[p + 1]; s2 += x[p + 2] * r[p + 2]; s3 += x[p + 3] * r[p + 3];
        }
        float s = (s0 + s1) + (s2 + s3);
        for (; p < k; p++) s += x[p] * r[p];
        return s;
    }
}
