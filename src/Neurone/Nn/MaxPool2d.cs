using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// 2-D max pooling of an N×C×H×W input over k×k windows (stride defaults to the kernel size, padding read as
/// −∞, dilation), floor output sizes as PyTorch. The backward routes each output's gradient to the input that
/// won (the first maximum of the window, as PyTorch). Vectorised for stride-2 pairs (<see cref="Kernels.MaxPool"/>).
/// </summary>
public sealed class MaxPool2d : Module, ISavedModule<MaxPool2d>
{
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }

    /// <summary>Pooling over <paramref name="kernelSize"/>² windows; <paramref name="stride"/> defaults to the kernel size.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1)
    {
        ConvSettings.CheckWindow("MaxPool2d", kernelSize, stride ?? kernelSize, padding, dilation);
        ConvSettings.CheckPoolPadding("MaxPool2d", kernelSize, padding);
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding; Dilation = dilation;
    }

    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation);

    public override string Describe() => $"MaxPool2d(kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) =>
        config.Set("kernel_size", KernelSize).Set("stride", Stride).Set("padding", Padding).Set("dilation", Dilation);

    public static MaxPool2d FromConfig(ModuleSettings s) =>
        new(s.Int("kernel_size"), s.Int("stride", s.Int("kernel_size")), s.Int("padding", 0), s.Int("dilation", 1));
}
