namespace Neurone.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major spans: C = alpha·op(A)·op(B) + beta·C, where op(A) is
/// m×k and op(B) is k×n. With <c>transA</c>, A is stored k×m (row stride lda ≥ m), otherwise m×k
/// (lda ≥ k); likewise B. When beta is 0, C is overwritten and never read (NaNs in it do not leak),
/// as in BLAS.
/// </summary>
public static class Gemm
{
    /// <summary>Multiplies with the best SIMD level and <see cref="Parallelism.Threads"/> threads.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Simd.Best, Parallelism.Threads);

    /// <summary>Same, with an explicit SIMD level and thread count (tests force every path).</summary>
    internal static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        SimdLevel level, int threads)
    {
        // Placeholder: a plain loop until the blocked kernel lands.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++)
                    s += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                c[i * ldc + j] = beta == 0 ? alpha * s : alpha * s + beta * c[i * ldc + j];
            }
    }
}
