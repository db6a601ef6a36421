using System.Buffers.Binary;
using System.IO.Compression;
using Neurone.Serialization;

namespace Neurone.Viz;

/// <summary>
/// Encodes 8-bit grayscale or RGB pixels as PNG (ISO/IEC 15948): signature, IHDR, one IDAT holding
/// the zlib stream of filtered rows, IEND. Each row takes whichever of the five PNG filters gives
/// the smallest sum of absolute residuals (the heuristic the PNG specification suggests), which
/// keeps weight grids and charts small. No interlacing, no palette, no metadata chunks.
/// </summary>
public static class PngWriter
{
    static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The PNG bytes of a <paramref name="width"/>×<paramref name="height"/> image whose
    /// <paramref name="pixels"/> are rows top to bottom, <paramref name="channels"/> bytes per pixel
    /// (1 = grayscale, 3 = RGB).
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"png: expected a positive size, got {width}x{height}.");
        if (channels != 1 && channels != 3) throw new ArgumentException($"png: expected 1 (gray) or 3 (RGB) channels, got {channels}.");
        long expected = (long)width * height * channels;
        if (pixels.Length != expected)
            throw new ArgumentException($"png: a {width}x{height} image with {channels} channel(s) needs {expected} bytes, got {pixels.Length}.");

        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;                          // bit depth
        header[9] = channels == 1 ? (byte)0 : (byte)2; // colour type: gray or truecolour
        header[10] = 0; header[11] = 0; header[12] = 0; // deflate, adaptive filtering, no interlace
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Deflate(pixels, width * channels, height, channels));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Writes the PNG of <paramref name="image"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        AtomicFile.WriteAllBytes(path, image.ToPng());
    }

    /// <summary>Writes raw pixels as PNG to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> pixels, int width, int height, int channels) =>
        AtomicFile.WriteAllBytes(path, Encode(pixels, width, height, channels));

    static byte[] Deflate(ReadOnlySpan<byte> pixels, int stride, int height, int bpp)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var prior = new byte[stride];
            var best = new byte[stride + 1];
            var trial = new byte[stride + 1];
            for (int y = 0; y < height; y++)
            {
                var row = pixels.Slice(y * stride, stride);
                long bestScore = long.MaxValue;
                for (byte filter = 0; filter <= 4; filter++)
                {
                    long score = Filter(filter, row, prior, bpp, trial);
                    if (score < bestScore) { bestScore = score; (best, trial) = (trial, best); }
                }
                z.Write(best);
                row.CopyTo(prior);
            }
        }
        return compressed.ToArray();
    }

    /// <summary>Writes the filter byte and filtered row into <paramref name="dst"/>; returns the sum of |residual| as signed bytes.</summary>
    static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> dst)
    {
        dst[0] = filter;
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            byte r = (byte)(row[i] - predictor);
            dst[i + 1] = r;
            score += Math.Abs((int)(sbyte)r);
        }
        return score;
    }

    internal static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++) typeBytes[i] = (byte)type[i];
        output.Write(typeBytes);
        output.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        output.Write(word);
    }
}
