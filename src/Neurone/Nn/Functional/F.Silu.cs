using Neurone.Tensors;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// SiLU (swish), x·σ(x), as PyTorch's <c>F.silu</c>. Composed of two recorded ops, so autograd derives its
    /// backward, σ(x)·(1 + x·(1 − σ(x))); a fused kernel would save one buffer and one pass, which no profile has
    /// asked for yet (docs/architecture.md walks through this op as its example).
    /// </summary>
    public static Tensor Silu(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input * input.Sigmoid();
    }
}
