namespace Neurone.Viz;

/// <summary>How a legend entry shows its series.</summary>
internal enum LegendMark { Line, DashedLine, Dot, Box }

/// <summary>One legend line: a name and how its series looks.</summary>
internal readonly record struct LegendEntry(string Name, Color Color, LegendMark Mark);

/// <summary>
/// A legend block drawn in the margin right of the plot (the axes reserve its width), one entry per
/// line, so it can never hide data the way an "upper right" legend inside the plot can.
/// </summary>
internal static class Legend
{
    const double Font = 11.5, RowHeight = 18, SwatchWidth = 22;

    public static double Width(IEnumerable<LegendEntry> entries)
    {
        double longest = entries.Select(e => SvgDocument.TextWidth(e.Name, Font)).DefaultIfEmpty(0).Max();
        return longest == 0 ? 0 : SwatchWidth + 8 + longest + 8;
    }

    public static void Draw(SvgDocument doc, double x, double y, IReadOnlyList<LegendEntry> entries)
    {
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            double cy = y + 8 + i * RowHeight;
            switch (e.Mark)
            {
                case LegendMark.Line: doc.Line(x, cy, x + SwatchWidth, cy, e.Color, 2.5); break;
                case LegendMark.DashedLine: doc.Line(x, cy, x + SwatchWidth, cy, e.Color, 2.5, "6 3"); break;
                case LegendMark.Dot: doc.Circle(x + SwatchWidth / 2, cy, 4.5, e.Color, Color.FromHex("#333333"), 0.6); break;
                default: doc.Rect(x + 4, cy - 6, SwatchWidth - 8, 12, e.Color, Color.FromHex("#555555"), 0.6); break;
            }
            doc.Text(x + SwatchWidth + 8, cy + Font * 0.35, e.Name, Font, fill: Color.FromHex("#333333"));
        }
    }
}
