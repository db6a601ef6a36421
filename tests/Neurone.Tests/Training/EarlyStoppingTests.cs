using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Training;

/// <summary>
/// EarlyStopping against Keras' definition. Keras is not installed here; <see cref="Keras"/> below is
/// its rule as keras/src/callbacks/early_stopping.py (Keras 3) states it, with 0-based epochs:
///
///   on_train_begin: wait = 0; best = +inf for "min" (-inf for "max"); min_delta is negated for "min".
///   on_epoch_end(epoch, logs):
///     current = logs[monitor]
///     wait += 1
///     if monitor_op(current - min_delta, best):       # less for "min", greater for "max"
///         best = current; best_epoch = epoch; wait = 0; return
///     if wait >= patience and epoch > 0:                 # never stops in the very first epoch
///         stop_training = True
///
/// So the first epoch always sets the best (unless its value is NaN), an epoch counts as an
/// improvement only when it beats the best by more than min_delta, and training stops at the first
/// epoch without improvement that brings the count of such epochs since the best to patience;
/// patience 0 and 1 both stop at the first epoch without improvement.
/// </summary>
public class EarlyStoppingTests
{
    /// <summary>The epoch (1-based) at which Keras stops, 0 if it runs all of them; and its best epoch (1-based).</summary>
    static (int Stopped, int Best) Keras(double[] values, int patience, double minDelta, bool max)
    {
        double best = max ? double.NegativeInfinity : double.PositiveInfinity;
        double delta = max ? Math.Abs(minDelta) : -Math.Abs(minDelta);
        int wait = 0, bestEpoch = -1;
        for (int epoch = 0; epoch < values.Length; epoch++)
        {
            double current = values[epoch];
            wait++;
            bool improved = max ? current - delta > best : current - delta < best;
            if (improved)
            {
                best = current;
                bestEpoch = epoch;
                wait = 0;
                continue;
            }
            if (wait >= patience && epoch > 0) return (epoch + 1, bestEpoch + 1);
        }
        return (0, bestEpoch + 1);
    }

    /// <summary>Runs our callback over the values as Fit would, without training anything.</summary>
    static (int Stopped, int Best) Ours(double[] values, int patience, double minDelta, bool max)
    {
        var model = new Sequential(new Linear(1, 1, rng: new Rng(1)));
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 0.1), new MSELoss());
        var early = new EarlyStopping("score", minDelta, patience, max ? MonitorMode.Max : MonitorMode.Min) { Trainer = trainer };
        early.OnTrainBegin();
        for (int epoch = 1; epoch <= values.Length && !trainer.StopRequested; epoch++)
            early.OnEpochEnd(epoch, new Dictionary<string, double> { ["score"] = values[epoch - 1] });
        return (early.StoppedEpoch, early.BestEpoch);
    }

    /// <summary>Fit with an exactly constant loss: the epochs it ran, and the callback.</summary>
    static (History History, EarlyStopping Early) FitWithConstantLoss(int patience)
    {
        // A learning rate far below the weights' resolution leaves them bit for bit unchanged, and one
        // unshuffled batch sums the loss in the same order every epoch: the loss is exactly constant.
        var data = Synthetic.XorBlobs(32, new Rng(3));
        var model = new Sequential(new Linear(2, 4, rng: new Rng(4)), new Tanh(), new Linear(4, 2, rng: new Rng(5)));
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 1e-30), new CrossEntropyLoss()) { Output = TextWriter.Null };
        var early = new EarlyStopping("loss", patience: patience);
        var history = trainer.Fit(data, epochs: 20, batchSize: 32, shuffle: false, callbacks: [early], verbose: 0);
        Assert.Single(history["loss"].Distinct());
        return (history, early);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(5, 6)]
    public void WithAConstantLossFitRunsAsManyEpochsAsKeras(int patience, int kerasEpochs)
    {
        var (history, early) = FitWithConstantLoss(patience);
        Assert.Equal(Keras(Enumerable.Repeat(history["loss"][0], 20).ToArray(), patience, 0, max: false).Stopped, history.Epochs.Count);
        Assert.Equal(kerasEpochs, history.Epochs.Count);
        Assert.Equal(kerasEpochs, early.StoppedEpoch);
        Assert.Equal(1, early.BestEpoch);
    }

    [Fact]
    public void TheStopMessageCountsEpochsInTheSingularAndPlural()
    {
        Assert.Contains("did not improve for 1 epoch (", FitWithConstantLoss(1).History.StopReason);
        Assert.Contains("did not improve for 3 epochs (", FitWithConstantLoss(3).History.StopReason);
    }

    static IEnumerable<(double[] Values, int Patience, double MinDelta, bool Max)> Cases()
    {
        var rng = new Rng(2024);
        for (int i = 0; i < 300; i++)
        {
            int n = 1 + (int)(rng.NextDouble() * 12);
            var values = new double[n];
            // Small integers make plateaus and exact ties frequent; a few NaNs stand for a diverged epoch.
            for (int e = 0; e < n; e++) values[e] = rng.NextDouble() < 0.05 ? double.NaN : Math.Floor(rng.NextDouble() * 5) * 0.25;
            int patience = (int)(rng.NextDouble() * 5);
            double minDelta = rng.NextDouble() < 0.5 ? 0 : new[] { 0.1, 0.25, 0.3 }[(int)(rng.NextDouble() * 3)];
            yield return (values, patience, minDelta, rng.NextDouble() < 0.5);
        }
    }

    [Fact]
    public void StopsAndPicksTheBestEpochExactlyAsKerasOnRandomSequences()
    {
        int stoppedEarly = 0;
        foreach (var (values, patience, minDelta, max) in Cases())
        {
            var keras = Keras(values, patience, minDelta, max);
            var ours = Ours(values, patience, minDelta, max);
            string what = $"values [{string.Join(", ", values)}], patience {patience}, min_delta {minDelta}, {(max ? "max" : "min")}";
            Assert.True(keras.Stopped == ours.Stopped, $"{what}: Keras stops at {keras.Stopped}, we at {ours.Stopped}");
            Assert.True(keras.Best == ours.Best, $"{what}: Keras' best epoch {keras.Best}, ours {ours.Best}");
            if (keras.Stopped > 0) stoppedEarly++;
        }
        Assert.InRange(stoppedEarly, 50, 280); // the sweep exercises both outcomes
    }

    [Fact]
    public void MinDeltaIsAStrictMargin()
    {
        // Keras: an improvement must beat the best by more than min_delta; exactly min_delta is not enough.
        Assert.Equal((3, 1), Keras([1.0, 0.5, 0.5], patience: 2, minDelta: 0.5, max: false));
        Assert.Equal((3, 1), Ours([1.0, 0.5, 0.5], patience: 2, minDelta: 0.5, max: false));
        Assert.Equal((0, 3), Keras([1.0, 0.5, 0.25], patience: 2, minDelta: 0.5, max: false));
        Assert.Equal((0, 3), Ours([1.0, 0.5, 0.25], patience: 2, minDelta: 0.5, max: false));
    }
}
