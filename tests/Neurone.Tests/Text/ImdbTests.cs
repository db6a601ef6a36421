using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Neurone.Data;
using Neurone.Tests.Data;
using Neurone.Text;

namespace Neurone.Tests.Text;

public class ImdbTests
{
    static readonly (string Name, string Text)[] Reviews =
    [
        ("aclImdb/train/pos/0_9.txt", "Bromwell High is a cartoon comedy.<br /><br />Great!"),
        ("aclImdb/train/pos/12_7.txt", "Fine film."),
        ("aclImdb/train/neg/3_1.txt", "Awful."),
        ("aclImdb/train/unsup/5_0.txt", "unlabelled, skipped"),
        ("aclImdb/test/neg/2_4.txt", "Not good, not bad: bad."),
        ("aclImdb/test/pos/1_10.txt", "Café crème, très bien."),
        ("aclImdb/imdb.vocab", "the\nand"),
    ];

    internal static byte[] TarGz(IEnumerable<(string Name, byte[] Bytes)> files)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax))
            foreach (var (name, bytes) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
        return ms.ToArray();
    }

    static byte[] Archive(params (string, string)[] extra) =>
        TarGz(Reviews.Concat(extra).Select(r => (r.Item1, Encoding.UTF8.GetBytes(r.Item2))));

    static void Check(ImdbSplit train, ImdbSplit test)
    {
        Assert.Equal(3, train.Count);
        Assert.Equal([0L, 1, 1], train.Labels);
        Assert.Equal([1, 9, 7], train.Ratings);
        Assert.Equal([3, 0, 12], train.Ids);
        Assert.StartsWith("Bromwell High", train.Texts[1]);
        Assert.Equal([0L, 1], test.Labels);
        Assert.Equal("Café crème, très bien.", test.Texts[1]);
        Assert.Equal([4, 10], test.Ratings);
        Assert.Equal([0L, 1, 1], train.LabelTensor().ToLongArray());
    }

    [Fact]
    public void LoadsTheSameReviewsFromTheArchiveAndFromTheFolder()
    {
        using var tmp = new TempFolder();
        string archive = tmp["aclImdb-labelled.tar.gz"];
        File.WriteAllBytes(archive, Archive());
        var (train, test) = Imdb.Load(archive);
        Check(train, test);
        // The folder holding the archive works too.
        (train, test) = Imdb.Load(tmp.Path);
        Check(train, test);
        var folder = Path.Combine(tmp.Path, "x");
        TarExtractor.Extract(archive, folder);
        (train, test) = Imdb.Load(folder);
        Check(train, test);
        (train, _) = Imdb.Load(Path.Combine(folder, "aclImdb"));
        Assert.Equal(Path.Combine(folder, "aclImdb", "train", "neg", "3_1.txt"), train.Sources[0]);
    }

    [Theory]
    [InlineData("bad-utf8", "aclImdb/test/neg/9_2.txt", "not valid UTF-8")]
    [InlineData("empty", "aclImdb/test/neg/9_2.txt", "empty")]
    [InlineData("name", "aclImdb/test/neg/review.txt", "ID_RATING.txt")]
    [InlineData("rating", "aclImdb/test/neg/9_11.txt", "rating from 1 to 10")]
    public void BadReviewsAreOneErrorNamingTheFile(string kind, string name, string expected)
    {
        byte[] bytes = kind switch
        {
            "bad-utf8" => [0x41, 0xC3, 0x28, 0x42],
            "empty" => Encoding.UTF8.GetBytes("  \n"),
            _ => Encoding.UTF8.GetBytes("fine"),
        };
        using var tmp = new TempFolder();
        string archive = tmp["a.tar.gz"];
        File.WriteAllBytes(archive, TarGz(Reviews.Select(r => (r.Name, Encoding.UTF8.GetBytes(r.Text))).Append((name, bytes))));
        var e = Assert.Throws<InvalidDataException>(() => Imdb.Load(archive));
        Assert.Contains(name, e.Message);
        Assert.Contains(expected, e.Message);
        // The same file in a folder is named by its path.
        var folder = Path.Combine(tmp.Path, "f");
        TarExtractor.Extract(archive, folder);
        e = Assert.Throws<InvalidDataException>(() => Imdb.Load(folder));
        Assert.Contains(Path.Combine("test", "neg", Path.GetFileName(name)), e.Message);
    }

    [Fact]
    public void AMissingSplitOrAForeignArchiveIsNamed()
    {
        using var tmp = new TempFolder();
        string archive = tmp["a.tar.gz"];
        File.WriteAllBytes(archive, TarGz(Reviews.Where(r => !r.Name.Contains("test/pos")).Select(r => (r.Name, Encoding.UTF8.GetBytes(r.Text)))));
        var e = Assert.Throws<InvalidDataException>(() => Imdb.Load(archive));
        Assert.Contains("test/pos", e.Message);
        Assert.Contains(archive, e.Message);
        File.WriteAllBytes(archive, TarGz([("cifar/data_batch_1.bin", new byte[10])]));
        e = Assert.Throws<InvalidDataException>(() => Imdb.Load(archive));
        Assert.Contains("train/neg, train/pos, test/neg, test/pos", e.Message);
        File.WriteAllBytes(archive, [1, 2, 3, 4]);
        e = Assert.Throws<InvalidDataException>(() => Imdb.Load(archive));
        Assert.Contains(archive, e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => Imdb.Load(tmp["nowhere"]));
        Directory.CreateDirectory(tmp["empty"]);
        e = Assert.Throws<InvalidDataException>(() => Imdb.Load(tmp["empty"]));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void DownloadsTheArchiveOnceChecksItAndRefusesACorruptOne()
    {
        byte[] archive = Archive();
        string sha = Convert.ToHexStringLower(SHA256.HashData(archive));
        using var server = new TinyHttpServer();
        server.Add(Imdb.ArchiveName, archive);
        var downloader = new Downloader { MirrorOverride = server.BaseUrl, Progress = null };
        using var tmp = new TempFolder();
        var good = Imdb.Source with { Files = [new(Imdb.ArchiveName, "sha256:" + sha)] };
        var (train, test) = Imdb.Load(null, downloader, good, tmp["cache"]);
        Check(train, test);
        Assert.True(File.Exists(Path.Combine(tmp["cache"], Imdb.ArchiveName)));
        Imdb.Load(null, downloader, good, tmp["cache"]);
        Assert.Equal(1, server.Requests);
        // The official checksum does not match these bytes: the download is refused and nothing is kept.
        var e = Assert.Throws<IOException>(() => Imdb.Load(null, downloader, Imdb.Source, tmp["cache2"]));
        Assert.Contains("checksum mismatch", e.Message);
        Assert.False(File.Exists(Path.Combine(tmp["cache2"], Imdb.ArchiveName)));
        Assert.Equal("sha256:c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe", Imdb.Source.Files[0].Checksum);
    }
}
