using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Neurone.Data;

/// <summary>
/// Fetches a data set's missing files into a folder: each file is streamed from the first mirror that
/// answers into a temporary file beside its destination, its checksum is verified, and only then is it
/// renamed into place, so the cache never holds a partial or corrupt file under the real name. Every
/// request is bounded: a connection timeout, a stall timeout (no bytes for a while) and an overall
/// timeout. Progress goes to <see cref="Progress"/> as one updating line on a terminal and as plain
/// lines when output is redirected. When no mirror can be reached the exception names each missing file,
/// its URL, and the folder to put it in. <see cref="MirrorOverride"/> replaces the official mirrors
/// (a local copy, or a test server).
/// </summary>
public sealed class Downloader
{
    /// <summary>The downloader the data-set loaders use when none is passed.</summary>
    public static Downloader Default { get; set; } = new();

    /// <summary>A base URL tried instead of the data set's mirrors (the file name is appended).</summary>
    public string? MirrorOverride { get; init; }

    /// <summary>Longest wait for a connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait for the next bytes of a response before giving up on the mirror.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest time for one whole file.</summary>
    public TimeSpan FileTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Where progress goes; null for silence. Defaults to standard error.</summary>
    public TextWriter? Progress { get; init; } = Console.Error;

    /// <summary>
    /// Makes sure every file of <paramref name="source"/> is in <paramref name="directory"/>, downloading
    /// those that are missing. Files already present are trusted (their readers check their structure).
    /// </summary>
    public void EnsureFiles(DataSource source, string directory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(directory);
        var missing = source.Files.Where(f => !File.Exists(Path.Combine(directory, f.Name))).ToList();
        if (missing.Count == 0) return;
        Directory.CreateDirectory(directory);
        var mirrors = MirrorOverride is not null ? [MirrorOverride] : source.Mirrors;
        var failures = new List<string>();
        var failed = new List<RemoteFile>();
        foreach (var file in missing)
        {
            bool ok = false;
            foreach (var mirror in mirrors)
            {
                var url = Combine(mirror, file.Name);
                try
                {
                    FetchAsync(url, file, directory).GetAwaiter().GetResult();
                    ok = true;
                    break;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or OperationCanceledException or InvalidDataException)
                {
                    failures.Add($"{url}: {e.Message}");
                }
            }
            if (!ok) failed.Add(file);
        }
        if (failed.Count > 0) throw new IOException(NotDownloadedMessage(source, directory, failed, mirrors, failures));
    }

    static string NotDownloadedMessage(DataSource source, string directory, List<RemoteFile> failed, IReadOnlyList<string> mirrors, List<string> failures)
    {
        var sb = new StringBuilder();
        sb.Append($"Could not download {source.Name}: {failed.Count} file(s) missing from {directory}.\n");
        sb.Append("Without network access, place these files there yourself (same names, gzip/bzip2 as on the mirror):\n");
        foreach (var f in failed) sb.Append($"  {Path.Combine(directory, f.Name)}   from {Combine(mirrors[0], f.Name)}   ({f.Checksum}{(f.OfContent ? " of the decompressed content" : "")})\n");
        sb.Append($"or point {DataCache.EnvironmentVariable} at a folder holding a '{source.Name}' subfolder with them, or pass the folder to Load(directory). ");
        sb.Append($"See {source.Homepage}. (Fetch scripts such as a project's shared/datasets/fetch-*.sh are not part of the library.)\n");
        sb.Append("Attempts:\n");
        foreach (var f in failures) sb.Append("  ").Append(f).Append('\n');
        return sb.ToString();
    }

    static string Combine(string mirror, string name) => mirror.EndsWith('/') ? mirror + name : mirror + "/" + name;

