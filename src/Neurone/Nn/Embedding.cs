using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A lookup table of <see cref="NumEmbeddings"/> learned vectors of size <see cref="EmbeddingDim"/>, PyTorch's
/// <c>nn.Embedding</c>: Int64 indices of any shape [..] give Float32 [.., dim]. The weight starts N(0, 1), as in
/// PyTorch, with the <see cref="PaddingIndex"/> row zeroed; that row never receives gradient, so it stays what it
/// is. The backward touches only the rows used (<see cref="F.Embedding"/>). <see cref="FromPretrained"/> wraps
/// given vectors, frozen by default. Saved with the model (its size, padding index and whether it is frozen).
/// </summary>
public sealed class Embedding : Module, ISavedModule<Embedding>
{
    /// <summary>The table, [num, dim].</summary>
    public Parameter Weight { get; }

    /// <summary>The number of rows (the vocabulary size).</summary>
    public int NumEmbeddings { get; }

    /// <summary>The size of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The row that padding indices select: zero at initialisation and never trained; null for none.</summary>
    public int? PaddingIndex { get; }

    /// <summary>Whether the table is frozen (its weight does not require grad).</summary>
    public bool Frozen => !Weight.RequiresGrad;

    /// <summary>
    /// A table of <paramref name="numEmbeddings"/> vectors of size <paramref name="embeddingDim"/>, drawn N(0, 1)
    /// from <paramref name="rng"/> (default <see cref="Rng.Default"/>); <paramref name="paddingIndex"/> may be
    /// negative (counted from the end, as in PyTorch).
    /// </summary>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIndex = null, Rng? rng = null)
        : this(numEmbeddings, embeddingDim, paddingIndex, Tensor.Randn([Positive(numEmbeddings, embeddingDim), embeddingDim], rng ?? Rng.Default), zeroPadding: true) { }

    Embedding(int numEmbeddings, int embeddingDim, int? paddingIndex, Tensor weight, bool zeroPadding)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        if (paddingIndex is int pi)
        {
            if (pi < -numEmbeddings || pi >= numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIndex), pi, $"Embedding: padding index must be in [{-numEmbeddings}, {numEmbeddings}) for {numEmbeddings} embeddings.");
            PaddingIndex = pi < 0 ? pi + numEmbeddings : pi;
            if (zeroPadding) weight.AsSpan().Slice(PaddingIndex.Value * embeddingDim, embeddingDim).Clear();
        }
        Weight = RegisterParameter("weight", weight);
    }

    static int Positive(int num, int dim) => num > 0 && dim > 0 ? num
        : throw new ArgumentOutOfRangeException(nameof(num), $"Embedding: expected positive sizes, got num_embeddings={num}, embedding_dim={dim}.");

    /// <summary>
    /// A table holding a copy of <paramref name="embeddings"/> [num, dim] (pre-trained vectors), frozen unless
    /// <paramref name="freeze"/> is false; the padding row is kept as given, as PyTorch's <c>from_pretrained</c> does.
    /// </summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, int? paddingIndex = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.DType != DType.Float32 || embeddings.Rank != 2 || embeddings.Size(0) < 1 || embeddings.Size(1) < 1)
            throw new ArgumentException($"Embedding.FromPretrained: expected a Float32 [num, dim] tensor, got {Shapes.Format(embeddings.Shape)} ({embeddings.DType}).");
        var e = new Embedding(embeddings.Size(0), embeddings.Size(1), paddingIndex, embeddings.Detach().Clone(), zeroPadding: false);
        if (freeze) e.Weight.RequiresGrad = false;
        return e;
    }

    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight, PaddingIndex);

    public override string Describe() =>
        $"Embedding({NumEmbeddings}, {EmbeddingDim}{(PaddingIndex is int p ? $", padding_idx={p}" : "")})";

    // Saved architecture: PyTorch's argument names; "freeze" restores a frozen table as frozen.
    public override void GetConfig(ModuleConfig config)
    {
        config.Set("num_embeddings", NumEmbeddings).Set("embedding_dim", EmbeddingDim).Set("freeze", Frozen);
        if (PaddingIndex is int p) config.Set("padding_idx", p);
    }

    public static Embedding FromConfig(ModuleSettings s)
    {
        var e = new Embedding(s.Int("num_embeddings"), s.Int("embedding_dim"), s.Has("padding_idx") ? s.Int("padding_idx") : null, s.Rng);
        if (s.Bool("freeze", false)) e.Weight.RequiresGrad = false;
        return e;
    }
}
