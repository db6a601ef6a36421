namespace Neurone.Nn.Functional;

/// <summary>
/// Argument checks shared by the convolution and pooling ops and by the layers' constructors, so their errors
/// read alike; and the descriptions the ops give of themselves in errors, in the form the layers print.
/// </summary>
internal static class ConvSettings
{
    public static void Check(string layer, int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation)
    {
        if (inChannels < 1 || outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer}: expected positive channel counts, got in={inChannels}, out={outChannels}.");
        CheckWindow(layer, kernelSize, stride, padding, dilation);
    }

    public static void CheckWindow(string layer, int kernelSize, int stride, int padding, int dilation)
    {
        if (kernelSize < 1 || stride < 1 || dilation < 1 || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{layer}: expected kernel_size, stride, dilation ≥ 1 and padding ≥ 0, got kernel_size={kernelSize}, stride={stride}, padding={padding}, dilation={dilation}.");
    }

    /// <summary>PyTorch's rule for pooling: padding at most half the kernel, so no window lies wholly in the padding.</summary>
    public static void CheckPoolPadding(string layer, int kernelSize, int padding)
    {
        if (padding > kernelSize / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{layer}: padding {padding} must be at most half the kernel size {kernelSize}.");
    }

    /// <summary>"same" → true, "valid" → false (no padding), as PyTorch's string paddings.</summary>
    public static bool ParsePadding(string layer, string padding, int stride)
    {
        ArgumentNullException.ThrowIfNull(padding);
        if (padding == "valid") return false;
        if (padding != "same") throw new ArgumentException($"{layer}: padding '{padding}' is not known; expected \"same\", \"valid\" or a number.", nameof(padding));
        if (stride != 1) throw new ArgumentException($"{layer}: padding \"same\" needs stride 1 (as in PyTorch), got stride {stride}.", nameof(padding));
        return true;
    }
}
