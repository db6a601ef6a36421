using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A multi-layer LSTM as PyTorch's <c>nn.LSTM</c>: same settings, parameter names, layouts (gates i, f, g, o),
/// initialisation and results. <see cref="Forward(Tensor, Tensor?, Tensor?, Tensor?)"/> returns the outputs of the
/// last layer for every step, [T, B, D·H] ([B, T, D·H] batch-first), and the final states h_n and c_n,
/// [layers·D, B, H]. With lengths (Int64 [B]) each row runs only its own steps, as a packed sequence: outputs past
/// its end are zero, its final state is taken at its own last step, and the reverse direction starts there.
/// Each layer-direction is one fused op, <see cref="F.Lstm"/>.
/// </summary>
public sealed class LSTM : RecurrentLayers, ISavedModule<LSTM>
{
    /// <summary>An LSTM; the weights are drawn from <paramref name="rng"/> (default <see cref="Rng.Default"/>), and the dropout stream forks from it.</summary>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, float dropout = 0f,
        bool bidirectional = false, Rng? rng = null)
        : base("LSTM", 4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, rng) { }

    /// <summary>
    /// Runs the sequence from the initial states <paramref name="h0"/> and <paramref name="c0"/>
    /// ([layers·D, B, H]; zeros when null), each row for its own <paramref name="lengths"/> (Int64 [B]; all T when null).
    /// </summary>
    public LstmOutput Forward(Tensor input, Tensor? h0 = null, Tensor? c0 = null, Tensor? lengths = null)
    {
        var (output, finals) = Run(input, [h0, c0], lengths, (x, k, reverse, batchFirst, init) =>
        {
            var (wih, whh, bih, bhh) = Weights(k);
            var r = F.Lstm(x, wih, whh, bih, bhh, init[0], init[1], lengths, reverse, batchFirst);
            return (r.Output, new[] { r.H, r.C });
        });
        return new LstmOutput(output, finals[0], finals[1]);
    }

    /// <summary>The outputs alone, from zero states over full-length sequences: an LSTM inside a <see cref="Sequential"/>.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null, null).Output;

    public override string Describe() => DescribeAs("LSTM");

    public static LSTM FromConfig(ModuleSettings s) => new(s.Int("input_size"), s.Int("hidden_size"), s.Int("num_layers", 1), s.Bool("bias", true),
        s.Bool("batch_first", false), s.Float("dropout", 0f), s.Bool("bidirectional", false), s.Rng);
}
