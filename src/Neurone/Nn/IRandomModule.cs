using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A module that draws random numbers while it runs (such as <see cref="Dropout"/>'s masks) from a
/// generator of its own. Exposing that generator lets a checkpoint save and restore its
/// <see cref="Rng.State"/>, so a resumed run draws the same masks as an uninterrupted one.
/// </summary>
public interface IRandomModule
{
    /// <summary>The generator this module draws from.</summary>
    Rng Generator { get; }
}
