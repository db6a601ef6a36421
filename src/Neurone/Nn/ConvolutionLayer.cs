using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// What <see cref="Conv1d"/> and <see cref="Conv2d"/> share: their settings, checked and stored, and the weight
/// and bias initialised as PyTorch does (<see cref="ConvolutionInit.Initialise"/>). Each adds its input layout.
/// </summary>
public abstract class ConvolutionLayer : Module
{
    /// <summary>The weight, [out, in, kernel] for 1-D or [out, in, kernel, kernel] for 2-D.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null without one.</summary>
    public Parameter? Bias { get; }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    /// <summary>Zero padding on each side (unused when <see cref="SamePadding"/>).</summary>
    public int Padding { get; }
    /// <summary>True for padding "same".</summary>
    public bool SamePadding { get; }
    public int Dilation { get; }

    /// <summary>Checks and stores the settings of layer <paramref name="layer"/>, then initialises a weight of <paramref name="kernelDimensions"/> spatial dimensions.</summary>
    private protected ConvolutionLayer(string layer, int kernelDimensions, int inChannels, int outChannels, int kernelSize, int stride, int padding,
        bool same, int dilation, bool bias, Rng? rng)
    {
        ConvSettings.Check(layer, inChannels, outChannels, kernelSize, stride, padding, dilation);
        InChannels = inChannels; OutChannels = outChannels; KernelSize = kernelSize; Stride = stride;
        Padding = padding; SamePadding = same; Dilation = dilation;
        int[] shape = [outChannels, inChannels, .. Enumerable.Repeat(kernelSize, kernelDimensions)];
        (Weight, Bias) = ConvolutionInit.Initialise(RegisterParameter, shape, bias, rng ?? Rng.Default);
    }

    public override Tensor Forward(Tensor input) => Forward(input, relu: false);

    /// <summary>max(conv(input), 0) in one pass over the output (the F op with relu): what Sequential runs for the layer followed by a ReLU.</summary>
    public abstract Tensor Forward(Tensor input, bool relu);

    // Saved architecture: PyTorch's argument names; padding is a number or "same".
    public override void GetConfig(ModuleConfig config)
    {
        config.Set("in_channels", InChannels).Set("out_channels", OutChannels).Set("kernel_size", KernelSize).Set("stride", Stride);
        if (SamePadding) config.Set("padding", "same");
        else config.Set("padding", Padding);
        config.Set("dilation", Dilation).Set("bias", Bias is not null);
    }
}
