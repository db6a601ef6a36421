using System.Formats.Tar;
using System.IO.Compression;
using Neurone.Data;

namespace Neurone.Tests.Data;

public class Cifar10Tests
{
    static readonly string[] Train = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    static void WriteFolder(string dir, byte[]? test = null)
    {
        Directory.CreateDirectory(dir);
        for (int b = 0; b < 5; b++) File.WriteAllBytes(Path.Combine(dir, Train[b]), DataFixtures.CifarRecords((byte)b, (byte)(b + 5)));
        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), test ?? DataFixtures.CifarRecords(9, 8, 7));
    }

    [Fact]
    public void ReadsTheExtractedFolder()
    {
        using var tmp = new TempFolder();
        WriteFolder(tmp["cifar-10-batches-bin"]);
        var (train, test) = Cifar10.Load(tmp.Path);
        Assert.Equal(10, train.Count);
        Assert.Equal(3, test.Count);
        Assert.Equal([3, 32, 32], train.SampleShape.ToArray());
        Assert.Equal([9L, 8L, 7L], test.Targets().ToLongArray());
        Assert.Equal([0L, 5L, 1L, 6L], train.Targets().ToLongArray()[..4]);
        // Record 1 of test_batch: pixel j (0-based) is byte (1 + j + 1).
        Assert.Equal(2, test.Pixels[3072]);
        Assert.Equal("truck", train.ClassNames[9]);
    }

    [Fact]
    public void ReadsTheArchiveWithoutExtracting()
    {
        using var tmp = new TempFolder();
        WriteFolder(tmp["src/cifar-10-batches-bin"]);
        File.WriteAllText(tmp["src/cifar-10-batches-bin/batches.meta.txt"], "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        string archive = tmp["cifar-10-binary.tar.gz"];
        using (var fs = File.Create(archive))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
            TarFile.CreateFromDirectory(tmp["src"], gz, includeBaseDirectory: false);
        Directory.Delete(tmp["src"], true);
        var (train, test) = Cifar10.Load(archive);
        Assert.Equal(10, train.Count);
        Assert.Equal(3, test.Count);
        Assert.Equal("j", test.ClassNames[9]);
        var (train2, _) = Cifar10.Load(tmp.Path);
        Assert.Equal(train.Pixels.ToArray(), train2.Pixels.ToArray());
    }

    [Fact]
    public void TruncatedRecordIsRejected()
    {
        using var tmp = new TempFolder();
        WriteFolder(tmp.Path, DataFixtures.CifarRecords(1, 2)[..^100]);
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.Load(tmp.Path));
        Assert.Contains("test_batch.bin", e.Message);
        Assert.Contains("3073-byte records", e.Message);
    }

    [Fact]
    public void LabelOutsideTheClassRangeIsRejected()
    {
        using var tmp = new TempFolder();
        WriteFolder(tmp.Path, DataFixtures.CifarRecords(1, 12));
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.Load(tmp.Path));
        Assert.Contains("record 1", e.Message);
        Assert.Contains("label 12", e.Message);
    }

    [Fact]
    public void IncompleteFolderNamesTheExpectedFiles()
    {
        using var tmp = new TempFolder();
        WriteFolder(tmp.Path);
        File.Delete(tmp["data_batch_3.bin"]);
        var e = Assert.Throws<FileNotFoundException>(() => Cifar10.Load(tmp.Path));
        Assert.Contains("data_batch_1.bin", e.Message);
    }

    [Fact]
    public void ArchiveMissingABatchIsRejected()
    {
        using var tmp = new TempFolder();
        WriteFolder(tmp["src/cifar-10-batches-bin"]);
        File.Delete(tmp["src/cifar-10-batches-bin/test_batch.bin"]);
        string archive = tmp["cifar-10-binary.tar.gz"];
        using (var fs = File.Create(archive))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
            TarFile.CreateFromDirectory(tmp["src"], gz, includeBaseDirectory: false);
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.Load(archive));
        Assert.Contains("test_batch.bin", e.Message);
    }

    [Fact]
    public void ArchiveEntryWithAnAbsurdSizeFailsWithoutAllocatingIt()
    {
        using var tmp = new TempFolder();
        // A tar header that claims a 1 GB (whole records) test batch, followed by 10 records only.
        long claimed = 3073L * 350_000;
        var header = new byte[512];
        void Put(string s, int at) => System.Text.Encoding.ASCII.GetBytes(s).CopyTo(header, at);
        Put("cifar-10-batches-bin/test_batch.bin", 0);
        Put("0000644\0", 100); Put("0000000\0", 108); Put("0000000\0", 116);
        Put(Convert.ToString(claimed, 8).PadLeft(11, '0') + "\0", 124);
        Put("00000000000\0", 136);
        header[156] = (byte)'0';
        Put("ustar\0", 257); Put("00", 263);
        Put("        ", 148);
        int sum = 0;
        foreach (byte b in header) sum += b;
        Put(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", 148);
        string archive = tmp["cifar-10-binary.tar.gz"];
        File.WriteAllBytes(archive, DataFixtures.Gzip([.. header, .. DataFixtures.CifarRecords(new byte[10])]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.Load(archive));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);
        Assert.Contains("test_batch.bin", e.Message);
    }
}
