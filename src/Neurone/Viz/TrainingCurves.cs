using Neurone.Training;

namespace Neurone.Viz;

/// <summary>
/// Loss and accuracy per epoch from a <see cref="History"/>, as two panels side by side: training
/// solid, validation ("val_" keys) dashed in the same colour, so the gap between them — the
/// over-fitting a learner looks for — reads at a glance. The accuracy panel appears when accuracy
/// was logged; other keys (such as "lr") can be added as extra panels by name.
/// </summary>
public sealed class TrainingCurves : Chart
{
    readonly History history;
    readonly string[] panels;

    /// <summary>Curves of <paramref name="history"/>; <paramref name="keys"/> picks the panels (default: loss, and accuracy if logged).</summary>
    public TrainingCurves(History history, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Epochs.Count == 0) throw new ArgumentException("training curves: the history has no epochs.");
        this.history = history;
        panels = keys.Length > 0 ? keys : history.Contains("accuracy") || history.Contains("val_accuracy") ? ["loss", "accuracy"] : ["loss"];
        foreach (var key in panels)
            if (!history.Contains(key) && !history.Contains("val_" + key))
                throw new ArgumentException($"training curves: no '{key}' or 'val_{key}' in the history; logged are {string.Join(", ", history.Keys)}.");
        Title = null;
        Width = 460 * panels.Length;
        Height = 360;
    }

    /// <summary>The keys drawn, one panel each.</summary>
    public IReadOnlyList<string> Panels => panels;

    public override void Render(SvgDocument doc, double x, double y, double width, double height)
    {
        ArgumentNullException.ThrowIfNull(doc);
        double top = y;
        if (Title is not null)
        {
            doc.Text(x + width / 2, y + 20, Title, Axes.TitleFont + 1, "middle", bold: true);
            top += 28;
        }
        double panelWidth = width / panels.Length;
        var epochs = history.Epochs.Select(e => (double)e).ToArray();
        for (int p = 0; p < panels.Length; p++)
        {
            string key = panels[p];
            var chart = new LineChart(Capitalise(key), "epoch", key) { IntegerX = true };
            if (key.Contains("accuracy", StringComparison.Ordinal)) chart.YMax = 1;
            if (history.Contains(key)) chart.Add("training", epochs, history[key], Palette.Class(0));
            if (history.Contains("val_" + key)) chart.Add("validation", epochs, history["val_" + key], Palette.Class(1), dashed: true);
            chart.Render(doc, x + p * panelWidth, top, panelWidth, height - (top - y));
        }
    }

    static string Capitalise(string key) => key.Length == 0 ? key : char.ToUpperInvariant(key[0]) + key[1..].Replace('_', ' ');
}
