using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// 2-D average pooling of an N×C×H×W input over k×k windows (stride defaults to the kernel size), with
/// PyTorch's defaults: zero padding counts in the average (count_include_pad = True) and floor output sizes.
/// </summary>
public sealed class AvgPool2d : Module, ISavedModule<AvgPool2d>
{
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }

    /// <summary>Averages over <paramref name="kernelSize"/>² windows; <paramref name="stride"/> defaults to the kernel size.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0)
    {
        ConvSettings.CheckWindow("AvgPool2d", kernelSize, stride ?? kernelSize, padding, 1);
        ConvSettings.CheckPoolPadding("AvgPool2d", kernelSize, padding);
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding;
    }

    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding);

    public override string Describe() => $"AvgPool2d(kernel_size={KernelSize}, stride={Stride}, padding={Padding})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) => config.Set("kernel_size", KernelSize).Set("stride", Stride).Set("padding", Padding);

    public static AvgPool2d FromConfig(ModuleSettings s) => new(s.Int("kernel_size"), s.Int("stride", s.Int("kernel_size")), s.Int("padding", 0));
}
