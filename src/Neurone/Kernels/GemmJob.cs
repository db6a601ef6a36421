namespace Neurone.Kernels;

/// <summary>
/// One GEMM call's arguments and its split into parts for <see cref="WorkerPool"/>. Cached per calling
/// thread (the caller blocks until all parts are done), so a call allocates nothing.
/// </summary>
internal sealed unsafe class GemmJob : IParallelWork
{
    [ThreadStatic] static GemmJob? current;
    public static GemmJob Current => current ??= new GemmJob();

    public SimdLevel Level;
    public bool TransA, TransB;
    public int M, N, K;
    public float Alpha, Beta;
    public float* A, B, C;
    public nint Lda, Ldb, Ldc;

    public int KcBlock;   // k block size: a function of k alone (bit-identical results for any thread count)
    public int Parts;     // number of parts (threads) the output is split into
    bool splitN;          // split the columns (else the rows) of C
    Avx512Tile tile;      // which AVX-512 microkernel (when Level is Vector512)
    int panels, panelSize;

    // Matrix-vector mode (m = 1 or n = 1): y = alpha·x·M + beta·y over `outputs` outputs.
    bool gemv, rows;
    float* x, mat, y;
    nint ld, incy;
    int outputs;

    public void Set(SimdLevel level, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        Level = level; TransA = transA; TransB = transB; M = m; N = n; K = k; Alpha = alpha; Beta = beta;
        A = a; B = b; C = c; Lda = lda; Ldb = ldb; Ldc = ldc;
    }

    /// <summary>Where op(B)'s panels come from instead of B (null: packed from B).</summary>
    public IPanelSource? BSource;

    /// <summary>Where op(A)'s panels come from instead of A, as the B panels of op(A)ᵀ (null: packed from A).</summary>
    public IPanelSource? ASource;

    public void Clear()
    {
        A = B = C = x = mat = y = null;
        ASource = BSource = null;
    }

    public void Plan(int threads)
    {
        gemv = M == 1 || N == 1;
        if (gemv)
        {
            PlanGemv(threads);
            return;
        }

        int blocks = (K + Gemm.KC - 1) / Gemm.KC;
        KcBlock = (K + blocks - 1) / blocks;
        tile = ChooseTile(M, N);
        (int mr, int nr) = Level switch
        {
            SimdLevel.Vector512 when tile == Avx512Tile.Wide => (GemmKernel512Wide.MR, GemmKernel512Wide.NR),
            SimdLevel.Vector512 when tile == Avx512Tile.Tall => (GemmKernel512Tall.MR, GemmKernel512Tall.NR),
            SimdLevel.Vector512 => (GemmKernel512.MR, GemmKernel512.NR),
            SimdLevel.Vector256 => (GemmKernel256.MR, GemmKernel256.NR),
            _ => (GemmKernelScalar.MR, GemmKernelScalar.NR),
        };
        // Split the wider dimension: each part packs all of the other operand, so this keeps the
        // duplicated packing (m·k or k·n per extra thread) the smaller one.
        splitN = N >= M;
        panelSize = splitN ? nr : mr;
        panels = ((splitN ? N : M) + panelSize - 1) / panelSize;
        Parts = Math.Max(1, Math.Min(threads, panels));
    }

    /// <summary>The three AVX-512 microkernels: 12×32 (<see cref="GemmKernel512"/>), 8×48 and 25×16.</summary>
    internal enum Avx512Tile { Narrow, Wide, Tall }

    /// <summary>
    /// The AVX-512 microkernel whose tiles leave the least of their area empty on an m×n product; on a tie the
    /// 12×32 kernel, then the 8×48 one. The 25×16 kernel must fill its tiles 5% better than both: it loads a
    /// B vector for every row of FMAs and packs 25-row panels, and ran a few percent slower per FLOP where the
    /// fill was about even (LeNet's convolutions). A function of the shape alone; all three give the same bits.
    /// </summary>
    internal static Avx512Tile ChooseTile(int m, int n)
    {
        double narrow = NarrowUse(m, n), wide = WideUse(m, n), tall = TallUse(m, n);
        if (tall > 1.05 * Math.Max(narrow, wide)) return Avx512Tile.Tall;
        return wide > narrow ? Avx512Tile.Wide : Avx512Tile.Narrow;
    }

