using System.Formats.Tar;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Neurone.Data;

namespace Neurone.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (ephemeral port) serving canned files: each response may
/// declare more bytes than it sends (a truncated download) or stall.
/// </summary>
sealed class TinyHttpServer : IDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly Dictionary<string, (int Status, byte[] Body, long DeclaredLength, bool Stall)> files = [];
    readonly CancellationTokenSource stop = new();
    readonly Task loop;

    public TinyHttpServer()
    {
        listener.Start();
        loop = Task.Run(Serve);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
    public int Requests;

    public void Add(string name, byte[] body, long? declared = null, int status = 200, bool stall = false) =>
        files["/" + name] = (status, body, declared ?? body.Length, stall);

    async Task Serve()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(client));
        }
    }

    async Task Handle(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buf = new byte[1024];
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    int n = await stream.ReadAsync(buf, stop.Token);
                    if (n == 0) return;
                    request.Append(Encoding.ASCII.GetString(buf, 0, n));
                }
                Interlocked.Increment(ref Requests);
                string path = request.ToString().Split(' ')[1];
                if (!files.TryGetValue(path, out var f)) f = (404, Encoding.ASCII.GetBytes("not found"), 9, false);
                var head = $"HTTP/1.1 {f.Status} {(f.Status == 200 ? "OK" : "Not Found")}\r\nContent-Length: {f.DeclaredLength}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop.Token);
                if (f.Stall)
                {
                    await stream.WriteAsync(f.Body.AsMemory(0, 10), stop.Token);
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                await stream.WriteAsync(f.Body, stop.Token);
            }
            catch (Exception) { }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try { loop.Wait(5000); } catch (AggregateException) { }
    }
}

