using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// y = x·Wᵀ + b, with W of shape [out, in] as in PyTorch, initialised as PyTorch does: W and b uniform
/// in ±1/√in (kaiming_uniform with a = √5). The input may have any leading dimensions. Forward is
/// <see cref="F.Linear"/>.
/// </summary>
public sealed class Linear : Module, ISavedModule<Linear>
{
    /// <summary>The weight, [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null without one.</summary>
    public Parameter? Bias { get; }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/>; <paramref name="rng"/> defaults to <see cref="Rng.Default"/>.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Rng? rng = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: expected positive sizes, got in={inFeatures}, out={outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        rng ??= Rng.Default;
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Tensor.Rand([outFeatures, inFeatures], rng, -bound, bound));
        if (bias) Bias = RegisterParameter("bias", Tensor.Rand([outFeatures], rng, -bound, bound));
    }

    /// <summary>The layer followed by a ReLU in one op (<see cref="F.Linear"/> with relu): the same values and gradients as the two layers.</summary>
    public Tensor Forward(Tensor input, bool relu) => F.Linear(input, Weight, Bias, relu);

    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);

    public override string Describe() => $"Linear(in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) =>
        config.Set("in_features", InFeatures).Set("out_features", OutFeatures).Set("bias", Bias is not null);

    public static Linear FromConfig(ModuleSettings s) => new(s.Int("in_features"), s.Int("out_features"), s.Bool("bias", true), s.Rng);
}
