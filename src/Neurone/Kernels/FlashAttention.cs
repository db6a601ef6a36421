using System.Numerics.Tensors;

namespace Neurone.Kernels;

/// <summary>
/// Scaled dot-product attention for one (batch, head) slice, tiled as FlashAttention: softmax(s·QKᵀ + mask)·V
/// computed a block of <see cref="BlockQ"/> queries against a block of <see cref="BlockK"/> keys at a time with an
/// online softmax (a running maximum and sum per query row, the partial output rescaled when the maximum grows), so
/// the T×T score matrix is never held: the forward keeps only the output and each row's log-sum-exp, and the
/// backward recomputes each score tile from them. Tile products go through <see cref="Gemm"/> on one thread;
/// callers parallelise over slices, which are independent, so results do not depend on the thread count.
/// </summary>
/// <remarks>
/// Masking: a score is left out when the query may not see the key (causal: key index greater than query index,
/// top-left aligned as PyTorch's <c>is_causal</c>), when the key is padding, or when the boolean attention mask says
/// so. A row with every key left out gets a zero output and zero gradients, and its log-sum-exp is +∞. Dropout of
/// the attention weights draws its keep/drop decision from a hash of (seed, slice, query, key), so the backward
/// regenerates exactly the forward's mask without storing it.
/// </remarks>
public static class FlashAttention
{
    /// <summary>Queries per tile.</summary>
    public const int BlockQ = 64;
    /// <summary>Keys per tile.</summary>
    public const int BlockK = 64;

    /// <summary>Floats of scratch <see cref="Forward"/> and <see cref="Backward"/> need for one slice: three tiles and two row vectors, whatever T.</summary>
    public static int ScratchLength => 3 * BlockQ * BlockK + 2 * BlockQ;

    /// <summary>What leaves a score out, for one slice: any may be empty.</summary>
    public readonly ref struct Masks
    {
        /// <summary>Key index above query index is left out.</summary>
        public bool Causal { get; init; }
        /// <summary>[tk]: true where the key is padding (left out), or empty.</summary>
        public ReadOnlySpan<bool> KeyPadding { get; init; }
        /// <summary>[tq, tk]: true where the query may attend to the key, or empty.</summary>
        public ReadOnlySpan<bool> Allowed { get; init; }
    }

