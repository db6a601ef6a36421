namespace Neurone.Viz;

/// <summary>
/// Vertical bars, one per labelled category, with the value written above each bar — for example
/// the validation accuracy of each hyperparameter trial. Long or many labels are turned 40° so
/// they do not collide; <see cref="Highlight"/> marks one bar (the best trial) in a second colour.
/// </summary>
public sealed class BarChart : Chart
{
    public BarChart(IReadOnlyList<string> labels, IReadOnlyList<double> values, string? title = null, string? xLabel = null, string? yLabel = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        if (labels.Count != values.Count) throw new ArgumentException($"bar chart: {labels.Count} labels but {values.Count} values.");
        if (labels.Count == 0) throw new ArgumentException("bar chart: expected at least one bar.");
        Labels = labels.ToArray();
        Values = values.ToArray();
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    public string[] Labels { get; }
    public double[] Values { get; }
    public string? XLabel { get; set; }
    public string? YLabel { get; set; }

    /// <summary>The index of a bar to draw in the highlight colour, or null.</summary>
    public int? Highlight { get; set; }

    /// <summary>The format of the value labels above the bars.</summary>
    public string ValueFormat { get; set; } = "0.###";

    public override void Render(SvgDocument doc, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var (lo, hi) = Range(Values);
        var yTicks = Ticks.Nice(Math.Min(0, lo), Math.Max(0, hi), 6);
        // Slot width is only known after the axes are laid out; estimate it from the full width.
        double slotGuess = (width - 80) / Labels.Length;
        double longest = Labels.Max(l => SvgDocument.TextWidth(l, Axes.TickFont));
        bool rotate = longest > slotGuess * 0.9;
        double bottomExtra = rotate ? longest * Math.Sin(40 * Math.PI / 180) + 14 : 22;
        // A turned label reaches left of its bar by its width times cos 40°: the first one must not leave the picture.
        double leftExtra = rotate ? Math.Max(0, longest * Math.Cos(40 * Math.PI / 180) - slotGuess / 2 - 30) : 0;
        var axes = new Axes(doc, x, y, width, height, Title, XLabel, YLabel, [], yTicks, bottomExtra: bottomExtra, leftExtra: leftExtra)
            { BottomLabelOffset = bottomExtra - 10, LeftLabelOffset = leftExtra };
        axes.BeginData();
        double slot = (axes.Right - axes.Left) / Labels.Length, bar = slot * 0.7;
        for (int i = 0; i < Labels.Length; i++)
        {
            if (!double.IsFinite(Values[i])) continue;
            double cx = axes.Left + (i + 0.5) * slot;
            double y0 = axes.Y(0), y1 = axes.Y(Values[i]);
            var color = Highlight == i ? Palette.Class(1) : Palette.Class(0);
            doc.Rect(cx - bar / 2, Math.Min(y0, y1), bar, Math.Abs(y1 - y0), color, crisp: true);
            string text = Values[i].ToString(ValueFormat, System.Globalization.CultureInfo.InvariantCulture);
            double size = Math.Min(11, Math.Max(7, slot / Math.Max(1, text.Length) / 0.6));
            doc.Text(cx, Values[i] >= 0 ? y1 - 4 : y1 + size + 2, text, size, "middle", Color.FromHex("#333333"));
        }
        axes.EndData();
        for (int i = 0; i < Labels.Length; i++)
        {
            double cx = axes.Left + (i + 0.5) * slot;
            if (rotate) doc.Text(cx + 3, axes.Bottom + 12, Labels[i], Axes.TickFont, "end", Color.FromHex("#333333"), rotate: -40);
            else doc.Text(cx, axes.Bottom + 17, Labels[i], Axes.TickFont, "middle", Color.FromHex("#333333"));
        }
    }
}
