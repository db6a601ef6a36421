using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>One LSTM step, as PyTorch's <c>nn.LSTMCell</c>: (h′, c′) from x [B, I] and (h, c) [B, H] (zeros when null).</summary>
public sealed class LSTMCell : RecurrentCell, ISavedModule<LSTMCell>
{
    /// <summary>A cell; the weights are drawn from <paramref name="rng"/> (default <see cref="Rng.Default"/>).</summary>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true, Rng? rng = null) : base("LSTMCell", 4, inputSize, hiddenSize, bias, rng) { }

    /// <summary>The next hidden and cell states, [B, H] (or [H] for an unbatched input).</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, Tensor? h, Tensor? c)
    {
        var x = AsOneStep(input, out bool unbatched);
        var r = F.Lstm(x, WeightIh, WeightHh, BiasIh, BiasHh, AsState(h, unbatched), AsState(c, unbatched));
        return unbatched ? (r.H.Reshape(HiddenSize), r.C.Reshape(HiddenSize)) : (r.H, r.C);
    }

    /// <summary>The next hidden state from zero states.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null).H;

    public override string Describe() => DescribeAs("LSTMCell");

    public static LSTMCell FromConfig(ModuleSettings s) => new(s.Int("input_size"), s.Int("hidden_size"), s.Bool("bias", true), s.Rng);
}
