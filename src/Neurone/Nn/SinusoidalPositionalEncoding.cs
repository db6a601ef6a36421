using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// The fixed sinusoidal positions of Vaswani et al. (2017), PE[t, 2i] = sin(t/10000^(2i/dim)), PE[t, 2i+1] = cos(same),
/// added to a batch-first input [N, T, dim] (or [T, dim]); kept as a buffer, not trained.
/// </summary>
public sealed class SinusoidalPositionalEncoding : Module, ISavedModule<SinusoidalPositionalEncoding>
{
    readonly Tensor table;
    public int MaxLength { get; }
    public int Dim { get; }

    public SinusoidalPositionalEncoding(int maxLength, int dim)
    {
        if (maxLength < 1 || dim < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), $"SinusoidalPositionalEncoding: expected positive sizes, got max_length={maxLength}, dim={dim}.");
        (MaxLength, Dim) = (maxLength, dim);
        var values = new float[maxLength * dim];
        for (int t = 0; t < maxLength; t++)
            for (int i = 0; i < dim; i++)
            {
                // In double: t·ω reaches 1e4 radians and float would lose the phase.
                double angle = t / Math.Pow(10000.0, (i & ~1) / (double)dim);
                values[t * dim + i] = (float)((i & 1) == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        table = RegisterBuffer("pe", Tensor.FromArray(values, maxLength, dim));
    }

    /// <summary>The table, [maxLength, dim].</summary>
    public Tensor Table => table;

    public override Tensor Forward(Tensor input) => input + table.Narrow(0, 0, PositionalInput.Length(input, Dim, MaxLength, "SinusoidalPositionalEncoding"));

    public override string Describe() => $"SinusoidalPositionalEncoding({MaxLength}, {Dim})";
    public override void GetConfig(ModuleConfig config) => config.Set("max_length", MaxLength).Set("dim", Dim);
    public static SinusoidalPositionalEncoding FromConfig(ModuleSettings s) => new(s.Int("max_length"), s.Int("dim"));
}
