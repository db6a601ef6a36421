using Neurone.Kernels;

namespace Neurone.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product as <c>torch.matmul</c>: 2-D × 2-D; batched 3-D × 3-D (equal batch sizes, or one
    /// side 2-D and shared by every batch); a 1-D operand is a vector. <paramref name="transposeA"/> and
    /// <paramref name="transposeB"/> use the transposed last two dimensions without copying them, as the
    /// layers' forward (X·Wᵀ) and backward (dYᵀ·X) need.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0 || a.Rank > 3 || b.Rank > 3)
            throw new ArgumentException($"matmul: expected operands of rank 1 to 3, got {Shapes.Format(a.shape)} x {Shapes.Format(b.shape)}.");

        // Vectors: a row vector on the left, a column vector on the right; the extra dimension is dropped after.
        bool aVector = a.Rank == 1, bVector = b.Rank == 1;
        var a2 = aVector ? a.Reshape(1, a.Count) : a;
        var b2 = bVector ? b.Reshape(b.Count, 1) : b;
        if (aVector && transposeA) throw new ArgumentException("matmul: transposeA needs a matrix, got a vector.");
        if (bVector && transposeB) throw new ArgumentException("matmul: transposeB needs a matrix, got a vector.");

        var (m, k) = LastTwo(a2, transposeA);
        var (kb, n) = LastTwo(b2, transposeB);
        if (k != kb)
            throw new ArgumentException($"matmul: {Shapes.Format(a.shape)}{(transposeA ? "ᵀ" : "")} x {Shapes.Format(b.shape)}{(transposeB ? "ᵀ" : "")} — inner dimensions {k} and {kb} differ.");

        int batchA = a2.Rank == 3 ? a2.shape[0] : 1, batchB = b2.Rank == 3 ? b2.shape[0] : 1;
        if (a2.Rank == 3 && b2.Rank == 3 && batchA != batchB)
            throw new ArgumentException($"matmul: {Shapes.Format(a.shape)} x {Shapes.Format(b.shape)} — batch sizes {batchA} and {batchB} differ.");
        int batch = Math.Max(batchA, batchB);
        bool batched = a2.Rank == 3 || b2.Rank == 3;

        var result = new Tensor(batched ? new[] { batch, m, n } : new[] { m, n });
        int lda = a2.shape[^1], ldb = b2.shape[^1];
        var c = result.AsSpan();
        var av = a2.AsReadOnlySpan();
        var bv = b2.AsReadOnlySpan();

        if (a2.Rank == 3 && b2.Rank == 2 && !transposeA)
        {
            // Every batch shares B: one tall GEMM over batch·m rows is faster than batch small ones.
            Gemm.Multiply(false, transposeB, batch * m, n, k, 1f, av, lda, bv, ldb, 0f, c, n);
        }
        else
        {
            int strideA = a2.Rank == 3 ? m * k : 0, strideB = b2.Rank == 3 ? k * n : 0;
            for (int i = 0; i < batch; i++)
                Gemm.Multiply(transposeA, transposeB, m, n, k, 1f,
                    av.Slice(i * strideA, m * k), lda, bv.Slice(i * strideB, k * n), ldb, 0f, c.Slice(i * m * n, m * n), n);
        }

        if (aVector && bVector) return result.Reshape();
        if (aVector) return batched ? result.Reshape(batch, n) : result.Reshape(n);
        if (bVector) return batched ? result.Reshape(batch, m) : result.Reshape(m);
        return result;
    }

    /// <summary>This tensor times <paramref name="other"/>; see <see cref="MatMul(Tensor, Tensor, bool, bool)"/>.</summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    static (int rows, int cols) LastTwo(Tensor t, bool transpose)
    {
        int r = t.shape[^2], c = t.shape[^1];
        return transpose ? (c, r) : (r, c);
    }
}
