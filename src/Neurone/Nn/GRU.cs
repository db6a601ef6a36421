using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A multi-layer GRU as PyTorch's <c>nn.GRU</c>: same settings, parameter names, layouts (gates r, z, n, with
/// n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn))), initialisation and results; lengths as <see cref="LSTM"/>.
/// Each layer-direction is one fused op, <see cref="F.Gru"/>.
/// </summary>
public sealed class GRU : RecurrentLayers, ISavedModule<GRU>
{
    /// <summary>A GRU; the weights are drawn from <paramref name="rng"/> (default <see cref="Rng.Default"/>), and the dropout stream forks from it.</summary>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, float dropout = 0f,
        bool bidirectional = false, Rng? rng = null)
        : base("GRU", 3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, rng) { }

    /// <summary>Runs the sequence from <paramref name="h0"/> ([layers·D, B, H]; zeros when null), each row for its own <paramref name="lengths"/>.</summary>
    public GruOutput Forward(Tensor input, Tensor? h0 = null, Tensor? lengths = null)
    {
        var (output, finals) = Run(input, [h0], lengths, (x, k, reverse, batchFirst, init) =>
        {
            var (wih, whh, bih, bhh) = Weights(k);
            var r = F.Gru(x, wih, whh, bih, bhh, init[0], lengths, reverse, batchFirst);
            return (r.Output, new[] { r.H });
        });
        return new GruOutput(output, finals[0]);
    }

    /// <summary>The outputs alone, from a zero state over full-length sequences: a GRU inside a <see cref="Sequential"/>.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null).Output;

    public override string Describe() => DescribeAs("GRU");

    public static GRU FromConfig(ModuleSettings s) => new(s.Int("input_size"), s.Int("hidden_size"), s.Int("num_layers", 1), s.Bool("bias", true),
        s.Bool("batch_first", false), s.Float("dropout", 0f), s.Bool("bidirectional", false), s.Rng);
}
