using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// 1-D max pooling of an N×C×L input (stride defaults to the kernel size, padding read as −∞, dilation),
/// floor output length as PyTorch; the gradient goes to each window's first maximum. Runs the 2-D kernel on
/// planes of height 1.
/// </summary>
public sealed class MaxPool1d : Module, ISavedModule<MaxPool1d>
{
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }

    /// <summary>Pooling over windows of <paramref name="kernelSize"/>; <paramref name="stride"/> defaults to the kernel size.</summary>
    public MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1)
    {
        ConvSettings.CheckWindow("MaxPool1d", kernelSize, stride ?? kernelSize, padding, dilation);
        PoolingOp.CheckPadding("MaxPool1d", kernelSize, padding);
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding; Dilation = dilation;
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 3)
            throw new ArgumentException($"{Describe()}: expected input N×C×L, got shape {Shapes.Format(input.Shape)}.");
        int n = input.Size(0), c = input.Size(1);
        var g = WindowGeometry.Create(() => $"{Describe()} on input {Shapes.Format(input.Shape)}", 1, input.Size(2),
            1, KernelSize, 1, Stride, 0, Padding, 1, Dilation);
        return PoolingOp.Max(input, g, n * c, [n, c, g.OutWidth]);
    }

    public override string Describe() => $"MaxPool1d(kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) =>
        config.Set("kernel_size", KernelSize).Set("stride", Stride).Set("padding", Padding).Set("dilation", Dilation);

    public static MaxPool1d FromConfig(ModuleSettings s) =>
        new(s.Int("kernel_size"), s.Int("stride", s.Int("kernel_size")), s.Int("padding", 0), s.Int("dilation", 1));
}
