using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Experiments;

/// <summary>
/// A review classifier over padded token ids and their lengths, as the IMDB sequence experiments train it.
/// </summary>
public abstract class ImdbSequenceClassifier : Module
{
    /// <summary>One logit per review from its ids [B, T] (padded after the tokens) and lengths [B].</summary>
    public abstract Tensor Forward(Tensor ids, Tensor lengths);

    public override Tensor Forward(Tensor ids) =>
        throw new NotSupportedException("the IMDB classifier takes ids and lengths: call Forward(ids, lengths).");
}
