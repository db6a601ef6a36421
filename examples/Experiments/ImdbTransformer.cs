using System.Diagnostics;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Experiments;

/// <summary>
/// IMDB with a small Transformer encoder trained from scratch, the layout of Keras' "text classification with
/// Transformer" example: Embedding(20,000, 64) plus learned positions → one post-norm encoder layer (4 heads,
/// feed-forward 64, dropout 0.1; the example has 32 and 2, which reached 85.3% here) with the padding keys masked → the mean of the outputs over each review's own tokens
/// → dropout → Linear(64, 20) ReLU → dropout → Linear(20, 1). Reviews cut to their last 200 tokens, BCE with logits,
/// Adam 1e-3, batch 32. The epoch is chosen on a validation split (a tenth of the training reviews), never on the test
/// set: training runs 5 epochs, keeps the weights of the epoch with the best validation accuracy, and scores the test
/// set once.
/// </summary>
public sealed class ImdbTransformerExperiment : Experiment
{
    public override string Name => "imdb-transformer";
    public override string Description => "IMDB, Embedding(20,000, 64) + positions -> Transformer encoder layer (4 heads) -> mean -> 20 -> 1 on the last 200 tokens, Adam, best of 5 epochs on a validation split";
    public override string Title => "IMDB, small Transformer encoder";
    public override string Reported => "Keras example ~88%; ≥ 87% (issue 20)";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.87)];

    const int MaxTokens = 200, Batch = 32, Width = 64, Heads = 4;

    sealed class Classifier : Module
    {
        public readonly Embedding Embedding;
        public readonly LearnedPositionalEmbedding Positions;
        public readonly TransformerEncoderLayer Encoder;
        public readonly Dropout Dropout1, Dropout2;
        public readonly Linear Hidden, Head;

        public Classifier(int vocabulary, Rng rng)
        {
            Embedding = RegisterModule("embedding", new Embedding(vocabulary, Width, paddingIndex: Vocabulary.PaddingId, rng: rng));
            Positions = RegisterModule("positions", new LearnedPositionalEmbedding(MaxTokens, Width, rng: rng));
            Encoder = RegisterModule("encoder", new TransformerEncoderLayer(Width, Heads, dimFeedforward: Width, dropout: 0.1f, batchFirst: true, rng: rng));
            Dropout1 = RegisterModule("dropout1", new Dropout(0.1f, rng: rng.Fork()));
            Hidden = RegisterModule("hidden", new Linear(Width, 20, rng: rng));
            Dropout2 = RegisterModule("dropout2", new Dropout(0.1f, rng: rng.Fork()));
            Head = RegisterModule("head", new Linear(20, 1, rng: rng));
        }

        /// <summary>One logit per review from its ids [B, T] (padded after the tokens) and lengths [B].</summary>
        public Tensor Forward(Tensor ids, Tensor lengths)
        {
            int b = ids.Size(0), t = ids.Size(1);
            var steps = lengths.AsLongSpan();
            var padding = new bool[b * t];
            var keep = new float[b * t];
            var inverse = new float[b];
            for (int i = 0; i < b; i++)
            {
                int length = (int)Math.Clamp(steps[i], 0, t);
                for (int k = 0; k < t; k++) { padding[i * t + k] = k >= length; keep[i * t + k] = k < length ? 1f : 0f; }
                inverse[i] = 1f / Math.Max(1, length);
            }
            var x = Positions.Forward(Embedding.Forward(ids));
            x = Encoder.Forward(x, null, Tensor.FromBools(padding, b, t));
            // The mean over the review's own tokens: the encoder's outputs at padding positions are not zero.
            var mean = (x * Tensor.FromArray(keep, b, t, 1)).Sum(1) * Tensor.FromArray(inverse, b, 1);
            var h = F.Relu(Hidden.Forward(Dropout1.Forward(mean)));
            return Head.Forward(Dropout2.Forward(h)).Reshape(b);
        }

        public override Tensor Forward(Tensor ids) =>
            throw new NotSupportedException("the IMDB classifier takes ids and lengths: call Forward(ids, lengths).");
    }

    public override ExperimentResult Run(ExperimentContext context)
    {
        var (train, test, source) = ImdbSets.Load(context);
        var clock = Stopwatch.StartNew();
        var tokenizer = new WordTokenizer();
        var trainTokens = train.Texts.Select(t => (IReadOnlyList<string>)((ITokenizer)tokenizer).Tokenize(t)).ToList();
        var vocabulary = Vocabulary.Build(trainTokens, maxSize: 20_000);
        var (trainIds, trainLengths) = Sequences.Pad(trainTokens.Select(vocabulary.Encode).ToList(), MaxTokens, Side.Post, Side.Pre);
        var (testIds, testLengths) = Sequences.Pad(vocabulary.Encode(test.Texts, tokenizer), MaxTokens, Side.Post, Side.Pre);
        var trainY = train.LabelTensor().Float();
        var testY = test.LabelTensor().Float();
        double prepare = clock.Elapsed.TotalSeconds;

        var rng = new Rng(21);
        var order = rng.Permutation(train.Count);
        int validationCount = train.Count / 10, fitCount = train.Count - validationCount;
        var fit = order[..fitCount];
        var validation = order[fitCount..];
        var model = new Classifier(vocabulary.Count, rng);
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
        int epochs = context.Smoke ? 2 : 5;
        var validationAccuracy = new List<double>();
        var losses = new List<double>();
        IReadOnlyList<KeyValuePair<string, Tensor>>? best = null;
        double bestAccuracy = -1;
        int bestEpoch = 0;
        var idx = new int[Batch];
        clock.Restart();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            model.Train();
            var perm = rng.Permutation(fitCount);
            double lossSum = 0;
            int batches = 0;
            for (int i = 0; i + Batch <= fitCount; i += Batch)
            {
                for (int j = 0; j < Batch; j++) idx[j] = fit[perm[i + j]];
                var logits = model.Forward(trainIds.GatherRows(idx), trainLengths.GatherRows(idx));
                var loss = F.BinaryCrossEntropyWithLogits(logits, trainY.GatherRows(idx));
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                lossSum += loss.Item();
                batches++;
            }
            losses.Add(lossSum / batches);
            double accuracy = Accuracy(model, trainIds, trainLengths, trainY, validation);
            validationAccuracy.Add(accuracy);
            context.Log.WriteLine($"epoch {epoch}: training loss {losses[^1]:F4}, validation accuracy {accuracy:P2}, {clock.Elapsed.TotalSeconds:F0} s");
            if (accuracy > bestAccuracy)
            {
                bestAccuracy = accuracy;
                bestEpoch = epoch;
                best = model.StateDict().Select(p => new KeyValuePair<string, Tensor>(p.Key, Tensor.FromArray(p.Value.ToArray(), p.Value.ShapeArray()))).ToList();
            }
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        model.LoadStateDict(best!);
        var all = Enumerable.Range(0, test.Count).ToArray();
        clock.Restart();
        double testAccuracy = Accuracy(model, testIds, testLengths, testY, all);
        double testSeconds = clock.Elapsed.TotalSeconds;
        System.IO.File.WriteAllText(context.File("history.csv"),
            "epoch,training_loss,validation_accuracy\n" + string.Concat(losses.Select((l, i) => FormattableString.Invariant($"{i + 1},{l:F5},{validationAccuracy[i]:F5}\n"))));
        return new(
        [
            $"data: {source}",
            $"word tokenizer, vocabulary of {vocabulary.Count:N0} ids built on the training reviews, last {MaxTokens} tokens of each review; prepared in {prepare:F1} s",
            $"Embedding({vocabulary.Count:N0}, {Width}) + positions -> TransformerEncoderLayer({Width}, {Heads} heads, feed-forward {Width}) -> mean -> 20 -> 1, {model.ParameterCount():N0} parameters; Adam 1e-3, batch {Batch}, {epochs} epochs on {fitCount:N0} reviews in {trainSeconds:F0} s",
            $"validation accuracy by epoch: {string.Join(", ", validationAccuracy.Select(a => a.ToString("P2")))}; kept epoch {bestEpoch}",
            $"test accuracy {testAccuracy:P2} ({test.Count:N0} reviews scored in {testSeconds:F0} s)",
        ], ExperimentResult.Percent(testAccuracy), new Dictionary<string, double> { ["test accuracy"] = testAccuracy, ["training seconds"] = trainSeconds });
    }

    /// <summary>The share of the reviews at <paramref name="rows"/> whose logit has the sign of their label, in batches of 256 without gradients.</summary>
    static double Accuracy(Classifier model, Tensor ids, Tensor lengths, Tensor labels, int[] rows)
    {
        model.Eval();
        using var _ = GradMode.NoGrad();
        int correct = 0;
        var y = labels.AsReadOnlySpan();
        for (int i = 0; i < rows.Length; i += 256)
        {
            var part = rows.AsSpan(i, Math.Min(256, rows.Length - i));
            var logits = model.Forward(ids.GatherRows(part), lengths.GatherRows(part)).ToArray();
            for (int j = 0; j < part.Length; j++) if ((logits[j] > 0) == (y[part[j]] > 0.5f)) correct++;
        }
        model.Train();
        return correct / (double)rows.Length;
    }
}
