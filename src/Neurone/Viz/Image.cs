using Neurone.Serialization;

namespace Neurone.Viz;

/// <summary>
/// A small in-memory raster of 8-bit pixels, grayscale (1 channel) or RGB (3 channels), rows top to
/// bottom, that the image grids draw into and <see cref="PngWriter"/> encodes. It has just the
/// drawing a grid needs: fill, rectangles, nearest-neighbour tiles and bitmap-font text.
/// </summary>
public sealed class Image
{
    /// <summary>A <paramref name="width"/>×<paramref name="height"/> image filled with <paramref name="background"/> (white by default).</summary>
    public Image(int width, int height, int channels = 3, Color? background = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image: expected a positive size, got {width}x{height}.");
        if (channels != 1 && channels != 3) throw new ArgumentException($"image: expected 1 (gray) or 3 (RGB) channels, got {channels}.");
        if ((long)width * height * channels > Array.MaxLength)
            throw new ArgumentException($"image: {width}x{height}x{channels} is too large for one array.");
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = new byte[width * height * channels];
        Fill(background ?? Color.White);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>1 for grayscale, 3 for RGB.</summary>
    public int Channels { get; }

    /// <summary>The pixel bytes, row-major, <see cref="Channels"/> per pixel.</summary>
    public byte[] Pixels { get; }

    /// <summary>The colour at (x, y); grayscale pixels come back as equal R, G and B.</summary>
    public Color GetPixel(int x, int y)
    {
        CheckInside(x, y);
        int i = (y * Width + x) * Channels;
        return Channels == 1 ? new(Pixels[i], Pixels[i], Pixels[i]) : new(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    /// <summary>Sets (x, y); points outside the image are ignored so text and tiles may be clipped at the edges.</summary>
    public void SetPixel(int x, int y, Color c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = (y * Width + x) * Channels;
        if (Channels == 1) Pixels[i] = (byte)Math.Round(c.Luminance * 255);
        else { Pixels[i] = c.R; Pixels[i + 1] = c.G; Pixels[i + 2] = c.B; }
    }

    public void Fill(Color c) => FillRect(0, 0, Width, Height, c);

    /// <summary>Fills the rectangle at (x, y) of size w×h, clipped to the image.</summary>
    public void FillRect(int x, int y, int w, int h, Color c)
    {
        for (int yy = Math.Max(0, y); yy < Math.Min(Height, y + h); yy++)
            for (int xx = Math.Max(0, x); xx < Math.Min(Width, x + w); xx++)
                SetPixel(xx, yy, c);
    }

    /// <summary>
    /// Draws a tile of <paramref name="channels"/>×<paramref name="h"/>×<paramref name="w"/> values in
    /// [0, 1] (planar, as tensors hold images) with its top-left corner at (x, y), each value
    /// enlarged to a <paramref name="scale"/>×<paramref name="scale"/> block. Values outside [0, 1] are clamped.
    /// </summary>
    public void DrawTile(int x, int y, ReadOnlySpan<float> values, int channels, int h, int w, int scale = 1)
    {
        if (channels != 1 && channels != 3) throw new ArgumentException($"image: a tile needs 1 or 3 channels, got {channels}.");
        if (values.Length != channels * h * w)
            throw new ArgumentException($"image: a {channels}x{h}x{w} tile needs {channels * h * w} values, got {values.Length}.");
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "image: expected a scale >= 1.");
        int plane = h * w;
        for (int r = 0; r < h; r++)
            for (int col = 0; col < w; col++)
            {
                int i = r * w + col;
                Color c = channels == 1
                    ? Gray(values[i])
                    : new(ToByte(values[i]), ToByte(values[plane + i]), ToByte(values[2 * plane + i]));
                FillRect(x + col * scale, y + r * scale, scale, scale, c);
            }
    }

    /// <summary>Draws <paramref name="text"/> with <see cref="BitmapFont"/> at (x, y) (the top of the first line).</summary>
    public void DrawText(int x, int y, string text, Color color, int scale = 1) => BitmapFont.Draw(this, x, y, text, color, scale);

    /// <summary>The image as PNG bytes.</summary>
    public byte[] ToPng() => PngWriter.Encode(Pixels, Width, Height, Channels);

    /// <summary>Writes the image as a PNG file, atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, ToPng());

    static Color Gray(float v) { byte b = ToByte(v); return new(b, b, b); }

    static byte ToByte(float v) => float.IsNaN(v) ? (byte)0 : (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);

    void CheckInside(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"image: pixel ({x}, {y}) is outside {Width}x{Height}.");
    }
}
