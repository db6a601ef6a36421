using Neurone.Autograd;
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

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"{Describe()}: expected input N×C×H×W or N×C×L, got shape {Shapes.Format(input.Shape)}.");
        if (!Training || P == 0f) return input;
        int planes = input.Size(0) * input.Size(1), plane = input.Count / Math.Max(1, planes);
        float scale = P == 1f ? 0f : 1f / (1f - P);
        var keep = new float[planes];
        for (int i = 0; i < planes; i++) keep[i] = rng.NextFloat() >= P ? scale : 0f;
        var y = Tensor.Uninitialized(input.ShapeArray());
        Apply(input.AsReadOnlySpan(), keep, plane, y.AsSpan());
        return Graph.Record(y, "dropout2d", [input], g =>
        {
            var dx = Tensor.Uninitialized(g.ShapeArray());
            Apply(g.AsReadOnlySpan(), keep, plane, dx.AsSpan());
            return [dx];
        });
    }

    static void Apply(ReadOnlySpan<float> x, float[] keep, int plane, Span<float> y)
    {
        for (int i = 0; i < keep.Length; i++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(x.Slice(i * plane, plane), keep[i], y.Slice(i * plane, plane));
    }

    public override string Describe() => $"Dropout2d(p={P})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) => config.Set("p", P);

    public static Dropout2d FromConfig(ModuleSettings s) => new(s.Float("p", 0.5f), s.Rng);
}
