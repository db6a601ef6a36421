using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// 1-D convolution (cross-correlation, as PyTorch) of an N×C×L input with a weight of shape [out, in, k]
/// plus an optional bias: stride, zero padding (a number, or "same", stride 1 only) and dilation. Initialised
/// as PyTorch (weight and bias U(±1/√fan_in)). Forward is <see cref="F.Conv1d(Tensor, Tensor, Tensor?, int, int, int, bool)"/>.
/// </summary>
public sealed class Conv1d : ConvolutionLayer, ISavedModule<Conv1d>
{
    /// <summary>A convolution with numeric padding; <paramref name="rng"/> defaults to <see cref="Rng.Default"/>.</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, bool bias = true, Rng? rng = null)
        : this(inChannels, outChannels, kernelSize, stride, padding, false, dilation, bias, rng) { }

    /// <summary>A convolution with padding "same" (output length = input length; stride must be 1) or "valid" (no padding).</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, string padding, int stride = 1, int dilation = 1, bool bias = true, Rng? rng = null)
        : this(inChannels, outChannels, kernelSize, stride, 0, ConvSettings.ParsePadding("Conv1d", padding, stride), dilation, bias, rng) { }

    Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, bool same, int dilation, bool bias, Rng? rng)
        : base("Conv1d", 1, inChannels, outChannels, kernelSize, stride, padding, same, dilation, bias, rng) { }

    public override Tensor Forward(Tensor input, bool relu) =>
        F.Conv1d(input, Weight, Bias, Stride, Padding, SamePadding, Dilation, relu);

    public override string Describe() =>
        $"Conv1d({InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)"
        + (SamePadding ? ", padding=same" : Padding != 0 ? $", padding=({Padding},)" : "")
        + (Dilation != 1 ? $", dilation=({Dilation},)" : "") + (Bias is null ? ", bias=False" : "") + ")";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public static Conv1d FromConfig(ModuleSettings s) => s.IsString("padding", "same")
        ? new Conv1d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), "same", s.Int("stride", 1), s.Int("dilation", 1), s.Bool("bias", true), s.Rng)
        : new Conv1d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), s.Int("stride", 1), s.Int("padding", 0), s.Int("dilation", 1), s.Bool("bias", true), s.Rng);
}