    /// <summary>
    /// o [tq, dv] = attention of q [tq, d] over k [tk, d] and v [tk, dv]; lse [tq] receives each row's
    /// log-sum-exp of the scaled, masked scores (+∞ for a row with nothing to attend to).
    /// </summary>
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int tq, int tk, int d, int dv,
        float scale, in Masks masks, float dropoutP, ulong seed, Span<float> o, Span<float> lse, Span<float> scratch, SimdLevel level)
    {
        var s = scratch[..(BlockQ * BlockK)];
        var rowMax = scratch.Slice(3 * BlockQ * BlockK, BlockQ);
        var rowSum = scratch.Slice(3 * BlockQ * BlockK + BlockQ, BlockQ);
        float keepScale = dropoutP > 0 ? 1f / (1f - dropoutP) : 1f;
        for (int q0 = 0; q0 < tq; q0 += BlockQ)
        {
            int bq = Math.Min(BlockQ, tq - q0);
            var oBlock = o.Slice(q0 * dv, bq * dv);
            oBlock.Clear();
            rowMax[..bq].Fill(float.NegativeInfinity);
            rowSum[..bq].Clear();
            int kEnd = masks.Causal ? Math.Min(tk, q0 + bq) : tk;
            for (int k0 = 0; k0 < kEnd; k0 += BlockK)
            {
                int bk = Math.Min(BlockK, kEnd - k0);
                Gemm.Multiply(false, true, bq, bk, d, scale, q.Slice(q0 * d), d, k.Slice(k0 * d), d, 0f, s, bk, level, 1);
                for (int i = 0; i < bq; i++)
                {
                    var row = s.Slice(i * bk, bk);
                    int visible = ApplyMasks(row, q0 + i, k0, tk, masks);
                    float tileMax = visible == 0 ? float.NegativeInfinity : TensorPrimitives.Max(row[..visible]);
                    float newMax = Math.Max(rowMax[i], tileMax);
                    if (float.IsNegativeInfinity(newMax)) { row.Clear(); continue; }
                    ElementwiseMath.ExpShifted(row[..visible], newMax, row[..visible], level);
                    row[visible..].Clear();
                    ZeroMasked(row, q0 + i, k0, tk, masks, visible);
                    float rescale = float.IsNegativeInfinity(rowMax[i]) ? 0f : MathF.Exp(rowMax[i] - newMax);
                    rowMax[i] = newMax;
                    rowSum[i] = rowSum[i] * rescale + TensorPrimitives.Sum(row);
                    if (rescale != 1f) TensorPrimitives.Multiply(oBlock.Slice(i * dv, dv), rescale, oBlock.Slice(i * dv, dv));
                    if (dropoutP > 0) Drop(row, seed, q0 + i, k0, tk, dropoutP, keepScale);
                }
                Gemm.Multiply(false, false, bq, dv, bk, 1f, s, bk, v.Slice(k0 * dv), dv, 1f, oBlock, dv, level, 1);
            }
            for (int i = 0; i < bq; i++)
            {
                var oRow = oBlock.Slice(i * dv, dv);
                if (rowSum[i] > 0)
                {
                    TensorPrimitives.Multiply(oRow, 1f / rowSum[i], oRow);
                    lse[q0 + i] = rowMax[i] + MathF.Log(rowSum[i]);
                }
                else
                {
                    oRow.Clear();
                    lse[q0 + i] = float.PositiveInfinity;
                }
            }
        }
    }

    /// <summary>
    /// Gradients of the forward given its output o, lse and the output's gradient dO: dq [tq, d], dk [tk, d] and
    /// dv [tk, dv] are overwritten; any may be empty when not wanted.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> o,
        ReadOnlySpan<float> lse, ReadOnlySpan<float> dO, int tq, int tk, int d, int dv, float scale, in Masks masks,
        float dropoutP, ulong seed, Span<float> dq, Span<float> dk, Span<float> dvOut, Span<float> scratch, SimdLevel level)
    {
        var p = scratch[..(BlockQ * BlockK)];
        var dp = scratch.Slice(BlockQ * BlockK, BlockQ * BlockK);
        var pDropped = scratch.Slice(2 * BlockQ * BlockK, BlockQ * BlockK);
        var delta = scratch.Slice(3 * BlockQ * BlockK, BlockQ);
        float keepScale = dropoutP > 0 ? 1f / (1f - dropoutP) : 1f;
        bool wantQ = !dq.IsEmpty, wantK = !dk.IsEmpty, wantV = !dvOut.IsEmpty;
        if (wantQ) dq[..(tq * d)].Clear();
        if (wantK) dk[..(tk * d)].Clear();
        if (wantV) dvOut[..(tk * dv)].Clear();
        for (int q0 = 0; q0 < tq; q0 += BlockQ)
        {
            int bq = Math.Min(BlockQ, tq - q0);
            // δᵢ = dOᵢ·Oᵢ = Σⱼ Pᵢⱼ·dP̃ᵢⱼ (dropout included), the softmax backward's row term.
            for (int i = 0; i < bq; i++)
                delta[i] = TensorPrimitives.Dot(dO.Slice((q0 + i) * dv, dv), o.Slice((q0 + i) * dv, dv));
            int kEnd = masks.Causal ? Math.Min(tk, q0 + bq) : tk;
            for (int k0 = 0; k0 < kEnd; k0 += BlockK)
            {
                int bk = Math.Min(BlockK, kEnd - k0);
                Gemm.Multiply(false, true, bq, bk, d, scale, q.Slice(q0 * d), d, k.Slice(k0 * d), d, 0f, p, bk, level, 1);
                for (int i = 0; i < bq; i++)
                {
                    var row = p.Slice(i * bk, bk);
                    float l = lse[q0 + i];
                    if (float.IsPositiveInfinity(l)) { row.Clear(); continue; }
                    int visible = ApplyMasks(row, q0 + i, k0, tk, masks);
                    ElementwiseMath.ExpShifted(row[..visible], l, row[..visible], level);
                    row[visible..].Clear();
                    ZeroMasked(row, q0 + i, k0, tk, masks, visible);
                }
                // dP̃ = dO·Vᵀ (the gradient of the dropped weights).
                Gemm.Multiply(false, true, bq, bk, dv, 1f, dO.Slice(q0 * dv), dv, v.Slice(k0 * dv), dv, 0f, dp, bk, level, 1);
                if (dropoutP > 0)
                {
                    // dV takes the dropped weights P∘Z; dS = P∘(Z∘dP̃ − δ), where a dropped entry still carries −P·δ.
                    for (int i = 0; i < bq; i++)
                    {
                        var pr = p.Slice(i * bk, bk);
                        var pdr = pDropped.Slice(i * bk, bk);
                        pr.CopyTo(pdr);
                        Drop(pdr, seed, q0 + i, k0, tk, dropoutP, keepScale);
                        Drop(dp.Slice(i * bk, bk), seed, q0 + i, k0, tk, dropoutP, keepScale);
                    }
                    if (wantV) Gemm.Multiply(true, false, bk, dv, bq, 1f, pDropped, bk, dO.Slice(q0 * dv), dv, 1f, dvOut.Slice(k0 * dv), dv, level, 1);
                }
                else if (wantV) Gemm.Multiply(true, false, bk, dv, bq, 1f, p, bk, dO.Slice(q0 * dv), dv, 1f, dvOut.Slice(k0 * dv), dv, level, 1);
                for (int i = 0; i < bq; i++)
                {
                    var dr = dp.Slice(i * bk, bk);
                    TensorPrimitives.Subtract(dr, delta[i], dr);
                    TensorPrimitives.Multiply(dr, p.Slice(i * bk, bk), dr);
                }
                if (wantQ) Gemm.Multiply(false, false, bq, d, bk, scale, dp, bk, k.Slice(k0 * d), d, 1f, dq.Slice(q0 * d), d, level, 1);
                if (wantK) Gemm.Multiply(true, false, bk, d, bq, scale, dp, bk, q.Slice(q0 * d), d, 1f, dk.Slice(k0 * d), d, level, 1);
            }
        }
    }

    /// <summary>
    /// Sets left-out scores of one tile row to −∞ and returns how many leading keys of the tile are visible under
    /// the causal rule (keys past that are all left out).
    /// </summary>
    static int ApplyMasks(Span<float> row, int qi, int k0, int tk, in Masks masks)
    {
        int visible = row.Length;
        if (masks.Causal) visible = Math.Clamp(qi - k0 + 1, 0, row.Length);
        if (!masks.KeyPadding.IsEmpty)
        {
            var pad = masks.KeyPadding.Slice(k0, row.Length);
            for (int j = 0; j < visible; j++) if (pad[j]) row[j] = float.NegativeInfinity;
        }
        if (!masks.Allowed.IsEmpty)
        {
            var allowed = masks.Allowed.Slice(qi * tk + k0, row.Length);
            for (int j = 0; j < visible; j++) if (!allowed[j]) row[j] = float.NegativeInfinity;
        }
        return visible;
    }

    /// <summary>Zeroes the exponentials of left-out scores (whatever the exp kernel made of −∞).</summary>
    static void ZeroMasked(Span<float> row, int qi, int k0, int tk, in Masks masks, int visible)
    {
        if (!masks.KeyPadding.IsEmpty)
        {
            var pad = masks.KeyPadding.Slice(k0, row.Length);
            for (int j = 0; j < visible; j++) if (pad[j]) row[j] = 0f;
        }
        if (!masks.Allowed.IsEmpty)
        {
            var allowed = masks.Allowed.Slice(qi * tk + k0, row.Length);
            for (int j = 0; j < visible; j++) if (!allowed[j]) row[j] = 0f;
        }
    }

    /// <summary>Multiplies a tile row by the dropout mask: 0 where dropped, 1/(1 − p) where kept.</summary>
    static void Drop(Span<float> row, ulong seed, int qi, int k0, int tk, float dropoutP, float keepScale)
    {
        ulong rowBase = (ulong)qi * (ulong)tk + (ulong)k0;
        for (int j = 0; j < row.Length; j++)
            row[j] *= Keep(seed, rowBase + (ulong)j, dropoutP) ? keepScale : 0f;
    }

    /// <summary>Whether the weight at flat index <paramref name="index"/> survives dropout: a SplitMix64 hash of seed and index, uniform in [0, 1).</summary>
    public static bool Keep(ulong seed, ulong index, float dropoutP)
    {
        ulong z = seed + (index + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 40) * (1.0f / (1 << 24)) >= dropoutP;
    }
}
