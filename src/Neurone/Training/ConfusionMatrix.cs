using System.Globalization;
using System.Text;
using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// Counts of (true class, predicted class) pairs, rows true and columns predicted as in scikit-learn,
/// with per-class precision, recall and F1 and their macro averages. It is a <see cref="Metric"/> too
/// (its <see cref="Result"/> is the accuracy), so it can ride along in Fit or Evaluate, or be filled
/// directly from label arrays.
/// </summary>
public sealed class ConfusionMatrix : Metric
{
    readonly long[,] counts;

    public ConfusionMatrix(int classes)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "confusion_matrix: expected at least 2 classes.");
        Classes = classes;
        counts = new long[classes, classes];
    }

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    public override string Name => "confusion_accuracy";

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => counts[actual, predicted];

    /// <summary>Adds pairs of true and predicted labels from two Int64 tensors of the same length.</summary>
    public void Add(Tensor actual, Tensor predicted)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        Tensor.RequireIndexTensor("confusion_matrix", actual, "true labels");
        Tensor.RequireIndexTensor("confusion_matrix", predicted, "predicted labels");
        var a = actual.AsLongSpan();
        var p = predicted.AsLongSpan();
        if (a.Length != p.Length)
            throw new ArgumentException($"confusion_matrix: {a.Length} true labels but {p.Length} predictions.");
        var ai = new int[a.Length];
        var pi = new int[p.Length];
        for (int i = 0; i < a.Length; i++)
        {
            ai[i] = (int)Math.Clamp(a[i], -1, int.MaxValue);
            pi[i] = (int)Math.Clamp(p[i], -1, int.MaxValue);
        }
        Add(ai, pi);
    }

    /// <summary>Adds pairs of true and predicted labels.</summary>
    public void Add(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        if (actual.Length != predicted.Length)
            throw new ArgumentException($"confusion_matrix: {actual.Length} true labels but {predicted.Length} predictions.");
        for (int i = 0; i < actual.Length; i++)
        {
            if ((uint)actual[i] >= Classes || (uint)predicted[i] >= Classes)
                throw new ArgumentOutOfRangeException(nameof(actual), $"confusion_matrix: pair {i} ({actual[i]}, {predicted[i]}) is outside classes 0..{Classes - 1}.");
            counts[actual[i], predicted[i]]++;
        }
    }

    public override void Update(Tensor output, Tensor target)
    {
        if (output.Rank != 2 || output.Size(1) != Classes)
            throw new ArgumentException($"confusion_matrix: expected output [batch, {Classes}], got {Shapes.Format(output.Shape)}.");
        var labels = TargetClasses(output, target, "confusion_matrix");
        var arg = output.ArgMax(1).AsLongSpan();
        var predicted = new int[labels.Length];
        for (int i = 0; i < predicted.Length; i++) predicted[i] = (int)arg[i];
        Add(labels, predicted);
    }

    /// <summary>All samples counted.</summary>
    public long Total
    {
        get
        {
            long t = 0;
            foreach (long c in counts) t += c;
            return t;
        }
    }

    /// <summary>The fraction on the diagonal.</summary>
    public override double Result()
    {
        long total = Total, diagonal = 0;
        for (int c = 0; c < Classes; c++) diagonal += counts[c, c];
        return total == 0 ? double.NaN : diagonal / (double)total;
    }

    public override void Reset() => Array.Clear(counts);
    public override Metric CloneEmpty() => new ConfusionMatrix(Classes);

    long Row(int c) { long s = 0; for (int j = 0; j < Classes; j++) s += counts[c, j]; return s; }
    long Column(int c) { long s = 0; for (int i = 0; i < Classes; i++) s += counts[i, c]; return s; }

    /// <summary>Of the samples predicted as <paramref name="c"/>, the fraction that are; 0 when none were (as scikit-learn's zero_division=0).</summary>
    public double Precision(int c) { long col = Column(c); return col == 0 ? 0 : counts[c, c] / (double)col; }

    /// <summary>Of the samples of class <paramref name="c"/>, the fraction found; 0 when there are none.</summary>
    public double Recall(int c) { long row = Row(c); return row == 0 ? 0 : counts[c, c] / (double)row; }

    /// <summary>The harmonic mean of precision and recall; 0 when both are 0.</summary>
    public double F1(int c)
    {
        double p = Precision(c), r = Recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>Unweighted means over classes.</summary>
    public (double Precision, double Recall, double F1) MacroAverage()
    {
        double p = 0, r = 0, f = 0;
        for (int c = 0; c < Classes; c++) { p += Precision(c); r += Recall(c); f += F1(c); }
        return (p / Classes, r / Classes, f / Classes);
    }

    /// <summary>The counts as a table followed by per-class precision, recall, F1 and support.</summary>
    public string ToString(IReadOnlyList<string>? classNames = null)
    {
        string Label(int c) => classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);
        int width = Math.Max(6, Enumerable.Range(0, Classes).Max(c => Math.Max(Label(c).Length, counts.Cast<long>().Max().ToString(CultureInfo.InvariantCulture).Length)) + 1);
        var sb = new StringBuilder();
        sb.Append("true\\pred".PadRight(width + 3));
        for (int c = 0; c < Classes; c++) sb.Append(Label(c).PadLeft(width));
        sb.Append('\n');
        for (int i = 0; i < Classes; i++)
        {
            sb.Append(Label(i).PadRight(width + 3));
            for (int j = 0; j < Classes; j++) sb.Append(counts[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            sb.Append('\n');
        }
        sb.Append('\n').Append("class".PadRight(width + 3)).Append("precision   recall       f1  support\n");
        for (int c = 0; c < Classes; c++)
            sb.Append(Label(c).PadRight(width + 3)).Append(CultureInfo.InvariantCulture, $"{Precision(c),9:F3}{Recall(c),9:F3}{F1(c),9:F3}{Row(c),9}\n");
        var (mp, mr, mf) = MacroAverage();
        sb.Append("macro avg".PadRight(width + 3)).Append(CultureInfo.InvariantCulture, $"{mp,9:F3}{mr,9:F3}{mf,9:F3}{Total,9}\n");
        sb.Append("accuracy".PadRight(width + 3)).Append(CultureInfo.InvariantCulture, $"{Result(),27:F3}{Total,9}");
        return sb.ToString();
    }

    public override string ToString() => ToString(null);
}
