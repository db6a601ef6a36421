using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch) of an N×C×H×W input with a weight of shape
/// [out, in, k, k] plus an optional bias: stride, zero padding (a number, or "same" for an output as large as
/// the input, stride 1 only) and dilation. Initialised as PyTorch: weight kaiming_uniform(a = √5), i.e.
/// U(±1/√fan_in), bias U(±1/√fan_in). Forward is <see cref="F.Conv2d(Tensor, Tensor, Tensor?, int, int, int, bool)"/>. "same" with an even effective kernel pads one more at the bottom/right, as
/// PyTorch does.
/// </summary>
public sealed class Conv2d : ConvolutionLayer, ISavedModule<Conv2d>
{
    /// <summary>A convolution with numeric padding; <paramref name="rng"/> defaults to <see cref="Rng.Default"/>.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, bool bias = true, Rng? rng = null)
        : this(inChannels, outChannels, kernelSize, stride, padding, false, dilation, bias, rng) { }

    /// <summary>A convolution with padding "same" (output size = input size; stride must be 1) or "valid" (no padding).</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, string padding, int stride = 1, int dilation = 1, bool bias = true, Rng? rng = null)
        : this(inChannels, outChannels, kernelSize, stride, 0, ConvSettings.ParsePadding("Conv2d", padding, stride), dilation, bias, rng) { }

    Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, bool same, int dilation, bool bias, Rng? rng)
        : base("Conv2d", 2, inChannels, outChannels, kernelSize, stride, padding, same, dilation, bias, rng) { }

    public override Tensor Forward(Tensor input, bool relu) =>
        F.Conv2d(input, Weight, Bias, Stride, Padding, SamePadding, Dilation, relu);

    /// <summary>
    /// pool(max(conv(input), 0)) without storing the convolution's output (<see cref="F.Conv2dReluMaxPool2d(Tensor, Tensor, Tensor?, int, int?, int, int, int, int, int)"/>):
    /// the layer, a ReLU and <paramref name="pool"/> in one op, with the values and gradients of the three in turn.
    /// </summary>
    public Tensor ForwardReluMaxPool(Tensor input, MaxPool2d pool) =>
        F.Conv2dReluMaxPool2d(input, Weight, Bias, Stride, Padding, SamePadding, Dilation, pool.KernelSize, pool.Stride, pool.Padding, pool.Dilation);

    public override string Describe() =>
        $"Conv2d({InChannels}, {OutChannels}, kernel_size=({KernelSize}, {KernelSize}), stride=({Stride}, {Stride})"
        + (SamePadding ? ", padding=same" : Padding != 0 ? $", padding=({Padding}, {Padding})" : "")
        + (Dilation != 1 ? $", dilation=({Dilation}, {Dilation})" : "") + (Bias is null ? ", bias=False" : "") + ")";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public static Conv2d FromConfig(ModuleSettings s) => s.IsString("padding", "same")
        ? new Conv2d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), "same", s.Int("stride", 1), s.Int("dilation", 1), s.Bool("bias", true), s.Rng)
        : new Conv2d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), s.Int("stride", 1), s.Int("padding", 0), s.Int("dilation", 1), s.Bool("bias", true), s.Rng);
}
