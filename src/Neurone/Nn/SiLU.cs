using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>SiLU (swish), x·σ(x), as PyTorch's <c>nn.SiLU</c>: elementwise, no parameters; forward is <see cref="F.Silu"/>.</summary>
public sealed class SiLU : Module, ISavedModule<SiLU>
{
    public override Tensor Forward(Tensor input) => F.Silu(input);

    public static SiLU FromConfig(ModuleSettings settings) => new();
}
