using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// The parameters and settings that <see cref="LSTM"/> and <see cref="GRU"/> share: for each layer and direction
/// weight_ih_l{k}[_reverse] [gates·H, in], weight_hh_l{k}[_reverse] [gates·H, H] and, with bias, bias_ih and
/// bias_hh [gates·H], registered under PyTorch's names and in PyTorch's order so a state dict carries over, all
/// drawn from U(−1/√H, 1/√H) as PyTorch does.
/// </summary>
public abstract class RecurrentLayers : Module, IRandomModule
{
    readonly Rng dropoutRng;
    readonly Parameter[] weightsIh, weightsHh;
    readonly Parameter?[] biasesIh, biasesHh;

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int NumLayers { get; }
    public bool HasBias { get; }
    /// <summary>Input and output are [B, T, ·] rather than [T, B, ·] (the state stays [layers·D, B, H], as PyTorch).</summary>
    public bool BatchFirst { get; }
    /// <summary>Dropout probability on the outputs of every layer but the last, in training mode.</summary>
    public float Dropout { get; }
    public bool Bidirectional { get; }

    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>The generator of the dropout masks between layers, forked at construction.</summary>
    public Rng Generator => dropoutRng;

    private protected RecurrentLayers(string name, int gates, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        float dropout, bool bidirectional, Rng? rng)
    {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"{name}: expected positive input_size, hidden_size and num_layers, got {inputSize}, {hiddenSize}, {numLayers}.");
        if (!(dropout >= 0f && dropout <= 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{name}: expected a dropout probability in [0, 1].");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        HasBias = bias;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        rng ??= Rng.Default;
        int count = numLayers * Directions;
        weightsIh = new Parameter[count];
        weightsHh = new Parameter[count];
        biasesIh = new Parameter?[count];
        biasesHh = new Parameter?[count];
        float bound = 1f / MathF.Sqrt(hiddenSize);
        for (int layer = 0; layer < numLayers; layer++)
            for (int d = 0; d < Directions; d++)
            {
                int k = layer * Directions + d, inSize = layer == 0 ? inputSize : hiddenSize * Directions;
                string suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                weightsIh[k] = RegisterParameter("weight_ih" + suffix, Tensor.Rand([gates * hiddenSize, inSize], rng, -bound, bound));
                weightsHh[k] = RegisterParameter("weight_hh" + suffix, Tensor.Rand([gates * hiddenSize, hiddenSize], rng, -bound, bound));
                if (bias)
                {
                    biasesIh[k] = RegisterParameter("bias_ih" + suffix, Tensor.Rand([gates * hiddenSize], rng, -bound, bound));
                    biasesHh[k] = RegisterParameter("bias_hh" + suffix, Tensor.Rand([gates * hiddenSize], rng, -bound, bound));
                }
            }
        dropoutRng = rng.Fork();
    }

    /// <summary>weight_ih of layer <paramref name="layer"/>, direction <paramref name="direction"/> (1 = reverse).</summary>
    public Parameter WeightIh(int layer, int direction = 0) => weightsIh[Index(layer, direction)];
    /// <summary>weight_hh of a layer and direction.</summary>
    public Parameter WeightHh(int layer, int direction = 0) => weightsHh[Index(layer, direction)];
    /// <summary>bias_ih of a layer and direction, or null without biases.</summary>
    public Parameter? BiasIh(int layer, int direction = 0) => biasesIh[Index(layer, direction)];
    /// <summary>bias_hh of a layer and direction, or null without biases.</summary>
    public Parameter? BiasHh(int layer, int direction = 0) => biasesHh[Index(layer, direction)];

    int Index(int layer, int direction)
    {
        if ((uint)layer >= (uint)NumLayers || (uint)direction >= (uint)Directions)
            throw new ArgumentOutOfRangeException(nameof(layer), $"{GetType().Name}: layer {layer}, direction {direction} is outside {NumLayers} layer(s) × {Directions} direction(s).");
        return layer * Directions + direction;
    }

    /// <summary>
    /// Runs every layer and direction: <paramref name="step"/> runs one layer-direction on its input with its
    /// initial state(s) taken from row k of the given states and returns its output and final state(s). Handles
    /// unbatched input ([T, I]), the concatenation of directions and the dropout between layers.
    /// </summary>
    private protected (Tensor Output, Tensor[] Finals) Run(Tensor input, Tensor?[] initial, Tensor? lengths,
        Func<Tensor, int, bool, bool, Tensor?[], (Tensor Output, Tensor[] Finals)> step)
    {
        ArgumentNullException.ThrowIfNull(input);
        string name = GetType().Name;
        bool unbatched = input.Rank == 2;
        if (input.Rank != 2 && input.Rank != 3)
            throw new ArgumentException($"{name}: expected input of shape [T, B, {InputSize}]{(BatchFirst ? " (batch first: [B, T, " + InputSize + "])" : "")} or unbatched [T, {InputSize}], got {Shapes.Format(input.Shape)}.");
        bool batchFirst = BatchFirst && !unbatched;
        var x = unbatched ? input.Unsqueeze(1) : input;
        int batch = batchFirst ? x.Size(0) : x.Size(1), count = NumLayers * Directions;
        var states = new Tensor?[initial.Length];
        for (int i = 0; i < initial.Length; i++)
        {
            var s = initial[i];
            if (s is null) continue;
            if (unbatched) s = s.Rank == 2 ? s.Unsqueeze(1) : throw new ArgumentException($"{name}: expected an initial state of shape [{count}, {HiddenSize}] for unbatched input, got {Shapes.Format(s.Shape)}.");
            if (s.Rank != 3 || s.Size(0) != count || s.Size(1) != batch || s.Size(2) != HiddenSize)
                throw new ArgumentException($"{name}: expected an initial state of shape [{count}, {batch}, {HiddenSize}], got {Shapes.Format(initial[i]!.Shape)}.");
            states[i] = s;
        }
        var finals = new List<Tensor>[initial.Length];
        for (int i = 0; i < finals.Length; i++) finals[i] = new List<Tensor>(count);
        var outs = new Tensor[Directions];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            for (int d = 0; d < Directions; d++)
            {
                int k = layer * Directions + d;
                var init = new Tensor?[states.Length];
                for (int i = 0; i < states.Length; i++) init[i] = states[i]?.Row(k);
                var (output, last) = step(x, k, d == 1, batchFirst, init);
                outs[d] = output;
                for (int i = 0; i < finals.Length; i++) finals[i].Add(last[i]);
            }
            x = Directions == 1 ? outs[0] : Tensor.Cat(outs, 2);
            if (layer < NumLayers - 1 && Dropout > 0f && Training)
                x = Functional.F.Dropout(x, Dropout, true, dropoutRng);
        }
        var result = new Tensor[finals.Length];
        for (int i = 0; i < finals.Length; i++)
        {
            result[i] = finals[i].Count == 1 ? finals[i][0].Unsqueeze(0) : Tensor.Stack(finals[i], 0);
            if (unbatched) result[i] = result[i].Squeeze(1);
        }
        if (unbatched) x = x.Squeeze(1);
        return (x, result);
    }

    /// <summary>The arguments of the layer-direction op at index k = layer·D + direction.</summary>
    private protected (Tensor Wih, Tensor Whh, Tensor? Bih, Tensor? Bhh) Weights(int k) => (weightsIh[k], weightsHh[k], biasesIh[k], biasesHh[k]);

    private protected string DescribeAs(string type)
    {
        var s = $"{type}({InputSize}, {HiddenSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!HasBias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0f) s += $", dropout={Dropout}";
        if (Bidirectional) s += ", bidirectional=True";
        return s + ")";
    }

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) =>
        config.Set("input_size", InputSize).Set("hidden_size", HiddenSize).Set("num_layers", NumLayers).Set("bias", HasBias)
            .Set("batch_first", BatchFirst).Set("dropout", Dropout).Set("bidirectional", Bidirectional);
}
