using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Examples.ResidualNets;

/// <summary>
/// relu(x + body(x)) around any body that keeps the shape (He et al., 2016). The body is given from
/// outside, so the block saves it as a child module: its description nests the body's, whatever the
/// body is (here a Sequential), and <see cref="FromConfig"/> gets it back built.
/// </summary>
public sealed class ResidualBlock : Module, ISavedModule<ResidualBlock>
{
    /// <summary>Wraps <paramref name="body"/>, registered as "body".</summary>
    public ResidualBlock(Module body) => Body = RegisterModule("body", body);

    /// <summary>The residual branch.</summary>
    public Module Body { get; }

    public override Tensor Forward(Tensor input) => (input + Body.Call(input)).Relu();

    public override void GetConfig(ModuleConfig config) => config.Set("body", Body);

    public static ResidualBlock FromConfig(ModuleSettings settings) => new(settings.Module("body"));
}
