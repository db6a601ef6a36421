using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Text;
using Neurone.Training;

namespace Neurone.Experiments;

/// <summary>
/// The IMDB model of Chollet's "Deep Learning with Python" (chapter 4): each review a multi-hot vector of the
/// 10,000 most frequent words (here: our <see cref="WordTokenizer"/> and a <see cref="Vocabulary"/> of 10,000 ids,
/// the padding and unknown ids included, built on the training reviews), Dense(16, relu) → Dense(16, relu) →
/// Dense(1, sigmoid), binary cross-entropy, RMSprop (Keras' defaults: learning rate 1e-3, ρ 0.9, ε 1e-7),
/// batch 512, 4 epochs on all 25,000 training reviews: the book's final model, whose epoch count it chose on a
/// validation split of the training set. The sigmoid is folded into the loss (BCE with logits).
/// </summary>
public sealed class ImdbDenseExperiment : Experiment
{
    public override string Name => "imdb-dense";
    public override string Description => "IMDB, multi-hot of the 10,000 most frequent words -> 16 -> 16 -> 1 sigmoid, RMSprop, 4 epochs (Keras book)";
    public override string Title => "IMDB, Keras' book dense model";
    public override string Reported => "88.5% (book)";
    public override IReadOnlyList<Threshold> Thresholds => [Threshold.AtLeast("test accuracy", 0.88)];

    public override ExperimentResult Run(ExperimentContext context)
    {
        var (train, test, source) = ImdbSets.Load(context);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var tokenizer = new WordTokenizer();
        var trainTokens = train.Texts.Select(t => (IReadOnlyList<string>)((ITokenizer)tokenizer).Tokenize(t)).ToList();
        var vocabulary = Vocabulary.Build(trainTokens, maxSize: 10_000);
        var trainX = MultiHot.Encode(trainTokens.Select(vocabulary.Encode).ToList(), vocabulary.Count);
        var testX = MultiHot.Encode(vocabulary.Encode(test.Texts, tokenizer), vocabulary.Count);
        var trainY = train.LabelTensor().Float().Reshape(-1, 1);
        var testY = test.LabelTensor().Float().Reshape(-1, 1);
        double prepare = clock.Elapsed.TotalSeconds;

        var rng = new Rng(11);
        var model = new Sequential(
            new Linear(vocabulary.Count, 16, rng: rng), new ReLU(),
            new Linear(16, 16, rng: rng), new ReLU(),
            new Linear(16, 1, rng: rng));
        var trainer = new Trainer(model, new RMSprop(model.Parameters(), lr: 1e-3, alpha: 0.9, eps: 1e-7), new BCEWithLogitsLoss(), new Accuracy()) { Output = context.Log };
        int epochs = context.Smoke ? 2 : 4;
        clock.Restart();
        var history = trainer.Fit(trainX, trainY, epochs: epochs, batchSize: 512, rng: rng, verbose: context.Smoke ? 0 : 1);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var result = trainer.Evaluate(testX, testY);
        System.IO.File.WriteAllText(context.File("history.csv"), history.ToCsv());
        Model.SaveWithMetadata(model, context.File("imdb-dense.safetensors"), TextMetadata.Create(vocabulary, tokenizer));
        return new(
        [
            $"data: {source}",
            $"word tokenizer, vocabulary of {vocabulary.Count:N0} ids built on the training reviews; multi-hot rows prepared in {prepare:F1} s",
            $"{vocabulary.Count:N0}-16-16-1, RMSprop lr 1e-3 rho 0.9, batch 512, {epochs} epochs ({model.ParameterCount():N0} parameters), trained in {trainSeconds:F1} s",
            $"test accuracy {result["accuracy"]:P2}, test loss {result["loss"]:F4}; last training accuracy {history["accuracy"][^1]:P2}",
        ], ExperimentResult.Percent(result["accuracy"]), new Dictionary<string, double> { ["test accuracy"] = result["accuracy"], ["training seconds"] = trainSeconds });
    }
}
