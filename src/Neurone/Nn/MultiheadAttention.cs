using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Multi-head attention as PyTorch's <c>nn.MultiheadAttention</c> (same parameter names and layout, so weights copied
/// from PyTorch give the same outputs): the query, key and value are projected by the rows of
/// <see cref="InProjWeight"/> [3E, E] (q, k, v in that order) and <see cref="InProjBias"/>, split into
/// <see cref="NumHeads"/> heads, attended with <see cref="F.ScaledDotProductAttention(Tensor, Tensor, Tensor, Tensor?, bool, Tensor?, float, bool, Rng?, float?)"/>
/// (dropout on the weights in training), joined and projected by <see cref="OutProj"/>. Inputs are [T, N, E], or
/// [N, T, E] with <see cref="BatchFirst"/>. The attention weights are not returned (PyTorch's need_weights=False).
/// </summary>
/// <remarks>
/// Masks take this module's PyTorch convention: a Bool <c>keyPaddingMask</c> [N, S] is true where the key is padding;
/// a Bool <c>attnMask</c> [T, S] or [N·heads, T, S] is true where attention is <b>not</b> allowed; <c>isCausal</c>
/// alone masks keys after the query. A query with nothing to attend to gets a zero output (PyTorch gives NaN).
/// </remarks>
public sealed class MultiheadAttention : Module, IRandomModule, ISavedModule<MultiheadAttention>
{
    readonly Rng rng;

    /// <summary>[3E, E]: the query, key and value projections stacked.</summary>
    public Parameter InProjWeight { get; }
    /// <summary>[3E], or null without bias.</summary>
    public Parameter? InProjBias { get; }
    /// <summary>The output projection, E → E.</summary>
    public Linear OutProj { get; }
    public int EmbedDim { get; }
    public int NumHeads { get; }
    /// <summary>Dropout probability on the attention weights.</summary>
    public float Dropout { get; }
    public bool BatchFirst { get; }
    /// <summary>The dropout generator, forked at construction.</summary>
    public Rng Generator => rng;

