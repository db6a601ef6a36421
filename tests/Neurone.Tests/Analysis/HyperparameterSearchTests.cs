using Neurone.Analysis;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Analysis;

public class HyperparameterSearchTests
{
    static readonly TensorDataset Train = Synthetic.Moons(200, new Rng(1), noise: 0.15f);
    static readonly TensorDataset Validation = Synthetic.Moons(200, new Rng(2), noise: 0.15f);

    /// <summary>
    /// A 2-hidden-unit-layer MLP trained with plain SGD for 15 epochs: a learning rate of 1e-4 barely moves
    /// it, one of 100 blows it up, and roughly 0.05–5 trains it well.
    /// </summary>
    static TrialOutcome TrainMoons(TrialParameters p)
    {
        var rng = new Rng(p.Seed);
        var model = new Sequential(new Linear(2, p.Int("hidden"), rng: rng), new Tanh(), new Linear(p.Int("hidden"), 2, rng: rng));
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: p.Double("lr")), new CrossEntropyLoss(), new Accuracy());
        trainer.Fit(Train, epochs: 15, batchSize: 20, verbose: 0, rng: rng);
        double accuracy = trainer.Evaluate(Validation)["accuracy"];
        return new TrialOutcome(accuracy, model);
    }

    static SearchSpace Space() => new SearchSpace().LogUniform("lr", 1e-4, 100).Choice("hidden", 8, 16, 32);

    [Fact]
    public void RandomSearchFindsAGoodLearningRateAndListsEveryTrial()
    {
        var result = new HyperparameterSearch(Space(), trials: 12, seed: 3).Run(TrainMoons);
        Assert.Equal(12, result.Trials.Count);
        double lr = result.Best.Parameters.Double("lr");
        Assert.InRange(lr, 0.01, 10);
        Assert.True(result.Best.ValidationAccuracy > 0.85, result.ToString());
        // Spread: the worst trial (a learning rate far off) is clearly worse.
        Assert.True(result.Trials[^1].ValidationAccuracy < result.Best.ValidationAccuracy - 0.05, result.ToString());
        for (int i = 1; i < 12; i++) Assert.True(result.Trials[i - 1].ValidationAccuracy >= result.Trials[i].ValidationAccuracy);
        var lines = result.ToString().Split('\n');
        Assert.Equal(13, lines.Length);
        Assert.StartsWith("rank", lines[0]);
        Assert.Contains("lr", lines[0]);
        Assert.Contains("hidden", lines[0]);
        for (int t = 1; t <= 12; t++) Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == t.ToString());
        Assert.NotNull(result.BestModel);
        Assert.Equal(result.Best.ValidationAccuracy, new Trainer(result.BestModel!, new SGD(result.BestModel!.Parameters()), new CrossEntropyLoss(), new Accuracy()).Evaluate(Validation)["accuracy"], 1e-9);
    }

    [Fact]
    public void CoarseToFineNarrowsAroundTheBestTrials()
    {
        var search = new HyperparameterSearch(Space(), trials: 12, seed: 3) { Rounds = 3, KeepFraction = 0.25 };
        var result = search.Run(TrainMoons);
        Assert.Equal(12, result.Trials.Count);
        Assert.Equal(3, result.Rounds.Count);
        var first = result.Rounds[0]["lr"];
        var last = result.Rounds[2]["lr"];
        Assert.True(Math.Log(last.High / last.Low) < Math.Log(first.High / first.Low), $"{first} -> {last}");
        Assert.True(last.Low >= first.Low && last.High <= first.High);
        Assert.InRange(result.Best.Parameters.Double("lr"), 0.01, 10);
    }

    [Fact]
    public void SameSeedSameTrialsSequentialOrParallel()
    {
        var sequential = new HyperparameterSearch(Space(), trials: 4, seed: 9).Run(TrainMoons);
        var parallel = new HyperparameterSearch(Space(), trials: 4, seed: 9) { MaxParallelTrials = 2 }.Run(TrainMoons);
        Assert.Equal(sequential.Trials.Select(t => (t.Trial, t.ValidationAccuracy, t.Parameters.ToString())),
                     parallel.Trials.Select(t => (t.Trial, t.ValidationAccuracy, t.Parameters.ToString())));
    }

    [Fact]
    public void SamplesEveryKindWithinItsRange()
    {
        var space = new SearchSpace().LogUniform("lr", 1e-3, 1e-1).Uniform("momentum", 0.5, 0.9)
            .Choice("hidden", 4, 8).Categorical("optimizer", "sgd", "adam");
        var result = new HyperparameterSearch(space, trials: 30, seed: 1).Run(p =>
        {
            Assert.InRange(p.Double("lr"), 1e-3, 1e-1);
            Assert.InRange(p.Double("momentum"), 0.5, 0.9);
            Assert.Contains(p.Int("hidden"), new[] { 4, 8 });
            Assert.Contains(p.String("optimizer"), new[] { "sgd", "adam" });
            return p.Double("momentum");
        });
        Assert.Null(result.BestModel);
        Assert.Contains(result.Trials, t => t.Parameters.String("optimizer") == "adam");
        Assert.Contains(result.Trials, t => t.Parameters.Int("hidden") == 4);
        Assert.Throws<ArgumentException>(() => new SearchSpace().LogUniform("lr", 0, 1));
        Assert.Throws<ArgumentException>(() => new SearchSpace().Uniform("a", 0, 1).Uniform("a", 0, 1));
    }
}
