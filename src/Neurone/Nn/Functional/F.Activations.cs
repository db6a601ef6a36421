using Neurone.Tensors;

namespace Neurone.Nn.Functional;

public static partial class F
{
    // The activations. Each is the tensor op of the same name, which computes its value and records its backward;
    // they are here so a model written with F reads as one vocabulary, as torch.nn.functional does.

    /// <summary>max(x, 0); the gradient at 0 is 0, as in PyTorch.</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>max(x, 0) + slope·min(x, 0); PyTorch's default slope 0.01.</summary>
    public static Tensor LeakyRelu(Tensor input, float negativeSlope = 0.01f) => input.LeakyRelu(negativeSlope);

    /// <summary>GELU with the exact normal CDF, x·Φ(x) (PyTorch's default, approximate = 'none').</summary>
    public static Tensor Gelu(Tensor input) => input.Gelu();

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();

    /// <summary>Logistic sigmoid, 1 / (1 + e⁻ˣ).</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>ln(1 + e^(βx))/β, and x where βx exceeds <paramref name="threshold"/> (PyTorch's defaults: β = 1, threshold 20).</summary>
    public static Tensor Softplus(Tensor input, float beta = 1f, float threshold = 20f) => input.Softplus(beta, threshold);

    /// <summary>Softmax along <paramref name="dim"/> (default: the last dimension).</summary>
    public static Tensor Softmax(Tensor input, int dim = -1) => input.Softmax(dim);

    /// <summary>Log-softmax along <paramref name="dim"/> (default: the last dimension).</summary>
    public static Tensor LogSoftmax(Tensor input, int dim = -1) => input.LogSoftmax(dim);
}
