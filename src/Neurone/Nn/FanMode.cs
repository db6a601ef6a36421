namespace Neurone.Nn;

/// <summary>Which fan Kaiming initialisation preserves: the forward pass's variance (FanIn) or the backward pass's (FanOut).</summary>
public enum FanMode
{
    /// <summary>Keep the variance of activations in the forward pass.</summary>
    FanIn,
    /// <summary>Keep the variance of gradients in the backward pass.</summary>
    FanOut,
}
