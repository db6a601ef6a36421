using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// The parameters that <see cref="LSTMCell"/> and <see cref="GRUCell"/> share, as PyTorch's: weight_ih
/// [gates·H, I], weight_hh [gates·H, H] and, with bias, bias_ih and bias_hh [gates·H], all from U(−1/√H, 1/√H).
/// A cell is one time step: it runs the same fused op as the layers, over a sequence of one step.
/// </summary>
public abstract class RecurrentCell : Module
{
    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter? BiasIh { get; }
    public Parameter? BiasHh { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }

    private protected RecurrentCell(string name, int gates, int inputSize, int hiddenSize, bool bias, Rng? rng)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"{name}: expected positive input_size and hidden_size, got {inputSize}, {hiddenSize}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        rng ??= Rng.Default;
        float bound = 1f / MathF.Sqrt(hiddenSize);
        WeightIh = RegisterParameter("weight_ih", Tensor.Rand([gates * hiddenSize, inputSize], rng, -bound, bound));
        WeightHh = RegisterParameter("weight_hh", Tensor.Rand([gates * hiddenSize, hiddenSize], rng, -bound, bound));
        if (bias)
        {
            BiasIh = RegisterParameter("bias_ih", Tensor.Rand([gates * hiddenSize], rng, -bound, bound));
            BiasHh = RegisterParameter("bias_hh", Tensor.Rand([gates * hiddenSize], rng, -bound, bound));
        }
    }

    /// <summary>[B, I] as a sequence of one step, [1, B, I] (an unbatched [I] as [1, 1, I]).</summary>
    private protected Tensor AsOneStep(Tensor input, out bool unbatched)
    {
        ArgumentNullException.ThrowIfNull(input);
        unbatched = input.Rank == 1;
        if ((input.Rank != 1 && input.Rank != 2) || input.Size(-1) != InputSize)
            throw new ArgumentException($"{GetType().Name}: expected input of shape [B, {InputSize}] or [{InputSize}], got {Shapes.Format(input.Shape)}.");
        return unbatched ? input.Reshape(1, 1, InputSize) : input.Unsqueeze(0);
    }

    /// <summary>A state [B, H] (or [H] for an unbatched input) as the op's [B, H].</summary>
    private protected Tensor? AsState(Tensor? state, bool unbatched) => state is null ? null : unbatched ? state.Reshape(1, HiddenSize) : state;

    private protected string DescribeAs(string type) => $"{type}({InputSize}, {HiddenSize}{(BiasIh is null ? ", bias=False" : "")})";

    public override void GetConfig(ModuleConfig config) =>
        config.Set("input_size", InputSize).Set("hidden_size", HiddenSize).Set("bias", BiasIh is not null);
}