public class DownloaderTests
{
    static readonly byte[] Content = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
    static string Sha(byte[] b) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(b));

    // Generous limits: the suite runs tests in parallel on two cores, and a starved thread pool can keep
    // the local server from answering for seconds. Only the stall test shortens its own limit.
    static Downloader For(TinyHttpServer server, StringWriter? log = null, double stallSeconds = 30) => new()
    {
        MirrorOverride = server.BaseUrl,
        Progress = log,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        StallTimeout = TimeSpan.FromSeconds(stallSeconds),
        FileTimeout = TimeSpan.FromSeconds(60),
    };

    static DataSource Source(params RemoteFile[] files) => new("toy", ["http://192.0.2.1/unused/"], files, "https://example.org/toy");

    static string[] LeftOvers(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Where(n => n!.EndsWith(".part")).ToArray()!;

    [Fact]
    public void GoodFileIsVerifiedAndRenamedIntoPlace()
    {
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        server.Add("good.bin", Content);
        var log = new StringWriter();
        For(server, log).EnsureFiles(Source(new RemoteFile("good.bin", Sha(Content))), dir.Path);
        Assert.Equal(Content, File.ReadAllBytes(dir["good.bin"]));
        Assert.Empty(LeftOvers(dir.Path));
        Assert.Contains("good.bin", log.ToString());
        Assert.Contains("done", log.ToString());
        // Present files are not fetched again.
        For(server).EnsureFiles(Source(new RemoteFile("good.bin", Sha(Content))), dir.Path);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public void ContentChecksumOfAGzipFileIsCheckedAfterDecompression()
    {
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        server.Add("data.gz", DataFixtures.Gzip(Content));
        For(server).EnsureFiles(Source(new RemoteFile("data.gz", Sha(Content), OfContent: true)), dir.Path);
        Assert.True(File.Exists(dir["data.gz"]));
    }

    [Fact]
    public void Md5ChecksumsAreAccepted()
    {
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        server.Add("a.tar.gz", Content);
        For(server).EnsureFiles(Source(new RemoteFile("a.tar.gz", "md5:" + Convert.ToHexStringLower(MD5.HashData(Content)))), dir.Path);
        Assert.True(File.Exists(dir["a.tar.gz"]));
    }

    [Fact]
    public void CorruptedFileIsRejectedAndNotLeftInTheCache()
    {
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        var corrupt = (byte[])Content.Clone();
        corrupt[1234] ^= 1;
        server.Add("file.bin", corrupt);
        var e = Assert.Throws<IOException>(() => For(server).EnsureFiles(Source(new RemoteFile("file.bin", Sha(Content))), dir.Path));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.False(File.Exists(dir["file.bin"]));
        Assert.Empty(LeftOvers(dir.Path));
    }

    [Fact]
    public void TruncatedDownloadIsRejected()
    {
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        server.Add("file.bin", Content[..3000], declared: Content.Length);
        var e = Assert.Throws<IOException>(() => For(server).EnsureFiles(Source(new RemoteFile("file.bin", Sha(Content))), dir.Path));
        Assert.Contains("file.bin", e.Message);
        Assert.False(File.Exists(dir["file.bin"]));
        Assert.Empty(LeftOvers(dir.Path));
    }

    [Fact]
    public void StalledDownloadTimesOut()
    {
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        server.Add("slow.bin", Content, stall: true);
        var e = Assert.Throws<IOException>(() => For(server, stallSeconds: 1).EnsureFiles(Source(new RemoteFile("slow.bin", Sha(Content))), dir.Path));
        Assert.Contains("no data for", e.Message);
        Assert.False(File.Exists(dir["slow.bin"]));
    }

    [Fact]
    public void HttpErrorsAreReported()
    {
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        var e = Assert.Throws<IOException>(() => For(server).EnsureFiles(Source(new RemoteFile("missing.bin", Sha(Content))), dir.Path));
        Assert.Contains("HTTP 404", e.Message);
    }

    [Fact]
    public void NoNetworkMessageSaysWhichFilesToPutWhere()
    {
        using var dir = new TempFolder();
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; }
        var downloader = new Downloader { MirrorOverride = $"http://127.0.0.1:{port}/", Progress = null, ConnectTimeout = TimeSpan.FromSeconds(2) };
        var e = Assert.Throws<IOException>(() => downloader.EnsureFiles(Source(new RemoteFile("x.gz", Sha(Content)), new RemoteFile("y.gz", Sha(Content))), dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "x.gz"), e.Message);
        Assert.Contains(Path.Combine(dir.Path, "y.gz"), e.Message);
        Assert.Contains("NEURONE_DATA", e.Message);
        Assert.Contains("not part of the library", e.Message);
    }

    [Fact]
    public void MnistLoadDownloadsIntoTheCacheAndReads()
    {
        // MNIST's real checksums cannot match tiny fixtures, so this drives the same path with a toy source.
        using var server = new TinyHttpServer();
        using var dir = new TempFolder();
        var images = DataFixtures.Images(2, 28, 28);
        server.Add("train-images-idx3-ubyte.gz", DataFixtures.Gzip(images));
        var corrupt = DataFixtures.Gzip(DataFixtures.Labels(1, 2));
        server.Add("train-labels-idx1-ubyte.gz", corrupt);
        var source = Source(new RemoteFile("train-images-idx3-ubyte.gz", Sha(images), true), new RemoteFile("train-labels-idx1-ubyte.gz", Sha(DataFixtures.Labels(1, 3)), true));
        Assert.Throws<IOException>(() => For(server).EnsureFiles(source, dir.Path));
        Assert.True(File.Exists(dir["train-images-idx3-ubyte.gz"]));
        Assert.False(File.Exists(dir["train-labels-idx1-ubyte.gz"]));
    }

    [Fact]
    public void TarExtractionRefusesEntriesEscapingTheTarget()
    {
        using var dir = new TempFolder();
        foreach (var name in new[] { "../evil.txt", "sub/../../evil.txt", "/tmp/neurone-evil-" + Guid.NewGuid().ToString("N") })
        {
            string archive = dir["bad.tar"];
            using (var fs = File.Create(archive))
            using (var writer = new TarWriter(fs, TarEntryFormat.Ustar))
            {
                var ok = new UstarTarEntry(TarEntryType.RegularFile, "fine.txt") { DataStream = new MemoryStream([1, 2, 3]) };
                writer.WriteEntry(ok);
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream([6, 6, 6]) });
            }
            string target = dir["out"];
            var e = Assert.Throws<InvalidDataException>(() => TarExtractor.Extract(archive, target));
            Assert.Contains("outside", e.Message);
            Assert.False(File.Exists(dir["evil.txt"]));
            Assert.False(File.Exists(name.StartsWith('/') ? name : Path.Combine(target, name)));
        }
    }

    [Fact]
    public void TarExtractionRefusesLinksAndExtractsGoodArchives()
    {
        using var dir = new TempFolder();
        string archive = dir["links.tar"];
        using (var fs = File.Create(archive))
        using (var writer = new TarWriter(fs, TarEntryFormat.Ustar))
            writer.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" });
        var e = Assert.Throws<InvalidDataException>(() => TarExtractor.Extract(archive, dir["out"]));
        Assert.Contains("link", e.Message);

        string good = dir["good.tar"];
        using (var fs = File.Create(good))
        using (var writer = new TarWriter(fs, TarEntryFormat.Ustar))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "a/"));
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "a/b.bin") { DataStream = new MemoryStream([9, 8]) });
        }
        var written = TarExtractor.Extract(good, dir["out2"]);
        Assert.Single(written);
        Assert.Equal([9, 8], File.ReadAllBytes(dir["out2/a/b.bin"]));
    }
}
