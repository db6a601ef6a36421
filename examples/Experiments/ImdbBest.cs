using System.Diagnostics;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Experiments;

/// <summary>
/// Our strongest IMDB model trained from scratch on the 25,000 training reviews alone: a one-weight-per-n-gram
/// <see cref="EmbeddingBag"/> over the binary unigrams, bigrams and trigrams of a review, each scaled by its
/// naive-Bayes log-count ratio r (Wang and Manning's NB-SVM features; the trainable form popularised as
/// "NBSVM++"): logit = b + Σ_f (w_f + c)·r_f over the review's n-grams f, with w starting at 0 so training
/// starts from c times the naive-Bayes log-odds and learns corrections, L2-decayed toward that prior. Trained with
/// Adam on binary cross-entropy, batch 64; the backward touches only the n-grams of the batch. r is
/// counted on the training part only; the last 10% of the shuffled training reviews are held out, and the epoch
/// whose validation accuracy is best gives the weights evaluated once on the 25,000 test reviews.
/// </summary>
public sealed class ImdbBestExperiment : Experiment
{
    public override string Name => "imdb-best";
    public override string Description => "IMDB, NB-weighted binary uni+bi+trigram EmbeddingBag (trainable NB-SVM), epochs chosen on a validation split, <= 10 min";
    public override string Title => "IMDB, best model from scratch";
    public override string Reported => "91.2% (NB-SVM bigrams)";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.905), Threshold.NoMoreThan("training minutes", 10, percent: false)];

    // Chosen on the validation split (prior 0.4, 0.1, 0.05, 0.02, 0.01 and 0 gave 90.6, 92.0, 92.5, 92.6, 92.8 and
    // 92.8% there; n-grams seen once rather than at least twice, 90.8%).
    const int MaxN = 3, MinDocuments = 2;
    const float Prior = 0.01f, Alpha = 1f;
    const double LearningRate = 2e-3, WeightDecay = 1e-6;

    public override ExperimentResult Run(ExperimentContext context)
    {
        var (train, test, source) = ImdbSets.Load(context);
        var clock = Stopwatch.StartNew();
        var tokenizer = new WordTokenizer();
        var trainIds = Encode(train, tokenizer, out var vocabulary, null);
        var testIds = Encode(test, tokenizer, out _, vocabulary);

        // Hold out the last 10% of a seeded shuffle of the training reviews for choosing the epoch.
        var rng = new Rng(23);
        var order = rng.Permutation(train.Count);
        int nVal = Math.Max(1, train.Count / 10), nFit = train.Count - nVal;
        var fitIdx = order[..nFit];
        var valIdx = order[nFit..];
        var ngrams = NGramVectorizer.Fit(fitIdx.Select(i => trainIds[i]).ToList(), vocabulary.Count, MaxN, minDocuments: context.Smoke ? 1 : MinDocuments);
        var trainFeatures = trainIds.Select(ngrams.Features).ToArray();
        var testFeatures = testIds.Select(ngrams.Features).ToArray();
        var r = LogCountRatios(ngrams.Count, fitIdx, trainFeatures, train.Labels);
        double prepare = clock.Elapsed.TotalSeconds;

        var bag = new EmbeddingBag(ngrams.Count, 1, EmbeddingBagMode.Sum, rng: rng.Fork());
        bag.Weight.AsSpan().Clear();
        var bias = new Parameter(new Tensor(1));
        var optimizer = new Adam([bag.Weight, bias], lr: LearningRate, weightDecay: WeightDecay);
        int epochs = context.Smoke ? 3 : 8, batch = 64;
        var best = (Accuracy: -1.0, Epoch: 0, Weight: Array.Empty<float>(), Bias: 0f);
        var log = new List<string>();
        clock.Restart();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var shuffled = (int[])fitIdx.Clone();
            rng.Shuffle<int>(shuffled);
            double lossSum = 0;
            int batches = 0;
            for (int start = 0; start < shuffled.Length; start += batch)
            {
                var rows = shuffled.AsSpan(start, Math.Min(batch, shuffled.Length - start)).ToArray();
                var (ids, offsets, weights, prior) = Batch(rows, trainFeatures, r);
                var target = Tensor.FromArray(rows.Select(i => (float)train.Labels[i]).ToArray(), rows.Length, 1);
                var logits = bag.Forward(ids, offsets, weights) + prior + bias;
                var loss = F.BinaryCrossEntropyWithLogits(logits, target);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                lossSum += loss.Item();
                batches++;
            }
            double valAccuracy = Accuracy(bag, bias, valIdx, trainFeatures, r, train.Labels);
            log.Add($"epoch {epoch}: training loss {lossSum / batches:F4}, validation accuracy {valAccuracy:P2} ({clock.Elapsed.TotalSeconds:F0} s)");
            context.Log.WriteLine(log[^1]);
            if (valAccuracy > best.Accuracy) best = (valAccuracy, epoch, bag.Weight.ToArray(), bias.Item());
        }
        double trainMinutes = clock.Elapsed.TotalMinutes;
        best.Weight.CopyTo(bag.Weight.AsSpan());
        bias.AsSpan()[0] = best.Bias;
        double testAccuracy = Accuracy(bag, bias, Enumerable.Range(0, test.Count).ToArray(), testFeatures, r, test.Labels);
        System.IO.File.WriteAllLines(context.File("epochs.txt"), log);
        return new(
        [
            $"data: {source}; {nFit:N0} reviews to fit, {nVal:N0} held out to choose the epoch",
            $"word tokenizer, {vocabulary.Count:N0} word ids; {ngrams.Count:N0} binary 1..{MaxN}-grams seen in ≥ {(context.Smoke ? 1 : MinDocuments)} fitting reviews; features and NB ratios in {prepare:F1} s",
            $"EmbeddingBag({ngrams.Count:N0}, 1, sum) weighted by r, prior {Prior}, Adam lr {LearningRate}, L2 {WeightDecay}, batch {batch}, {epochs} epochs in {trainMinutes * 60:F0} s; best validation {best.Accuracy:P2} at epoch {best.Epoch}",
            $"test accuracy {testAccuracy:P2} (weights of epoch {best.Epoch})",
        ], ExperimentResult.Percent(testAccuracy), new Dictionary<string, double> { ["test accuracy"] = testAccuracy, ["training minutes"] = trainMinutes });
    }

    static int[][] Encode(ImdbSplit split, WordTokenizer tokenizer, out Vocabulary vocabulary, Vocabulary? given)
    {
        var tokens = new List<string>[split.Count];
        for (int i = 0; i < split.Count; i++) tokens[i] = ((ITokenizer)tokenizer).Tokenize(split.Texts[i]);
        vocabulary = given ?? Vocabulary.Build(tokens);
        var v = vocabulary;
        return tokens.Select(t => v.Encode(t)).ToArray();
    }

    // r_f = log((p_f / |p|₁) / (q_f / |q|₁)), p and q the smoothed binary counts of f in positive and negative reviews.
    static float[] LogCountRatios(int features, int[] fitIdx, int[][] docs, IReadOnlyList<long> labels)
    {
        var p = new double[features];
        var q = new double[features];
        Array.Fill(p, Alpha);
        Array.Fill(q, Alpha);
        foreach (int i in fitIdx)
        {
            var counts = labels[i] == 1 ? p : q;
            foreach (int f in docs[i]) counts[f] += 1;
        }
        double ps = p.Sum(), qs = q.Sum();
        var r = new float[features];
        for (int f = 0; f < features; f++) r[f] = (float)Math.Log(p[f] / ps / (q[f] / qs));
        return r;
    }

    static (Tensor Ids, Tensor Offsets, Tensor Weights, Tensor Prior) Batch(int[] rows, int[][] docs, float[] r)
    {
        int total = 0;
        foreach (int i in rows) total += docs[i].Length;
        var ids = new long[total];
        var weights = new float[total];
        var offsets = new long[rows.Length];
        var prior = new float[rows.Length];
        int at = 0;
        for (int b = 0; b < rows.Length; b++)
        {
            offsets[b] = at;
            double s = 0;
            foreach (int f in docs[rows[b]])
            {
                ids[at] = f;
                weights[at++] = r[f];
                s += r[f];
            }
            prior[b] = (float)(Prior * s);
        }
        return (Tensor.FromLongs(ids, total), Tensor.FromLongs(offsets, rows.Length), Tensor.FromArray(weights, total), Tensor.FromArray(prior, rows.Length, 1));
    }

    static double Accuracy(EmbeddingBag bag, Tensor bias, int[] rows, int[][] docs, float[] r, IReadOnlyList<long> labels)
    {
        using var _ = GradMode.NoGrad();
        int correct = 0;
        for (int start = 0; start < rows.Length; start += 1024)
        {
            var part = rows.AsSpan(start, Math.Min(1024, rows.Length - start)).ToArray();
            var (ids, offsets, weights, prior) = Batch(part, docs, r);
            var logits = (bag.Forward(ids, offsets, weights) + prior + bias).ToArray();
            for (int k = 0; k < part.Length; k++) if ((logits[k] > 0) == (labels[part[k]] == 1)) correct++;
        }
        return (double)correct / rows.Length;
    }
}
