using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Inverted dropout: in training mode each element is zeroed with probability <see cref="P"/> and the
/// survivors are scaled by 1/(1−p), so evaluation (where it is the identity) needs no rescaling.
/// </summary>
public sealed class Dropout : Module, IRandomModule, ISavedModule<Dropout>
{
    readonly Rng rng;

    /// <summary>The probability of zeroing an element.</summary>
    public float P { get; }

    /// <summary>The mask generator, forked at construction; checkpoints save its state.</summary>
    public Rng Generator => rng;

    /// <summary>Dropout with probability <paramref name="p"/>; the mask stream forks from <paramref name="rng"/> (default <see cref="Rng.Default"/>).</summary>
    public Dropout(float p = 0.5f, Rng? rng = null)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: expected a probability in [0, 1].");
        P = p;
        this.rng = (rng ?? Rng.Default).Fork();
    }

    public override Tensor Forward(Tensor input)
    {
        if (!Training || P == 0f) return input;
        if (P == 1f) return input * 0f;
        float scale = 1f / (1f - P);
        var mask = new Tensor(input.ShapeArray());
        var m = mask.AsSpan();
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextFloat() >= P ? scale : 0f;
        var y = new Tensor(input.ShapeArray());
        System.Numerics.Tensors.TensorPrimitives.Multiply(input.AsReadOnlySpan(), m, y.AsSpan());
        return Graph.Record(y, "dropout", [input], g => [g * mask]);
    }

    public override string Describe() => $"Dropout(p={P})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) => config.Set("p", P);

    public static Dropout FromConfig(ModuleSettings s) => new(s.Float("p", 0.5f), s.Rng);
}
