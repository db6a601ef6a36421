using System.Runtime.CompilerServices;

namespace Neurone.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major spans: C = alpha·op(A)·op(B) + beta·C, where op(A) is
/// m×k and op(B) is k×n. With <c>transA</c>, A is stored k×m (row stride lda ≥ m), otherwise m×k
/// (lda ≥ k); likewise B. When beta is 0, C is overwritten and never read (NaNs in it do not leak),
/// as in BLAS.
/// </summary>
/// <remarks>
/// The classic blocked algorithm: for each block of NC columns, for each block of KC of the reduction,
/// pack that slab of op(B) into NR-wide panels, then for each block of MC rows pack op(A) into MR-high
/// panels and run the MR×NR register microkernel over every tile (see <see cref="GemmKernel512"/>). KC
/// depends on k alone, never on the thread count, and threads split C into disjoint column or row ranges
/// on the panel grid, so every element gets exactly the same sequence of operations with 1 or 16 threads:
/// results are bit-identical for any <see cref="Parallelism.Threads"/>. m = 1 or n = 1 goes to
/// <see cref="Gemv"/>.
/// </remarks>
public static unsafe class Gemm
{
    // Block sizes (floats). KC: the k depth of a block; a longer block means C tiles are loaded and stored
    // fewer times (K/KC), and its B micro-panel (KC×NR = 64 KiB) streams from L2 well enough. MC: the packed
    // A block (MC×KC = 288 KiB) stays in the 1 MiB L2. NC: the packed B slab (KC×NC) lives in L3. k is cut
    // into equal blocks of at most KC so no tiny tail block wastes a pass. Measured on this Zen 5 (bench
    // gemm, same session): 256/192 gave 77–79% of peak at 1024²–2048² on one thread and 72–78% on two;
    // 512/144 gives 82–86% on both, and 5–15% more on the MLP shapes with two threads.
    internal const int KC = 512, MC = 144, NC = 2048;

    /// <summary>Below this many multiply-adds a second thread costs more than it saves.</summary>
    internal const long ParallelWork = 1L << 18;

    /// <summary>
    /// The same for a matrix-vector product, which streams the matrix from memory once: two cores fetch it
    /// faster than one from much smaller sizes on (LeNet's 1600×128 layer at batch 1: 8.5 → 5 µs).
    /// </summary>
    internal const long ParallelWorkGemv = 1L << 16;

