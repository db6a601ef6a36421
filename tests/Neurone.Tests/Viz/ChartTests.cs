using System.Xml.Linq;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Tests.Viz;

public sealed class ChartTests
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    static XDocument Parse(Chart chart) => XDocument.Parse(chart.ToSvg().ToString());

    static List<string> Texts(XDocument doc) => doc.Descendants(Svg + "text").Select(t => t.Value).ToList();

    static History SampleHistory()
    {
        var h = new History();
        for (int e = 1; e <= 12; e++)
            h.Append(e, new Dictionary<string, double>
            {
                ["loss"] = 1.0 / e, ["accuracy"] = 1 - 0.5 / e, ["val_loss"] = 1.2 / e + 0.01 * e, ["val_accuracy"] = 0.9 - 0.4 / e, ["lr"] = 0.01,
            });
        return h;
    }

    [Fact]
    public void Training_curves_have_two_panels_with_labels_and_legends()
    {
        var doc = Parse(new TrainingCurves(SampleHistory()));
        var texts = Texts(doc);
        Assert.Contains("Loss", texts);
        Assert.Contains("Accuracy", texts);
        Assert.Equal(2, texts.Count(t => t == "epoch"));
        Assert.Equal(2, texts.Count(t => t == "training"));
        Assert.Equal(2, texts.Count(t => t == "validation"));
        Assert.Equal(4, doc.Descendants(Svg + "polyline").Count());
        Assert.Contains(doc.Descendants(Svg + "polyline"), p => p.Attribute("stroke-dasharray") is not null);
        // Epoch ticks are whole numbers.
        Assert.Contains("10", texts);
        Assert.DoesNotContain("2.5", texts);
    }

    [Fact]
    public void Training_curves_name_missing_keys()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainingCurves(SampleHistory(), "f1"));
        Assert.Contains("val_f1", e.Message);
        Assert.Contains("val_accuracy", e.Message);
    }

    [Fact]
    public void Nan_values_break_a_line_instead_of_bridging_it()
    {
        var chart = new LineChart("t", "x", "y").Add("s", [1, 2, 3, 4, 5], [1, 2, double.NaN, 4, 5]);
        Assert.Equal(2, Parse(chart).Descendants(Svg + "polyline").Count());
    }

    [Fact]
    public void Titles_and_names_are_escaped()
    {
        string nasty = "a < b & \"c\" 'd' \u0001 > e";
        var chart = new LineChart(nasty, nasty, nasty).Add(nasty, [1, 2], [3, 4]);
        var doc = Parse(chart);
        Assert.Contains("a < b & \"c\" 'd'  > e", Texts(doc));
        Assert.Equal("a < b & \"c\" 'd'  > e", doc.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Scatter_plot_has_a_point_per_row_and_a_legend_entry_per_class()
    {
        var points = Tensor.Randn([60, 2], new Rng(1));
        var labels = Enumerable.Range(0, 60).Select(i => i % 3).ToArray();
        var doc = Parse(new ScatterPlot(points, labels, ["zero", "one", "two"], "map") { XLabel = "d1", YLabel = "d2" });
        Assert.Equal(60 + 3, doc.Descendants(Svg + "circle").Count());
        var texts = Texts(doc);
        Assert.Contains("zero", texts);
        Assert.Contains("two", texts);
        Assert.Contains("d1", texts);
        Assert.Contains("map", texts);
    }

    [Fact]
    public void Decision_regions_trace_the_boundary_of_the_classifier()
    {
        var points = Tensor.FromArray([-1f, -1f, 1f, 1f, -0.5f, 0.7f, 0.4f, -0.8f], 4, 2);
        int[] labels = [0, 1, 0, 1];
        // Class 1 right of x = 0.1: the boundary is a vertical line there.
        var chart = new DecisionRegions(x => Enumerable.Range(0, x.Size(0)).Select(i => x[i, 0] > 0.1f ? 1 : 0).ToArray(), points, labels) { Resolution = 40 };
        var svg = chart.ToSvg();
        var doc = XDocument.Parse(svg.ToString());
        var path = doc.Descendants(Svg + "path").Single();
        var xs = path.Attribute("d")!.Value.Split('M', 'L', StringSplitOptions.RemoveEmptyEntries).Select(p => double.Parse(p.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.Single(xs); // one vertical line
        Assert.Equal(4 + 2, doc.Descendants(Svg + "circle").Count());
        // Region rectangles come in two tints only.
        var fills = doc.Descendants(Svg + "rect").Where(r => r.Attribute("shape-rendering")?.Value == "crispEdges").Select(r => r.Attribute("fill")!.Value).Distinct().ToList();
        Assert.Equal(new[] { Palette.Tint(0).ToHex(), Palette.Tint(1).ToHex() }.Order(), fills.Order());
    }

    [Fact]
    public void Decision_regions_take_scores_too()
    {
        var points = Tensor.Randn([20, 2], new Rng(2));
        var labels = Enumerable.Range(0, 20).Select(i => i % 3).ToArray();
        // Scores (x1, x2, −x1): the regions of their argmax, which the same picture drawn from classes must give.
        var chart = DecisionRegions.FromScores(x => x.MatMul(Tensor.FromArray([1f, 0f, -1f, 0f, 1f, 0f], 2, 3)), points, labels);
        var byClass = new DecisionRegions(x => Enumerable.Range(0, x.Size(0))
            .Select(i => new[] { x[i, 0], x[i, 1], -x[i, 0] } is var s ? Array.IndexOf(s, s.Max()) : 0).ToArray(), points, labels);
        Assert.Equal(byClass.ToSvg().ToString(), chart.ToSvg().ToString());
        var fills = Parse(chart).Descendants(Svg + "rect").Where(r => r.Attribute("shape-rendering")?.Value == "crispEdges").Select(r => r.Attribute("fill")!.Value).Distinct();
        Assert.Equal(new[] { Palette.Tint(0).ToHex(), Palette.Tint(1).ToHex(), Palette.Tint(2).ToHex() }.Order(), fills.Order());

        // One score per point is binary: class 1 where it is above zero, the boundary of the test above at x1 = 0.1.
        var binary = Tensor.FromArray([-1f, -1f, 1f, 1f, -0.5f, 0.7f, 0.4f, -0.8f], 4, 2);
        int[] binaryLabels = [0, 1, 0, 1];
        var fromScore = DecisionRegions.FromScores(x => Tensor.FromArray(Enumerable.Range(0, x.Size(0)).Select(i => x[i, 0] - 0.1f).ToArray()), binary, binaryLabels);
        var fromClass = new DecisionRegions(x => Enumerable.Range(0, x.Size(0)).Select(i => x[i, 0] - 0.1f > 0 ? 1 : 0).ToArray(), binary, binaryLabels);
        Assert.Equal(fromClass.ToSvg().ToString(), fromScore.ToSvg().ToString());
    }

    [Fact]
    public void Confusion_matrix_writes_every_count()
    {
        var cm = new ConfusionMatrix(3);
        cm.Add([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0]);
        var texts = Texts(Parse(new ConfusionMatrixPlot(cm, ["a", "b", "c"])));
        Assert.Equal(1, texts.Count(t => t == "2"));
        Assert.Equal(4, texts.Count(t => t == "1"));
        Assert.Equal(4, texts.Count(t => t == "0"));
        Assert.Contains("predicted", texts);
        Assert.Contains("true", texts);
        Assert.Equal(2, texts.Count(t => t == "c"));
        Assert.Throws<ArgumentException>(() => new ConfusionMatrixPlot(cm, ["a", "b"]));
    }

    [Fact]
    public void Bar_and_log_line_charts_for_search_results()
    {
        var bars = Parse(new BarChart(["trial 1", "trial 2", "a long trial label"], [0.9, 0.5, 0.7], "search", null, "val accuracy") { Highlight = 0 });
        Assert.Contains("a long trial label", Texts(bars));
        Assert.Contains("0.9", Texts(bars));
        var line = Parse(new LineChart("lr", "learning rate", "acc") { LogX = true }.Add("trials", [1e-4, 1e-3, 1e-2], [0.3, 0.9, 0.5], line: false));
        Assert.Contains("0.001", Texts(line));
        Assert.Contains("1e-4", Texts(line).Select(t => t.Replace("0.0001", "1e-4")));
        Assert.Throws<ArgumentException>(() => new LineChart { LogX = true }.Add("bad", [0, 1], [1, 2]));
    }

    [Fact]
    public void Saved_svg_is_a_standalone_xml_file()
    {
        using var temp = new Neurone.Tests.TempFolder();
        string path = temp.File("c.svg");
        new TrainingCurves(SampleHistory()).Save(path);
        var doc = XDocument.Load(path);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.StartsWith("<?xml", File.ReadAllText(path));
    }
}
