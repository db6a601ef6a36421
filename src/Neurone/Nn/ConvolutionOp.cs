using System.Buffers;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn;

/// <summary>
/// The differentiable convolution shared by <see cref="Conv1d"/> and <see cref="Conv2d"/> (a 1-D signal is a
/// plane of height 1): forward through <see cref="Convolution.Forward(in WindowGeometry, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>, and right beneath it the backward,
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
            Backward(grad, input, geometry, batch, inChannels, outChannels, weight, bias,
                (geo, x, w, gy, gx, gw, betaW, gb, betaB) => Convolution.Backward(geo, batch, inChannels, outChannels, x, w, gy, gx, gw, betaW, gb, betaB,
                    relu ? y.AsReadOnlySpan() : default)));
    }

    /// <summary>
    /// maxpool(relu(conv(input))) as one op (<see cref="Convolution.ForwardReluMaxPool(in WindowGeometry, in WindowGeometry, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{int})"/>): the convolution's
    /// full-size output is never stored, only the pooled result and the winners' indices.
    /// </summary>
    public static Tensor ApplyReluMaxPool(string name, Tensor input, in WindowGeometry g, in WindowGeometry pool, int batch, int inChannels, int outChannels,
        Parameter weight, Parameter? bias, int[] outShape)
    {
        var y = Tensor.Uninitialized(outShape);
        // The winners' indices are read only by the backward: rented, and returned when the graph is freed.
        int count = y.Count;
        var indices = ArrayPool<int>.Shared.Rent(count);
        Convolution.ForwardReluMaxPool(g, pool, batch, inChannels, outChannels, input.AsReadOnlySpan(), weight.AsReadOnlySpan(),
            bias is null ? default : bias.AsReadOnlySpan(), y.AsSpan(), indices.AsSpan(0, count));
        var inputs = bias is null ? new[] { input, weight } : new Tensor[] { input, weight, bias };
        var (geometry, poolGeometry) = (g, pool);
        return Graph.RecordWithRelease(y, name + "_relu_max_pool", inputs, grad =>
            Backward(grad, input, geometry, batch, inChannels, outChannels, weight, bias,
                (geo, x, w, gy, gx, gw, betaW, gb, betaB) => Convolution.BackwardReluMaxPool(geo, poolGeometry, batch, inChannels, outChannels,
                    x, w, y.AsReadOnlySpan(), indices.AsSpan(0, count), gy, gx, gw, betaW, gb, betaB)),
            () => ArrayPool<int>.Shared.Return(indices));
    }

    /// <summary>One of the convolution's backward kernels, given the spans <see cref="Backward"/> prepares.</summary>
    delegate void BackwardKernel(WindowGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> gradOutput,
        Span<float> gradInput, Span<float> gradWeight, float betaWeight, Span<float> gradBias, float betaBias);

    /// <summary>Allocates the wanted gradients (weight and bias straight into .Grad) and runs <paramref name="kernel"/>.</summary>
    static Tensor?[] Backward(Tensor grad, Tensor input, in WindowGeometry g, int batch, int inChannels, int outChannels, Parameter weight, Parameter? bias,
        BackwardKernel kernel)
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
        kernel(g, input.AsReadOnlySpan(), weight.AsReadOnlySpan(), grad.AsReadOnlySpan(), gx, gw, betaW, gb, betaB);
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
