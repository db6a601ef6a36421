using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Layer normalisation over the trailing dimensions <see cref="NormalizedShape"/>, as PyTorch's <c>nn.LayerNorm</c>:
/// every row is normalised with its own mean and biased variance, then scaled by γ (<see cref="Weight"/>, ones
/// initially) and shifted by β (<see cref="Bias"/>, zeros), elementwise. It behaves the same in training and
/// evaluation and keeps no running statistics. Forward is <see cref="F.LayerNorm(Tensor, int[], Tensor?, Tensor?, float)"/>.
/// </summary>
public sealed class LayerNorm : Module, ISavedModule<LayerNorm>
{
    readonly int[] normalizedShape;

    /// <summary>γ, of <see cref="NormalizedShape"/>, or null without elementwise affine.</summary>
    public Parameter? Weight { get; }
    /// <summary>β, of <see cref="NormalizedShape"/>, or null without a bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>The trailing dimensions normalised together.</summary>
    public ReadOnlySpan<int> NormalizedShape => normalizedShape;
    public float Eps { get; }
    public bool ElementwiseAffine => Weight is not null;

    /// <summary>Normalisation over the last dimension of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true, bool bias = true)
        : this([normalizedShape], eps, elementwiseAffine, bias) { }

    /// <summary>Normalisation over the trailing dimensions <paramref name="normalizedShape"/>; PyTorch's defaults.</summary>
    public LayerNorm(int[] normalizedShape, float eps = 1e-5f, bool elementwiseAffine = true, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s < 1))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"LayerNorm: expected a normalized shape of positive sizes, got {Shapes.Format(normalizedShape)}.");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"LayerNorm: expected eps > 0, got {eps}.");
        this.normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(this.normalizedShape));
            if (bias) Bias = RegisterParameter("bias", new Tensor(this.normalizedShape));
        }
    }

    public override Tensor Forward(Tensor input) => F.LayerNorm(input, normalizedShape, Weight, Bias, Eps);

    public override void GetConfig(ModuleConfig config) =>
        config.Set("normalized_shape", normalizedShape).Set("eps", Eps).Set("elementwise_affine", ElementwiseAffine).Set("bias", Bias is not null);

    public static LayerNorm FromConfig(ModuleSettings s) =>
        new(s.Ints("normalized_shape"), s.Float("eps", 1e-5f), s.Bool("elementwise_affine", true), s.Bool("bias", true));

    public override string Describe() =>
        $"LayerNorm(({string.Join(", ", normalizedShape)}{(normalizedShape.Length == 1 ? "," : "")}), eps={Eps}, elementwise_affine={(ElementwiseAffine ? "True" : "False")}"
        + (ElementwiseAffine && Bias is null ? ", bias=False" : "") + ")";
}
