namespace Neurone.Viz;

/// <summary>
/// The frame every chart draws in: it reserves margins for the title, tick labels, axis labels and
/// a legend on the right (so a legend never covers data), maps data to pixels, draws grid lines
/// under the data and axes, ticks and labels over it. Categorical axes pass no ticks and draw
/// their own labels.
/// </summary>
internal sealed class Axes
{
    public const double TickFont = 11, LabelFont = 12.5, TitleFont = 14;
    static readonly Color GridColor = Color.FromHex("#e4e4e4"), AxisColor = Color.FromHex("#444444"), TextColor = Color.FromHex("#333333");

    readonly SvgDocument doc;
    readonly string? title, xLabel, yLabel;
    readonly double[] xTicks, yTicks;
    readonly string[] xTickLabels, yTickLabels;
    string? clip;

    public Axes(SvgDocument doc, double x, double y, double width, double height, string? title, string? xLabel, string? yLabel,
        double[] xTicks, double[] yTicks, bool logX = false, double legendWidth = 0, double bottomExtra = 0, double leftExtra = 0,
        string[]? yTickLabels = null)
    {
        this.doc = doc;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.xTicks = xTicks;
        this.yTicks = yTicks;
        LogX = logX;
        xTickLabels = logX ? xTicks.Select(Ticks.FormatLog).ToArray() : Ticks.Labels(xTicks);
        this.yTickLabels = yTickLabels ?? Ticks.Labels(yTicks);
        double yTickWidth = this.yTickLabels.Length == 0 ? 0 : this.yTickLabels.Max(l => SvgDocument.TextWidth(l, TickFont));
        Left = x + 10 + (yLabel is null ? 0 : 22) + Math.Max(yTickWidth, leftExtra) + 8;
        Top = y + (title is null ? 12 : 34);
        Right = x + width - 18 - legendWidth;
        Bottom = y + height - 8 - (xTicks.Length > 0 ? 22 : 0) - (xLabel is null ? 0 : 22) - bottomExtra;
        if (Right - Left < 20 || Bottom - Top < 20)
            throw new ArgumentException($"chart: {width}x{height} pixels leave no room for the plot after labels and legend; make the chart larger.");
        XMin = xTicks.Length > 0 ? xTicks[0] : 0;
        XMax = xTicks.Length > 0 ? xTicks[^1] : 1;
        YMin = yTicks.Length > 0 ? yTicks[0] : 0;
        YMax = yTicks.Length > 0 ? yTicks[^1] : 1;
    }

    public double Left { get; }
    public double Top { get; }
    public double Right { get; }
    public double Bottom { get; }
    public double XMin { get; init; }
    public double XMax { get; init; }
    public double YMin { get; init; }
    public double YMax { get; init; }
    public bool LogX { get; }

    public double X(double v) => LogX
        ? Left + (Math.Log10(v) - Math.Log10(XMin)) / (Math.Log10(XMax) - Math.Log10(XMin)) * (Right - Left)
        : Left + (v - XMin) / (XMax - XMin) * (Right - Left);

    public double Y(double v) => Bottom - (v - YMin) / (YMax - YMin) * (Bottom - Top);

    /// <summary>Plot background and grid lines; then opens a group clipped to the plot area for the data.</summary>
    public void BeginData(bool grid = true)
    {
        doc.Rect(Left, Top, Right - Left, Bottom - Top, Color.White);
        if (grid)
        {
            foreach (double t in xTicks) doc.Line(X(t), Top, X(t), Bottom, GridColor, 1, crisp: true);
            foreach (double t in yTicks) doc.Line(Left, Y(t), Right, Y(t), GridColor, 1, crisp: true);
        }
        clip = doc.ClipRect(Left, Top, Right - Left, Bottom - Top);
        doc.BeginGroup(clip);
    }

    /// <summary>Closes the data group and draws axes, ticks, tick labels, axis labels and the title over the data.</summary>
    public void EndData()
    {
        if (clip is not null) doc.EndGroup();
        clip = null;
        doc.Line(Left, Bottom, Right, Bottom, AxisColor, 1, crisp: true);
        doc.Line(Left, Top, Left, Bottom, AxisColor, 1, crisp: true);
        for (int i = 0; i < xTicks.Length; i++)
        {
            double px = X(xTicks[i]);
            doc.Line(px, Bottom, px, Bottom + 5, AxisColor, 1, crisp: true);
            doc.Text(px, Bottom + 18, xTickLabels[i], TickFont, "middle", TextColor);
        }
        for (int i = 0; i < yTicks.Length; i++)
        {
            double py = Y(yTicks[i]);
            doc.Line(Left - 5, py, Left, py, AxisColor, 1, crisp: true);
            doc.Text(Left - 8, py + TickFont * 0.35, yTickLabels[i], TickFont, "end", TextColor);
        }
        if (xLabel is not null)
            doc.Text((Left + Right) / 2, Bottom + (xTicks.Length > 0 ? 22 : 0) + BottomLabelOffset + 16, xLabel, LabelFont, "middle", TextColor);
        if (yLabel is not null)
        {
            double yTickWidth = yTickLabels.Length == 0 ? 0 : yTickLabels.Max(l => SvgDocument.TextWidth(l, TickFont));
            double px = Left - 8 - Math.Max(yTickWidth, LeftLabelOffset) - 12;
            doc.Text(px, (Top + Bottom) / 2, yLabel, LabelFont, "middle", TextColor, rotate: -90);
        }
        if (title is not null) doc.Text((Left + Right) / 2, Top - 14, title, TitleFont, "middle", Color.FromHex("#111111"), bold: true);
    }

    /// <summary>Extra room below the tick labels (rotated category labels) that the x-axis label must clear.</summary>
    public double BottomLabelOffset { get; init; }

    /// <summary>Extra room left of the axis (long category labels) that the y-axis label must clear.</summary>
    public double LeftLabelOffset { get; init; }

    /// <summary>Where a legend reserved with <c>legendWidth</c> starts.</summary>
    public (double X, double Y) LegendOrigin => (Right + 14, Top);
}
