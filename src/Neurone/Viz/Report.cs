using System.Globalization;
using System.Text;
using Neurone.Serialization;
using Neurone.Training;

namespace Neurone.Viz;

/// <summary>
/// One self-contained HTML page about a training run: its configuration, final metrics, training
/// curves, confusion matrix, sample predictions and any other chart or image, in the order added.
/// Charts are inlined as SVG and images as base64 PNG, styles are inline and no fonts or scripts
/// are fetched, so the file opens anywhere without a network and can be mailed or archived as it
/// is. Build it with the Add… methods, then <see cref="Save"/> (atomic) or <see cref="ToHtml"/>.
/// </summary>
public sealed class Report
{
    readonly List<KeyValuePair<string, string>> configuration = [];
    readonly List<KeyValuePair<string, string>> metrics = [];
    readonly List<(string Heading, string Html)> sections = [];
    int figures;

    public Report(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
    }

    public string Title { get; }

    /// <summary>A line under the title (for example when and where the run happened); null for none.</summary>
    public string? Subtitle { get; set; }

    /// <summary>Adds configuration entries (model, optimizer, learning rate, seed…), shown in the order given.</summary>
    public Report AddConfiguration(IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        configuration.AddRange(entries);
        return this;
    }

    /// <summary>Adds one configuration entry.</summary>
    public Report AddConfiguration(string key, string value)
    {
        configuration.Add(new(key, value));
        return this;
    }

    /// <summary>Adds final metrics (as Evaluate returns them); fractions of one such as accuracy print with four decimals.</summary>
    public Report AddMetrics(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (k, v) in values) metrics.Add(new(k, v.ToString("0.####", CultureInfo.InvariantCulture)));
        return this;
    }

    /// <summary>Adds the loss and accuracy curves of <paramref name="history"/> and, when training stopped early, why.</summary>
    public Report AddHistory(History history, string heading = "Training curves")
    {
        ArgumentNullException.ThrowIfNull(history);
        AddChart(heading, new TrainingCurves(history));
        if (history.StopReason is not null)
            sections[^1] = (heading, sections[^1].Html + $"<p class=\"note\">Stopped early: {Escape(history.StopReason)}</p>\n");
        return this;
    }

    /// <summary>Adds the heat map of <paramref name="matrix"/> and its per-class precision, recall and F1 table.</summary>
    public Report AddConfusionMatrix(ConfusionMatrix matrix, IReadOnlyList<string>? classNames = null, string heading = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var plot = new ConfusionMatrixPlot(matrix, classNames, title: null);
        sections.Add((heading, Figure(plot) + "<pre>" + Escape(matrix.ToString(classNames)) + "</pre>\n"));
        return this;
    }

    /// <summary>Adds any chart, inlined as SVG.</summary>
    public Report AddChart(string heading, Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        sections.Add((heading, Figure(chart)));
        return this;
    }

    /// <summary>Adds an image (sample predictions, weights, reconstructions) as an embedded PNG, with an optional caption.</summary>
    public Report AddImage(string heading, Image image, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        string alt = Escape(caption ?? heading);
        var html = new StringBuilder("<figure><img class=\"grid\" alt=\"").Append(alt).Append("\" width=\"").Append(image.Width)
            .Append("\" height=\"").Append(image.Height).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(image.ToPng())).Append("\">");
        if (caption is not null) html.Append("<figcaption>").Append(Escape(caption)).Append("</figcaption>");
        sections.Add((heading, html.Append("</figure>\n").ToString()));
        return this;
    }

    /// <summary>Adds preformatted text (a summary, a log excerpt).</summary>
    public Report AddText(string heading, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        sections.Add((heading, "<pre>" + Escape(text) + "</pre>\n"));
        return this;
    }

    /// <summary>The page.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>").Append(Escape(Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
          .Append("<h1>").Append(Escape(Title)).Append("</h1>\n");
        if (Subtitle is not null) sb.Append("<p class=\"sub\">").Append(Escape(Subtitle)).Append("</p>\n");
        if (configuration.Count > 0 || metrics.Count > 0)
        {
            sb.Append("<div class=\"tables\">\n");
            if (configuration.Count > 0) Table(sb, "Configuration", configuration);
            if (metrics.Count > 0) Table(sb, "Final metrics", metrics);
            sb.Append("</div>\n");
        }
        foreach (var (heading, html) in sections)
            sb.Append("<section>\n<h2>").Append(Escape(heading)).Append("</h2>\n").Append(html).Append("</section>\n");
        sb.Append("<footer>Made by Neurone.Viz.Report</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the page to <paramref name="path"/> as UTF-8, atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, new UTF8Encoding(false).GetBytes(ToHtml()));

    string Figure(Chart chart) => "<figure>" + chart.ToSvg($"f{figures++}-").ToMarkup(withNamespace: false) + "</figure>\n";

    static void Table(StringBuilder sb, string caption, List<KeyValuePair<string, string>> rows)
    {
        sb.Append("<table>\n<caption>").Append(Escape(caption)).Append("</caption>\n");
        foreach (var (k, v) in rows) sb.Append("<tr><th>").Append(Escape(k)).Append("</th><td>").Append(Escape(v)).Append("</td></tr>\n");
        sb.Append("</table>\n");
    }

    static string Escape(string s) => SvgDocument.Escape(s);

    const string Style = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
        h1 { font-size: 24px; margin-bottom: 4px; }
        h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
        .sub, .note, footer { color: #666; font-size: 13px; }
        .tables { display: flex; flex-wrap: wrap; gap: 32px; align-items: flex-start; }
        table { border-collapse: collapse; font-size: 14px; }
        caption { text-align: left; font-weight: bold; padding-bottom: 6px; }
        th, td { text-align: left; padding: 3px 14px 3px 0; border-bottom: 1px solid #eee; }
        th { color: #555; font-weight: normal; }
        td { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        figure { margin: 8px 0; overflow-x: auto; }
        img.grid { image-rendering: pixelated; }
        pre { background: #f7f7f7; padding: 10px; font-size: 12.5px; overflow-x: auto; }
        footer { margin-top: 32px; }

        """;
}
