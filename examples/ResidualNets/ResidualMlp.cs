using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Examples.ResidualNets;

/// <summary>
/// A residual MLP: a linear stem to <c>hidden</c> units, <c>blocks</c> residual blocks of two linear
/// layers each, and a linear head. It builds its children itself from four numbers, so those four
/// numbers are all it saves; its parameters are named "stem.weight", "blocks.0.body.0.weight", ….
/// </summary>
public sealed class ResidualMlp : Module, ISavedModule<ResidualMlp>
{
    readonly Linear stem, head;
    readonly ModuleList<ResidualBlock> blocks;

    /// <summary>A net from <paramref name="inFeatures"/> to <paramref name="classes"/> logits; weights drawn from <paramref name="rng"/>.</summary>
    public ResidualMlp(int inFeatures, int hidden, int blocks, int classes, Rng? rng = null)
    {
        (InFeatures, Hidden, Blocks, Classes) = (inFeatures, hidden, blocks, classes);
        stem = RegisterModule("stem", new Linear(inFeatures, hidden, rng: rng));
        this.blocks = RegisterModule("blocks", new ModuleList<ResidualBlock>());
        for (int i = 0; i < blocks; i++)
            this.blocks.Add(new ResidualBlock(new Sequential(new Linear(hidden, hidden, rng: rng), new ReLU(), new Linear(hidden, hidden, rng: rng))));
        head = RegisterModule("head", new Linear(hidden, classes, rng: rng));
    }

    public int InFeatures { get; }
    public int Hidden { get; }
    public int Blocks { get; }
    public int Classes { get; }

    public override Tensor Forward(Tensor input)
    {
        var x = stem.Call(input).Relu();
        foreach (var block in blocks) x = block.Call(x);
        return head.Call(x);
    }

    public override void GetConfig(ModuleConfig config) =>
        config.Set("in_features", InFeatures).Set("hidden", Hidden).Set("blocks", Blocks).Set("classes", Classes);

    public static ResidualMlp FromConfig(ModuleSettings s) =>
        new(s.Int("in_features"), s.Int("hidden"), s.Int("blocks"), s.Int("classes"), s.Rng);
}
