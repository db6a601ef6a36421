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
        var image = ImageGrid.Weights(Tensor.Randn([3, 5, 2, 2], new Rng(2)), scale: 1);
        Assert.Equal((4 + 5 * 6, 4 + 3 * 6), (image.Width, image.Height));
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
        Assert.Equal(3, PngReader.Read(image.ToPng()).Channels);
    }

    [Fact]
    public void Reconstructions_are_two_rows()
    {
        var x = Tensor.Rand([12, 16], new Rng(4));
        var image = ImageGrid.Reconstructions(x, x, count: 5, scale: 1);
        int label = BitmapFont.Measure("reconstructed").Width + 8;
        Assert.Equal((label + 4 + 5 * 8, 4 + 2 * 8), (image.Width, image.Height));
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
