using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Examples.ResidualNets;

/// <summary>
/// ResNet's basic block at a fixed width: relu(x + bn₂(conv₂(relu(bn₁(conv₁(x)))))) with 3×3
/// convolutions padded to keep the size and no biases (batch norm's shift replaces them).
/// </summary>
public sealed class ConvBlock : Module, ISavedModule<ConvBlock>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1, bn2;

    /// <summary>A block over <paramref name="channels"/> channels.</summary>
    public ConvBlock(int channels, Rng? rng = null)
    {
        Channels = channels;
        conv1 = RegisterModule("conv1", new Conv2d(channels, channels, 3, padding: 1, bias: false, rng: rng));
        bn1 = RegisterModule("bn1", new BatchNorm2d(channels));
        conv2 = RegisterModule("conv2", new Conv2d(channels, channels, 3, padding: 1, bias: false, rng: rng));
        bn2 = RegisterModule("bn2", new BatchNorm2d(channels));
    }

    public int Channels { get; }

    public override Tensor Forward(Tensor input)
    {
        var y = bn1.Call(conv1.Call(input)).Relu();
        return (input + bn2.Call(conv2.Call(y))).Relu();
    }

    public override void GetConfig(ModuleConfig config) => config.Set("channels", Channels);

    public static ConvBlock FromConfig(ModuleSettings s) => new(s.Int("channels"), s.Rng);
}
