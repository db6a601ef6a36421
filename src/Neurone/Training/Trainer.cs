using Neurone.Autograd;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// The Keras-style layer over a model: built from a model, an optimizer, a loss and metrics (Keras'
/// <c>compile</c>), it trains with <c>Fit</c>,
/// measures with <see cref="Evaluate(Dataset, int)"/> and answers with <see cref="Predict"/>. Fit
/// returns a <see cref="History"/> of per-epoch losses, metrics and learning rates; evaluation and
/// prediction run in eval mode, without recording gradients, in batches. Everything random (shuffling,
/// dropout) comes from seeded generators, so the same seeds give the same run.
/// </summary>
public sealed class Trainer
{
    readonly List<Metric> metrics;
    string? stopReason;
    int completedEpochs;

    public Trainer(Module model, Optimizer optimizer, Loss loss, params Metric[] metrics)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Loss = loss ?? throw new ArgumentNullException(nameof(loss));
        this.metrics = [.. metrics];
        var names = this.metrics.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null) throw new ArgumentException($"trainer: two metrics are named '{names.Key}'.");
    }

    public Module Model { get; }
    public Optimizer Optimizer { get; }
    public Loss Loss { get; }
    public IReadOnlyList<Metric> Metrics => metrics;

    /// <summary>Where progress goes; null (the default) means the console, with a live bar on a terminal.</summary>
    public TextWriter? Output { get; set; }

    /// <summary>The generator shuffling the current (or last) Fit; checkpoints save its state.</summary>
    public Rng? ShuffleRng { get; private set; }

    /// <summary>Asks Fit to stop after the current epoch; the reason ends up in <see cref="History.StopReason"/>.</summary>
    public void Stop(string reason) => stopReason ??= reason;

    /// <summary>
    /// Called by a callback's OnTrainBegin after it restored a checkpoint: Fit continues after
    /// <paramref name="epoch"/> completed epochs.
    /// </summary>
    public void SkipToEpoch(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "fit: expected a completed-epoch count ≥ 0.");
        completedEpochs = Math.Max(completedEpochs, epoch);
    }

    /// <summary>True once <see cref="Stop"/> was called during the current Fit.</summary>
    public bool StopRequested => stopReason is not null;

    /// <summary>Trains on tensors: <paramref name="x"/> [N, …] and <paramref name="y"/> [N, …] (Int64 class labels or Float32 targets).</summary>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, bool shuffle = true, double validationSplit = 0,
        Dataset? validationData = null, IEnumerable<Callback>? callbacks = null, int verbose = 1, Rng? rng = null, int initialEpoch = 0,
        CancellationToken cancellationToken = default)
        => Fit(new TensorDataset(x, y), epochs, batchSize, shuffle, validationSplit, validationData, callbacks, verbose, rng, initialEpoch, cancellationToken);

    /// <summary>
    /// Trains for epochs initialEpoch+1 … <paramref name="epochs"/>. With <paramref name="validationSplit"/>
    /// the last fraction of <paramref name="train"/>, taken before any shuffling, is held out for
    /// validation, as in Keras (shuffle the data first if it is sorted). Shuffling uses
    /// <paramref name="rng"/> (default: a generator forked from <see cref="Rng.Default"/>). A NaN or
    /// infinite loss stops training at once with the epoch and batch named in <see cref="History.StopReason"/>.
    /// Cancelling <paramref name="cancellationToken"/> (Ctrl+C in the CLI) stops after the current batch;
    /// the unfinished epoch is not logged and no callback sees it, so the last checkpoint stays the last
    /// completed epoch.
    /// </summary>
    public History Fit(Dataset train, int epochs = 1, int batchSize = 32, bool shuffle = true, double validationSplit = 0,
        Dataset? validationData = null, IEnumerable<Callback>? callbacks = null, int verbose = 1, Rng? rng = null, int initialEpoch = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "fit: expected at least 1 epoch.");
        if (initialEpoch < 0 || initialEpoch > epochs) throw new ArgumentOutOfRangeException(nameof(initialEpoch), initialEpoch, $"fit: expected an initial epoch in [0, {epochs}].");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "fit: expected a positive batch size.");
        if (!(validationSplit >= 0 && validationSplit < 1)) throw new ArgumentOutOfRangeException(nameof(validationSplit), validationSplit, "fit: expected a validation split in [0, 1).");
        if (validationSplit > 0)
        {
            if (validationData is not null) throw new ArgumentException("fit: give either validationSplit or validationData, not both.");
            var parts = Splits.ByFraction(train, [1 - validationSplit, validationSplit]);
            if (parts[1].Count == 0)
                throw new ArgumentException($"fit: a validation split of {validationSplit} leaves no validation samples out of {train.Count}.");
            (train, validationData) = (parts[0], parts[1]);
        }
        if (train.Count == 0) throw new ArgumentException("fit: the training set is empty.");

        ShuffleRng = rng ?? Rng.Default.Fork();
        var loader = new DataLoader(train, batchSize, shuffle, shuffle ? ShuffleRng : null);
        var validationMetrics = metrics.Select(m => m.CloneEmpty()).ToList();
        var cbs = callbacks?.ToList() ?? [];
        foreach (var cb in cbs) cb.Trainer = this;
        stopReason = null;
        var history = new History();
        var reporter = new ProgressReporter(verbose, Output);

        completedEpochs = initialEpoch;
        foreach (var cb in cbs) cb.OnTrainBegin();
        reporter.Run(epochs, () =>
        {
            for (int epoch = completedEpochs + 1; epoch <= epochs && stopReason is null; epoch++)
            {
                foreach (var cb in cbs) cb.OnEpochBegin(epoch);
                double lr = Optimizer.LearningRate;
                double loss = TrainEpoch(loader, epoch, reporter, cbs, cancellationToken);
                if (cancellationToken.IsCancellationRequested) break;
                var logs = new Dictionary<string, double> { ["loss"] = loss };
                foreach (var m in metrics) logs[m.Name] = m.Result();
                if (validationData is not null && stopReason is null)
                {
                    var v = Evaluate(validationData, Math.Max(batchSize, 256), validationMetrics);
                    foreach (var (key, value) in v) logs["val_" + key] = value;
                }
                logs["lr"] = lr;
                history.Append(epoch, logs);
                reporter.EndEpoch(epoch, logs);
                foreach (var cb in cbs) cb.OnEpochEnd(epoch, logs);
            }
        });
        history.StopReason = stopReason;
        if (stopReason is not null) reporter.Note(stopReason);
        foreach (var cb in cbs) cb.OnTrainEnd(history);
        return history;
    }

    /// <summary>One pass over the loader; returns the sample-weighted mean loss (NaN if it diverged).</summary>
    double TrainEpoch(DataLoader loader, int epoch, ProgressReporter reporter, List<Callback> cbs, CancellationToken cancellationToken)
    {
        Model.Train();
        foreach (var m in metrics) m.Reset();
        reporter.BeginEpoch(epoch, loader.Count);
        double lossSum = 0;
        long seen = 0;
        int batch = 0;
        foreach (var (xb, yb) in loader)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Stop($"training cancelled during epoch {epoch}, at batch {batch + 1} of {loader.Count}; epoch {epoch - 1} was the last completed.");
                return double.NaN;
            }
            batch++;
            var output = Model.Forward(xb);
            var loss = Loss.Forward(output, yb);
            float value = loss.Item();
            if (!float.IsFinite(value))
            {
                Stop($"training stopped: the loss became {value} at epoch {epoch}, batch {batch} of {loader.Count}. " +
                     "Lower the learning rate, check the data for NaN or huge values, or clip gradients.");
                return double.NaN;
            }
            Optimizer.ZeroGrad();
            loss.Backward();
            Optimizer.Step();
            int n = xb.Size(0);
            lossSum += (double)value * n;
            seen += n;
            if (metrics.Count > 0)
                using (GradMode.NoGrad())
                    foreach (var m in metrics) m.Update(output, yb);
            foreach (var cb in cbs) cb.OnBatchEnd(epoch, batch, value);
            reporter.Batch(epoch, batch, loader.Count, lossSum / seen, metrics, seen);
        }
        return lossSum / seen;
    }

    /// <summary>Loss and metrics on tensors, in eval mode and without gradients.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 256) => Evaluate(new TensorDataset(x, y), batchSize);

    /// <summary>Loss ("loss") and every metric by name, over <paramref name="data"/>, in eval mode and without gradients.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset data, int batchSize = 256)
        => Evaluate(data, batchSize, metrics.Select(m => m.CloneEmpty()).ToList());

    IReadOnlyDictionary<string, double> Evaluate(Dataset data, int batchSize, List<Metric> fresh)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "evaluate: expected a positive batch size.");
        foreach (var m in fresh) m.Reset();
        double lossSum = 0;
        long seen = 0;
        InEvalMode(() =>
        {
            foreach (var (xb, yb) in new DataLoader(data, batchSize))
            {
                var output = Model.Forward(xb);
                int n = xb.Size(0);
                lossSum += (double)Loss.Forward(output, yb).Item() * n;
                seen += n;
                foreach (var m in fresh) m.Update(output, yb);
            }
        });
        var result = new Dictionary<string, double> { ["loss"] = seen == 0 ? double.NaN : lossSum / seen };
        foreach (var m in fresh) result[m.Name] = m.Result();
        return result;
    }

    /// <summary>The model's outputs for every row of <paramref name="x"/>, in eval mode, in batches.</summary>
    public Tensor Predict(Tensor x, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0) throw new ArgumentException("predict: expected a batch of inputs, got a scalar.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "predict: expected a positive batch size.");
        var parts = new List<Tensor>();
        InEvalMode(() =>
        {
            for (int start = 0; start < x.Size(0); start += batchSize)
                parts.Add(Model.Forward(x.Slice(start, Math.Min(batchSize, x.Size(0) - start))));
        });
        if (parts.Count == 0) throw new ArgumentException("predict: the input has no rows.");
        return parts.Count == 1 ? parts[0] : Tensor.Concat(parts);
    }

    /// <summary>
    /// Class probabilities, assuming the model outputs logits (as it does when trained with
    /// CrossEntropyLoss or BCEWithLogitsLoss): softmax over the classes, or a sigmoid for one output column.
    /// </summary>
    public Tensor PredictProba(Tensor x, int batchSize = 256)
    {
        var logits = Predict(x, batchSize);
        using (GradMode.NoGrad())
            return logits.Rank == 2 && logits.Size(1) > 1 ? logits.Softmax(1) : logits.Sigmoid();
    }

    /// <summary>
    /// Predicted class per row: the argmax of the outputs, or for one output column whether it exceeds
    /// <paramref name="threshold"/> (0 suits logits, 0.5 probabilities).
    /// </summary>
    public int[] PredictClasses(Tensor x, int batchSize = 256, float threshold = 0f)
    {
        var outputs = Predict(x, batchSize);
        int n = outputs.Size(0);
        var result = new int[n];
        if (outputs.Count == n)
        {
            var o = outputs.AsReadOnlySpan();
            for (int i = 0; i < n; i++) result[i] = o[i] > threshold ? 1 : 0;
            return result;
        }
        var arg = outputs.Reshape(n, -1).ArgMax(1).AsLongSpan();
        for (int i = 0; i < n; i++) result[i] = (int)arg[i];
        return result;
    }

    void InEvalMode(Action body)
    {
        bool wasTraining = Model.Training;
        Model.Eval();
        try
        {
            using (GradMode.NoGrad()) body();
        }
        finally
        {
            Model.Train(wasTraining);
        }
    }
}
