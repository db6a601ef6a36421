namespace Neurone.Viz;

/// <summary>
/// Lines (or markers) of one or more <see cref="Series"/> against a shared x axis, with nice ticks,
/// axis labels and a legend to the right: per-epoch curves, or a quantity against a hyperparameter
/// (set <see cref="LogX"/> for learning rates). Markers are drawn when a series has few points.
/// </summary>
public sealed class LineChart : Chart
{
    readonly List<Series> series = [];

    public LineChart(string? title = null, string? xLabel = null, string? yLabel = null)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    public string? XLabel { get; set; }
    public string? YLabel { get; set; }

    /// <summary>A logarithmic x axis with ticks at powers of ten (x values must be positive).</summary>
    public bool LogX { get; set; }

    /// <summary>Forces the y range to include these bounds (e.g. 0 and 1 for accuracy); null lets the data decide.</summary>
    public double? YMin { get; set; }
    public double? YMax { get; set; }

    /// <summary>Draws the x ticks at whole numbers only (epochs).</summary>
    public bool IntegerX { get; set; }

    public IReadOnlyList<Series> Series => series;

    /// <summary>Adds a series; its colour defaults to the next palette colour.</summary>
    public LineChart Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, Color? color = null, bool dashed = false, bool line = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"line chart: series '{name}' has {x.Count} x values but {y.Count} y values.");
        if (LogX && x.Any(v => double.IsFinite(v) && v <= 0))
            throw new ArgumentException($"line chart: series '{name}' has x values <= 0, which a log axis cannot show.");
        series.Add(new(name, x.ToArray(), y.ToArray(), color ?? Palette.Class(series.Count), dashed, line));
        return this;
    }

    public override void Render(SvgDocument doc, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var (x0, x1) = Range(series.SelectMany(s => s.X.Where((_, i) => double.IsFinite(s.Y[i]))));
        var (y0, y1) = Range(series.SelectMany(s => s.Y));
        if (YMin is { } lo) y0 = Math.Min(y0, lo);
        if (YMax is { } hi) y1 = Math.Max(y1, hi);
        double[] xTicks = LogX ? Ticks.Log(x0 > 0 ? x0 : 1, x1 > 0 ? x1 : 10) : Ticks.Nice(x0, x1, 7);
        if (IntegerX && !LogX && xTicks.Length > 1 && xTicks[1] - xTicks[0] < 1)
            xTicks = Ticks.Nice(Math.Floor(x0), Math.Max(Math.Ceiling(x1), Math.Floor(x0) + 1), Math.Max(2, (int)(Math.Ceiling(x1) - Math.Floor(x0)) + 1));
        double[] yTicks = Ticks.Nice(y0, y1, 6);
        var entries = series.Select(s => new LegendEntry(s.Name, s.Color, !s.Line ? LegendMark.Dot : s.Dashed ? LegendMark.DashedLine : LegendMark.Line)).ToList();
        var axes = new Axes(doc, x, y, width, height, Title, XLabel, YLabel, xTicks, yTicks, LogX, Legend.Width(entries));
        axes.BeginData();
        foreach (var s in series)
        {
            if (s.Line)
                foreach (var run in Runs(s))
                    doc.Polyline(run.Select(i => (axes.X(s.X[i]), axes.Y(s.Y[i]))), s.Color, 2, s.Dashed ? "6 3" : null);
            bool markers = !s.Line || s.X.Length <= 40;
            if (markers)
                for (int i = 0; i < s.X.Length; i++)
                    if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]))
                        doc.Circle(axes.X(s.X[i]), axes.Y(s.Y[i]), s.Line ? 2.6 : 3.8, s.Line ? Color.White : s.Color, s.Color, s.Line ? 1.5 : 0.8, s.Line ? 1 : 0.85);
        }
        axes.EndData();
        var (lx, ly) = axes.LegendOrigin;
        Legend.Draw(doc, lx, ly, entries);
    }

    /// <summary>Index runs of consecutive finite points, so a NaN breaks the line instead of bridging it.</summary>
    static IEnumerable<List<int>> Runs(Series s)
    {
        var run = new List<int>();
        for (int i = 0; i < s.X.Length; i++)
        {
            if (double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])) { run.Add(i); continue; }
            if (run.Count > 0) yield return run;
            run = [];
        }
        if (run.Count > 0) yield return run;
    }
}
