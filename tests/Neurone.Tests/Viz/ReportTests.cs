using System.Text.RegularExpressions;
using Neurone.Tensors;
using Neurone.Training;
using Neurone.Viz;

namespace Neurone.Tests.Viz;

public sealed class ReportTests
{
    static Report Sample()
    {
        var h = new History();
        for (int e = 1; e <= 3; e++) h.Append(e, new Dictionary<string, double> { ["loss"] = 1.0 / e, ["accuracy"] = 0.5 + 0.1 * e });
        var cm = new ConfusionMatrix(2);
        cm.Add([0, 1, 1], [0, 1, 0]);
        var images = Tensor.Rand([4, 1, 5, 5], new Rng(1));
        return new Report("Run <1>") { Subtitle = "seed 1" }
            .AddConfiguration([new("optimizer", "Adam & friends"), new("lr", "0.001")])
            .AddMetrics(new Dictionary<string, double> { ["accuracy"] = 0.66666 })
            .AddHistory(h)
            .AddConfusionMatrix(cm, ["no", "yes"])
            .AddImage("Sample predictions", ImageGrid.Predictions(images, [0, 1, 0, 1], [0, 1, 1, 1]), "caption")
            .AddChart("Another", new LineChart("t").Add("s", [1, 2], [1, 2]));
    }

    [Fact]
    public void Report_holds_every_piece_inline()
    {
        string html = Sample().ToHtml();
        Assert.Contains("<title>Run &lt;1&gt;</title>", html);
        Assert.Contains("Adam &amp; friends", html);
        Assert.Contains("0.6667", html);
        Assert.Contains("Training curves", html);
        Assert.Contains("Confusion matrix", html);
        Assert.Contains("precision", html);
        Assert.Equal(3, Regex.Matches(html, "<svg ").Count);
        var png = Regex.Match(html, "data:image/png;base64,([A-Za-z0-9+/=]+)");
        Assert.True(png.Success);
        Assert.Equal(3, PngReader.Read(Convert.FromBase64String(png.Groups[1].Value)).Channels);
    }

    [Fact]
    public void Report_needs_no_network()
    {
        string html = Sample().ToHtml();
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotMatch("src=\"(?!data:)", html);
    }

    [Fact]
    public void Inlined_charts_have_unique_ids()
    {
        string html = Sample().ToHtml();
        var ids = Regex.Matches(html, "id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Report_saves_atomically_as_utf8()
    {
        using var temp = new Neurone.Tests.TempFolder();
        string path = temp.File("run.html");
        Sample().Save(path);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }
}
