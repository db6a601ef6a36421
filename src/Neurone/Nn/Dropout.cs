using Neurone.Nn.Functional;
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

    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, rng);

    public override string Describe() => $"Dropout(p={P})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) => config.Set("p", P);

    public static Dropout FromConfig(ModuleSettings s) => new(s.Float("p", 0.5f), s.Rng);
}
