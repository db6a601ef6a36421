using System.IO.Compression;
using ICSharpCode.SharpZipLib.BZip2;

namespace Neurone.Data;

/// <summary>
/// Opening and reading data files, shared by the readers: transparent decompression by file name
/// (.gz, .bz2), reads whose size is checked against what a header promised, and the one way errors in
/// file content are reported (an <see cref="InvalidDataException"/> that names the file).
/// </summary>
internal static class DataFiles
{
    /// <summary>Opens <paramref name="path"/>, decompressing .gz and .bz2 on the fly.</summary>
    public static Stream OpenRead(string path) =>
        Decompressing(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path);

    /// <summary>Wraps <paramref name="file"/> in the decompressor its <paramref name="name"/>'s extension calls for (.gz, .tgz, .bz2).</summary>
    public static Stream Decompressing(Stream file, string name)
    {
        string path = name;
        try
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
                return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
            if (path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase))
                return new BufferedStream(new BZip2InputStream(file), 1 << 16);
            return file;
        }
        catch (Exception e) when (e is EndOfStreamException or ICSharpCode.SharpZipLib.SharpZipBaseException)
        {
            file.Dispose();
            throw Bad(path, $"corrupt or truncated compressed data ({e.Message}).");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when the file's bytes are stored as they are read (no decompression), so its length bounds its content.</summary>
    public static bool IsUncompressed(string path) =>
        !(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase));

    public static InvalidDataException Bad(string path, string message) => new($"{path}: {message}");

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes. The buffer grows with the bytes that actually
    /// arrive (doubling from 1 MiB), so a header that claims gigabytes in a small compressed file fails
    /// as truncated after reading what is there, instead of allocating the claim up front.
    /// </summary>
    public static byte[] ReadExactly(Stream stream, long count, string path, string what)
    {
        if (count < 0 || count > Array.MaxLength)
            throw Bad(path, $"{what} would be {count} bytes, more than one array can hold ({Array.MaxLength}); the header is corrupt.");
        int capacity = (int)Math.Min(count, 1 << 20);
        var buffer = GC.AllocateUninitializedArray<byte>(capacity);
        long read = 0;
        while (read < count)
        {
            if (read == buffer.Length)
            {
                var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(count, (long)buffer.Length * 2));
                buffer.AsSpan().CopyTo(bigger);
                buffer = bigger;
            }
            int n = ReadSome(stream, buffer.AsSpan((int)read), path);
            if (n == 0) throw Bad(path, $"truncated: expected {count} bytes of {what}, the file ends after {read}.");
            read += n;
        }
        return buffer;
    }

    /// <summary>Fills <paramref name="buffer"/> completely or reports the file as truncated.</summary>
    public static void ReadHeader(Stream stream, Span<byte> buffer, string path, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = ReadSome(stream, buffer[read..], path);
            if (n == 0) throw Bad(path, $"truncated: expected a {buffer.Length}-byte {what}, the file ends after {read} bytes.");
            read += n;
        }
    }

    /// <summary>Throws unless the stream is at its end (trailing bytes mean the header and the data disagree).</summary>
    public static void ExpectEnd(Stream stream, string path, long consumed)
    {
        Span<byte> probe = stackalloc byte[1];
        if (ReadSome(stream, probe, path) != 0)
            throw Bad(path, $"expected the file to end after {consumed} bytes, but more data follows; the header's counts disagree with the content.");
    }

    // A corrupt compressed stream throws from deep inside the decompressor; give it the file's name.
    static int ReadSome(Stream stream, Span<byte> buffer, string path)
    {
        try { return stream.Read(buffer); }
        catch (InvalidDataException e) { throw Bad(path, $"corrupt compressed data ({e.Message})."); }
        catch (BZip2Exception e) { throw Bad(path, $"corrupt bzip2 data ({e.Message})."); }
        catch (ICSharpCode.SharpZipLib.SharpZipBaseException e) { throw Bad(path, $"corrupt compressed data ({e.Message})."); }
        catch (EndOfStreamException e) { throw Bad(path, $"truncated compressed data ({e.Message})."); }
    }

    /// <summary>The first of <paramref name="names"/> that exists in <paramref name="directory"/>, or null.</summary>
    public static string? Find(string directory, params string[] names)
    {
        foreach (var name in names)
        {
            var p = Path.Combine(directory, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
