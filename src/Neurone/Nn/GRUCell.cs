using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>One GRU step, as PyTorch's <c>nn.GRUCell</c>: h′ from x [B, I] and h [B, H] (zeros when null).</summary>
public sealed class GRUCell : RecurrentCell, ISavedModule<GRUCell>
{
    /// <summary>A cell; the weights are drawn from <paramref name="rng"/> (default <see cref="Rng.Default"/>).</summary>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true, Rng? rng = null) : base("GRUCell", 3, inputSize, hiddenSize, bias, rng) { }

    /// <summary>The next hidden state, [B, H] (or [H] for an unbatched input).</summary>
    public Tensor Forward(Tensor input, Tensor? h)
    {
        var x = AsOneStep(input, out bool unbatched);
        var r = F.Gru(x, WeightIh, WeightHh, BiasIh, BiasHh, AsState(h, unbatched));
        return unbatched ? r.H.Reshape(HiddenSize) : r.H;
    }

    /// <summary>The next hidden state from a zero state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    public override string Describe() => DescribeAs("GRUCell");

    public static GRUCell FromConfig(ModuleSettings s) => new(s.Int("input_size"), s.Int("hidden_size"), s.Bool("bias", true), s.Rng);
}
