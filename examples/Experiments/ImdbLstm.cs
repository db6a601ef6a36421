using Neurone.Nn;
using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Experiments;

/// <summary>
/// IMDB with the Keras example's recurrent model: Embedding(20,000, 128) → LSTM(128) → Linear(256, 1) on the final
/// hidden state and the mean output, reviews cut to their last 200 tokens (Keras' truncation at the start: the end of a review, where
/// its verdict usually is, is kept), padded after the tokens and run with their lengths, so the final state is each
/// review's own last word. BCE with logits, Adam 1e-3, batch 32. The epoch is chosen on a validation split (the
/// last 2,500 of the shuffled training reviews), never on the test set: training runs 4 epochs, keeps the weights of
/// the epoch with the best validation accuracy, and scores the test set once.
/// </summary>
public sealed class ImdbLstmExperiment : Experiment
{
    public override string Name => "imdb-lstm";
    public override string Description => "IMDB, Embedding(20,000, 128) -> LSTM(128) -> [last state, mean output] -> 1 on the last 200 tokens, Adam, best of 4 epochs on a validation split";
    public override string Title => "IMDB, embedding and LSTM";
    public override string Reported => "≥ 87% (issue 20)";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.87)];

    sealed class Classifier : ImdbSequenceClassifier
    {
        public readonly Embedding Embedding;
        public readonly LSTM Lstm;
        public readonly Linear Head;

        public Classifier(int vocabulary, Rng rng)
        {
            Embedding = RegisterModule("embedding", new Embedding(vocabulary, 128, paddingIndex: Vocabulary.PaddingId, rng: rng));
            Lstm = RegisterModule("lstm", new LSTM(128, 128, batchFirst: true, rng: rng));
            Head = RegisterModule("head", new Linear(256, 1, rng: rng));
        }

        /// <summary>
        /// One logit per review from its ids [B, T] and lengths [B]: the head reads the final state beside the mean of
        /// the outputs over the review's own steps (those past its end are zero), so a verdict early in a long review
        /// is not left to survive 200 steps of the recurrence alone.
        /// </summary>
        public override Tensor Forward(Tensor ids, Tensor lengths)
        {
            var (output, h, _) = Lstm.Forward(Embedding.Forward(ids), lengths: lengths); // [B, T, 128], [1, B, 128]
            int b = ids.Size(0);
            var steps = lengths.AsLongSpan();
            var inverse = new float[b];
            for (int i = 0; i < b; i++) inverse[i] = 1f / Math.Max(1, steps[i]);
            var mean = output.Sum(1) * Tensor.FromArray(inverse, b, 1);
            return Head.Forward(Tensor.Cat([h.Reshape(b, 128), mean], 1)).Reshape(b);
        }
    }

    public override ExperimentResult Run(ExperimentContext context) =>
        ImdbSequenceTraining.Run(context, seed: 20, epochs: context.Smoke ? 2 : 4, (vocabulary, rng) => new Classifier(vocabulary, rng),
            vocabulary => $"Embedding({vocabulary:N0}, 128) -> LSTM(128) -> [last state, mean output] -> Linear(256, 1)");
}
