using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

public class GemmTests
{
    static readonly int[] Sizes = [1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 70];

    public static TheoryData<SimdLevel, int> LevelsAndThreads()
    {
        var data = new TheoryData<SimdLevel, int>();
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level))
                foreach (int t in new[] { 1, 2, 3 })
                    data.Add(level, t);
        return data;
    }

    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level)) data.Add(level);
        return data;
    }

    /// <summary>A m×n problem with the given layout and padding, filled from a seeded generator.</summary>
    sealed class Problem
    {
        public readonly bool TransA, TransB;
        public readonly int M, N, K, Lda, Ldb, Ldc;
        public readonly float Alpha, Beta;
        public readonly float[] A, B, C0;

        public Problem(int m, int n, int k, bool transA, bool transB, float alpha, float beta, int pad, int seed, bool nanC = false)
        {
            M = m; N = n; K = k; TransA = transA; TransB = transB; Alpha = alpha; Beta = beta;
            var rng = new Random(seed);
            Lda = (transA ? m : k) + pad;
            Ldb = (transB ? k : n) + pad;
            Ldc = n + pad;
            A = Fill(rng, (transA ? k : m) * Lda);
            B = Fill(rng, (transB ? n : k) * Ldb);
            C0 = nanC ? Enumerable.Repeat(float.NaN, m * Ldc).ToArray() : Fill(rng, m * Ldc);
        }

        static float[] Fill(Random rng, int count)
        {
            var v = new float[count];
            for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
            return v;
        }

        public float[] Run(SimdLevel level, int threads)
        {
            var c = (float[])C0.Clone();
            Gemm.Multiply(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc, level, threads);
            return c;
        }

        float OpA(int i, int p) => TransA ? A[p * Lda + i] : A[i * Lda + p];
        float OpB(int p, int j) => TransB ? B[j * Ldb + p] : B[p * Ldb + j];

        /// <summary>Checks c against a double-precision reference, tolerance relative to Σ|a||b|.</summary>
        public void Check(float[] c, string what)
        {
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++)
                {
                    double s = 0, mag = 0;
                    for (int p = 0; p < K; p++)
                    {
                        double x = OpA(i, p), y = OpB(p, j);
                        s += x * y;
                        mag += Math.Abs(x * y);
                    }
                    double c0 = Beta == 0 ? 0 : C0[i * Ldc + j];
                    double expected = Alpha * s + Beta * c0;
                    double tol = 1e-6 + 4e-7 * (K + 4) * (Math.Abs(Alpha) * mag + Math.Abs(Beta * c0));
                    float got = c[i * Ldc + j];
                    if (!(Math.Abs(got - expected) <= tol))
                        Assert.Fail($"{what}: C[{i},{j}] = {got}, expected {expected} ± {tol}");
                }
            // Padding columns of C are never touched.
            for (int i = 0; i < M; i++)
                for (int j = N; j < Ldc; j++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(C0[i * Ldc + j]), BitConverter.SingleToInt32Bits(c[i * Ldc + j]));
        }
    }

    static readonly (float Alpha, float Beta, bool NanC)[] Scalings =
        [(1f, 0f, false), (1f, 0f, true), (0.5f, 1f, false), (-1.5f, 0.25f, false), (2f, 0f, true), (1f, -1f, false)];

    [Theory]
    [MemberData(nameof(LevelsAndThreads))]
    public void MatchesReferenceOnAwkwardSizes(SimdLevel level, int threads)
    {
        // Every (m, n) pair of the awkward sizes, with k, layout, scaling and padding cycled so that each
        // value of each meets many of the others while the test stays fast.
        int seed = 0;
        for (int i = 0; i < Sizes.Length; i++)
            for (int j = 0; j < Sizes.Length; j++, seed++)
            {
                int k = Sizes[(i * 7 + j * 3) % Sizes.Length];
                bool transA = ((i + j) & 1) != 0, transB = ((i + j) & 2) != 0;
                var (alpha, beta, nanC) = Scalings[(i + 2 * j) % Scalings.Length];
                int pad = (i + j) % 3 == 0 ? 3 : 0;
                var p = new Problem(Sizes[i], Sizes[j], k, transA, transB, alpha, beta, pad, seed, nanC);
                p.Check(p.Run(level, threads), $"{level} t{threads} {Sizes[i]}x{Sizes[j]}x{k} tA={transA} tB={transB} a={alpha} b={beta} pad={pad}");
            }
    }

    [Theory]
    [MemberData(nameof(LevelsAndThreads))]
    public void EveryLayoutAcrossBlockBoundaries(SimdLevel level, int threads)
    {
        // Crosses the KC (k split into equal blocks), MC and NC block edges and the gemv paths.
        (int m, int n, int k)[] shapes = [(13, 2100, 530), (400, 37, 20), (1, 300, 70), (70, 1, 300), (1, 1, 33)];
        int seed = 1000;
        foreach (var (m, n, k) in shapes)
            for (int layout = 0; layout < 4; layout++, seed++)
            {
                bool transA = (layout & 1) != 0, transB = (layout & 2) != 0;
                var p = new Problem(m, n, k, transA, transB, 0.75f, layout == 3 ? 0.5f : 0f, layout == 2 ? 5 : 0, seed);
                p.Check(p.Run(level, threads), $"{level} t{threads} {m}x{n}x{k} tA={transA} tB={transB}");
            }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void ResultsAreBitIdenticalForAnyThreadCount(SimdLevel level)
    {
        (int m, int n, int k)[] shapes = [(300, 257, 190), (257, 300, 600), (1, 1000, 300), (1000, 1, 300)];
        int seed = 2000;
        foreach (var (m, n, k) in shapes)
            for (int layout = 0; layout < 4; layout++, seed++)
            {
                var p = new Problem(m, n, k, (layout & 1) != 0, (layout & 2) != 0, 1.25f, 0.5f, 1, seed);
                float[] one = p.Run(level, 1);
                foreach (int t in new[] { 2, 3, 4 })
                {
                    float[] many = p.Run(level, t);
                    for (int i = 0; i < one.Length; i++)
                        if (BitConverter.SingleToInt32Bits(one[i]) != BitConverter.SingleToInt32Bits(many[i]))
                            Assert.Fail($"{level} {m}x{n}x{k} layout {layout}: element {i} differs between 1 and {t} threads ({one[i]} vs {many[i]})");
                }
            }
    }

    [Avx512Fact]
    public void AllAvx512KernelsGiveTheSameBits()
    {
        // 72 rows fit 12×32 tiles exactly; 64 rows fit 8×48 (12×32 would leave a tile two-thirds empty);
        // 50 rows fit 25×16 (and 49 leave one row of those tiles empty, still the best fit).
        Assert.Equal(GemmJob.Avx512Tile.Narrow, GemmJob.ChooseTile(72, 96));
        Assert.Equal(GemmJob.Avx512Tile.Wide, GemmJob.ChooseTile(64, 96));
        Assert.Equal(GemmJob.Avx512Tile.Tall, GemmJob.ChooseTile(50, 96));
        Assert.Equal(GemmJob.Avx512Tile.Tall, GemmJob.ChooseTile(49, 96));
        foreach (float beta in new[] { 0f, 0.5f })
        {
            var tall = new Problem(72, 96, 300, false, true, 1.5f, beta, 0, 11);
            float[] narrow = tall.Run(SimdLevel.Vector512, 1);
            // The same first rows of A, B and C as a smaller product, which takes another kernel.
            foreach (int rows in new[] { 64, 50, 49 })
            {
                float[] c = tall.C0[..(rows * 96)];
                Gemm.Multiply(false, true, rows, 96, 300, 1.5f, tall.A, tall.Lda, tall.B, tall.Ldb, beta, c, 96, SimdLevel.Vector512, 2);
                for (int i = 0; i < c.Length; i++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(narrow[i]), BitConverter.SingleToInt32Bits(c[i]));
            }
        }
    }

    [Avx512Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(-0.5f)]
    public void AProductComputedTransposedGivesTheSameBits(float beta)
    {
        // 10 columns (an output layer) is computed as its transpose; 32 columns is not. Columns of a product
        // are independent, so the first 10 of the wider one must match to the bit, for every beta.
        Assert.True(GemmJob.PrefersTransposed(SimdLevel.Vector512, 64, 10, 100));
        Assert.False(GemmJob.PrefersTransposed(SimdLevel.Vector512, 64, 32, 100));
        foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var wideProblem = new Problem(64, 32, 100, transA, transB, 1f, beta, 0, 12);
            float[] wide = wideProblem.Run(SimdLevel.Vector512, 2);
            // The same A, the first 10 columns of B and C, with 3 floats of padding after each row of C.
            int ldc = 13;
            var c = new float[64 * ldc];
            for (int i = 0; i < 64; i++)
                for (int j = 0; j < ldc; j++) c[i * ldc + j] = j < 10 ? wideProblem.C0[i * 32 + j] : float.NaN;
            Gemm.Multiply(transA, transB, 64, 10, 100, 1f, wideProblem.A, wideProblem.Lda, wideProblem.B, wideProblem.Ldb, beta, c, ldc, SimdLevel.Vector512, 2);
            for (int i = 0; i < 64; i++)
            {
                for (int j = 0; j < 10; j++)
                    Assert.Equal(BitConverter.SingleToInt32Bits(wide[i * 32 + j]), BitConverter.SingleToInt32Bits(c[i * ldc + j]));
                for (int j = 10; j < ldc; j++) Assert.True(float.IsNaN(c[i * ldc + j]), "the padding of C was written");
            }
        }
    }

    [Fact]
    public void VectorPathsAgreeWithScalarPath()
    {
        var p = new Problem(45, 77, 129, true, false, 1f, 0f, 2, 7);
        float[] scalar = p.Run(SimdLevel.Scalar, 1);
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level))
            {
                float[] got = p.Run(level, 2);
                for (int i = 0; i < got.Length; i++)
                    Assert.True(Math.Abs(got[i] - scalar[i]) <= 1e-4f * (1 + Math.Abs(scalar[i])), $"{level}: element {i} {got[i]} vs {scalar[i]}");
            }
    }

    [Fact]
    public void EmptyAndZeroKProblems()
    {
        // k = 0: C = beta·C; beta = 0 clears even NaN.
        float[] c = [1, 2, float.NaN, 4];
        Gemm.Multiply(false, false, 2, 2, 0, 1f, [], 0, [], 2, 0f, c, 2);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, c);
        c = [1, 2, 3, 4];
        Gemm.Multiply(false, false, 2, 2, 0, 1f, [], 0, [], 2, 2f, c, 2);
        Assert.Equal(new float[] { 2, 4, 6, 8 }, c);
        // alpha = 0 does not read A or B (NaN there stays out).
        c = [1, 2, 3, 4];
        Gemm.Multiply(false, false, 2, 2, 1, 0f, [float.NaN, float.NaN], 1, [float.NaN, float.NaN], 2, 1f, c, 2);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c);
        // m = 0 or n = 0: nothing to do, empty spans are fine.
        Gemm.Multiply(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
        Gemm.Multiply(true, true, 4, 0, 3, 1f, new float[12], 4, [], 3, 0f, [], 0);
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level))
            {
                c = [5];
                Gemm.Multiply(false, false, 1, 1, 3, 1f, [1, 2, 3], 3, [4, 5, 6], 1, 0f, c, 1, level, 2);
                Assert.Equal(32f, c[0]);
            }
    }

    [Fact]
    public void BadArgumentsAreReportedClearly()
    {
        float[] a = new float[100], b = new float[784 * 512], c = new float[128 * 512];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 128, 512, 784, 1f, a, 784, b, 512, 0f, c, 512));
        Assert.Contains("a has 100 elements, expected at least 100352 for a 128x784 matrix with lda 784", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 4, 1f, new float[8], 3, new float[12], 3, 0f, new float[6], 3));
        Assert.Contains("lda is 3, expected at least 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(true, false, 2, 3, 4, 1f, new float[8], 1, new float[12], 3, 0f, new float[6], 3));
        Assert.Contains("lda is 1, expected at least 2 (the row length of the 4x2 matrix a)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, true, 2, 3, 4, 1f, new float[8], 4, new float[11], 4, 0f, new float[6], 3));
        Assert.Contains("b has 11 elements, expected at least 12 for a 3x4 matrix with ldb 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[5], 3));
        Assert.Contains("c has 5 elements, expected at least 6", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 4, 1f, new float[8], 4, new float[12], 3, 0f, new float[6], 2));
        Assert.Contains("ldc is 2, expected at least 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, -1, 3, 4, 1f, a, 4, b, 3, 0f, c, 3));
        Assert.Contains("m is -1, expected m >= 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 1, -3, 4, 1f, a, 4, b, 3, 0f, c, 3));
        Assert.Contains("n is -3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 1, 3, -4, 1f, a, 4, b, 3, 0f, c, 3));
        Assert.Contains("k is -4", e.Message);
        e = Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 1, 1, 1, 1f, a, 1, b, 1, 0f, c, 1, SimdLevel.Scalar, 0));
        Assert.Contains("threads is 0", e.Message);
    }
}
