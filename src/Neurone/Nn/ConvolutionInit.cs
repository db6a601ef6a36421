using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>How <see cref="Conv1d"/> and <see cref="Conv2d"/> initialise their parameters.</summary>
internal static class ConvolutionInit
{
    /// <summary>PyTorch's default: kaiming_uniform(a = √5) on the weight, which is U(±1/√fan_in), and the bias U(±1/√fan_in).</summary>
    public static (Parameter Weight, Parameter? Bias) Initialise(Func<string, Tensor, Parameter> register, int[] weightShape, bool bias, Rng rng)
    {
        var w = new Tensor(weightShape);
        Init.KaimingUniform(w, Math.Sqrt(5), FanMode.FanIn, Nonlinearity.LeakyRelu, rng);
        var weight = register("weight", w);
        Parameter? b = null;
        if (bias)
        {
            int fanIn = Init.CalculateFanInAndFanOut(w).FanIn;
            float bound = 1f / MathF.Sqrt(fanIn);
            b = register("bias", Tensor.Rand([weightShape[0]], rng, -bound, bound));
        }
        return (weight, b);
    }
}