    /// <summary>
    /// True when computing Cᵀ (n×m) instead of C fills the AVX-512 tiles at least 10% better and k is deep
    /// enough for the product to dwarf the transposed store: a few columns (a 10-class output layer: 31% of
    /// the 12×32 tiles used, 83% transposed), or LeNet's second convolution at batch 1, 32 channels × 100
    /// positions on each core (69% → 100%). Not its 64×500 product of five images (95% → 100%), nor the
    /// two-layer net's 200×100 first layer (89% → 96%): transposing packs and stores more, and the first ran
    /// 10% slower per FLOP that way.
    /// </summary>
    internal static bool PrefersTransposed(SimdLevel level, int m, int n, int k) =>
        level == SimdLevel.Vector512 && m > 1 && n > 1 && k >= 32 && TileUse(n, m) > 1.10 * TileUse(m, n);

    /// <summary>The fraction of its tiles an m×n product fills, with the AVX-512 kernel <see cref="ChooseTile"/> picks.</summary>
    static double TileUse(int m, int n) => ChooseTile(m, n) switch
    {
        Avx512Tile.Tall => TallUse(m, n),
        Avx512Tile.Wide => WideUse(m, n),
        _ => NarrowUse(m, n),
    };

    /// <summary>The fraction of the 8×48 (wide), 12×32 (narrow) or 25×16 (tall) tiles an m×n product fills.</summary>
    static double WideUse(int m, int n) => Used(m, GemmKernel512Wide.MR) * Used(n, GemmKernel512Wide.NR);
    static double NarrowUse(int m, int n) => Used(m, GemmKernel512.MR) * Used(n, GemmKernel512.NR);
    static double TallUse(int m, int n) => Used(m, GemmKernel512Tall.MR) * Used(n, GemmKernel512Tall.NR);

    /// <summary>The fraction of ⌈size/tile⌉ tiles that <paramref name="size"/> fills.</summary>
    static double Used(int size, int tile) => size / (double)((size + tile - 1) / tile * tile);

    void PlanGemv(int threads)
    {
        // m = 1: y is the row of C; n = 1: y is the column of C and the roles of A and B swap (C^T = op(B)^T·op(A)^T).
        float* xs;
        nint incx;
        int k = K;
        if (M == 1)
        {
            xs = A; incx = TransA ? Lda : 1;
            rows = !TransB; mat = B; ld = Ldb;
            y = C; incy = 1; outputs = N;
        }
        else
        {
            xs = B; incx = TransB ? 1 : Ldb;
            rows = TransA; mat = A; ld = Lda;
            y = C; incy = Ldc; outputs = M;
        }
        if (incx == 1) x = xs;
        else
        {
            x = GemmBuffers.Current.X(k);
            for (int p = 0; p < k; p++) x[p] = xs[p * incx];
        }
        // Parts own whole chunks of outputs: 128 in the rows layout, so its vector/scalar boundary never moves;
        // 16 in the dots layout, whose outputs are independent (a layer of 128 outputs splits over two cores).
        panelSize = rows ? 128 : 16;
        panels = (outputs + panelSize - 1) / panelSize;
        Parts = Math.Max(1, Math.Min(threads, panels));
    }

    public void Execute(int index)
    {
        int p0 = (int)((long)index * panels / Parts), p1 = (int)((long)(index + 1) * panels / Parts);
        if (p0 == p1) return;
        if (gemv)
        {
            Gemv.Run(Level, rows, K, p0 * panelSize, Math.Min(outputs, p1 * panelSize), Alpha, x, mat, ld, Beta, y, incy);
            return;
        }
        int i0 = 0, i1 = M, j0 = 0, j1 = N;
        if (splitN) { j0 = p0 * panelSize; j1 = Math.Min(N, p1 * panelSize); }
        else { i0 = p0 * panelSize; i1 = Math.Min(M, p1 * panelSize); }
        switch (Level)
        {
            case SimdLevel.Vector512 when tile == Avx512Tile.Wide: Gemm.Blocked<GemmKernel512Wide>(this, i0, i1, j0, j1); break;
            case SimdLevel.Vector512 when tile == Avx512Tile.Tall: Gemm.Blocked<GemmKernel512Tall>(this, i0, i1, j0, j1); break;
            case SimdLevel.Vector512: Gemm.Blocked<GemmKernel512>(this, i0, i1, j0, j1); break;
            case SimdLevel.Vector256: Gemm.Blocked<GemmKernel256>(this, i0, i1, j0, j1); break;
            default: Gemm.Blocked<GemmKernelScalar>(this, i0, i1, j0, j1); break;
        }
    }
}
