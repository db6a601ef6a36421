using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Scaled dot-product attention, softmax(scale·QKᵀ + mask)·V with dropout on the weights, as PyTorch's
    /// <c>F.scaled_dot_product_attention</c>, over the tiled kernel <see cref="FlashAttention"/>: the T×T scores are
    /// never held, only each query row's log-sum-exp, and the backward recomputes score tiles.
    /// </summary>
    /// <param name="query">[..., Tq, d]; the leading dimensions (batch, heads) are the same for all three inputs.</param>
    /// <param name="key">[..., Tk, d].</param>
    /// <param name="value">[..., Tk, dv].</param>
    /// <param name="attnMask">Bool [Tq, Tk] or [..., Tq, Tk]: true where the query may attend to the key (PyTorch's
    /// SDPA convention; <see cref="MultiheadAttention"/> takes PyTorch's opposite module convention and converts).</param>
    /// <param name="isCausal">Query i sees keys 0..i only (top-left aligned, as PyTorch).</param>
    /// <param name="keyPaddingMask">Bool [N, Tk] with N the first dimension of the inputs: true where the key is
    /// padding and is left out, for every head of that batch element (<c>nn.MultiheadAttention</c>'s convention).</param>
    /// <param name="dropoutP">Probability of zeroing an attention weight when <paramref name="training"/>.</param>
    /// <param name="training">Dropout applies only in training.</param>
    /// <param name="rng">One number is drawn per call as the dropout seed (default <see cref="Rng.Default"/>).</param>
    /// <param name="scale">Score scale, 1/√d when null.</param>
    /// <remarks>A query row with every key left out gives a zero output and zero gradients (PyTorch gives NaN).</remarks>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
        bool isCausal = false, Tensor? keyPaddingMask = null, float dropoutP = 0f, bool training = true, Rng? rng = null, float? scale = null)
        => ScaledDotProductAttention(query, key, value, attnMask, isCausal, keyPaddingMask, dropoutP, training, rng, scale, Simd.Best);

    /// <summary>As the public overload, on the kernels' <paramref name="level"/> path (tests run every path).</summary>
    internal static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask, bool isCausal,
        Tensor? keyPaddingMask, float dropoutP, bool training, Rng? rng, float? scale, SimdLevel level)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        CheckProbability("scaled_dot_product_attention", dropoutP);
        var (slices, tq, tk, d, dv) = CheckAttention(query, key, value, attnMask, keyPaddingMask);
        float s = scale ?? 1f / MathF.Sqrt(d);
        float p = training ? dropoutP : 0f;
        ulong seed = p > 0 ? (rng ?? Rng.Default).NextUInt64() : 0;
        bool maskPerSlice = attnMask is not null && attnMask.Rank > 2;
        int slicesPerBatch = keyPaddingMask is null ? 1 : slices / keyPaddingMask.Size(0);
        var outShape = query.ShapeArray();
        outShape[^1] = dv;
        var output = Tensor.Uninitialized(outShape);
        var lse = new float[slices * tq];
        FlashAttention.Masks MasksOf(int slice) => new()
        {
            Causal = isCausal,
            KeyPadding = keyPaddingMask is null ? default : keyPaddingMask.AsBoolSpan().Slice(slice / slicesPerBatch * tk, tk),
            Allowed = attnMask is null ? default : attnMask.AsBoolSpan().Slice(maskPerSlice ? slice * tq * tk : 0, tq * tk),
        };
        {
            var qa = query; var ka = key; var va = value; var oa = output;
            ParallelRanges.For(slices, (from, to) =>
            {
                var scratch = new float[FlashAttention.ScratchLength];
                for (int b = from; b < to; b++)
                    FlashAttention.Forward(qa.AsReadOnlySpan().Slice(b * tq * d, tq * d), ka.AsReadOnlySpan().Slice(b * tk * d, tk * d),
                        va.AsReadOnlySpan().Slice(b * tk * dv, tk * dv), tq, tk, d, dv, s, MasksOf(b), p, seed + (ulong)b * 0x632BE59BD9B4E019UL,
                        oa.AsSpan().Slice(b * tq * dv, tq * dv), lse.AsSpan(b * tq, tq), scratch, level);
            }, (long)tq * tk * (d + dv));
        }
        return Graph.Record(output, "scaled_dot_product_attention", [query, key, value], g =>
        {
            var dq = query.RequiresGrad ? Tensor.Uninitialized(query.ShapeArray()) : null;
            var dk = key.RequiresGrad ? Tensor.Uninitialized(key.ShapeArray()) : null;
            var dvT = value.RequiresGrad ? Tensor.Uninitialized(value.ShapeArray()) : null;
            ParallelRanges.For(slices, (from, to) =>
            {
                var scratch = new float[FlashAttention.ScratchLength];
                for (int b = from; b < to; b++)
                    FlashAttention.Backward(query.AsReadOnlySpan().Slice(b * tq * d, tq * d), key.AsReadOnlySpan().Slice(b * tk * d, tk * d),
                        value.AsReadOnlySpan().Slice(b * tk * dv, tk * dv), output.AsReadOnlySpan().Slice(b * tq * dv, tq * dv),
                        lse.AsSpan(b * tq, tq), g.AsReadOnlySpan().Slice(b * tq * dv, tq * dv), tq, tk, d, dv, s, MasksOf(b), p,
                        seed + (ulong)b * 0x632BE59BD9B4E019UL,
                        dq is null ? default : dq.AsSpan().Slice(b * tq * d, tq * d),
                        dk is null ? default : dk.AsSpan().Slice(b * tk * d, tk * d),
                        dvT is null ? default : dvT.AsSpan().Slice(b * tk * dv, tk * dv), scratch, level);
            }, 2L * tq * tk * (d + dv));
            return [dq, dk, dvT];
        });
    }

    /// <summary>Checks shapes and dtypes; returns the number of (batch, head) slices and the sizes.</summary>
    static (int Slices, int Tq, int Tk, int D, int Dv) CheckAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask, Tensor? keyPaddingMask)
    {
        const string op = "scaled_dot_product_attention";
        foreach (var (name, t) in new[] { ("query", query), ("key", key), ("value", value) })
            if (t.DType != DType.Float32 || t.Rank < 2)
                throw new ArgumentException($"{op}: expected a Float32 {name} of shape [..., T, d], got {Shapes.Format(t.Shape)} ({t.DType}).");
        if (query.Rank != key.Rank || key.Rank != value.Rank || !Shapes.Equal(query.Shape[..^2], key.Shape[..^2]) || !Shapes.Equal(key.Shape[..^2], value.Shape[..^2])
            || query.Shape[^1] != key.Shape[^1] || key.Shape[^2] != value.Shape[^2])
            throw new ArgumentException($"{op}: expected query [..., Tq, d], key [..., Tk, d] and value [..., Tk, dv] with the same leading dimensions, got {Shapes.Format(query.Shape)}, {Shapes.Format(key.Shape)} and {Shapes.Format(value.Shape)}.");
        int tq = query.Shape[^2], tk = key.Shape[^2], d = query.Shape[^1], dv = value.Shape[^1];
        int slices = tq == 0 ? 0 : query.Count / (tq * Math.Max(1, d));
        if (d == 0) slices = Shapes.Count(query.Shape[..^2]);
        if (attnMask is not null)
        {
            bool shared = attnMask.Rank == 2 && attnMask.Size(0) == tq && attnMask.Size(1) == tk;
            bool full = attnMask.Rank == query.Rank && Shapes.Equal(attnMask.Shape[..^2], query.Shape[..^2]) && attnMask.Shape[^2] == tq && attnMask.Shape[^1] == tk;
            if (attnMask.DType != DType.Bool || !(shared || full))
                throw new ArgumentException($"{op}: expected a Bool attn_mask of shape [{tq}, {tk}] or [..., {tq}, {tk}] matching the query's leading dimensions, got {Shapes.Format(attnMask.Shape)} ({attnMask.DType}).");
        }
        if (keyPaddingMask is not null)
        {
            int n = query.Rank > 2 ? query.Size(0) : 1;
            if (keyPaddingMask.DType != DType.Bool || keyPaddingMask.Rank != 2 || keyPaddingMask.Size(0) != n || keyPaddingMask.Size(1) != tk)
                throw new ArgumentException($"{op}: expected a Bool key_padding_mask of shape [{n}, {tk}] (batch, keys), got {Shapes.Format(keyPaddingMask.Shape)} ({keyPaddingMask.DType}).");
        }
        return (slices, tq, tk, d, dv);
    }
}
