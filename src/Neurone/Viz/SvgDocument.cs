using System.Globalization;
using System.Text;
using Neurone.Serialization;

namespace Neurone.Viz;

/// <summary>
/// A small SVG 1.1 builder: shapes and text appended in drawing order, every attribute value
/// escaped, numbers written with the invariant culture and two decimals so files are compact and
/// the same on every machine. <see cref="ToString"/> gives the &lt;svg&gt; element (for inlining in
/// HTML); <see cref="Save"/> writes a standalone file with an XML declaration, atomically.
/// </summary>
public sealed class SvgDocument
{
    /// <summary>The font stack used for all text; DejaVu Sans is on most Linux systems, the rest elsewhere.</summary>
    public const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

    readonly StringBuilder body = new();
    int depth;
    int nextId;

    /// <summary>A blank document; <paramref name="idPrefix"/> keeps element ids unique when several documents are inlined in one HTML page.</summary>
    public SvgDocument(double width, double height, string? title = null, string idPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(idPrefix);
        IdPrefix = idPrefix;
        if (!(width > 0) || !(height > 0) || !double.IsFinite(width) || !double.IsFinite(height))
            throw new ArgumentException($"svg: expected a positive finite size, got {width}x{height}.");
        Width = width;
        Height = height;
        Title = title;
    }

    public double Width { get; }
    public double Height { get; }

    /// <summary>The document's &lt;title&gt; (shown by viewers as a tooltip, read by screen readers).</summary>
    public string? Title { get; }

    /// <summary>Prepended to every id this document makes.</summary>
    public string IdPrefix { get; }

    /// <summary>A document-unique id, for clip paths.</summary>
    public string NewId(string prefix) => $"{IdPrefix}{prefix}{nextId++}";

    public void Rect(double x, double y, double width, double height, Color fill, Color? stroke = null, double strokeWidth = 1, double opacity = 1, bool crisp = false) =>
        Element("rect", [("x", Num(x)), ("y", Num(y)), ("width", Num(width)), ("height", Num(height)), ("fill", fill.ToHex()),
            ("stroke", stroke?.ToHex()), ("stroke-width", stroke is null ? null : Num(strokeWidth)),
            ("fill-opacity", opacity < 1 ? Num(opacity) : null), ("shape-rendering", crisp ? "crispEdges" : null)]);

    public void Line(double x1, double y1, double x2, double y2, Color stroke, double width = 1, string? dash = null, bool crisp = false) =>
        Element("line", [("x1", Num(x1)), ("y1", Num(y1)), ("x2", Num(x2)), ("y2", Num(y2)), ("stroke", stroke.ToHex()),
            ("stroke-width", Num(width)), ("stroke-dasharray", dash), ("shape-rendering", crisp ? "crispEdges" : null)]);

    /// <summary>A connected line through <paramref name="points"/>.</summary>
    public void Polyline(IEnumerable<(double X, double Y)> points, Color stroke, double width = 1.5, string? dash = null)
    {
        var sb = new StringBuilder();
        foreach (var (x, y) in points) sb.Append(Num(x)).Append(',').Append(Num(y)).Append(' ');
        Element("polyline", [("points", sb.ToString().TrimEnd()), ("fill", "none"), ("stroke", stroke.ToHex()), ("stroke-width", Num(width)),
            ("stroke-dasharray", dash), ("stroke-linejoin", "round"), ("stroke-linecap", "round")]);
    }

    public void Circle(double cx, double cy, double r, Color fill, Color? stroke = null, double strokeWidth = 1, double opacity = 1) =>
        Element("circle", [("cx", Num(cx)), ("cy", Num(cy)), ("r", Num(r)), ("fill", fill.ToHex()),
            ("stroke", stroke?.ToHex()), ("stroke-width", stroke is null ? null : Num(strokeWidth)), ("fill-opacity", opacity < 1 ? Num(opacity) : null)]);

    /// <summary>A path with SVG path data <paramref name="d"/> (build it with <see cref="Num"/>).</summary>
    public void Path(string d, Color stroke, double width = 1, Color? fill = null) =>
        Element("path", [("d", d), ("fill", fill?.ToHex() ?? "none"), ("stroke", stroke.ToHex()), ("stroke-width", Num(width)),
            ("stroke-linejoin", "round"), ("stroke-linecap", "round")]);

