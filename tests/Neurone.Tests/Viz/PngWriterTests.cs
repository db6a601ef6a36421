using Neurone.Tensors;
using Neurone.Tests.Serialization;
using Neurone.Viz;

namespace Neurone.Tests.Viz;

public sealed class PngWriterTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 1)]
    [InlineData(65, 2, 3)]
    [InlineData(13, 17, 3)]
    public void Random_pixels_decode_back_exactly(int width, int height, int channels)
    {
        var rng = new Rng(11);
        var pixels = new byte[width * height * channels];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)rng.NextInt(256);
        var decoded = PngReader.Read(PngWriter.Encode(pixels, width, height, channels));
        Assert.Equal((width, height, channels), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(channels == 1 ? 0 : 2, decoded.ColorType);
        Assert.Equal(pixels, decoded.Pixels);
        Assert.Equal(["IHDR", "IDAT", "IEND"], decoded.Chunks);
    }

    [Fact]
    public void Smooth_gradients_use_every_filter_path_and_still_decode()
    {
        // Ramps and extremes (0 next to 255) exercise Sub, Up, Average, Paeth and the -128 residual.
        int w = 40, h = 30;
        var pixels = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 3;
                pixels[i] = (byte)(x * 6);
                pixels[i + 1] = (byte)(y * 8);
                pixels[i + 2] = (byte)((x + y) % 2 == 0 ? 0 : 255);
            }
        Assert.Equal(pixels, PngReader.Read(PngWriter.Encode(pixels, w, h, 3)).Pixels);
    }

    [Fact]
    public void Image_save_writes_a_decodable_file_and_leaves_no_temporary_file()
    {
        var image = new Image(5, 4);
        image.SetPixel(2, 1, new Color(10, 20, 30));
        string path = temp.File("x.png");
        image.Save(path);
        var decoded = PngReader.Read(File.ReadAllBytes(path));
        Assert.Equal(new byte[] { 10, 20, 30 }, decoded.Pixels.AsSpan((1 * 5 + 2) * 3, 3).ToArray());
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Gray_images_store_luminance()
    {
        var image = new Image(2, 1, channels: 1);
        image.SetPixel(0, 0, Color.Black);
        var decoded = PngReader.Read(image.ToPng());
        Assert.Equal(new byte[] { 0, 255 }, decoded.Pixels);
    }

    [Fact]
    public void Bad_input_names_what_was_expected()
    {
        var e = Assert.Throws<ArgumentException>(() => PngWriter.Encode(new byte[5], 2, 2, 1));
        Assert.Contains("needs 4 bytes, got 5", e.Message);
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(new byte[8], 2, 2, 2));
        Assert.Throws<ArgumentException>(() => PngWriter.Encode([], 0, 2, 1));
    }
}
