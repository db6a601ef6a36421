using System.Globalization;
using Neurone.Tensors;

namespace Neurone.Viz;

/// <summary>
/// Points in the plane coloured by class, with one legend entry per class — the picture for a
/// t-SNE or PCA embedding. Points are drawn in a shuffled-by-index order (every k-th point of each
/// class interleaved) so the last class does not paint over the others where clusters overlap.
/// </summary>
public sealed class ScatterPlot : Chart
{
    readonly double[] xs, ys;
    readonly int[] labels;
    readonly IReadOnlyList<string>? classNames;

    /// <summary>Points [n, 2] (the first two columns are used) with their class labels.</summary>
    public ScatterPlot(Tensor points, ReadOnlySpan<int> labels, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Rank != 2 || points.Size(1) < 2)
            throw new ArgumentException($"scatter: expected points [n, 2], got {Shapes.Format(points.Shape)}.");
        int n = points.Size(0), d = points.Size(1);
        var data = points.AsReadOnlySpan();
        xs = new double[n];
        ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = data[i * d]; ys[i] = data[i * d + 1]; }
        this.labels = Check(labels, n, classNames);
        this.classNames = classNames;
        Title = title;
        Width = 600;
        Height = 480;
    }

    /// <summary>Points given as two coordinate arrays.</summary>
    public ScatterPlot(IReadOnlyList<double> x, IReadOnlyList<double> y, ReadOnlySpan<int> labels, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"scatter: {x.Count} x values but {y.Count} y values.");
        xs = x.ToArray();
        ys = y.ToArray();
        this.labels = Check(labels, xs.Length, classNames);
        this.classNames = classNames;
        Title = title;
        Width = 600;
        Height = 480;
    }

    public string? XLabel { get; set; }
    public string? YLabel { get; set; }

    /// <summary>Point radius in pixels; 0 picks one from the number of points.</summary>
    public double PointRadius { get; set; }

    public override void Render(SvgDocument doc, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var (x0, x1) = Range(xs);
        var (y0, y1) = Range(ys);
        int classes = Math.Max(classNames?.Count ?? 0, labels.Length == 0 ? 0 : labels.Max() + 1);
        var entries = Enumerable.Range(0, classes).Select(c => new LegendEntry(Name(c), Palette.Class(c), LegendMark.Dot)).ToList();
        var axes = new Axes(doc, x, y, width, height, Title, XLabel, YLabel, Ticks.Nice(x0, x1), Ticks.Nice(y0, y1), legendWidth: Legend.Width(entries));
        axes.BeginData();
        double r = PointRadius > 0 ? PointRadius : xs.Length <= 300 ? 4 : xs.Length <= 3000 ? 2.6 : 1.6;
        foreach (int i in Interleaved())
            if (double.IsFinite(xs[i]) && double.IsFinite(ys[i]))
                doc.Circle(axes.X(xs[i]), axes.Y(ys[i]), r, Palette.Class(labels[i]), xs.Length <= 3000 ? Color.White : null, 0.5, 0.85);
        axes.EndData();
        var (lx, ly) = axes.LegendOrigin;
        Legend.Draw(doc, lx, ly, entries);
    }

    string Name(int c) => classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);

    /// <summary>A deterministic order that mixes classes: a stride through the indices coprime with n.</summary>
    IEnumerable<int> Interleaved()
    {
        int n = xs.Length;
        if (n == 0) yield break;
        int stride = 7919; // a prime: coprime with n unless n is a multiple of it
        if (n % stride == 0) stride = 1;
        for (long k = 0, i = 0; k < n; k++, i = (i + stride) % n) yield return (int)i;
    }

    static int[] Check(ReadOnlySpan<int> labels, int n, IReadOnlyList<string>? names)
    {
        if (labels.Length != n) throw new ArgumentException($"scatter: {n} points need {n} labels, got {labels.Length}.");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || (names is not null && labels[i] >= names.Count))
                throw new ArgumentException($"scatter: label {i} is {labels[i]}, expected a class in [0, {(names is null ? "∞" : names.Count.ToString(CultureInfo.InvariantCulture))}).");
        return labels.ToArray();
    }
}
