using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Sums, means or maxima of bags of embedding vectors in one fused op, PyTorch's <c>nn.EmbeddingBag</c>: the
/// bag-of-words (or bag-of-n-grams, fastText) layer that never builds the [B, L, dim] tensor. The input is a 1-D
/// Int64 tensor of all bags' indices with offsets (<see cref="Forward(Tensor, Tensor, Tensor?)"/>) or a 2-D
/// [B, L] tensor of one bag per row (<see cref="Forward(Tensor)"/>, padding left out through
/// <see cref="PaddingIndex"/>, or a Bool mask with <see cref="ForwardMasked"/>); the output is
/// [B, dim]. Weights start N(0, 1) with the padding row zeroed, as in PyTorch. Forward and backward are
/// <see cref="F.EmbeddingBag(Tensor, Tensor, Tensor?, EmbeddingBagMode, Tensor?, int?, bool)"/>.
/// </summary>
public sealed class EmbeddingBag : Module, ISavedModule<EmbeddingBag>
{
    /// <summary>The table, [num, dim].</summary>
    public Parameter Weight { get; }

    public int NumEmbeddings { get; }
    public int EmbeddingDim { get; }

    /// <summary>How a bag's vectors are reduced.</summary>
    public EmbeddingBagMode Mode { get; }

    /// <summary>Indices left out of every bag (and of a mean's count); null for none.</summary>
    public int? PaddingIndex { get; }

    /// <summary>Whether 1-D forms take B + 1 offsets, the last being the end (PyTorch's <c>include_last_offset</c>).</summary>
    public bool IncludeLastOffset { get; }

    /// <summary>A table of <paramref name="numEmbeddings"/> vectors of size <paramref name="embeddingDim"/>, N(0, 1) from <paramref name="rng"/>.</summary>
    public EmbeddingBag(int numEmbeddings, int embeddingDim, EmbeddingBagMode mode = EmbeddingBagMode.Mean, int? paddingIndex = null,
        bool includeLastOffset = false, Rng? rng = null)
    {
        if (numEmbeddings < 1 || embeddingDim < 1)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings), $"EmbeddingBag: expected positive sizes, got num_embeddings={numEmbeddings}, embedding_dim={embeddingDim}.");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Mode = mode;
        IncludeLastOffset = includeLastOffset;
        var weight = Tensor.Randn([numEmbeddings, embeddingDim], rng ?? Rng.Default);
        if (paddingIndex is int pi)
        {
            if (pi < -numEmbeddings || pi >= numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIndex), pi, $"EmbeddingBag: padding index must be in [{-numEmbeddings}, {numEmbeddings}) for {numEmbeddings} embeddings.");
            PaddingIndex = pi < 0 ? pi + numEmbeddings : pi;
            weight.AsSpan().Slice(PaddingIndex.Value * embeddingDim, embeddingDim).Clear();
        }
        Weight = RegisterParameter("weight", weight);
    }

    /// <summary>One bag per row of a 2-D [B, L] input.</summary>
    public override Tensor Forward(Tensor input) => F.EmbeddingBag(input, Weight, null, Mode, null, PaddingIndex);

    /// <summary>Bags of a 1-D input starting at <paramref name="offsets"/>, optionally weighted per index (mode Sum).</summary>
    public Tensor Forward(Tensor input, Tensor offsets, Tensor? perSampleWeights = null) =>
        F.EmbeddingBag(input, Weight, offsets, Mode, perSampleWeights, PaddingIndex, IncludeLastOffset);

    /// <summary>One bag per row of a 2-D [B, L] input, keeping the positions where the Bool <paramref name="mask"/> is true.</summary>
    public Tensor ForwardMasked(Tensor input, Tensor mask) => F.EmbeddingBagMasked(input, Weight, mask, Mode);

    public override string Describe() =>
        $"EmbeddingBag({NumEmbeddings}, {EmbeddingDim}, mode='{Mode.ToString().ToLowerInvariant()}'{(PaddingIndex is int p ? $", padding_idx={p}" : "")})";

    public override void GetConfig(ModuleConfig config)
    {
        config.Set("num_embeddings", NumEmbeddings).Set("embedding_dim", EmbeddingDim).Set("mode", Mode.ToString().ToLowerInvariant())
            .Set("include_last_offset", IncludeLastOffset);
        if (PaddingIndex is int p) config.Set("padding_idx", p);
    }

    public static EmbeddingBag FromConfig(ModuleSettings s)
    {
        string mode = s.String("mode", "mean");
        var m = mode switch
        {
            "sum" => EmbeddingBagMode.Sum,
            "mean" => EmbeddingBagMode.Mean,
            "max" => EmbeddingBagMode.Max,
            _ => throw new InvalidDataException($"{s.Path}: EmbeddingBag mode '{mode}' is not sum, mean or max."),
        };
        return new(s.Int("num_embeddings"), s.Int("embedding_dim"), m, s.Has("padding_idx") ? s.Int("padding_idx") : null, s.Bool("include_last_offset", false), s.Rng);
    }
}
