using Neurone.Data;

namespace Neurone.Tests.Data;

public class IdxReaderTests
{
    static (string Images, string Labels) Write(TempFolder dir, byte[] images, byte[] labels, bool gz = false)
    {
        string i = dir["img" + (gz ? ".gz" : "")], l = dir["lbl" + (gz ? ".gz" : "")];
        File.WriteAllBytes(i, gz ? DataFixtures.Gzip(images) : images);
        File.WriteAllBytes(l, gz ? DataFixtures.Gzip(labels) : labels);
        return (i, l);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesAndLabels(bool gz)
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Images(4), DataFixtures.Labels(3, 1, 4, 1), gz);
        var ds = Mnist.Read(i, l);
        Assert.Equal(4, ds.Count);
        Assert.Equal([1, 3, 2], ds.SampleShape.ToArray());
        var (x, y) = ds.GetBatch([2, 0]);
        Assert.Equal([2, 1, 3, 2], x.ShapeArray());
        Assert.Equal([4L, 3L], y.ToLongArray());
        Assert.Equal((byte)(12 * 37 % 256) / 255f, x[0, 0, 0, 0]);
        Assert.Equal([0, 2, 0, 1, 1, 0, 0, 0, 0, 0], ds.ClassCounts());
    }

    [Fact]
    public void LoadFindsStandardNamesInAFolder()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir["train-images-idx3-ubyte.gz"], DataFixtures.Gzip(DataFixtures.Images(2, 28, 28)));
        File.WriteAllBytes(dir["train-labels-idx1-ubyte.gz"], DataFixtures.Gzip(DataFixtures.Labels(7, 2)));
        File.WriteAllBytes(dir["t10k-images-idx3-ubyte"], DataFixtures.Images(1, 28, 28));
        File.WriteAllBytes(dir["t10k-labels.idx1-ubyte"], DataFixtures.Labels(9));
        var (train, test) = FashionMnist.Load(dir.Path);
        Assert.Equal(2, train.Count);
        Assert.Equal(1, test.Count);
        Assert.Equal("Ankle boot", test.ClassNames[9]);
    }

    [Fact]
    public void MissingFileNamesWhatWasExpected()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(dir.Path));
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongMagicIsRejected(bool gz)
    {
        using var dir = new TempFolder();
        var images = DataFixtures.Images(2);
        images[0] = 0x1F; // e.g. a gzip file without a .gz name
        var (i, l) = Write(dir, images, DataFixtures.Labels(0, 1), gz);
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains(i, e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void WrongElementTypeIsRejected()
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Idx(0x0D, [1, 1, 1], new byte[4]), DataFixtures.Labels(0));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains("0x0D", e.Message);
    }

    [Fact]
    public void WrongRankIsRejected()
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Labels(1, 2), DataFixtures.Labels(0));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains("3 dimension", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDataIsRejected(bool gz)
    {
        using var dir = new TempFolder();
        var images = DataFixtures.Images(3);
        var (i, l) = Write(dir, images[..^5], DataFixtures.Labels(0, 1, 2), gz);
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(i, e.Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Images(1)[..10], DataFixtures.Labels(0));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Images(2), [.. DataFixtures.Labels(0, 1), 7, 7], gz: true);
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains(l, e.Message);
        Assert.Contains("more data follows", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AbsurdHeaderFailsWithoutAllocatingTheClaim(bool gz)
    {
        using var dir = new TempFolder();
        // 1.9 billion images of 1×1: a 16-byte file that claims ~2 GB.
        var (i, l) = Write(dir, DataFixtures.Idx(0x08, [1_900_000_000, 1, 1], new byte[8]), DataFixtures.Labels(0), gz);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 16 << 20, $"reading a corrupt header allocated {allocated} bytes");
    }

    [Fact]
    public void SizesBeyondAnArrayAreRejected()
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Idx(0x08, [60000, 60000, 60000], []), DataFixtures.Labels(0), gz: true);
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void CountMismatchBetweenImagesAndLabelsIsRejected()
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Images(3), DataFixtures.Labels(0, 1));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [Fact]
    public void LabelOutsideTheClassRangeIsRejected()
    {
        using var dir = new TempFolder();
        var (i, l) = Write(dir, DataFixtures.Images(3), DataFixtures.Labels(0, 10, 1));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(i, l));
        Assert.Contains("label 1", e.Message);
        Assert.Contains("[0, 10)", e.Message);
    }

    [Fact]
    public void CorruptGzipNamesTheFile()
    {
        using var dir = new TempFolder();
        var gz = DataFixtures.Gzip(DataFixtures.Images(50));
        for (int k = 20; k < gz.Length - 8; k++) gz[k] ^= 0x5A;
        File.WriteAllBytes(dir["img.gz"], gz);
        File.WriteAllBytes(dir["lbl"], DataFixtures.Labels(new byte[50]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Read(dir["img.gz"], dir["lbl"]));
        Assert.Contains(dir["img.gz"], e.Message);
    }
}
