using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A layer that can apply a following ReLU itself, on its own fresh output (no second buffer, one pass
/// fewer). <see cref="Sequential"/> uses it when a ReLU comes right after such a layer; the result and
/// its gradient are those of the two layers run one after the other.
/// </summary>
internal interface IFusedRelu
{
    Tensor Forward(Tensor input, bool relu);
}