    /// <summary>
    /// Text at (x, y). <paramref name="anchor"/> is start, middle or end; <paramref name="baseline"/>
    /// is an SVG dominant-baseline (auto, middle, hanging); <paramref name="rotate"/> turns it about (x, y) in degrees.
    /// </summary>
    public void Text(double x, double y, string text, double size = 12, string anchor = "start", Color? fill = null,
        bool bold = false, double rotate = 0, string baseline = "auto")
    {
        ArgumentNullException.ThrowIfNull(text);
        Indent();
        body.Append("<text");
        Attr("x", Num(x)); Attr("y", Num(y)); Attr("font-size", Num(size));
        if (anchor != "start") Attr("text-anchor", anchor);
        if (baseline != "auto") Attr("dominant-baseline", baseline);
        Attr("fill", (fill ?? Color.FromHex("#222222")).ToHex());
        if (bold) Attr("font-weight", "bold");
        if (rotate != 0) Attr("transform", $"rotate({Num(rotate)} {Num(x)} {Num(y)})");
        body.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    /// <summary>Starts a group; everything until <see cref="EndGroup"/> is clipped to <paramref name="clipId"/> when given.</summary>
    public void BeginGroup(string? clipId = null, string? cssClass = null)
    {
        Indent();
        body.Append("<g");
        if (clipId is not null) Attr("clip-path", $"url(#{clipId})");
        if (cssClass is not null) Attr("class", cssClass);
        body.Append(">\n");
        depth++;
    }

    public void EndGroup()
    {
        if (depth == 0) throw new InvalidOperationException("svg: EndGroup without a matching BeginGroup.");
        depth--;
        Indent();
        body.Append("</g>\n");
    }

    /// <summary>Defines a rectangular clip path and returns its id.</summary>
    public string ClipRect(double x, double y, double width, double height)
    {
        string id = NewId("clip");
        Indent();
        body.Append("<clipPath id=\"").Append(id).Append("\"><rect x=\"").Append(Num(x)).Append("\" y=\"").Append(Num(y))
            .Append("\" width=\"").Append(Num(width)).Append("\" height=\"").Append(Num(height)).Append("\"/></clipPath>\n");
        return id;
    }

    /// <summary>The &lt;svg&gt; element with its namespace, without an XML declaration.</summary>
    public override string ToString() => ToMarkup(withNamespace: true);

    /// <summary>
    /// The &lt;svg&gt; element. HTML5 places an inline &lt;svg&gt; in the SVG namespace by itself, so
    /// <paramref name="withNamespace"/> false leaves the xmlns out and the page free of any URL.
    /// </summary>
    public string ToMarkup(bool withNamespace)
    {
        if (depth != 0) throw new InvalidOperationException($"svg: {depth} group(s) not closed.");
        var sb = new StringBuilder();
        sb.Append(withNamespace ? "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" : "<svg width=\"").Append(Num(Width)).Append("\" height=\"").Append(Num(Height))
          .Append("\" viewBox=\"0 0 ").Append(Num(Width)).Append(' ').Append(Num(Height))
          .Append("\" font-family=\"").Append(Escape(FontFamily)).Append("\">\n");
        if (Title is not null) sb.Append("  <title>").Append(Escape(Title)).Append("</title>\n");
        sb.Append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        sb.Append(body);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Writes a standalone .svg file, atomically.</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllBytes(path, new UTF8Encoding(false).GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ToString()));

    /// <summary>
    /// Escapes text for XML content and attribute values. Characters XML 1.0 forbids (most control
    /// characters, lone surrogates) are dropped, since no escape can carry them.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            switch (ch)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { sb.Append(ch).Append(text[++i]); }
                    else if (char.IsSurrogate(ch) || (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == '\uFFFE' || ch == '\uFFFF') { }
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>A coordinate as SVG wants it: invariant culture, at most two decimals, no "-0".</summary>
    public static string Num(double v)
    {
        if (!double.IsFinite(v)) throw new ArgumentException($"svg: expected a finite coordinate, got {v}.");
        double r = Math.Round(v, 2);
        return (r == 0 ? 0 : r).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>An estimate of the width of <paramref name="text"/> at font size <paramref name="size"/>, for layout (no font metrics needed).</summary>
    public static double TextWidth(string text, double size) => (text?.Length ?? 0) * size * 0.6;

    void Element(string name, (string Key, string? Value)[] attributes)
    {
        Indent();
        body.Append('<').Append(name);
        foreach (var (k, v) in attributes) if (v is not null) Attr(k, v);
        body.Append("/>\n");
    }

    void Attr(string key, string value) => body.Append(' ').Append(key).Append("=\"").Append(Escape(value)).Append('"');

    void Indent() => body.Append(' ', 2 * (depth + 1));
}
