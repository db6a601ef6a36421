using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Learned positions: a parameter <see cref="Weight"/> [maxLength, dim] (normal, σ = 0.02 as GPT-2's), whose first T
/// rows are added to a batch-first input [N, T, dim] (or [T, dim]); the gradient flows into both.
/// </summary>
public sealed class LearnedPositionalEmbedding : Module, ISavedModule<LearnedPositionalEmbedding>
{
    /// <summary>[maxLength, dim].</summary>
    public Parameter Weight { get; }
    public int MaxLength { get; }
    public int Dim { get; }

    public LearnedPositionalEmbedding(int maxLength, int dim, Rng? rng = null)
    {
        if (maxLength < 1 || dim < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), $"LearnedPositionalEmbedding: expected positive sizes, got max_length={maxLength}, dim={dim}.");
        (MaxLength, Dim) = (maxLength, dim);
        Weight = RegisterParameter("weight", Tensor.Randn([maxLength, dim], rng ?? Rng.Default, 0f, 0.02f));
    }

    public override Tensor Forward(Tensor input) => input + Weight.Narrow(0, 0, PositionalInput.Length(input, Dim, MaxLength, "LearnedPositionalEmbedding"));

    public override string Describe() => $"LearnedPositionalEmbedding({MaxLength}, {Dim})";
    public override void GetConfig(ModuleConfig config) => config.Set("max_length", MaxLength).Set("dim", Dim);
    public static LearnedPositionalEmbedding FromConfig(ModuleSettings s) => new(s.Int("max_length"), s.Int("dim"), s.Rng);
}

/// <summary>The input check shared by the positional modules.</summary>
static class PositionalInput
{
    /// <summary>The sequence length of a [N, T, dim] or [T, dim] input, checked against the table.</summary>
    public static int Length(Tensor input, int dim, int maxLength, string who)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank is not (2 or 3) || input.Shape[^1] != dim || input.Shape[^2] > maxLength)
            throw new ArgumentException($"{who}: expected input [N, T, {dim}] or [T, {dim}] with T ≤ {maxLength}, got {Shapes.Format(input.Shape)}.");
        return input.Shape[^2];
    }
}