    async Task FetchAsync(string url, RemoteFile file, string directory)
    {
        string destination = Path.Combine(directory, file.Name);
        string temp = Path.Combine(directory, $".{file.Name}.{Environment.ProcessId}.{Guid.NewGuid():N}.part");
        using var handler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var whole = new CancellationTokenSource(FileTimeout);
        try
        {
            using (var stall = CancellationTokenSource.CreateLinkedTokenSource(whole.Token))
            {
                stall.CancelAfter(StallTimeout);
                using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                long? expected = response.Content.Headers.ContentLength;
                using var body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
                long received = 0;
                var reporter = new ProgressReporter(Progress, file.Name, expected);
                await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    var buffer = new byte[1 << 16];
                    while (true)
                    {
                        stall.CancelAfter(StallTimeout);
                        int n;
                        try { n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false); }
                        catch (OperationCanceledException) when (!whole.IsCancellationRequested)
                        { throw new IOException($"no data for {StallTimeout.TotalSeconds:0} s after {received} bytes"); }
                        catch (OperationCanceledException)
                        { throw new IOException($"not finished within {FileTimeout.TotalMinutes:0} min ({received} bytes so far)"); }
                        if (n == 0) break;
                        await output.WriteAsync(buffer.AsMemory(0, n), whole.Token).ConfigureAwait(false);
                        received += n;
                        reporter.Report(received);
                    }
                    await output.FlushAsync(whole.Token).ConfigureAwait(false);
                }
                reporter.Done(received);
                if (expected is long len && received != len)
                    throw new IOException($"truncated: expected {len} bytes, received {received}");
            }
            Verify(temp, file);
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Throws unless <paramref name="path"/> matches <paramref name="file"/>'s checksum.</summary>
    public static void Verify(string path, RemoteFile file)
    {
        int colon = file.Checksum.IndexOf(':');
        string kind = colon > 0 ? file.Checksum[..colon].ToLowerInvariant() : "";
        string want = colon > 0 ? file.Checksum[(colon + 1)..].ToLowerInvariant() : file.Checksum;
        using HashAlgorithm hash = kind switch
        {
            "sha256" => SHA256.Create(),
            "md5" => MD5.Create(),
            _ => throw new ArgumentException($"download: expected a checksum 'sha256:hex' or 'md5:hex' for {file.Name}, got '{file.Checksum}'."),
        };
        string got;
        // The name decides decompression, so hash the temporary file under the destination's extension rules.
        using (var s = file.OfContent ? OpenContent(path, file.Name) : File.OpenRead(path))
            got = Convert.ToHexStringLower(hash.ComputeHash(s));
        if (got != want)
            throw new InvalidDataException($"{file.Name}: {kind.ToUpperInvariant()} checksum mismatch{(file.OfContent ? " (of the decompressed content)" : "")}: expected {want}, got {got}; the download is corrupt and was not kept.");
    }

    static Stream OpenContent(string path, string name)
    {
        var raw = File.OpenRead(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            return new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress);
        if (name.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase))
            return new ICSharpCode.SharpZipLib.BZip2.BZip2InputStream(raw);
        return raw;
    }

    /// <summary>Progress for one file: an updating line on a terminal, a line per 10% otherwise.</summary>
    sealed class ProgressReporter(TextWriter? writer, string name, long? total)
    {
        readonly bool interactive = writer is not null && ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
        readonly Stopwatch clock = Stopwatch.StartNew();
        int lastTenth = -1;
        long lastTick;

        public void Report(long received)
        {
            if (writer is null) return;
            if (interactive)
            {
                // Redraw at most ten times a second.
                if (clock.ElapsedMilliseconds - lastTick < 100) return;
                lastTick = clock.ElapsedMilliseconds;
                writer.Write($"\r{Line(received)}   ");
            }
            else if (total is long t && t > 0)
            {
                int tenth = (int)(received * 10 / t);
                if (tenth > lastTenth && tenth < 10)
                {
                    lastTenth = tenth;
                    writer.WriteLine(Line(received));
                }
            }
        }

        public void Done(long received)
        {
            if (writer is null) return;
            writer.Write(interactive ? "\r" : "");
            writer.WriteLine($"{Line(received)} done in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        string Line(long received)
        {
            double mb = received / 1048576.0;
            return total is long t && t > 0
                ? $"downloading {name}: {mb:0.0} / {t / 1048576.0:0.0} MiB ({100.0 * received / t:0}%)"
                : $"downloading {name}: {mb:0.0} MiB";
        }
    }
}
