namespace Neurone.Viz;

/// <summary>
/// The base of the SVG charts: a title and a size, a <see cref="Render"/> that draws into any
/// rectangle of a document (so charts compose into panels, as <see cref="TrainingCurves"/> does),
/// and <see cref="ToSvg"/>/<see cref="Save"/> for a chart on its own.
/// </summary>
public abstract class Chart
{
    /// <summary>The title above the plot, or null for none.</summary>
    public string? Title { get; set; }

    /// <summary>The width in pixels when rendered on its own.</summary>
    public double Width { get; set; } = 640;

    /// <summary>The height in pixels when rendered on its own.</summary>
    public double Height { get; set; } = 420;

    /// <summary>Draws the chart into the rectangle (x, y, width, height) of <paramref name="doc"/>.</summary>
    public abstract void Render(SvgDocument doc, double x, double y, double width, double height);

    /// <summary>The chart as its own SVG document of <see cref="Width"/>×<see cref="Height"/>.</summary>
    public SvgDocument ToSvg(string idPrefix = "")
    {
        var doc = new SvgDocument(Width, Height, Title, idPrefix);
        Render(doc, 0, 0, Width, Height);
        return doc;
    }

    /// <summary>Writes the chart as an .svg file, atomically.</summary>
    public void Save(string path) => ToSvg().Save(path);

    /// <summary>The finite values of <paramref name="values"/>' range, or (0, 1) when there are none.</summary>
    internal static (double Min, double Max) Range(IEnumerable<double> values)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values)
            if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        return double.IsFinite(lo) ? (lo, hi) : (0, 1);
    }
}
