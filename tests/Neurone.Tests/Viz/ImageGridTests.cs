using Neurone.Data;
using Neurone.Tensors;
using Neurone.Viz;

namespace Neurone.Tests.Viz;

public sealed class ImageGridTests
{
    [Fact]
    public void Linear_weights_make_one_tile_per_unit_in_the_expected_layout()
    {
        var w = Tensor.Randn([6, 16], new Rng(1));
        var image = ImageGrid.Weights(w, 4, 4, columns: 3, scale: 2);
        // Four-pixel padding around 8x8 tiles: 3 columns, 2 rows.
        Assert.Equal((4 + 3 * (8 + 4), 4 + 2 * (8 + 4)), (image.Width, image.Height));
        var decoded = PngReader.Read(image.ToPng());
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
        // Unit u's tile, row by row, each weight a 2x2 block of its gray: 0 at the unit's least weight, 255 at its largest.
        var values = w.ToArray();
        for (int u = 0; u < 6; u++)
        {
            var unit = values.AsSpan(u * 16, 16).ToArray();
            double lo = unit.Min(), hi = unit.Max();
            int left = 4 + u % 3 * 12, top = 4 + u / 3 * 12;
            for (int p = 0; p < 16; p++)
            {
                double gray = 255 * (unit[p] - lo) / (hi - lo);
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++)
                    {
                        var (r, g, b) = Pixel(decoded, left + p % 4 * 2 + dx, top + p / 4 * 2 + dy);
                        Assert.True(Math.Abs(r - gray) <= 0.5 + 1e-3 && g == r && b == r, $"unit {u}, weight {p}: expected gray {gray:F1}, got ({r}, {g}, {b})");
                    }
            }
        }
        // The padding between tiles stays white.
        Assert.Equal((255, 255, 255), Pixel(decoded, 4 + 8 + 1, 4));
        Assert.Equal((255, 255, 255), Pixel(decoded, 4, 4 + 8 + 1));
    }

    /// <summary>The RGB of pixel (x, y) of a decoded three-channel PNG.</summary>
    static (int R, int G, int B) Pixel(PngReader.Decoded png, int x, int y)
    {
        Assert.Equal(3, png.Channels);
        int i = (y * png.Width + x) * 3;
        return (png.Pixels[i], png.Pixels[i + 1], png.Pixels[i + 2]);
    }

    /// <summary>Asserts that the h×w tile at (left, top) of <paramref name="png"/> shows <paramref name="values"/> in [0, 1] as grays.</summary>
    static void AssertGrayTile(PngReader.Decoded png, int left, int top, int h, int w, ReadOnlySpan<float> values, string what)
    {
        for (int p = 0; p < h * w; p++)
        {
            double gray = 255.0 * values[p];
            var (r, g, b) = Pixel(png, left + p % w, top + p / w);
            Assert.True(Math.Abs(r - gray) <= 0.5 + 1e-3 && g == r && b == r, $"{what}, pixel {p}: expected gray {gray:F1}, got ({r}, {g}, {b})");
        }
    }

    [Fact]
    public void Weights_are_stretched_per_tile_to_black_and_white()
    {
        // Tile 0 spans [0, 1], tile 1 spans [100, 200]: both must reach black and white.
        var w = Tensor.FromArray([0f, 1f, 0.5f, 0.25f, 100f, 200f, 150f, 125f], 2, 4);
        var image = ImageGrid.Weights(w, 2, 2, columns: 2, scale: 1);
        Assert.Equal(Color.Black, image.GetPixel(4, 4));
        Assert.Equal(Color.White, image.GetPixel(5, 4));
        Assert.Equal(Color.Black, image.GetPixel(10, 4));
        Assert.Equal(Color.White, image.GetPixel(11, 4));
    }

    [Fact]
    public void Conv_weights_with_three_channels_draw_in_colour()
    {
        var w = new Tensor(2, 3, 3, 3);
        w.AsSpan()[0] = 1f; // filter 0, red channel, top-left pixel
        var image = ImageGrid.Weights(w, columns: 2, scale: 1);
        Assert.Equal((4 + 2 * 7, 4 + 7), (image.Width, image.Height));
        Assert.Equal(new Color(255, 0, 0), image.GetPixel(4, 4));
        Assert.Equal(Color.Black, image.GetPixel(5, 4));
    }

    [Fact]
    public void Conv_weights_with_other_channel_counts_show_each_channel()
    {
        var w = Tensor.Randn([3, 5, 2, 2], new Rng(2));
        var image = ImageGrid.Weights(w, scale: 1);
        Assert.Equal((4 + 5 * 6, 4 + 3 * 6), (image.Width, image.Height));
        // Filter f's channel c is the tile in row f, column c, stretched on its own four values.
        var decoded = PngReader.Read(image.ToPng());
        var values = w.ToArray();
        for (int f = 0; f < 3; f++)
            for (int c = 0; c < 5; c++)
            {
                var tile = values.AsSpan((f * 5 + c) * 4, 4).ToArray();
                float lo = tile.Min(), hi = tile.Max();
                AssertGrayTile(decoded, 4 + c * 6, 4 + f * 6, 2, 2, tile.Select(v => (v - lo) / (hi - lo)).ToArray(), $"filter {f}, channel {c}");
            }
    }

    [Fact]
    public void Non_square_rows_need_an_image_size()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.Weights(new Tensor(4, 10)));
        Assert.Contains("not a square image", e.Message);
        Assert.Throws<ArgumentException>(() => ImageGrid.Weights(new Tensor(4, 10), 3, 3));
    }

    [Fact]
    public void Misclassified_keeps_only_mistakes_and_captions_them()
    {
        var images = Tensor.Rand([5, 1, 6, 6], new Rng(3));
        int[] predicted = [1, 2, 3, 4, 5], actual = [1, 0, 3, 0, 5];
        var image = ImageGrid.Misclassified(images, predicted, actual, columns: 8, scale: 2);
        // Two cells, each as wide as "predicted 2, true 0" (19 characters), plus a caption line.
        int captionW = BitmapFont.Measure("predicted 2, true 0").Width;
        Assert.Equal(4 + 2 * captionW + 12 + 4, image.Width); // 19 characters fit on one line
        Assert.Equal(4 + 12 + BitmapFont.GlyphHeight + 3 + 4, image.Height);
        // The two tiles, centred in their cells, are images 1 and 3 as they are (values in [0, 1]), each captioned beneath.
        var decoded = PngReader.Read(image.ToPng());
        var pixels = images.ToArray();
        for (int cell = 0; cell < 2; cell++)
        {
            int left = 4 + cell * (captionW + 12) + (captionW - 12) / 2;
            var source = pixels.AsSpan((cell == 0 ? 1 : 3) * 36, 36).ToArray();
            var scaled = new float[12 * 12];
            for (int p = 0; p < scaled.Length; p++) scaled[p] = source[p / 12 / 2 * 6 + p % 12 / 2];
            AssertGrayTile(decoded, left, 4, 12, 12, scaled, $"cell {cell}");
            bool captioned = false;
            for (int y = 4 + 12 + 3; y < image.Height - 4; y++)
                for (int x = 4 + cell * (captionW + 12); x < 4 + cell * (captionW + 12) + captionW; x++)
                    captioned |= Pixel(decoded, x, y) == (0x20, 0x20, 0x20);
            Assert.True(captioned, $"cell {cell} has no caption");
        }
    }

    [Fact]
    public void Reconstructions_are_two_rows()
    {
        var x = Tensor.Rand([12, 16], new Rng(4));
        var y = 1f - x;
        var image = ImageGrid.Reconstructions(x, y, count: 5, scale: 1);
        int label = BitmapFont.Measure("reconstructed").Width + 8;
        Assert.Equal((label + 4 + 5 * 8, 4 + 2 * 8), (image.Width, image.Height));
        // The first five originals on the top row, their reconstructions beneath, each row named on the left.
        var decoded = PngReader.Read(image.ToPng());
        for (int i = 0; i < 5; i++)
        {
            AssertGrayTile(decoded, label + 4 + i * 8, 4, 4, 4, x.ToArray().AsSpan(i * 16, 16), $"original {i}");
            AssertGrayTile(decoded, label + 4 + i * 8, 12, 4, 4, y.ToArray().AsSpan(i * 16, 16), $"reconstruction {i}");
        }
        foreach (int top in new[] { 4, 12 })
        {
            bool named = false;
            for (int row = top; row < top + 4; row++)
                for (int col = 4; col < label; col++) named |= Pixel(decoded, col, row) == (0x20, 0x20, 0x20);
            Assert.True(named, $"the row at {top} has no name");
        }
    }

    [Fact]
    public void Overview_has_one_row_per_class_and_is_seeded()
    {
        var rng = new Rng(5);
        var pixels = new byte[30 * 4 * 4];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        var labels = Enumerable.Range(0, 30).Select(i => (byte)(i % 3)).ToArray();
        var data = new ImageDataset(pixels, labels, 1, 4, 4, ["cat", "dog", "bird"]);
        var a = ImageGrid.Overview(data, new Rng(9), perClass: 4, scale: 2);
        var b = ImageGrid.Overview(data, new Rng(9), perClass: 4, scale: 2);
        Assert.Equal(4 + 3 * (8 + 4), a.Height);
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.NotEqual(a.Pixels, ImageGrid.Overview(data, new Rng(10), perClass: 4, scale: 2).Pixels);
    }
}
