using System.Diagnostics;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Analysis;

/// <summary>
/// Random search (Bergstra and Bengio, 2012) over a <see cref="SearchSpace"/>: draws
/// <see cref="Trials"/> parameter sets, calls the trial function on each (it trains and returns the
/// validation accuracy, and optionally the model), and returns a <see cref="SearchResult"/> table sorted by
/// accuracy with the best model kept. With <see cref="Rounds"/> above 1 the budget is split into rounds
/// and each round after the first samples a space narrowed around the best <see cref="KeepFraction"/> of
/// the trials so far (coarse-to-fine). Parameters and per-trial seeds come from <see cref="Seed"/> and are
/// drawn before a round runs, so the table is the same whether trials run one at a time or
/// <see cref="MaxParallelTrials"/> at once — provided the trial function uses only
/// <see cref="TrialParameters.Seed"/> for its randomness.
/// </summary>
/// <remarks>
/// Trials run one at a time by default. Whether parallel trials pay depends on the model: our kernels
/// give one large model every core already, so parallel trials only compete for them, while a small
/// model's products are below the size where kernels go parallel and leave cores idle. Measured on 2
/// cores (docs/analysis.md, <c>Neurone.Bench search</c>): 16 one-epoch MLP trials on 5,000 MNIST images
/// took 2.5 s one at a time and 0.8 s two at a time with hidden sizes 32–128, but 2.8 s and 2.6 s with
/// 512–1024. Set <see cref="MaxParallelTrials"/> for many small models; results are the same either way.
/// </remarks>
public sealed class HyperparameterSearch
{
    readonly SearchSpace space;

    public HyperparameterSearch(SearchSpace space, int trials, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Count == 0) throw new ArgumentException("hyperparameter search: the search space is empty; add at least one parameter.", nameof(space));
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "hyperparameter search: expected a budget of at least 1 trial.");
        this.space = space;
        Trials = trials;
        Seed = seed;
    }

    /// <summary>The budget: how many trials run in all rounds together.</summary>
    public int Trials { get; }

    public ulong Seed { get; }

    /// <summary>1 for plain random search; more splits the budget into coarse-to-fine rounds.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>The share of trials so far (at least one) whose values the next round's ranges are narrowed around.</summary>
    public double KeepFraction { get; init; } = 0.25;

    /// <summary>How many trials may run at once (default 1: sequential).</summary>
    public int MaxParallelTrials { get; init; } = 1;

    /// <summary>Where one line per finished trial goes; null for none.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Runs the search with a trial function that returns an accuracy and optionally the model.</summary>
    public SearchResult Run(Func<TrialParameters, TrialOutcome> trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (Rounds < 1 || Rounds > Trials) throw new ArgumentException($"hyperparameter search: expected 1 ≤ Rounds ≤ Trials = {Trials}, got {Rounds}.");
        if (!(KeepFraction > 0 && KeepFraction <= 1)) throw new ArgumentException($"hyperparameter search: KeepFraction must be in (0, 1], got {KeepFraction}.");
        if (MaxParallelTrials < 1) throw new ArgumentException($"hyperparameter search: MaxParallelTrials must be at least 1, got {MaxParallelTrials}.");

        var rng = new Rng(Seed);
        var results = new List<TrialResult>();
        var spaces = new List<SearchSpace>();
        var current = space;
        Module? bestModel = null;
        double bestAccuracy = double.NegativeInfinity;
        int number = 0;
        for (int round = 1; round <= Rounds; round++)
        {
            if (round > 1) current = Narrow(results);
            spaces.Add(current);
            int size = Trials / Rounds + (round <= Trials % Rounds ? 1 : 0);
            var drawn = new TrialParameters[size];
            for (int t = 0; t < size; t++)
            {
                var values = current.Select(r => new KeyValuePair<string, object>(r.Name, r.Sample(rng))).ToList();
                drawn[t] = new TrialParameters(values, rng.NextUInt64());
            }
            var outcomes = new (TrialOutcome Outcome, TimeSpan Time)[size];
            void RunOne(int t)
            {
                var clock = Stopwatch.StartNew();
                var outcome = trial(drawn[t]) ?? throw new InvalidOperationException($"hyperparameter search: trial {number + t + 1} returned null; expected a TrialOutcome.");
                outcomes[t] = (outcome, clock.Elapsed);
            }
            if (MaxParallelTrials == 1) for (int t = 0; t < size; t++) RunOne(t);
            else Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelTrials }, RunOne);

            for (int t = 0; t < size; t++)
            {
                var (outcome, time) = outcomes[t];
                var result = new TrialResult(++number, round, drawn[t], outcome.ValidationAccuracy, time);
                results.Add(result);
                // Strictly better only: among equal accuracies the earliest trial's model is kept, as the table ranks them.
                if (outcome.ValidationAccuracy > bestAccuracy)
                {
                    bestAccuracy = outcome.ValidationAccuracy;
                    bestModel = outcome.Model;
                }
                Log?.WriteLine($"trial {result.Trial}/{Trials} (round {round}): val_acc {result.ValidationAccuracy:F4}  {result.Parameters}  {time.TotalSeconds:F2} s");
            }
        }
        return new SearchResult(results, bestModel, spaces);
    }

    /// <summary>Runs the search with a trial function that returns only an accuracy.</summary>
    public SearchResult Run(Func<TrialParameters, double> trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return Run(p => new TrialOutcome(trial(p)));
    }

    SearchSpace Narrow(List<TrialResult> results)
    {
        int keep = Math.Max(1, (int)Math.Ceiling(KeepFraction * results.Count));
        var best = results.OrderByDescending(r => double.IsNaN(r.ValidationAccuracy) ? double.NegativeInfinity : r.ValidationAccuracy)
            .ThenBy(r => r.Trial).Take(keep).ToList();
        var current = space.ToList();
        return new SearchSpace(current.Select(r => r.Narrow([.. best.Select(b => b.Parameters[r.Name])], r)));
    }
}
