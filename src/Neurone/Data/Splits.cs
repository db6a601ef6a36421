using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// Train/validation/test splits as <see cref="Subset"/> views, by sample counts (CIFAR-10's
/// 49,000 / 1,000 / 1,000) or by fractions (80 / 20). With an <see cref="Rng"/> the samples are
/// shuffled first, so the same seed gives the same split. Without one the parts are consecutive runs in
/// the original order: <c>ByFraction(data, [0.8, 0.2])</c> then makes the last 20% the validation part,
/// as Keras' <c>validation_split</c> does (Keras takes the last fraction before any shuffling, so a
/// file sorted by class gives a validation set of one class; pass an Rng to avoid that). Stratified
/// splits keep every class's share in every part to within one sample.
/// </summary>
public static class Splits
{
    /// <summary>
    /// Parts of exactly <paramref name="counts"/> samples; the counts may add up to less than the data
    /// set (the rest is left out) but not more.
    /// </summary>
    public static Subset[] ByCount(Dataset data, int[] counts, Rng? rng = null, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(counts);
        long total = 0;
        foreach (int c in counts)
        {
            if (c < 0) throw new ArgumentException($"split: expected non-negative counts, got [{string.Join(", ", counts)}].");
            total += c;
        }
        if (total > data.Count)
            throw new ArgumentException($"split: counts [{string.Join(", ", counts)}] add up to {total}, but the data set has {data.Count} samples.");
        int[] order = stratify ? StratifiedOrder(data, rng) : PlainOrder(data.Count, rng);
        var parts = new Subset[counts.Length];
        int start = 0;
        for (int p = 0; p < counts.Length; p++)
        {
            var idx = order.AsSpan(start, counts[p]).ToArray();
            // Stratified parts come out interleaved by class; sorting restores file order (and memory locality)
            // without changing which samples a part holds. Shuffling is the DataLoader's job.
            if (stratify || rng is null) Array.Sort(idx);
            parts[p] = data.Subset(idx);
            start += counts[p];
        }
        return parts;
    }

    /// <summary>
    /// Parts holding the given fractions of the data set (each in (0, 1], summing to at most 1). Counts
    /// are rounded down, and samples left over by rounding go to the parts with the largest remainders,
    /// so fractions that sum to 1 use every sample.
    /// </summary>
    public static Subset[] ByFraction(Dataset data, double[] fractions, Rng? rng = null, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fractions);
        double sum = 0;
        foreach (double f in fractions)
        {
            if (!(f >= 0 && f <= 1)) throw new ArgumentException($"split: expected fractions in [0, 1], got [{string.Join(", ", fractions)}].");
            sum += f;
        }
        if (sum > 1 + 1e-9) throw new ArgumentException($"split: fractions [{string.Join(", ", fractions)}] add up to {sum}, more than 1.");
        int n = data.Count;
        var counts = new int[fractions.Length];
        var remainders = new double[fractions.Length];
        int used = 0;
        for (int p = 0; p < fractions.Length; p++)
        {
            double exact = fractions[p] * n;
            counts[p] = (int)Math.Floor(exact + 1e-9);
            remainders[p] = exact - counts[p];
            used += counts[p];
        }
        int target = (int)Math.Min(n, Math.Round(sum * n));
        while (used < target)
        {
            int best = 0;
            for (int p = 1; p < fractions.Length; p++) if (remainders[p] > remainders[best]) best = p;
            counts[best]++;
            remainders[best] = double.NegativeInfinity;
            used++;
        }
        return ByCount(data, counts, rng, stratify);
    }

    static int[] PlainOrder(int n, Rng? rng)
    {
        if (rng is not null) return rng.Permutation(n);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /// <summary>
    /// An order in which every prefix holds each class in proportion: the samples of a class (shuffled
    /// when an Rng is given) are spread evenly over [0, 1) by rank, and all classes are merged by that
    /// position. Cutting consecutive runs from it gives stratified parts.
    /// </summary>
    static int[] StratifiedOrder(Dataset data, Rng? rng)
    {
        int classes = data.Classes;
        if (classes <= 0 || data.TargetSize != 1 || data.TargetDType != Tensors.DType.Int64)
            throw new ArgumentException("split: stratifying needs Int64 class-label targets (a data set with Classes > 0).");
        var labels = data.Targets().AsLongSpan();
        var members = new List<int>[classes];
        for (int c = 0; c < classes; c++) members[c] = [];
        for (int i = 0; i < labels.Length; i++) members[(int)labels[i]].Add(i);
        var keys = new double[labels.Length];
        var order = new int[labels.Length];
        int k = 0;
        for (int c = 0; c < classes; c++)
        {
            var m = members[c].ToArray();
            if (rng is not null) rng.Shuffle<int>(m);
            for (int r = 0; r < m.Length; r++)
            {
                // The class index breaks ties so the order is fully determined.
                keys[k] = (r + 0.5) / m.Length + c * 1e-12;
                order[k++] = m[r];
            }
        }
        Array.Sort(keys, order);
        return order;
    }
}
