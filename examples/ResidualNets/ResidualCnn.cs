using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Examples.ResidualNets;

/// <summary>
/// A small ResNet: a stem (Conv2d, BatchNorm2d, ReLU as a Sequential), <c>blocks</c>
/// <see cref="ConvBlock"/>s in a typed <see cref="ModuleList{T}"/>, and a head kept in a
/// <see cref="ModuleDict"/> (global average pooling, flatten, linear). Parameter names read
/// "stem.0.weight", "blocks.1.bn2.running_mean", "head.fc.weight".
/// </summary>
public sealed class ResidualCnn : Module, ISavedModule<ResidualCnn>
{
    readonly Sequential stem;
    readonly ModuleList<ConvBlock> blocks;
    readonly ModuleDict head;

    /// <summary>A net over <paramref name="inChannels"/>-channel images to <paramref name="classes"/> logits.</summary>
    public ResidualCnn(int inChannels, int channels, int blocks, int classes, Rng? rng = null)
    {
        (InChannels, Channels, Blocks, Classes) = (inChannels, channels, blocks, classes);
        stem = RegisterModule("stem", new Sequential(new Conv2d(inChannels, channels, 3, padding: 1, bias: false, rng: rng), new BatchNorm2d(channels), new ReLU()));
        this.blocks = RegisterModule("blocks", new ModuleList<ConvBlock>());
        for (int i = 0; i < blocks; i++) this.blocks.Add(new ConvBlock(channels, rng));
        head = RegisterModule("head", new ModuleDict(("pool", new AdaptiveAvgPool2d(1)), ("flatten", new Flatten()), ("fc", new Linear(channels, classes, rng: rng))));
    }

    public int InChannels { get; }
    public int Channels { get; }
    public int Blocks { get; }
    public int Classes { get; }

    public override Tensor Forward(Tensor input)
    {
        var x = stem.Call(input);
        foreach (var block in blocks) x = block.Call(x);
        x = head["flatten"].Call(head["pool"].Call(x));
        return head["fc"].Call(x);
    }

    public override void GetConfig(ModuleConfig config) =>
        config.Set("in_channels", InChannels).Set("channels", Channels).Set("blocks", Blocks).Set("classes", Classes);

    public static ResidualCnn FromConfig(ModuleSettings s) =>
        new(s.Int("in_channels"), s.Int("channels"), s.Int("blocks"), s.Int("classes"), s.Rng);
}
