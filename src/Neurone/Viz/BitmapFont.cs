namespace Neurone.Viz;

/// <summary>
/// A tiny built-in bitmap font for captions on PNG grids, so pictures need no font files or text
/// renderer: each glyph is 5 pixels wide on a 6-pixel advance, 7 rows above the baseline plus one
/// descender row (g, j, p, q, y, comma), on a 10-pixel line. It covers ASCII letters, digits and
/// common punctuation; any other character draws as a hollow box so missing glyphs are visible
/// rather than silently dropped. Glyphs are drawn here as '#'/'.' rows so they can be read and
/// edited in the source.
/// </summary>
public static class BitmapFont
{
    /// <summary>Glyph width in pixels (before scaling).</summary>
    public const int GlyphWidth = 5;

    /// <summary>Horizontal advance per character: the glyph plus one pixel of spacing.</summary>
    public const int Advance = 6;

    /// <summary>Glyph rows: 7 above the baseline and one descender.</summary>
    public const int GlyphHeight = 8;

    /// <summary>Vertical advance per line.</summary>
    public const int LineHeight = 10;

    static readonly Dictionary<char, byte[]> Glyphs = Build();
    static readonly byte[] Missing = Parse("##### #...# #...# #...# #...# #...# #####");

    /// <summary>True when <paramref name="c"/> has its own glyph.</summary>
    public static bool Has(char c) => Glyphs.ContainsKey(c);

    /// <summary>The size in pixels of <paramref name="text"/> (lines split at '\n') at <paramref name="scale"/>.</summary>
    public static (int Width, int Height) Measure(string text, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        int longest = lines.Max(l => l.Length);
        int width = longest == 0 ? 0 : (longest * Advance - 1) * scale;
        return (width, (lines.Length * LineHeight - (LineHeight - GlyphHeight)) * scale);
    }

