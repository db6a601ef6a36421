using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn;

/// <summary>
/// The differentiable convolution shared by <see cref="Conv1d"/> and <see cref="Conv2d"/> (a 1-D signal is a
/// plane of height 1): forward through <see cref="Convolution.Forward"/>, and right beneath it the backward,
/// which writes the weight and bias gradients straight into the parameters' .Grad as Linear does.
/// </summary>
internal static class ConvolutionOp
{
    public static Tensor Apply(string name, Tensor input, in WindowGeometry g, int batch, int inChannels, int outChannels,
        Parameter weight, Parameter? bias, int[] outShape, bool relu = false)
    {
        var y = Tensor.Uninitialized(outShape);
        Convolution.Forward(g, batch, inChannels, outChannels, input.AsReadOnlySpan(), weight.AsReadOnlySpan(),
            bias is null ? default : bias.AsReadOnlySpan(), y.AsSpan(), relu);
        var inputs = bias is null ? new[] { input, weight } : new Tensor[] { input, weight, bias };
        var geometry = g;
        return Graph.Record(y, relu ? name + "_relu" : name, inputs, grad =>
        {
            if (relu) grad = ReluMask(grad, y);
            return Backward(grad, input, geometry, batch, inChannels, outChannels, weight, bias);
        });
    }

    /// <summary>The gradient through a fused ReLU: zero where the output was clamped.</summary>
    static Tensor ReluMask(Tensor grad, Tensor y)
    {
        var masked = Tensor.Uninitialized(grad.ShapeArray());
        var g = grad.AsReadOnlySpan();
        var ys = y.AsReadOnlySpan();
        var m = masked.AsSpan();
        for (int i = 0; i < m.Length; i++) m[i] = ys[i] > 0f ? g[i] : 0f;
        return masked;
    }

    static Tensor?[] Backward(Tensor grad, Tensor input, in WindowGeometry g, int batch, int inChannels, int outChannels, Parameter weight, Parameter? bias)
    {
        Tensor? dx = null, dw = null, db = null;
        Span<float> gx = default, gw = default, gb = default;
        float betaW = 0f, betaB = 0f;
        if (input.RequiresGrad)
        {
            dx = Tensor.Uninitialized(input.ShapeArray());
            gx = dx.AsSpan();
        }
        if (weight.RequiresGrad)
        {
            if (weight.IsLeaf) gw = weight.GradAccumulationBuffer(out betaW);
            else { dw = Tensor.Uninitialized(weight.ShapeArray()); gw = dw.AsSpan(); }
        }
        if (bias is not null && bias.RequiresGrad)
        {
            if (bias.IsLeaf) gb = bias.GradAccumulationBuffer(out betaB);
            else { db = Tensor.Uninitialized(bias.ShapeArray()); gb = db.AsSpan(); }
        }
        Convolution.Backward(g, batch, inChannels, outChannels, input.AsReadOnlySpan(), weight.AsReadOnlySpan(), grad.AsReadOnlySpan(),
            gx, gw, betaW, gb, betaB);
        return bias is null ? [dx, dw] : [dx, dw, db];
    }

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
