using System.Globalization;
using System.Text;
using Neurone.Tensors;

namespace Neurone.Viz;

/// <summary>
/// The decision regions of any classifier on 2-D data: the plane is sampled on a grid, each grid
/// cell is filled with a tint of its predicted class, the boundary between classes is traced with
/// marching squares as a dark line, and the data points are drawn on top in full colour. The
/// classifier is a function from points [n, 2] to classes (or to scores, argmax taken), so a
/// network's <c>Trainer.PredictClasses</c>, an SVM or a hand-written rule all fit.
/// </summary>
public sealed class DecisionRegions : Chart
{
    readonly Func<Tensor, int[]> classify;
    readonly double[] xs, ys;
    readonly int[] labels;
    readonly IReadOnlyList<string>? classNames;

    /// <summary>Regions of <paramref name="classify"/> (points [n, 2] → n classes) around the labelled <paramref name="points"/> [n, 2].</summary>
    public DecisionRegions(Func<Tensor, int[]> classify, Tensor points, ReadOnlySpan<int> labels, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(classify);
        ArgumentNullException.ThrowIfNull(points);
        if (points.Rank != 2 || points.Size(1) != 2)
            throw new ArgumentException($"decision regions: expected points [n, 2], got {Shapes.Format(points.Shape)}.");
        int n = points.Size(0);
        if (n == 0) throw new ArgumentException("decision regions: expected at least one point.");
        if (labels.Length != n) throw new ArgumentException($"decision regions: {n} points need {n} labels, got {labels.Length}.");
        this.classify = classify;
        var data = points.AsReadOnlySpan();
        xs = new double[n];
        ys = new double[n];
        for (int i = 0; i < n; i++) { xs[i] = data[2 * i]; ys[i] = data[2 * i + 1]; }
        this.labels = labels.ToArray();
        if (this.labels.Any(l => l < 0)) throw new ArgumentException("decision regions: expected class labels >= 0.");
        this.classNames = classNames;
        Title = title;
        Width = 600;
        Height = 500;
    }

    /// <summary>
    /// Regions of a scoring function (points [n, 2] → scores [n, classes], argmax taken; or [n] /
    /// [n, 1] for a binary score, class 1 where it is above zero).
    /// </summary>
    public static DecisionRegions FromScores(Func<Tensor, Tensor> score, Tensor points, ReadOnlySpan<int> labels, IReadOnlyList<string>? classNames = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        return new(x => ArgMax(score(x), x.Size(0)), points, labels, classNames, title);
    }

    public string? XLabel { get; set; } = "x1";
    public string? YLabel { get; set; } = "x2";

    /// <summary>Grid cells along the wider side; more gives a smoother boundary and a larger file.</summary>
    public int Resolution { get; set; } = 120;

