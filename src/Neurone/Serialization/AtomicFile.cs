using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Neurone.Serialization;

/// <summary>
/// Writes a file so that readers only ever see the old complete file or the new complete one: the
/// bytes go to a temporary file in the same folder (so the final rename never crosses file systems),
/// are flushed to the disk, and the temporary file is then renamed over the target in one step. If the
/// writer throws, the previous file is untouched and the temporary file is removed. If the process
/// dies midway, the temporary file stays behind, and the next write of the same target removes it
/// (see <see cref="RemoveLeftovers"/>), so leftovers never pile up.
/// </summary>
/// <remarks>
/// A temporary file is named ".{target}.{pid}.{host}.{random}.tmp": the writer's process id, a hash of
/// the machine's name and 32 random hex digits. The writer holds it open without sharing from creation
/// to rename, which is an exclusive lock (a sharing lock on Windows, an flock on Linux and macOS). A
/// leftover is removed only when both say its writer is gone: it was written on this machine by a
/// process that no longer runs (or by this process, which knows its own writes in progress, so that a
/// restarted container reusing the same process id still cleans up), and it can be opened
/// exclusively. Either alone has a hole: process ids are per machine (and per container), and some
/// network file systems ignore locks; together they never remove a file that a live process is
/// writing. A process id that a new process has taken over keeps a leftover until that process ends:
/// a leak, never a loss. A leftover from another machine (or written before this naming) carries no
/// usable process id; it is removed when it can be opened exclusively and has not been written to
/// for an hour, as a live writer writes continuously.
/// </remarks>
public static class AtomicFile
{
    /// <summary>How long a temporary file whose writer cannot be identified must sit unchanged before it counts as abandoned.</summary>
    static readonly TimeSpan UnidentifiedAge = TimeSpan.FromHours(1);

    const string Suffix = ".tmp";

    /// <summary>This process's temporary files being written now (full paths).</summary>
    static readonly ConcurrentDictionary<string, bool> Writing = new(StringComparer.Ordinal);

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is
    /// given; creates the file if it does not exist. The folder must exist. Leftovers of earlier
    /// interrupted writes of the same file are removed first.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"AtomicFile: expected a file path, got the root '{path}'.", nameof(path));
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"AtomicFile: the folder '{folder}' for '{path}' does not exist.");
        RemoveLeftovers(full);
        // A random part lets two writers of the same target run at once without sharing a temporary file.
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{HostTag}.{Guid.NewGuid():N}{Suffix}");
        Writing[temp] = true;
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
        finally
        {
            Writing.TryRemove(temp, out _);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/>, atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes));
    }

    /// <summary>
    /// Removes the temporary files that interrupted writes of <paramref name="path"/> left beside it,
    /// and only those whose writer is gone (see the remarks on <see cref="AtomicFile"/>). Returns how
    /// many it removed. Never throws for a file it cannot examine or remove; it leaves it.
    /// </summary>
    public static int RemoveLeftovers(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(full);
        return folder is null ? 0 : Remove(folder, Path.GetFileName(full));
    }

    /// <summary>
    /// Removes the abandoned temporary files of every target in <paramref name="folder"/> (the
    /// leftovers of interrupted writes, as <see cref="RemoveLeftovers"/> decides). Returns how many.
    /// </summary>
    public static int RemoveLeftoversIn(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return Remove(Path.GetFullPath(folder), target: null);
    }

    static int Remove(string folder, string? target)
    {
        IEnumerable<string> candidates;
        try
        {
            if (!Directory.Exists(folder)) return 0;
            // The pattern only narrows the listing; the name is checked exactly below (a wildcard in the
            // target's own name, or Windows' loose matching of three-letter extensions, cannot widen it).
            candidates = Directory.EnumerateFiles(folder, target is null ? "." + "*" + Suffix : "." + target + ".*" + Suffix).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        int removed = 0;
        foreach (string file in candidates)
            if (Parse(Path.GetFileName(file), target) is { } writer && Abandoned(file, writer) && TryDelete(file))
                removed++;
        return removed;
    }

    /// <summary>The writer a temporary file's name records: its process on this machine, or null when unknown. Null result: not one of ours.</summary>
    static Writer? Parse(string name, string? target)
    {
        if (!name.StartsWith('.') || !name.EndsWith(Suffix, StringComparison.Ordinal)) return null;
        string inner = name[1..^Suffix.Length];
        var parts = inner.Split('.');
        // ".{target}.{pid}.{host}.{random}.tmp", or from older versions ".{target}.{random}.tmp".
        if (parts.Length >= 4 && IsHex(parts[^1], 32) && IsHex(parts[^2], 8) && int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            && Matches(parts, 3, target))
            return new Writer(parts[^2] == HostTag ? pid : null);
        if (parts.Length >= 2 && IsHex(parts[^1], 32) && Matches(parts, 1, target))
            return new Writer(null);
        return null;
    }

    static bool Matches(string[] parts, int tail, string? target)
    {
        if (parts.Length - tail < 1) return false;
        string name = string.Join('.', parts, 0, parts.Length - tail);
        return name.Length > 0 && (target is null || name == target);
    }

    static bool IsHex(string s, int length)
    {
        if (s.Length != length) return false;
        foreach (char c in s)
            if (!char.IsAsciiHexDigitLower(c)) return false;
        return true;
    }

    /// <summary>Process id of the writer on this machine, or null when the name cannot tell.</summary>
    sealed record Writer(int? ProcessId);

    static bool Abandoned(string file, Writer writer)
    {
        if (writer.ProcessId is int pid)
        {
            if (pid == Environment.ProcessId ? Writing.ContainsKey(Path.GetFullPath(file)) : IsRunning(pid)) return false;
        }
        else
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < UnidentifiedAge) return false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
        return NobodyHolds(file);
    }

    /// <summary>True when the file can be opened exclusively, which a live writer's open handle prevents.</summary>
    static bool NobodyHolds(string file)
    {
        try
        {
            using var probe = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.None, 1);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception)
        {
            return true; // it exists but cannot be inspected (another user's): assume it is writing
        }
    }

    /// <summary>Eight hex digits naming this machine (FNV-1a of its name), stable across processes, unlike string hashes.</summary>
    internal static string HostTag { get; } = ComputeHostTag();

    static string ComputeHostTag()
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(Environment.MachineName.ToLowerInvariant()))
            hash = (hash ^ b) * 16777619;
        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException) { return false; } // the original exception matters more than a leftover temporary file
        catch (UnauthorizedAccessException) { return false; }
    }
}
