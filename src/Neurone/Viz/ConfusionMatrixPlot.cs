using System.Globalization;
using Neurone.Training;

namespace Neurone.Viz;

/// <summary>
/// A confusion-matrix heat map: true classes down the side, predicted classes along the bottom (as
/// scikit-learn's ConfusionMatrixDisplay), the count written in each cell, and each cell shaded by
/// the fraction of its true class it holds — so a class with few samples still shows its mistakes.
/// A scale on the right says what the shades mean.
/// </summary>
public sealed class ConfusionMatrixPlot : Chart
{
    readonly long[,] counts;
    readonly IReadOnlyList<string>? classNames;

    public ConfusionMatrixPlot(ConfusionMatrix matrix, IReadOnlyList<string>? classNames = null, string? title = "Confusion matrix")
        : this(CountsOf(matrix), classNames, title) { }

    /// <summary>From counts[true, predicted].</summary>
    public ConfusionMatrixPlot(long[,] counts, IReadOnlyList<string>? classNames = null, string? title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(counts);
        int k = counts.GetLength(0);
        if (k == 0 || counts.GetLength(1) != k)
            throw new ArgumentException($"confusion plot: expected a square matrix of counts, got {counts.GetLength(0)}x{counts.GetLength(1)}.");
        if (classNames is not null && classNames.Count != k)
            throw new ArgumentException($"confusion plot: {k} classes need {k} names, got {classNames.Count}.");
        this.counts = (long[,])counts.Clone();
        this.classNames = classNames;
        Title = title;
        Width = Height = Math.Clamp(160 + 44 * k, 360, 900);
        Width += 60;
    }

    public override void Render(SvgDocument doc, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(doc);
        int k = counts.GetLength(0);
        var names = Enumerable.Range(0, k).Select(Name).ToArray();
        double nameWidth = names.Max(n => SvgDocument.TextWidth(n, Axes.TickFont));
        double top = y + (Title is null ? 12 : 36);
        double left = x + 10 + 22 + nameWidth + 8;
        double scaleWidth = 64;
        double availableW = x + width - 12 - scaleWidth - left;
        // Column labels are turned when they are wider than a cell would be.
        double cellGuess = Math.Min(availableW, height - (top - y) - 60) / k;
        bool rotate = nameWidth > cellGuess - 4;
        double bottomRoom = (rotate ? nameWidth * Math.Sin(45 * Math.PI / 180) + 16 : 22) + 24;
        double cell = Math.Max(4, Math.Min(availableW, y + height - bottomRoom - top) / k);
        double size = cell * k;
        var text = Color.FromHex("#333333");

        for (int i = 0; i < k; i++)
        {
            long rowTotal = 0;
            for (int j = 0; j < k; j++) rowTotal += counts[i, j];
            for (int j = 0; j < k; j++)
            {
                double fraction = rowTotal == 0 ? 0 : counts[i, j] / (double)rowTotal;
                var fill = Palette.Heat(fraction);
                doc.Rect(left + j * cell, top + i * cell, cell, cell, fill, Color.White, 1);
                string count = counts[i, j].ToString(CultureInfo.InvariantCulture);
                double font = Math.Min(13, Math.Min(cell * 0.38, cell / Math.Max(1, count.Length) / 0.62));
                if (font >= 5)
                    doc.Text(left + (j + 0.5) * cell, top + (i + 0.5) * cell + font * 0.35, count, font, "middle",
                        fill.Luminance < 0.55 ? Color.White : Color.FromHex("#1a1a1a"), bold: i == j);
            }
        }
        for (int i = 0; i < k; i++)
            doc.Text(left - 8, top + (i + 0.5) * cell + Axes.TickFont * 0.35, names[i], Axes.TickFont, "end", text);
        for (int j = 0; j < k; j++)
        {
            double cx = left + (j + 0.5) * cell;
            if (rotate) doc.Text(cx + 3, top + size + 12, names[j], Axes.TickFont, "end", text, rotate: -45);
            else doc.Text(cx, top + size + 17, names[j], Axes.TickFont, "middle", text);
        }
        doc.Text(left + size / 2, top + size + bottomRoom - 6, "predicted", Axes.LabelFont, "middle", text);
        doc.Text(left - 8 - nameWidth - 12, top + size / 2, "true", Axes.LabelFont, "middle", text, rotate: -90);
        if (Title is not null) doc.Text(left + size / 2, top - 16, Title, Axes.TitleFont, "middle", Color.FromHex("#111111"), bold: true);

        // The shade scale: ten steps from 0 to 100 % of the true class.
        double sx = left + size + 18, steps = 10, barH = Math.Min(size, 220);
        for (int s = 0; s < steps; s++)
            doc.Rect(sx, top + barH - (s + 1) * barH / steps, 14, barH / steps + 0.5, Palette.Heat((s + 0.5) / steps), crisp: true);
        doc.Rect(sx, top, 14, barH, Color.White, Color.FromHex("#888888"), 0.8, opacity: 0);
        doc.Text(sx + 18, top + 4 + Axes.TickFont * 0.35, "100%", Axes.TickFont - 1, fill: text);
        doc.Text(sx + 18, top + barH + Axes.TickFont * 0.35, "0%", Axes.TickFont - 1, fill: text);
        doc.Text(sx + 7, top + barH + 16, "of row", Axes.TickFont - 1.5, "middle", text);
    }

    string Name(int c) => classNames is not null ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);

    static long[,] CountsOf(ConfusionMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var c = new long[matrix.Classes, matrix.Classes];
        for (int i = 0; i < matrix.Classes; i++)
            for (int j = 0; j < matrix.Classes; j++) c[i, j] = matrix[i, j];
        return c;
    }
}
