using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Averages an N×C×H×W input down to N×C×OH×OW whatever H and W are, with PyTorch's bins (bin i covers rows
/// ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉, so bins may overlap when the sizes do not divide). Output 1×1 is global average
/// pooling.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module, ISavedModule<AdaptiveAvgPool2d>
{
    public int OutputHeight { get; }
    public int OutputWidth { get; }

    /// <summary>Pools to <paramref name="outputHeight"/>×<paramref name="outputWidth"/> (width defaults to the height).</summary>
    public AdaptiveAvgPool2d(int outputHeight, int? outputWidth = null)
    {
        if (outputHeight < 1 || (outputWidth ?? outputHeight) < 1)
            throw new ArgumentOutOfRangeException(nameof(outputHeight), $"AdaptiveAvgPool2d: expected a positive output size, got {outputHeight}x{outputWidth ?? outputHeight}.");
        OutputHeight = outputHeight; OutputWidth = outputWidth ?? outputHeight;
    }

    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, OutputHeight, OutputWidth);

    public override string Describe() => $"AdaptiveAvgPool2d(output_size=({OutputHeight}, {OutputWidth}))";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) => config.Set("output_height", OutputHeight).Set("output_width", OutputWidth);

    public static AdaptiveAvgPool2d FromConfig(ModuleSettings s) =>
        new(s.Int("output_height", 1), s.Int("output_width", s.Int("output_height", 1)));
}