    public override void Render(SvgDocument doc, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(doc);
        if (Resolution < 4) throw new ArgumentOutOfRangeException(nameof(Resolution), Resolution, "decision regions: expected a resolution of at least 4.");
        var (x0, x1) = Range(xs);
        var (y0, y1) = Range(ys);
        double padX = Math.Max(x1 - x0, 1e-9) * 0.08, padY = Math.Max(y1 - y0, 1e-9) * 0.08;
        var xTicks = Ticks.Nice(x0 - padX, x1 + padX);
        var yTicks = Ticks.Nice(y0 - padY, y1 + padY);
        int classes = Math.Max(classNames?.Count ?? 0, labels.Max() + 1);
        var entries = Enumerable.Range(0, classes).Select(c => new LegendEntry(Name(c), Palette.Class(c), LegendMark.Dot)).ToList();
        var axes = new Axes(doc, x, y, width, height, Title, XLabel, YLabel, xTicks, yTicks, legendWidth: Legend.Width(entries));

        double plotW = axes.Right - axes.Left, plotH = axes.Bottom - axes.Top;
        int cols = plotW >= plotH ? Resolution : Math.Max(4, (int)Math.Round(Resolution * plotW / plotH));
        int rows = plotH >= plotW ? Resolution : Math.Max(4, (int)Math.Round(Resolution * plotH / plotW));
        var grid = Predict(axes, cols, rows, classes);
        double cw = plotW / cols, ch = plotH / rows;

        axes.BeginData(grid: false);
        // One rectangle per run of equal cells in a row keeps the file small; crisp edges avoid hairline seams.
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols;)
            {
                int k = grid[r, c], end = c;
                while (end < cols && grid[r, end] == k) end++;
                doc.Rect(axes.Left + c * cw, axes.Top + r * ch, (end - c) * cw + 0.5, ch + 0.5, Palette.Tint(k), crisp: true);
                c = end;
            }
        doc.Path(Boundary(grid, rows, cols, axes.Left, axes.Top, cw, ch), Color.FromHex("#262626"), 1.6);
        for (int i = 0; i < xs.Length; i++)
            if (double.IsFinite(xs[i]) && double.IsFinite(ys[i]))
                doc.Circle(axes.X(xs[i]), axes.Y(ys[i]), xs.Length <= 400 ? 3.6 : 2.6, Palette.Class(labels[i]), Color.FromHex("#202020"), 0.6);
        axes.EndData();
        var (lx, ly) = axes.LegendOrigin;
        Legend.Draw(doc, lx, ly, entries);
    }

    /// <summary>The class at each cell centre, row 0 at the top.</summary>
    int[,] Predict(Axes axes, int cols, int rows, int classes)
    {
        var centres = new float[rows * cols * 2];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int i = r * cols + c;
                centres[2 * i] = (float)(axes.XMin + (c + 0.5) / cols * (axes.XMax - axes.XMin));
                centres[2 * i + 1] = (float)(axes.YMax - (r + 0.5) / rows * (axes.YMax - axes.YMin));
            }
        var predicted = classify(Tensor.FromArray(centres, rows * cols, 2));
        if (predicted is null || predicted.Length != rows * cols)
            throw new InvalidOperationException($"decision regions: the classifier returned {predicted?.Length ?? 0} classes for {rows * cols} grid points.");
        var grid = new int[rows, cols];
        for (int i = 0; i < predicted.Length; i++)
        {
            if (predicted[i] < 0) throw new InvalidOperationException($"decision regions: the classifier returned class {predicted[i]} for grid point {i}.");
            grid[i / cols, i % cols] = predicted[i];
        }
        return grid;
    }

    /// <summary>
    /// Marching squares over the grid of cell centres: in each square of four neighbouring centres,
    /// the edges whose ends differ in class are crossed by the boundary at their midpoints; two
    /// crossings are joined directly, three or four (where classes meet) through the square's centre.
    /// </summary>
    static string Boundary(int[,] grid, int rows, int cols, double left, double top, double cw, double ch)
    {
        var d = new StringBuilder();
        var points = new List<(double X, double Y)>(4);
        for (int r = 0; r + 1 < rows; r++)
            for (int c = 0; c + 1 < cols; c++)
            {
                int a = grid[r, c], b = grid[r, c + 1], e = grid[r + 1, c + 1], f = grid[r + 1, c];
                if (a == b && b == e && e == f) continue;
                double cx0 = left + (c + 0.5) * cw, cy0 = top + (r + 0.5) * ch, cx1 = cx0 + cw, cy1 = cy0 + ch;
                points.Clear();
                if (a != b) points.Add(((cx0 + cx1) / 2, cy0));
                if (b != e) points.Add((cx1, (cy0 + cy1) / 2));
                if (e != f) points.Add(((cx0 + cx1) / 2, cy1));
                if (f != a) points.Add((cx0, (cy0 + cy1) / 2));
                if (points.Count == 2) Segment(d, points[0], points[1]);
                else
                {
                    var centre = ((cx0 + cx1) / 2, (cy0 + cy1) / 2);
                    foreach (var p in points) Segment(d, p, centre);
                }
            }
        return d.Length == 0 ? "M0,0" : d.ToString();
    }

    static void Segment(StringBuilder d, (double X, double Y) p, (double X, double Y) q) =>
        d.Append('M').Append(SvgDocument.Num(p.X)).Append(',').Append(SvgDocument.Num(p.Y))
         .Append('L').Append(SvgDocument.Num(q.X)).Append(',').Append(SvgDocument.Num(q.Y));

    static int[] ArgMax(Tensor scores, int n)
    {
        var s = scores.AsReadOnlySpan();
        var result = new int[n];
        if (scores.Count == n)
        {
            for (int i = 0; i < n; i++) result[i] = s[i] > 0 ? 1 : 0;
            return result;
        }
        if (scores.Rank != 2 || scores.Size(0) != n)
            throw new InvalidOperationException($"decision regions: expected scores [{n}, classes] or [{n}], got {Shapes.Format(scores.Shape)}.");
        int k = scores.Size(1);
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++) if (s[i * k + j] > s[i * k + best]) best = j;
            result[i] = best;
        }
        return result;
    }

    string Name(int c) => classNames is not null && c < classNames.Count ? classNames[c] : "class " + c.ToString(CultureInfo.InvariantCulture);
}
