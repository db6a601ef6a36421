using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A Transformer encoder layer as PyTorch's <c>nn.TransformerEncoderLayer</c> (same parameter names, so weights copied
/// from PyTorch give the same outputs): self-attention and a feed-forward block (linear1 → activation → dropout →
/// linear2), each followed by dropout and added back to its input. Post-norm (the default, as the original
/// Transformer): x = norm1(x + sa(x)); x = norm2(x + ff(x)). Pre-norm (<c>normFirst</c>, as GPT-2):
/// x = x + sa(norm1(x)); x = x + ff(norm2(x)). Inputs [T, N, E], or [N, T, E] with <c>batchFirst</c>.
/// </summary>
public sealed class TransformerEncoderLayer : Module, ISavedModule<TransformerEncoderLayer>
{
    public MultiheadAttention SelfAttn { get; }
    public Linear Linear1 { get; }
    public Linear Linear2 { get; }
    public LayerNorm Norm1 { get; }
    public LayerNorm Norm2 { get; }
    readonly Dropout dropout, dropout1, dropout2;

    public int DModel { get; }
    public int NHead { get; }
    public int DimFeedforward { get; }
    public float DropoutP { get; }
    /// <summary>"relu" or "gelu" (exact).</summary>
    public string Activation { get; }
    public float LayerNormEps { get; }
    public bool BatchFirst { get; }
    public bool NormFirst { get; }

    /// <summary>PyTorch's defaults: dim_feedforward 2048, dropout 0.1, relu, eps 1e-5, sequence first, post-norm.</summary>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, float dropout = 0.1f, string activation = "relu",
        float layerNormEps = 1e-5f, bool batchFirst = false, bool normFirst = false, bool bias = true, Rng? rng = null)
    {
        if (activation is not ("relu" or "gelu"))
            throw new ArgumentException($"TransformerEncoderLayer: expected activation \"relu\" or \"gelu\", got \"{activation}\".", nameof(activation));
        if (dimFeedforward < 1) throw new ArgumentOutOfRangeException(nameof(dimFeedforward), dimFeedforward, "TransformerEncoderLayer: expected a positive dim_feedforward.");
        rng ??= Rng.Default;
        (DModel, NHead, DimFeedforward, DropoutP, Activation, LayerNormEps, BatchFirst, NormFirst) =
            (dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst);
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, bias, batchFirst, rng));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, rng));
        this.dropout = RegisterModule("dropout", new Dropout(dropout, rng));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, rng));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, bias: bias));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, bias: bias));
        dropout1 = RegisterModule("dropout1", new Dropout(dropout, rng));
        dropout2 = RegisterModule("dropout2", new Dropout(dropout, rng));
    }

    public override Tensor Forward(Tensor input) => Forward(input, null, null, false);

    /// <summary>
    /// The layer on <paramref name="src"/>; <paramref name="srcMask"/> (Bool [T, T], true = not allowed),
    /// <paramref name="srcKeyPaddingMask"/> (Bool [N, T], true = padding) and <paramref name="isCausal"/> as
    /// <see cref="MultiheadAttention"/>'s.
    /// </summary>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttention(Norm1.Call(x), srcMask, srcKeyPaddingMask, isCausal);
            return x + FeedForward(Norm2.Call(x));
        }
        x = Norm1.Call(x + SelfAttention(x, srcMask, srcKeyPaddingMask, isCausal));
        return Norm2.Call(x + FeedForward(x));
    }

    Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? keyPadding, bool isCausal) =>
        dropout1.Call(SelfAttn.Forward(x, x, x, keyPadding, mask, isCausal));

    Tensor FeedForward(Tensor x)
    {
        var hidden = Activation == "relu" ? Linear1.Forward(x, relu: true) : F.Gelu(Linear1.Call(x));
        return dropout2.Call(Linear2.Call(dropout.Call(hidden)));
    }

    public override string Describe() =>
        $"TransformerEncoderLayer(d_model={DModel}, nhead={NHead}, dim_feedforward={DimFeedforward}, dropout={DropoutP}, activation={Activation}, norm_first={(NormFirst ? "True" : "False")})";

    public override void GetConfig(ModuleConfig config) =>
        config.Set("d_model", DModel).Set("nhead", NHead).Set("dim_feedforward", DimFeedforward).Set("dropout", DropoutP)
            .Set("activation", Activation).Set("layer_norm_eps", LayerNormEps).Set("batch_first", BatchFirst).Set("norm_first", NormFirst)
            .Set("bias", Linear1.Bias is not null);

    public static TransformerEncoderLayer FromConfig(ModuleSettings s) =>
        new(s.Int("d_model"), s.Int("nhead"), s.Int("dim_feedforward", 2048), s.Float("dropout", 0.1f), s.String("activation", "relu"),
            s.Float("layer_norm_eps", 1e-5f), s.Bool("batch_first", false), s.Bool("norm_first", false), s.Bool("bias", true), s.Rng);
}
