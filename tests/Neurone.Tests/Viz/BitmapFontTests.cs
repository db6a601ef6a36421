using Neurone.Viz;

namespace Neurone.Tests.Viz;

public sealed class BitmapFontTests
{
    [Fact]
    public void Letters_digits_and_caption_punctuation_have_distinct_glyphs()
    {
        string chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_/()%+=!?'";
        Assert.All(chars, c => Assert.True(BitmapFont.Has(c), $"glyph for '{c}'"));
        var drawn = chars.Where(c => c != ' ').Select(c => Render(c.ToString())).ToList();
        Assert.Equal(drawn.Count, drawn.Distinct().Count());
    }

    [Fact]
    public void Text_stays_inside_its_measured_box()
    {
        string text = "predicted 7, true 2\nJy|g";
        var (w, h) = BitmapFont.Measure(text, 2);
        var image = new Image(w + 10, h + 10);
        BitmapFont.Draw(image, 5, 5, text, Color.Black, 2);
        int inked = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (image.GetPixel(x, y) == Color.Black)
                {
                    inked++;
                    Assert.InRange(x, 5, 5 + w - 1);
                    Assert.InRange(y, 5, 5 + h - 1);
                }
        Assert.True(inked > 100);
    }

    [Fact]
    public void Unknown_characters_draw_a_visible_box()
    {
        Assert.False(BitmapFont.Has('€'));
        Assert.NotEqual(Render(" "), Render("€"));
    }

    [Fact]
    public void Captions_wrap_after_the_comma_first()
    {
        Assert.Equal("predicted horizontal,\ntrue ring", BitmapFont.Wrap("predicted horizontal, true ring", 22));
        Assert.Equal("predicted 7, true 2", BitmapFont.Wrap("predicted 7, true 2", 20));
        Assert.Equal("a b\nc", BitmapFont.Wrap("a b c", 3));
    }

    static string Render(string s)
    {
        var image = new Image(8, 10, 1);
        BitmapFont.Draw(image, 1, 1, s, Color.Black);
        return Convert.ToBase64String(image.Pixels);
    }
}
