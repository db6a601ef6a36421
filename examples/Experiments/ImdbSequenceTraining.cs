using System.Diagnostics;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Experiments;

/// <summary>
/// The training of the IMDB sequence experiments (imdb-lstm, imdb-transformer): word tokens, a vocabulary of 20,000
/// ids from the training reviews, each review's last 200 tokens padded after them, BCE with logits, Adam 1e-3, batch
/// 32. The epoch is chosen on a validation split (a tenth of the shuffled training reviews), never on the test set:
/// the weights of the epoch with the best validation accuracy are kept and the test set is scored once.
/// </summary>
public static class ImdbSequenceTraining
{
    /// <summary>Tokens kept of each review (its last ones).</summary>
    public const int MaxTokens = 200;

    const int Batch = 32;

    public static ExperimentResult Run(ExperimentContext context, ulong seed, int epochs, Func<int, Rng, ImdbSequenceClassifier> build, Func<int, string> describe)
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

        var rng = new Rng(seed);
        var order = rng.Permutation(train.Count);
        int validationCount = train.Count / 10, fitCount = train.Count - validationCount;
        var fit = order[..fitCount];
        var validation = order[fitCount..];
        var model = build(vocabulary.Count, rng);
        var optimizer = new Adam(model.Parameters(), lr: 1e-3);
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
            $"{describe(vocabulary.Count)}, {model.ParameterCount():N0} parameters; Adam 1e-3, batch {Batch}, {epochs} epochs on {fitCount:N0} reviews in {trainSeconds:F0} s",
            $"validation accuracy by epoch: {string.Join(", ", validationAccuracy.Select(a => a.ToString("P2")))}; kept epoch {bestEpoch}",
            $"test accuracy {testAccuracy:P2} ({test.Count:N0} reviews scored in {testSeconds:F0} s)",
        ], ExperimentResult.Percent(testAccuracy), new Dictionary<string, double> { ["test accuracy"] = testAccuracy, ["training seconds"] = trainSeconds });
    }

    /// <summary>The share of the reviews at <paramref name="rows"/> whose logit has the sign of their label, in batches of 256 without gradients.</summary>
    static double Accuracy(ImdbSequenceClassifier model, Tensor ids, Tensor lengths, Tensor labels, int[] rows)
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