    /// <summary>
    /// Multiplies with the best SIMD level and <see cref="Parallelism.Threads"/> threads (one thread for
    /// small products, where waking a second one costs more than it saves).
    /// </summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Simd.Best,
            (long)m * n * k < (m == 1 || n == 1 ? ParallelWorkGemv : ParallelWork) ? 1 : Parallelism.Threads);

    /// <summary>
    /// Same, with an explicit SIMD level and thread count, used as given whatever the size (tests force
    /// every path and split).
    /// </summary>
    internal static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        SimdLevel level, int threads)
    {
        if (m < 0) throw new ArgumentException($"gemm: m is {m}, expected m >= 0.", nameof(m));
        if (n < 0) throw new ArgumentException($"gemm: n is {n}, expected n >= 0.", nameof(n));
        if (k < 0) throw new ArgumentException($"gemm: k is {k}, expected k >= 0.", nameof(k));
        if (threads < 1) throw new ArgumentException($"gemm: threads is {threads}, expected at least 1.", nameof(threads));
        if (!Simd.IsSupported(level)) throw new ArgumentException($"gemm: SIMD level {level} is not supported by this CPU (best is {Simd.Best}).", nameof(level));
        CheckMatrix("a", "lda", a.Length, transA ? k : m, transA ? m : k, lda);
        CheckMatrix("b", "ldb", b.Length, transB ? n : k, transB ? k : n, ldb);
        CheckMatrix("c", "ldc", c.Length, m, n, ldc);

        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0)
            {
                Scale(m, n, beta, pc, ldc);
                return;
            }
            Run(level, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, null, beta, pc, ldc, threads);
        }
    }

    /// <summary>
    /// True when a product of this shape can take its B panels from an <see cref="IPanelSource"/>: not a
    /// matrix-vector product, which streams B unpacked.
    /// </summary>
    internal static bool TakesPanelSource(int m, int n) => m > 1 && n > 1;

    /// <summary>
    /// C = alpha·op(A)·B + beta·C, with B's packed panels from <paramref name="b"/>; only for shapes where
    /// <see cref="TakesPanelSource"/> holds. The same bits as packing B from memory. When the product is
    /// computed transposed (see <see cref="GemmJob.PrefersTransposed"/>), Bᵀ is its left operand, and the
    /// source's B panels are exactly that operand's packed A panels (for each k step, the values of
    /// consecutive columns of B).
    /// </summary>
    internal static void Multiply(bool transA, int m, int n, int k, float alpha, float* a, nint lda, IPanelSource b,
        float beta, float* c, nint ldc, SimdLevel level, int threads)
    {
        if (!TakesPanelSource(m, n))
            throw new ArgumentException($"gemm: a {m}x{n}x{k} product cannot take its B panels from a source (it is a matrix-vector product).");
        if (k == 0 || alpha == 0) { Scale(m, n, beta, c, ldc); return; }
        Run(level, transA, false, m, n, k, alpha, a, lda, null, 0, b, beta, c, ldc, threads);
    }

    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C with op(B)'s panels from B or from <paramref name="bSource"/>, computed
    /// directly or, where Cᵀ = op(B)ᵀ·op(A)ᵀ fills the microkernel's tiles better, into scratch and stored
    /// transposed. With alpha 1 every element is the same k-chain, rounded once when beta·C is added, exactly
    /// as the kernel's epilogue does: the same bits as the direct product.
    /// </summary>
    static void Run(SimdLevel level, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, IPanelSource? bSource, float beta, float* c, nint ldc, int threads)
    {
        if (alpha == 1f && GemmJob.PrefersTransposed(level, m, n, k))
        {
            // op(B)ᵀ is the left operand; a source's B panels of op(B) are exactly its A panels.
            float* t = GemmBuffers.Current.T(m * n);
            RunJob(level, !transB, !transA, n, m, k, 1f, b, ldb, a, lda, 0f, t, m, threads, aSource: bSource, bSource: null);
            StoreTransposed(t, m, n, beta, c, ldc);
            return;
        }
        RunJob(level, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, aSource: null, bSource: bSource);
    }

    static void RunJob(SimdLevel level, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, int threads,
        IPanelSource? aSource, IPanelSource? bSource)
    {
        var job = GemmJob.Current;
        job.Set(level, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        job.ASource = aSource;
        job.BSource = bSource;
        try
        {
            job.Plan(threads);
            WorkerPool.Run(job, job.Parts);
        }
        finally
        {
            job.Clear();
        }
    }

    /// <summary>C = Tᵀ + beta·C, where T (n×m, contiguous) holds the product transposed; beta = 0 never reads C.</summary>
    static void StoreTransposed(float* t, int m, int n, float beta, float* c, nint ldc)
    {
        if (beta == 0f)
        {
            GemmPacking.Transpose(t, m, n, m, c, ldc, pad: false);
            return;
        }
        // beta·C first, then the product added: the rounding of fma(product, 1, beta·C) in the kernel.
        var rows = GemmBuffers.Current.X(m * n);
        GemmPacking.Transpose(t, m, n, m, rows, n, pad: false);
        for (int i = 0; i < m; i++)
        {
            var ci = new Span<float>(c + i * ldc, n);
            if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(ci, beta, ci);
            System.Numerics.Tensors.TensorPrimitives.Add(ci, new ReadOnlySpan<float>(rows + (nint)i * n, n), ci);
        }
    }

    static void CheckMatrix(string name, string ldName, int length, int rows, int cols, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
            throw new ArgumentException($"gemm: {ldName} is {ld}, expected at least {cols} (the row length of the {rows}x{cols} matrix {name}).", ldName);
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException($"gemm: {name} has {length} elements, expected at least {needed} for a {rows}x{cols} matrix with {ldName} {ld}.", name);
    }

    /// <summary>C = beta·C (beta = 0 writes zeros without reading).</summary>
    static void Scale(int m, int n, float beta, float* c, nint ldc)
    {
        for (int i = 0; i < m; i++, c += ldc)
        {
            if (beta == 0) new Span<float>(c, n).Clear();
            else if (beta != 1) for (int j = 0; j < n; j++) c[j] *= beta;
        }
    }

    /// <summary>
    /// The blocked algorithm on C[i0..i1, j0..j1] with microkernel TK, using the calling thread's buffers.
    /// i0 and j0 lie on the MR/NR panel grid, so edge tiles are the same whatever the split.
    /// </summary>
    [SkipLocalsInit]
    internal static void Blocked<TK>(GemmJob g, int i0, int i1, int j0, int j1) where TK : struct, IGemmKernel
    {
        int mr = TK.MR, nr = TK.NR, kcMax = g.KcBlock;
        int mcMax = Math.Max(mr, MC / mr * mr), ncMax = Math.Max(nr, NC / nr * nr);
        var buffers = GemmBuffers.Current;
        float* pa = buffers.A(mcMax * kcMax);
        float* edge = stackalloc float[mr * nr];
        float* pb = buffers.B(Math.Min(ncMax, (j1 - j0 + nr - 1) / nr * nr) * kcMax);
        for (int jc = j0; jc < j1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, j1 - jc);
            for (int p0 = 0; p0 < g.K; p0 += kcMax)
            {
                int kc = Math.Min(kcMax, g.K - p0);
                // The first k block applies beta; later ones accumulate into what the first wrote.
                float beta = p0 == 0 ? g.Beta : 1f;
                if (g.BSource is { } source) source.PackB(p0, kc, jc, nc, pb, nr);
                else GemmPacking.PackB(g.B, g.Ldb, g.TransB, p0, kc, jc, nc, pb, nr);
                for (int ic = i0; ic < i1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, i1 - ic);
                    // A source's B panels of op(A)ᵀ are op(A)'s A panels: the same layout.
                    if (g.ASource is { } aSource) aSource.PackB(p0, kc, ic, mc, pa, mr);
                    else GemmPacking.PackA(g.A, g.Lda, g.TransA, ic, mc, p0, kc, pa, mr);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        float* bPanel = pb + jr * kc;
                        float* cCol = g.C + jc + jr;
                        int ncols = Math.Min(nr, nc - jr);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            float* cTile = cCol + (ic + ir) * g.Ldc;
                            int nrows = Math.Min(mr, mc - ir);
                            if (nrows == mr && ncols == nr)
                                TK.Run(kc, pa + ir * kc, bPanel, cTile, g.Ldc, g.Alpha, beta);
                            else
                            {
                                // Ragged edge: the full tile goes to scratch, then only its valid corner to C
                                // (with the same arithmetic as the kernel's own epilogue).
                                TK.Run(kc, pa + ir * kc, bPanel, edge, nr, 1f, 0f);
                                GemmKernelScalar.StoreEdge(edge, nr, cTile, g.Ldc, g.Alpha, beta, nrows, ncols);
                            }
                        }
                    }
                }
            }
        }
    }
}
