using Neurone.Tensors;

namespace Neurone.Classic;

/// <summary>
/// The shared half of every classic model: input checks that fail early with a message naming what was
/// expected and what came (shapes, the first NaN's position, a lone class), the mapping between labels
/// and class indices 0..K-1, and <see cref="Score"/>. Subclasses implement <see cref="FitCore"/> on
/// checked rows with class indices, and <see cref="DecisionCore"/> on checked rows.
/// </summary>
public abstract class Classifier : IClassifier
{
    int[] classes = [];

    /// <inheritdoc/>
    public IReadOnlyList<int> Classes => classes;

    /// <summary>The number of features seen by <see cref="Fit"/> (0 before).</summary>
    public int Features { get; private set; }

    /// <summary>True once <see cref="Fit"/> has succeeded.</summary>
    public bool IsFitted => classes.Length > 0;

    string Name => GetType().Name;

    /// <inheritdoc/>
    public IClassifier Fit(Tensor x, Tensor y)
    {
        var (n, d) = CheckFeatures(x, "Fit", expectedFeatures: 0);
        var (labels, found) = CheckLabels(y, n);
        var index = new int[n];
        for (int i = 0; i < n; i++) index[i] = Array.BinarySearch(found, labels[i]);
        FitCore(x.AsReadOnlySpan(), n, d, index, found.Length);
        // Only a completed fit changes the model's visible state.
        classes = found;
        Features = d;
        return this;
    }

    /// <inheritdoc/>
    public int[] Predict(Tensor x)
    {
        var (n, _) = CheckFeatures(x, "Predict", RequireFitted());
        var winners = PredictIndices(x.AsReadOnlySpan(), n);
        var result = new int[n];
        for (int i = 0; i < n; i++) result[i] = classes[winners[i]];
        return result;
    }

    /// <inheritdoc/>
    public double Score(Tensor x, Tensor y)
    {
        var (n, _) = CheckFeatures(x, "Score", RequireFitted());
        var (labels, _) = CheckLabels(y, n, requireTwoClasses: false);
        var predicted = Predict(x);
        int correct = 0;
        for (int i = 0; i < n; i++) if (predicted[i] == labels[i]) correct++;
        return correct / (double)n;
    }

    /// <inheritdoc/>
    public Tensor DecisionFunction(Tensor x)
    {
        var (n, _) = CheckFeatures(x, "DecisionFunction", RequireFitted());
        return DecisionCore(x.AsReadOnlySpan(), n);
    }

    /// <summary>Trains on <paramref name="n"/> checked rows of <paramref name="d"/> finite features with class indices in [0, <paramref name="classCount"/>).</summary>
    protected abstract void FitCore(ReadOnlySpan<float> x, int n, int d, int[] y, int classCount);

    /// <summary>The winning class index (into <see cref="Classes"/>) of each checked row.</summary>
    protected abstract int[] PredictIndices(ReadOnlySpan<float> x, int n);

    /// <summary>The decision values of checked rows, in the shape <see cref="IClassifier.DecisionFunction"/> describes.</summary>
    protected abstract Tensor DecisionCore(ReadOnlySpan<float> x, int n);

    /// <summary>Checks query rows for a fitted model as <see cref="Predict"/> does; returns their count.</summary>
    protected int CheckQuery(Tensor x, string method) => CheckFeatures(x, method, RequireFitted()).N;

    int RequireFitted() => IsFitted ? Features
        : throw new InvalidOperationException($"{Name}: the model is not fitted yet; call Fit(x, y) first.");

    (int N, int D) CheckFeatures(Tensor x, string method, int expectedFeatures)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2)
            throw new ArgumentException($"{Name}.{method}: expected features of shape [samples, features], got shape {Shapes.Format(x.Shape)}.", nameof(x));
        int n = x.Size(0);
        if (n == 0)
            throw new ArgumentException($"{Name}.{method}: expected at least one sample, got shape {Shapes.Format(x.Shape)}.", nameof(x));
        int d = x.Count / n;
        if (d == 0)
            throw new ArgumentException($"{Name}.{method}: expected at least one feature, got shape {Shapes.Format(x.Shape)}.", nameof(x));
        if (expectedFeatures != 0 && d != expectedFeatures)
            throw new ArgumentException($"{Name}.{method}: the model was fitted on {expectedFeatures} features, got {d} (shape {Shapes.Format(x.Shape)}).", nameof(x));
        var s = x.AsReadOnlySpan();
        for (int i = 0; i < s.Length; i++)
            if (!float.IsFinite(s[i]))
                throw new ArgumentException($"{Name}.{method}: expected finite features, got {s[i]} at sample {i / d}, feature {i % d}.", nameof(x));
        return (n, d);
    }

    (int[] Labels, int[] Classes) CheckLabels(Tensor y, int n, bool requireTwoClasses = true)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Count != n || (y.Rank != 1 && !(y.Rank == 2 && y.Size(1) == 1)))
            throw new ArgumentException($"{Name}: expected labels of shape [{n}] to match {n} samples, got shape {Shapes.Format(y.Shape)}.", nameof(y));
        if (y.DType != DType.Int64)
            throw new ArgumentException($"{Name}: expected Int64 class labels of shape [{n}], got labels {Shapes.Format(y.Shape)} of dtype {y.DType}; convert them with Long().", nameof(y));
        var s = y.AsLongSpan();
        var labels = new int[n];
        var seen = new SortedSet<int>();
        for (int i = 0; i < n; i++)
        {
            long v = s[i];
            if (v < int.MinValue || v > int.MaxValue)
                throw new ArgumentException($"{Name}: expected class labels that fit in 32 bits, got {v} at sample {i}.", nameof(y));
            labels[i] = (int)v;
            seen.Add(labels[i]);
        }
        if (requireTwoClasses && seen.Count < 2)
            throw new ArgumentException($"{Name}: expected at least 2 classes in the labels, got only class {labels[0]} ({n} samples).", nameof(y));
        return (labels, [.. seen]);
    }
}
