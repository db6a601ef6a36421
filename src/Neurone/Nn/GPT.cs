using Neurone.Autograd;
using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A GPT language model in nanoGPT's layout: token embedding <see cref="TokenEmbedding"/> [V, E] plus learned
/// positions <see cref="PositionEmbedding"/> [blockSize, E], dropout, <see cref="Blocks"/> of pre-norm Transformer
/// layers with causal self-attention and a 4E GELU MLP, a final LayerNorm, and an output head tied to the token
/// embedding (logits = x·Wteᵀ, so the two uses' gradients add in one parameter). GPT-2's initialisation: weights
/// N(0, 0.02²), the residual projections' N(0, (0.02/√(2·layers))²), biases zero.
/// </summary>
public sealed class GPT : Module, ISavedModule<GPT>
{
    /// <summary>[V, E], also the output head.</summary>
    public Parameter TokenEmbedding { get; }
    /// <summary>[blockSize, E].</summary>
    public Parameter PositionEmbedding { get; }
    public TransformerEncoder Blocks { get; }
    public LayerNorm FinalNorm { get; }
    readonly Dropout drop;

    public int VocabSize { get; }
    public int BlockSize { get; }
    public int EmbedDim { get; }
    public int Layers { get; }
    public int Heads { get; }
    public float DropoutP { get; }

    public GPT(int vocabSize, int blockSize, int embedDim, int layers, int heads, float dropout = 0f, Rng? rng = null)
    {
        if (vocabSize < 1 || blockSize < 1 || layers < 1)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), $"GPT: expected positive sizes, got vocab_size={vocabSize}, block_size={blockSize}, n_layer={layers}.");
        rng ??= Rng.Default;
        (VocabSize, BlockSize, EmbedDim, Layers, Heads, DropoutP) = (vocabSize, blockSize, embedDim, layers, heads, dropout);
        TokenEmbedding = RegisterParameter("wte", Tensor.Randn([vocabSize, embedDim], rng, 0f, 0.02f));
        PositionEmbedding = RegisterParameter("wpe", Tensor.Randn([blockSize, embedDim], rng, 0f, 0.02f));
        drop = RegisterModule("drop", new Dropout(dropout, rng));
        Blocks = RegisterModule("h", new TransformerEncoder(
            () => new TransformerEncoderLayer(embedDim, heads, 4 * embedDim, dropout, "gelu", 1e-5f, batchFirst: true, normFirst: true, rng: rng), layers));
        FinalNorm = RegisterModule("ln_f", new LayerNorm(embedDim));
        float residualStd = 0.02f / MathF.Sqrt(2 * layers);
        foreach (var block in Blocks.Layers)
        {
            foreach (var (w, std) in new[] { (block.SelfAttn.InProjWeight, 0.02f), (block.SelfAttn.OutProj.Weight, residualStd),
                (block.Linear1.Weight, 0.02f), (block.Linear2.Weight, residualStd) })
                rng.FillNormal(w.AsSpan(), 0f, std);
            foreach (var b in new[] { block.SelfAttn.InProjBias, block.SelfAttn.OutProj.Bias, block.Linear1.Bias, block.Linear2.Bias })
                b?.AsSpan().Clear();
        }
    }

    /// <summary>Logits [N, T, V] for Int64 token ids [N, T] (T ≤ <see cref="BlockSize"/>).</summary>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2 || input.Size(1) > BlockSize || input.Size(1) < 1)
            throw new ArgumentException($"GPT: expected token ids [N, T] with 1 ≤ T ≤ block size {BlockSize}, got {Shapes.Format(input.Shape)}.");
        int t = input.Size(1);
        var x = F.Embedding(input, TokenEmbedding) + PositionEmbedding.Narrow(0, 0, t);
        x = drop.Call(x);
        x = Blocks.Forward(x, null, null, isCausal: true);
        return F.Linear(FinalNorm.Call(x), TokenEmbedding);
    }

    /// <summary>
    /// Extends <paramref name="prompt"/> by <paramref name="maxNewTokens"/> sampled tokens and returns the whole
    /// sequence. Each step feeds the last <see cref="BlockSize"/> tokens at most, divides the last position's logits
    /// by <paramref name="temperature"/>, keeps the <paramref name="topK"/> largest (all when null) and samples from
    /// their softmax with a generator seeded by <paramref name="seed"/>: the same seed gives the same text. Runs in
    /// evaluation mode without recording gradients, and restores the training mode after.
    /// </summary>
    public long[] Generate(IReadOnlyList<long> prompt, int maxNewTokens, float temperature = 1f, int? topK = null, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0) throw new ArgumentException("GPT.Generate: expected a prompt of at least one token.", nameof(prompt));
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "GPT.Generate: expected a positive temperature.");
        if (topK is < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, "GPT.Generate: expected top_k ≥ 1.");
        var tokens = new List<long>(prompt);
        var rng = new Rng(seed);
        bool wasTraining = Training;
        Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            var probs = new double[VocabSize];
            for (int step = 0; step < maxNewTokens; step++)
            {
                int t = Math.Min(tokens.Count, BlockSize);
                var context = Tensor.FromLongs([.. tokens.GetRange(tokens.Count - t, t)], 1, t);
                var last = Forward(context).AsReadOnlySpan().Slice((t - 1) * VocabSize, VocabSize);
                tokens.Add(Sample(last, temperature, topK, rng, probs));
            }
        }
        finally { Train(wasTraining); }
        return [.. tokens];
    }

    /// <summary>One token drawn from softmax(logits/temperature) restricted to the top k.</summary>
    static long Sample(ReadOnlySpan<float> logits, float temperature, int? topK, Rng rng, double[] probs)
    {
        int v = logits.Length;
        float threshold = float.NegativeInfinity;
        if (topK is int k && k < v)
        {
            var sorted = logits.ToArray();
            Array.Sort(sorted);
            threshold = sorted[v - k];
        }
        float max = float.NegativeInfinity;
        for (int i = 0; i < v; i++) if (logits[i] > max) max = logits[i];
        double sum = 0;
        for (int i = 0; i < v; i++)
        {
            probs[i] = logits[i] < threshold ? 0 : Math.Exp((logits[i] - max) / temperature);
            sum += probs[i];
        }
        double u = rng.NextDouble() * sum, acc = 0;
        for (int i = 0; i < v; i++)
        {
            acc += probs[i];
            if (u < acc) return i;
        }
        for (int i = v - 1; i >= 0; i--) if (probs[i] > 0) return i;
        return 0;
    }

    public override string Describe() => $"GPT(vocab_size={VocabSize}, block_size={BlockSize}, n_embd={EmbedDim}, n_layer={Layers}, n_head={Heads}, dropout={DropoutP})";

    public override void GetConfig(ModuleConfig config) =>
        config.Set("vocab_size", VocabSize).Set("block_size", BlockSize).Set("n_embd", EmbedDim).Set("n_layer", Layers).Set("n_head", Heads).Set("dropout", DropoutP);

    public static GPT FromConfig(ModuleSettings s) =>
        new(s.Int("vocab_size"), s.Int("block_size"), s.Int("n_embd"), s.Int("n_layer"), s.Int("n_head"), s.Float("dropout", 0f), s.Rng);
}
