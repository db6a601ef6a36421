namespace Neurone.Serialization;

/// <summary>
/// Writes a file so that readers only ever see the old complete file or the new complete one: the
/// bytes go to a temporary file in the same folder (so the final rename never crosses file systems),
/// are flushed to the disk, and the temporary file is then renamed over the target in one step. If the
/// writer throws or the process dies midway, the previous file is untouched and the temporary file is
/// removed (or, after a crash, left behind under a name starting with '.' and ending in ".tmp").
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is
    /// given; creates the file if it does not exist. The folder must exist.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"AtomicFile: expected a file path, got the root '{path}'.", nameof(path));
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"AtomicFile: the folder '{folder}' for '{path}' does not exist.");
        // A random suffix lets two writers of the same target run at once without sharing a temporary file.
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                // Without this the rename can reach the disk before the data, and a power cut would
                // leave a complete-looking but empty or partial file under the target's name.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/>, atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes));
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { } // the original exception matters more than a leftover temporary file
        catch (UnauthorizedAccessException) { }
    }
}
