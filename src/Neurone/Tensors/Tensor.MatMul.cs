using Neurone.Autograd;
using Neurone.Kernels;

namespace Neurone.Tensors;

public partial class Tensor
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

        var result = Uninitialized(batched ? [batch, m, n] : [m, n]);
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

        Graph.Record(result, "matmul", [a2, b2], g => MatMulBackward(a2, b2, g, transposeA, transposeB));
        if (aVector && bVector) return result.Reshape();
        if (aVector) return batched ? result.Reshape(batch, n) : result.Reshape(n);
        if (bVector) return batched ? result.Reshape(batch, m) : result.Reshape(m);
        return result;
    }

    /// <summary>
    /// Gradients of C = op(A)·op(B). For plain operands dA = G·Bᵀ and dB = Aᵀ·G; a transposed operand
    /// gets the transpose of that, which GEMM's transpose flags give without copying. A 2-D operand
    /// shared by every batch sums its per-batch gradients.
    /// </summary>
    static Tensor?[] MatMulBackward(Tensor a, Tensor b, Tensor g, bool ta, bool tb)
    {
        Tensor? da = null, db = null;
        if (a.RequiresGrad)
        {
            // d op(A) = G·op(B)ᵀ; if A itself is stored transposed, dA = (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ.
            da = ta ? MatMul(b, g, tb, true) : MatMul(g, b, false, !tb);
            if (a.Rank == 2 && da.Rank == 3) da = da.Sum(0);
        }
        if (b.RequiresGrad)
        {
            // d op(B) = op(A)ᵀ·G; if B is stored transposed, dB = Gᵀ·op(A).
            if (b.Rank == 2 && a.Rank == 3 && !ta && !tb)
            {
                // Shared B under batched A: one GEMM over all batch rows at once.
                int k = a.shape[2], n = g.shape[2];
                db = MatMul(a.Reshape(-1, k), g.Reshape(-1, n), transposeA: true);
            }
            else
            {
                db = tb ? MatMul(g, a, true, ta) : MatMul(a, g, !ta, false);
                if (b.Rank == 2 && db.Rank == 3) db = db.Sum(0);
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
