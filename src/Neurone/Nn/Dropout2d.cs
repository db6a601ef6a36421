using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Channel dropout (PyTorch's Dropout2d): in training mode each whole channel plane of an N×C×H×W (or N×C×L)
/// input is zeroed with probability <see cref="P"/> and the kept ones scaled by 1/(1−p); the identity in
/// evaluation. Neighbouring pixels are strongly correlated, so dropping single pixels hardly regularises a
/// convolution; dropping feature maps does.
/// </summary>
public sealed class Dropout2d : Module, IRandomModule, ISavedModule<Dropout2d>
{
    readonly Rng rng;

    /// <summary>The probability of zeroing a channel.</summary>
    public float P { get; }

    /// <summary>The mask generator, forked at construction; checkpoints save its state.</summary>
    public Rng Generator => rng;

    /// <summary>Channel dropout with probability <paramref name="p"/>; the mask stream forks from <paramref name="rng"/> (default <see cref="Rng.Default"/>).</summary>
    public Dropout2d(float p = 0.5f, Rng? rng = null)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout2d: expected a probability in [0, 1].");
        P = p;
        this.rng = (rng ?? Rng.Default).Fork();
    }

    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training, rng);

    public override string Describe() => $"Dropout2d(p={P})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) => config.Set("p", P);

    public static Dropout2d FromConfig(ModuleSettings s) => new(s.Float("p", 0.5f), s.Rng);
}
