using System.Numerics.Tensors;

namespace Neurone.Data;

/// <summary>
/// Subtracts a mean and divides by a standard deviation, with statistics fitted on a training set and
/// then reused unchanged for validation and test data (scikit-learn's <c>StandardScaler</c>,
/// torchvision's <c>Normalize</c>). Statistics come per feature (standardisation), per feature with
/// unit scale (CS231n's mean-image subtraction), per channel, or as one global pair. Standard
/// deviations are population ones (divide by n); a feature that never varies (MNIST's corner pixels)
/// gets scale 1 instead of a division by zero, as scikit-learn does. Keep <see cref="Mean"/> and
/// <see cref="Std"/> to rebuild the same transform later.
/// </summary>
public sealed class Normalize : Transform
{
    readonly float[] mean, std;
    // Expanded to one value per feature so Apply is two vector ops per row whatever the grouping.
    readonly float[] fullMean, fullScale;

    /// <summary>
    /// A transform for samples of <paramref name="sampleSize"/> features. The statistics come in
    /// groups: one value (global), one per channel (the sample is split into that many equal
    /// consecutive blocks, as channels are in C×H×W), or one per feature.
    /// </summary>
    public Normalize(float[] mean, float[] std, int sampleSize)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != std.Length || mean.Length == 0 || sampleSize % mean.Length != 0)
            throw new ArgumentException($"normalize: expected equally long mean and std whose length divides the sample size {sampleSize}, got {mean.Length} and {std.Length}.");
        this.mean = (float[])mean.Clone();
        this.std = (float[])std.Clone();
        SampleSize = sampleSize;
        fullMean = new float[sampleSize];
        fullScale = new float[sampleSize];
        int block = sampleSize / mean.Length;
        for (int g = 0; g < mean.Length; g++)
        {
            if (!(std[g] > 0) || !float.IsFinite(mean[g]))
                throw new ArgumentException($"normalize: expected finite means and positive standard deviations, got mean {mean[g]}, std {std[g]} at {g}.");
            fullMean.AsSpan(g * block, block).Fill(mean[g]);
            fullScale.AsSpan(g * block, block).Fill(1f / std[g]);
        }
    }

    /// <summary>The fitted means, one per group.</summary>
    public IReadOnlyList<float> Mean => mean;

    /// <summary>The fitted standard deviations (1 where unscaled), one per group.</summary>
    public IReadOnlyList<float> Std => std;

    /// <summary>The sample size this transform expects.</summary>
    public int SampleSize { get; }

    /// <summary>Per-feature standardisation: every feature gets mean 0 and standard deviation 1 on <paramref name="train"/>.</summary>
    public static Normalize FitPerFeature(Dataset train) => Fit(train, train.SampleSize, scale: true);

    /// <summary>Mean-image subtraction (CS231n): each feature loses its training mean; no scaling.</summary>
    public static Normalize FitMeanImage(Dataset train) => Fit(train, train.SampleSize, scale: false);

    /// <summary>One mean and standard deviation per channel (the first sample dimension), as torchvision's per-channel <c>Normalize</c>.</summary>
    public static Normalize FitPerChannel(Dataset train) =>
        Fit(train, train.SampleShape.Length > 1 ? train.SampleShape[0] : 1, scale: true);

    /// <summary>One mean and standard deviation over all features.</summary>
    public static Normalize FitGlobal(Dataset train) => Fit(train, 1, scale: true);

    public override void Apply(Span<float> batch, int rows)
    {
        if (batch.Length < (long)rows * SampleSize)
            throw new ArgumentException($"normalize: {rows} samples of {SampleSize} features need {(long)rows * SampleSize} floats, got {batch.Length}.");
        for (int r = 0; r < rows; r++)
        {
            var row = batch.Slice(r * SampleSize, SampleSize);
            TensorPrimitives.Subtract(row, fullMean, row);
            TensorPrimitives.Multiply(row, fullScale, row);
        }
    }

    /// <summary>Applies the transform to a tensor whose rows are samples, in place.</summary>
    public void Apply(Neurone.Tensors.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0 || x.Count != x.Size(0) * SampleSize)
            throw new ArgumentException($"normalize: expected samples of {SampleSize} features, got shape [{string.Join(",", x.ShapeArray())}].");
        Apply(x.AsSpan(), x.Size(0));
    }

    static Normalize Fit(Dataset train, int groups, bool scale)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("normalize: cannot fit statistics on an empty data set.");
        int size = train.SampleSize, block = size / groups;
        // Two passes in double (mean, then squared deviations) stay accurate where sum-of-squares would cancel.
        var sum = new double[size];
        ForEachBatch(train, (rows, n) =>
        {
            for (int r = 0; r < n; r++)
            {
                var row = rows.Slice(r * size, size);
                for (int j = 0; j < size; j++) sum[j] += row[j];
            }
        });
        var groupMean = new double[groups];
        for (int j = 0; j < size; j++) groupMean[j / block] += sum[j];
        for (int g = 0; g < groups; g++) groupMean[g] /= (double)train.Count * block;
        var sq = new double[groups];
        if (scale)
        {
            var featureMean = new double[size];
            for (int j = 0; j < size; j++) featureMean[j] = groups == size ? groupMean[j] : groupMean[j / block];
            ForEachBatch(train, (rows, n) =>
            {
                for (int r = 0; r < n; r++)
                {
                    var row = rows.Slice(r * size, size);
                    for (int j = 0; j < size; j++)
                    {
                        double d = row[j] - featureMean[j];
                        sq[j / block] += d * d;
                    }
                }
            });
        }
        var mean = new float[groups];
        var std = new float[groups];
        for (int g = 0; g < groups; g++)
        {
            mean[g] = (float)groupMean[g];
            double s = scale ? Math.Sqrt(sq[g] / ((double)train.Count * block)) : 1.0;
            std[g] = s > 1e-12 ? (float)s : 1f;
        }
        return new Normalize(mean, std, size);
    }

    delegate void RowsAction(ReadOnlySpan<float> rows, int n);

    static void ForEachBatch(Dataset data, RowsAction action)
    {
        const int batch = 1024;
        var idx = new int[batch];
        var buf = new float[batch * data.SampleSize];
        for (int start = 0; start < data.Count; start += batch)
        {
            int n = Math.Min(batch, data.Count - start);
            for (int i = 0; i < n; i++) idx[i] = start + i;
            data.GetFeatures(idx.AsSpan(0, n), buf);
            action(buf.AsSpan(0, n * data.SampleSize), n);
        }
    }
}
