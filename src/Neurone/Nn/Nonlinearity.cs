namespace Neurone.Nn;

/// <summary>The activations <see cref="Init.CalculateGain(Nonlinearity, double?)"/> knows, as in <c>torch.nn.init.calculate_gain</c>.</summary>
public enum Nonlinearity
{
    /// <summary>No activation (gain 1).</summary>
    Linear,
    /// <summary>A 1-d convolution followed by nothing (gain 1).</summary>
    Conv1d,
    /// <summary>A 2-d convolution (gain 1).</summary>
    Conv2d,
    /// <summary>A 3-d convolution (gain 1).</summary>
    Conv3d,
    /// <summary>A 1-d transposed convolution (gain 1).</summary>
    ConvTranspose1d,
    /// <summary>A 2-d transposed convolution (gain 1).</summary>
    ConvTranspose2d,
    /// <summary>A 3-d transposed convolution (gain 1).</summary>
    ConvTranspose3d,
    /// <summary>The logistic sigmoid (gain 1).</summary>
    Sigmoid,
    /// <summary>The hyperbolic tangent (gain 5/3).</summary>
    Tanh,
    /// <summary>The rectifier (gain √2).</summary>
    Relu,
    /// <summary>The leaky rectifier with negative slope a (gain √(2 / (1 + a²))).</summary>
    LeakyRelu,
    /// <summary>The scaled exponential linear unit (gain 3/4, the value PyTorch uses for self-normalising networks).</summary>
    Selu,
}
