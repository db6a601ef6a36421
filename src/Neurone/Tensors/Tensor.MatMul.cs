using Neurone.Autograd;
using Neurone.Kernels;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// Matrix product as <c>torch.matmul</c>, at any rank: the last two dimensions are the matrices and every
    /// dimension before them is a batch dimension, broadcast between the operands as elementwise ops broadcast
    /// ([2,1,4,5] × [3,5,6] gives [2,3,4,6]). A 1-D operand is a vector: a row on the left, a column on the
    /// right, and its dimension is dropped from the result (vector · vector is a scalar).
    /// <paramref name="transposeA"/> and <paramref name="transposeB"/> use the transposed last two dimensions
    /// without copying them, as the layers' forward (X·Wᵀ) and backward (dYᵀ·X) and attention (Q·Kᵀ) need.
    /// Each batch is one call to the blocked GEMM; a right operand shared by every batch makes one tall GEMM.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"matmul: expected operands of rank 1 or more (a scalar is not a matrix; multiply with Mul), got {Shapes.Format(a.shape)} x {Shapes.Format(b.shape)}.");

        // Vectors: a row vector on the left, a column vector on the right; the extra dimension is dropped after.
        bool aVector = a.Rank == 1, bVector = b.Rank == 1;
        if (aVector && transposeA) throw new ArgumentException("matmul: transposeA needs a matrix, got a vector.");
        if (bVector && transposeB) throw new ArgumentException("matmul: transposeB needs a matrix, got a vector.");
        var a2 = aVector ? a.Reshape(1, a.Count) : a;
        var b2 = bVector ? b.Reshape(b.Count, 1) : b;

        var (m, k) = LastTwo(a2, transposeA);
        var (kb, n) = LastTwo(b2, transposeB);
        if (k != kb)
            throw new ArgumentException($"matmul: {Shapes.Format(a.shape)}{(transposeA ? "ᵀ" : "")} x {Shapes.Format(b.shape)}{(transposeB ? "ᵀ" : "")} — inner dimensions {k} and {kb} differ.");

        var batchShape = BatchShape(a, b, a2.shape.AsSpan(0, a2.Rank - 2), b2.shape.AsSpan(0, b2.Rank - 2));
        int batch = Shapes.Count(batchShape, "matmul");
        var resultShape = new int[batchShape.Length + 2];
        batchShape.CopyTo(resultShape, 0);
        resultShape[^2] = m;
        resultShape[^1] = n;
        var result = Uninitialized(resultShape);

        int lda = a2.shape[^1], ldb = b2.shape[^1];
        var c = result.AsSpan();
        var av = a2.AsReadOnlySpan();
        var bv = b2.AsReadOnlySpan();
        if (batchShape.Length == 0)
            Gemm.Multiply(transposeA, transposeB, m, n, k, 1f, av, lda, bv, ldb, 0f, c, n);
        else if (SharedRightOperand(a2, b2, batch, m, k, n, transposeA))
            // Every batch shares B: one tall GEMM over batch·m rows is faster than batch small ones.
            Gemm.Multiply(false, transposeB, batch * m, n, k, 1f, av, lda, bv, ldb, 0f, c, n);
        else
        {
            var job = new BatchedProduct(a2, b2, result, batchShape, m, n, k, transposeA, transposeB);
            long work = (long)m * n * k;
            // Products too small for GEMM to split (attention's per-head ones) are spread over the threads a
            // whole product each instead; GEMM's bits do not depend on its thread count, so neither do these.
            long gemmSplitsFrom = m == 1 || n == 1 ? Gemm.ParallelWorkGemv : Gemm.ParallelWork;
            if (batch > 1 && Parallelism.Threads > 1 && work < gemmSplitsFrom && work * batch >= Gemm.ParallelWork)
                ParallelRanges.For(batch, (from, to) => job.Run(from, to, threads: 1), workPerItem: work);
            else job.Run(0, batch, threads: 0);
        }

        Graph.Record(result, "matmul", [a2, b2], g => MatMulBackward(a2, b2, g, transposeA, transposeB));
        if (!aVector && !bVector) return result;
        // Drop the vector's dimension: m (the row) for a vector on the left, n (the column) on the right.
        var dropped = new List<int>(batchShape);
        if (!aVector) dropped.Add(m);
        if (!bVector) dropped.Add(n);
        return result.Reshape(dropped.ToArray());
    }

    /// <summary>
    /// Whether B holds one matrix for every batch while A holds one per batch (not broadcast), untransposed:
    /// then A's batches are consecutive rows of one tall matrix.
    /// </summary>
    static bool SharedRightOperand(Tensor a2, Tensor b2, int batch, int m, int k, int n, bool transposeA) =>
        !transposeA && batch > 0 && b2.Count == (long)k * n && a2.Count == (long)batch * m * k;

    /// <summary>The per-batch GEMMs of a batched product: batch i reads A and B where their broadcast batch strides put it.</summary>
    sealed class BatchedProduct(Tensor a, Tensor b, Tensor c, int[] batchShape, int m, int n, int k, bool ta, bool tb)
    {
        readonly int[] stridesA = BatchStrides(a, batchShape, m * k), stridesB = BatchStrides(b, batchShape, k * n);

        /// <summary>Batches [from, to); threads 0 lets GEMM choose its own thread count.</summary>
        public void Run(int from, int to, int threads)
        {
            var av = a.AsReadOnlySpan();
            var bv = b.AsReadOnlySpan();
            var cv = c.AsSpan();
            int lda = a.shape[^1], ldb = b.shape[^1];
            for (int i = from; i < to; i++)
            {
                var ai = av.Slice(BatchOffset(i, batchShape, stridesA), m * k);
                var bi = bv.Slice(BatchOffset(i, batchShape, stridesB), k * n);
                var ci = cv.Slice(i * m * n, m * n);
                if (threads == 0) Gemm.Multiply(ta, tb, m, n, k, 1f, ai, lda, bi, ldb, 0f, ci, n);
                else Gemm.Multiply(ta, tb, m, n, k, 1f, ai, lda, bi, ldb, 0f, ci, n, Simd.Best, threads);
            }
        }
    }

    /// <summary>The broadcast of the two operands' batch dimensions, or an error naming both shapes.</summary>
    static int[] BatchShape(Tensor a, Tensor b, ReadOnlySpan<int> batchA, ReadOnlySpan<int> batchB)
    {
        if (Shapes.Equal(batchA, batchB)) return batchA.ToArray();
        int rank = Math.Max(batchA.Length, batchB.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - batchA.Length ? 1 : batchA[i - (rank - batchA.Length)];
            int db = i < rank - batchB.Length ? 1 : batchB[i - (rank - batchB.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"matmul: {Shapes.Format(a.shape)} x {Shapes.Format(b.shape)} — batch dimensions {Shapes.Format(batchA)} and {Shapes.Format(batchB)} cannot be broadcast ({da} against {db} at batch dimension {i}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>The step, in elements, between t's matrices along each batch dimension of the result; 0 where t is broadcast.</summary>
    static int[] BatchStrides(Tensor t, int[] batchShape, int matrixSize)
    {
        int own = t.Rank - 2, lead = batchShape.Length - own;
        var strides = new int[batchShape.Length];
        int step = matrixSize;
        for (int i = own - 1; i >= 0; i--)
        {
            strides[lead + i] = t.shape[i] == 1 ? 0 : step;
            step *= t.shape[i];
        }
        return strides;
    }

    /// <summary>Where batch <paramref name="index"/> (row-major over the batch shape) starts in an operand with these strides.</summary>
    static int BatchOffset(int index, int[] batchShape, int[] strides)
    {
        int offset = 0;
        for (int d = batchShape.Length - 1; d >= 0; d--)
        {
            offset += index % batchShape[d] * strides[d];
            index /= batchShape[d];
        }
        return offset;
    }

    /// <summary>
    /// Gradients of C = op(A)·op(B). For plain operands dA = G·Bᵀ and dB = Aᵀ·G; a transposed operand
    /// gets the transpose of that, which GEMM's transpose flags give without copying. An operand broadcast
    /// over batch dimensions sums its per-batch gradients back to its own shape.
    /// </summary>
    static Tensor?[] MatMulBackward(Tensor a, Tensor b, Tensor g, bool ta, bool tb)
    {
        Tensor? da = null, db = null;
        if (a.RequiresGrad)
        {
            // d op(A) = G·op(B)ᵀ; if A itself is stored transposed, dA = (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ.
            da = ta ? MatMul(b, g, tb, true) : MatMul(g, b, false, !tb);
            da = da.SumTo(a.shape);
        }
        if (b.RequiresGrad)
        {
            // d op(B) = op(A)ᵀ·G; if B is stored transposed, dB = Gᵀ·op(A).
            int batch = g.Rank > 2 ? g.Count / Math.Max(1, g.shape[^2] * g.shape[^1]) : 0;
            // (Only with elements to reshape: Reshape(-1, 0) has no answer.)
            if (g.Rank > 2 && !ta && !tb && g.Count > 0 && a.Count > 0 && SharedRightOperand(a, b, batch, a.shape[^2], a.shape[^1], g.shape[^1], false))
            {
                // Shared B under batched A: one GEMM over all batch rows at once.
                int k = a.shape[^1], n = g.shape[^1];
                db = MatMul(a.Reshape(-1, k), g.Reshape(-1, n), transposeA: true).Reshape(b.shape);
            }
            else
            {
                db = tb ? MatMul(g, a, true, ta) : MatMul(a, g, !ta, false);
                db = db.SumTo(b.shape);
            }
        }
        return [da, db];
    }

    /// <summary>This tensor times <paramref name="other"/>; see <see cref="MatMul(Tensor, Tensor, bool, bool)"/>.</summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    static (int rows, int cols) LastTwo(Tensor t, bool transpose)
    {
        int r = t.shape[^2], c = t.shape[^1];
        return transpose ? (c, r) : (r, c);
    }
}