    /// <summary>PyTorch's initialisation: in_proj_weight Xavier-uniform, biases zero, out_proj.weight as a Linear's.</summary>
    public MultiheadAttention(int embedDim, int numHeads, float dropout = 0f, bool bias = true, bool batchFirst = false, Rng? rng = null)
    {
        if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: expected embed_dim divisible by num_heads, both positive, got embed_dim={embedDim}, num_heads={numHeads}.");
        if (!(dropout >= 0f && dropout <= 1f)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "MultiheadAttention: expected a dropout probability in [0, 1].");
        rng ??= Rng.Default;
        EmbedDim = embedDim;
        NumHeads = numHeads;
        Dropout = dropout;
        BatchFirst = batchFirst;
        InProjWeight = RegisterParameter("in_proj_weight", Init.XavierUniform(new Tensor(3 * embedDim, embedDim), rng));
        if (bias) InProjBias = RegisterParameter("in_proj_bias", new Tensor(3 * embedDim));
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, rng));
        OutProj.Bias?.AsSpan().Clear();
        this.rng = rng.Fork();
    }

    /// <summary>Self-attention without masks.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input);

    /// <summary>Attention of <paramref name="query"/> over <paramref name="key"/> and <paramref name="value"/>; see the class remarks for masks.</summary>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, Tensor? attnMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var (name, x) in new[] { ("query", query), ("key", key), ("value", value) })
            if (x.Rank != 3 || x.Size(2) != EmbedDim)
                throw new ArgumentException($"MultiheadAttention: expected {name} of shape {(BatchFirst ? "[N, T, E]" : "[T, N, E]")} with E={EmbedDim}, got {Shapes.Format(x.Shape)}.");
        bool self = ReferenceEquals(query, key) && ReferenceEquals(key, value);
        if (!BatchFirst)
        {
            query = query.Transpose(0, 1);
            key = self ? query : key.Transpose(0, 1);
            value = self ? query : value.Transpose(0, 1);
        }
        int n = query.Size(0), t = query.Size(1), s = key.Size(1), e = EmbedDim, h = NumHeads, hd = e / h;
        if (key.Size(0) != n || value.Size(0) != n || value.Size(1) != s)
            throw new ArgumentException($"MultiheadAttention: expected key and value of one batch and length matching the query's batch {n}, got {Shapes.Format(key.Shape)} and {Shapes.Format(value.Shape)}.");
        Tensor q, k, v;
        if (self)
        {
            // One product for q, k and v, then one copy into [3, N, heads, T, hd]; the three are free views of it.
            var qkv = F.Linear(query, InProjWeight, InProjBias).Reshape(n, t, 3, h, hd).Permute(2, 0, 3, 1, 4);
            q = qkv.Narrow(0, 0, 1).Reshape(n, h, t, hd);
            k = qkv.Narrow(0, 1, 1).Reshape(n, h, t, hd);
            v = qkv.Narrow(0, 2, 1).Reshape(n, h, t, hd);
        }
        else
        {
            q = Heads(F.Linear(query, InProjWeight.Narrow(0, 0, e), InProjBias?.Narrow(0, 0, e)), n, t);
            k = Heads(F.Linear(key, InProjWeight.Narrow(0, e, e), InProjBias?.Narrow(0, e, e)), n, s);
            v = Heads(F.Linear(value, InProjWeight.Narrow(0, 2 * e, e), InProjBias?.Narrow(0, 2 * e, e)), n, s);
        }
        var allowed = attnMask is null ? null : AllowedMask(attnMask, n, t, s);
        var attended = F.ScaledDotProductAttention(q, k, v, allowed, isCausal, keyPaddingMask, Dropout, Training, rng);
        var joined = attended.Permute(0, 2, 1, 3).Reshape(n, t, e);
        var output = OutProj.Call(joined);
        return BatchFirst ? output : output.Transpose(0, 1);
    }

    Tensor Heads(Tensor x, int n, int len) => x.Reshape(n, len, NumHeads, EmbedDim / NumHeads).Permute(0, 2, 1, 3);

    /// <summary>PyTorch's module mask (true = not allowed) as the op's (true = allowed), [T, S] or [N, heads, T, S].</summary>
    Tensor AllowedMask(Tensor attnMask, int n, int t, int s)
    {
        bool shared = attnMask.Rank == 2 && attnMask.Size(0) == t && attnMask.Size(1) == s;
        bool perHead = attnMask.Rank == 3 && attnMask.Size(0) == n * NumHeads && attnMask.Size(1) == t && attnMask.Size(2) == s;
        if (attnMask.DType != DType.Bool || !(shared || perHead))
            throw new ArgumentException($"MultiheadAttention: expected a Bool attn_mask of shape [{t}, {s}] or [{n * NumHeads}, {t}, {s}] (true = not allowed), got {Shapes.Format(attnMask.Shape)} ({attnMask.DType}).");
        var src = attnMask.AsBoolSpan();
        var flipped = new bool[src.Length];
        for (int i = 0; i < flipped.Length; i++) flipped[i] = !src[i];
        return shared ? Tensor.FromBools(flipped, t, s) : Tensor.FromBools(flipped, n, NumHeads, t, s);
    }

    public override string Describe() => $"MultiheadAttention(embed_dim={EmbedDim}, num_heads={NumHeads}, dropout={Dropout}, batch_first={(BatchFirst ? "True" : "False")})";

    public override void GetConfig(ModuleConfig config) =>
        config.Set("embed_dim", EmbedDim).Set("num_heads", NumHeads).Set("dropout", Dropout).Set("bias", InProjBias is not null).Set("batch_first", BatchFirst);

    public static MultiheadAttention FromConfig(ModuleSettings s) =>
        new(s.Int("embed_dim"), s.Int("num_heads"), s.Float("dropout", 0f), s.Bool("bias", true), s.Bool("batch_first", false), s.Rng);
}