    /// <summary>Draws <paramref name="text"/> into <paramref name="image"/> with the top of the first line at (x, y).</summary>
    public static void Draw(Image image, int x, int y, string text, Color color, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(text);
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "font: expected a scale >= 1.");
        int cx = x, cy = y;
        foreach (char ch in text)
        {
            if (ch == '\n') { cx = x; cy += LineHeight * scale; continue; }
            var rows = Glyphs.GetValueOrDefault(ch) ?? Missing;
            for (int r = 0; r < rows.Length; r++)
                for (int c = 0; c < GlyphWidth; c++)
                    if ((rows[r] & (1 << (GlyphWidth - 1 - c))) != 0)
                        image.FillRect(cx + c * scale, cy + r * scale, scale, scale, color);
            cx += Advance * scale;
        }
    }

    /// <summary>
    /// Splits <paramref name="text"/> into lines of at most <paramref name="maxChars"/> characters:
    /// first after commas (so "predicted 7, true 2" breaks between its two halves), then at spaces;
    /// words longer than a line are kept whole.
    /// </summary>
    public static string Wrap(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxChars) return text;
        if (text.Contains(", ", StringComparison.Ordinal))
            return string.Join('\n', SplitAfterCommas(text).Select(part => WrapSpaces(part, maxChars)));
        return WrapSpaces(text, maxChars);
    }

    static string WrapSpaces(string text, int maxChars)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length == 0) line = word;
            else if (line.Length + 1 + word.Length <= maxChars) line += " " + word;
            else { lines.Add(line); line = word; }
        }
        lines.Add(line);
        return string.Join('\n', lines);
    }

    static IEnumerable<string> SplitAfterCommas(string text)
    {
        var parts = text.Split(", ");
        for (int i = 0; i < parts.Length; i++) yield return i < parts.Length - 1 ? parts[i] + "," : parts[i];
    }

    static byte[] Parse(string rows)
    {
        var parts = rows.Split(' ');
        if (parts.Length > GlyphHeight || parts.Any(p => p.Length != GlyphWidth))
            throw new InvalidOperationException($"font: a glyph needs up to {GlyphHeight} rows of {GlyphWidth} pixels, got \"{rows}\".");
        var bits = new byte[parts.Length];
        for (int r = 0; r < parts.Length; r++)
            for (int c = 0; c < GlyphWidth; c++)
                if (parts[r][c] == '#') bits[r] |= (byte)(1 << (GlyphWidth - 1 - c));
        return bits;
    }

    static Dictionary<char, byte[]> Build()
    {
        var g = new Dictionary<char, string>
        {
            ['0'] = ".###. #...# #..## #.#.# ##..# #...# .###.",
            ['1'] = "..#.. .##.. #.#.. ..#.. ..#.. ..#.. #####",
            ['2'] = ".###. #...# ....# ...#. ..#.. .#... #####",
            ['3'] = "####. ....# ....# .###. ....# ....# ####.",
            ['4'] = "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
            ['5'] = "##### #.... ####. ....# ....# #...# .###.",
            ['6'] = "..##. .#... #.... ####. #...# #...# .###.",
            ['7'] = "##### ....# ...#. ..#.. .#... .#... .#...",
            ['8'] = ".###. #...# #...# .###. #...# #...# .###.",
            ['9'] = ".###. #...# #...# .#### ....# ...#. .##..",

            ['A'] = ".###. #...# #...# ##### #...# #...# #...#",
            ['B'] = "####. #...# #...# ####. #...# #...# ####.",
            ['C'] = ".###. #...# #.... #.... #.... #...# .###.",
            ['D'] = "###.. #..#. #...# #...# #...# #..#. ###..",
            ['E'] = "##### #.... #.... ####. #.... #.... #####",
            ['F'] = "##### #.... #.... ####. #.... #.... #....",
            ['G'] = ".###. #...# #.... #.### #...# #...# .####",
            ['H'] = "#...# #...# #...# ##### #...# #...# #...#",
            ['I'] = ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['J'] = "..### ...#. ...#. ...#. ...#. #..#. .##..",
            ['K'] = "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
            ['L'] = "#.... #.... #.... #.... #.... #.... #####",
            ['M'] = "#...# ##.## #.#.# #.#.# #...# #...# #...#",
            ['N'] = "#...# #...# ##..# #.#.# #..## #...# #...#",
            ['O'] = ".###. #...# #...# #...# #...# #...# .###.",
            ['P'] = "####. #...# #...# ####. #.... #.... #....",
            ['Q'] = ".###. #...# #...# #...# #.#.# #..#. .##.#",
            ['R'] = "####. #...# #...# ####. #.#.. #..#. #...#",
            ['S'] = ".#### #.... #.... .###. ....# ....# ####.",
            ['T'] = "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
            ['U'] = "#...# #...# #...# #...# #...# #...# .###.",
            ['V'] = "#...# #...# #...# #...# #...# .#.#. ..#..",
            ['W'] = "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
            ['X'] = "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
            ['Y'] = "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
            ['Z'] = "##### ....# ...#. ..#.. .#... #.... #####",

            ['a'] = "..... ..... .###. ....# .#### #...# .####",
            ['b'] = "#.... #.... ####. #...# #...# #...# ####.",
            ['c'] = "..... ..... .###. #.... #.... #.... .###.",
            ['d'] = "....# ....# .#### #...# #...# #...# .####",
            ['e'] = "..... ..... .###. #...# ##### #.... .###.",
            ['f'] = "..##. .#... ####. .#... .#... .#... .#...",
            ['g'] = "..... ..... .#### #...# #...# .#### ....# .###.",
            ['h'] = "#.... #.... ####. #...# #...# #...# #...#",
            ['i'] = "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",
            ['j'] = "...#. ..... ..##. ...#. ...#. ...#. #..#. .##..",
            ['k'] = "#.... #.... #..#. #.#.. ##... #.#.. #..#.",
            ['l'] = ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
            ['m'] = "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#",
            ['n'] = "..... ..... ####. #...# #...# #...# #...#",
            ['o'] = "..... ..... .###. #...# #...# #...# .###.",
            ['p'] = "..... ..... ####. #...# #...# ####. #.... #....",
            ['q'] = "..... ..... .#### #...# #...# .#### ....# ....#",
            ['r'] = "..... ..... #.##. ##..# #.... #.... #....",
            ['s'] = "..... ..... .#### #.... .###. ....# ####.",
            ['t'] = ".#... .#... ####. .#... .#... .#..# ..##.",
            ['u'] = "..... ..... #...# #...# #...# #..## .##.#",
            ['v'] = "..... ..... #...# #...# #...# .#.#. ..#..",
            ['w'] = "..... ..... #...# #...# #.#.# #.#.# .#.#.",
            ['x'] = "..... ..... #...# .#.#. ..#.. .#.#. #...#",
            ['y'] = "..... ..... #...# #...# #...# .#### ....# .###.",
            ['z'] = "..... ..... ##### ...#. ..#.. .#... #####",

            [' '] = ".....",
            ['.'] = "..... ..... ..... ..... ..... ..... ..#..",
            [','] = "..... ..... ..... ..... ..... ..#.. ..#.. .#...",
            [':'] = "..... ..... ..#.. ..... ..... ..#.. .....",
            [';'] = "..... ..... ..#.. ..... ..... ..#.. ..#.. .#...",
            ['-'] = "..... ..... ..... .###. ..... ..... .....",
            ['_'] = "..... ..... ..... ..... ..... ..... ..... #####",
            ['/'] = "....# ....# ...#. ..#.. .#... #.... #....",
            ['\\'] = "#.... #.... .#... ..#.. ...#. ....# ....#",
            ['('] = "...#. ..#.. .#... .#... .#... ..#.. ...#.",
            [')'] = ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
            ['['] = ".###. .#... .#... .#... .#... .#... .###.",
            [']'] = ".###. ...#. ...#. ...#. ...#. ...#. .###.",
            ['%'] = "##..# ##..# ...#. ..#.. .#... #..## #..##",
            ['+'] = "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
            ['='] = "..... ..... ##### ..... ##### ..... .....",
            ['\''] = "..#.. ..#.. .#...",
            ['"'] = ".#.#. .#.#.",
            ['!'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",
            ['?'] = ".###. #...# ....# ...#. ..#.. ..... ..#..",
            ['#'] = ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
            ['<'] = "...#. ..#.. .#... #.... .#... ..#.. ...#.",
            ['>'] = ".#... ..#.. ...#. ....# ...#. ..#.. .#...",
            ['*'] = "..... ..#.. #.#.# .###. #.#.# ..#.. .....",
            ['&'] = ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
            ['|'] = "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
        };
        return g.ToDictionary(kv => kv.Key, kv => Parse(kv.Value));
    }
}
