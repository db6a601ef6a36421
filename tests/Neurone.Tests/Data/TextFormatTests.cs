using System.Text;
using Neurone.Data;

namespace Neurone.Tests.Data;

public class TextFormatTests
{
    static string EslLine(int label, float fill) =>
        label.ToString("0.0000") + string.Concat(Enumerable.Repeat(" " + fill.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), 256));

    [Fact]
    public void UspsEslReadsDigitsGzippedOrNot()
    {
        using var dir = new TempFolder();
        string text = EslLine(6, -1f) + "\n" + EslLine(0, 0.5f) + "\n";
        File.WriteAllBytes(dir["zip.train.gz"], DataFixtures.Gzip(Encoding.ASCII.GetBytes(text)));
        File.WriteAllText(dir["zip.test"], EslLine(9, 0.25f) + "\n");
        var (train, test) = Usps.Load(dir.Path);
        Assert.Equal(2, train.Count);
        Assert.Equal([1, 16, 16], train.SampleShape.ToArray());
        Assert.Equal([6L, 0L], train.Targets().ToLongArray());
        Assert.Equal(0.5f, train.X[1, 0, 15, 15]);
        Assert.Equal(9L, test.Targets().LongItem());
    }

    [Fact]
    public void UspsEslRejectsShortLinesAndBadLabels()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["short"], EslLine(1, 0f) + "\n" + EslLine(2, 0f)[..^7] + "\n");
        var e = Assert.Throws<InvalidDataException>(() => Usps.ReadEsl(dir["short"]));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("257 fields", e.Message);
        File.WriteAllText(dir["label"], EslLine(10, 0f) + "\n");
        e = Assert.Throws<InvalidDataException>(() => Usps.ReadEsl(dir["label"]));
        Assert.Contains("[0, 10)", e.Message);
        File.WriteAllText(dir["nan"], EslLine(1, 0f).Replace(" 0.0000 ", " x ") + "\n");
        e = Assert.Throws<InvalidDataException>(() => Usps.ReadEsl(dir["nan"]));
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void LibSvmReadsSparseLinesIntoDenseRows()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["a.txt"], "1 1:0.5 3:-2 # comment\n\n-1 qid:3 2:1e-1\n");
        var ds = LibSvm.Load(dir["a.txt"]);
        Assert.Equal([2, 3], ds.X.ShapeArray());
        Assert.Equal([0.5f, 0f, -2f, 0f, 0.1f, 0f], ds.X.ToArray());
        Assert.Equal([1f, -1f], ds.Y.ToArray());
        Assert.Equal(5, LibSvm.Load(dir["a.txt"], features: 5).X.Size(1));
        Assert.Equal(4, LibSvm.Load(dir["a.txt"], zeroBased: true).X.Size(1));
    }

    [Fact]
    public void UspsLibSvmReadsBzip2AndShiftsLabels()
    {
        using var dir = new TempFolder();
        var line1 = "10 " + string.Join(" ", Enumerable.Range(1, 256).Select(i => $"{i}:-1.000000")) + " \n";
        var line2 = "1 1:0.5 256:1\n";
        File.WriteAllBytes(dir["usps.t.bz2"], DataFixtures.Bzip2(Encoding.ASCII.GetBytes(line1 + line2)));
        var ds = Usps.ReadLibSvm(dir["usps.t.bz2"]);
        Assert.Equal([9L, 0L], ds.Targets().ToLongArray());
        Assert.Equal([1, 16, 16], ds.SampleShape.ToArray());
        Assert.Equal(1f, ds.X[1, 0, 15, 15]);
        Assert.Equal(-1f, ds.X[0, 0, 3, 4]);
    }

    [Fact]
    public void LibSvmRejectsBadInput()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["huge"], "1 2000000000:1\n2 1:1\n");
        var e = Assert.Throws<InvalidDataException>(() => LibSvm.Load(dir["huge"]));
        Assert.Contains("dense values", e.Message);
        File.WriteAllText(dir["order"], "1 3:1 2:1\n");
        e = Assert.Throws<InvalidDataException>(() => LibSvm.Load(dir["order"]));
        Assert.Contains("ascending", e.Message);
        File.WriteAllText(dir["token"], "1 3=1\n");
        e = Assert.Throws<InvalidDataException>(() => LibSvm.Load(dir["token"]));
        Assert.Contains("index:value", e.Message);
        File.WriteAllText(dir["zero"], "1 0:1\n");
        e = Assert.Throws<InvalidDataException>(() => LibSvm.Load(dir["zero"]));
        Assert.Contains("below the first index", e.Message);
        File.WriteAllText(dir["wide"], "1 300:1\n");
        e = Assert.Throws<InvalidDataException>(() => Usps.ReadLibSvm(dir["wide"]));
        Assert.Contains("256 features", e.Message);
        File.WriteAllText(dir["label"], "11 1:1\n");
        e = Assert.Throws<InvalidDataException>(() => Usps.ReadLibSvm(dir["label"]));
        Assert.Contains("class range", e.Message);
        File.WriteAllBytes(dir["trunc.bz2"], DataFixtures.Bzip2(Encoding.ASCII.GetBytes(new string('1', 5000) + " 1:1\n"))[..40]);
        e = Assert.Throws<InvalidDataException>(() => LibSvm.Load(dir["trunc.bz2"]));
        Assert.Contains(dir["trunc.bz2"], e.Message);
    }

    [Fact]
    public void CsvWithHeaderAndChosenLabelColumn()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["t.csv"], "a,label,b\n1.5,2,3\n4,0,-6e-1\n");
        var ds = Csv.Load(dir["t.csv"], labelColumn: 1, classes: 3);
        Assert.Equal([2, 2], ds.X.ShapeArray());
        Assert.Equal([1.5f, 3f, 4f, -0.6f], ds.X.ToArray());
        Assert.Equal([2L, 0L], ds.Y.ToLongArray());
        Assert.Equal(3, ds.Classes);
    }

    [Fact]
    public void TsvGzippedWithoutHeaderLabelLast()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir["t.tsv.gz"], DataFixtures.Gzip(Encoding.ASCII.GetBytes("1\t2\t0.5\n3\t4\t7\n")));
        var ds = Csv.Load(dir["t.tsv.gz"]);
        Assert.Equal([1f, 2f, 3f, 4f], ds.X.ToArray());
        Assert.Equal([0.5f, 7f], ds.Y.ToArray());
    }

    [Fact]
    public void CsvRejectsBadRows()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["w.csv"], "1,2,0\n1,2\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(dir["w.csv"]));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("expected 3 fields", e.Message);
        File.WriteAllText(dir["n.csv"], "1,2,0\n1,abc,1\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load(dir["n.csv"]));
        Assert.Contains("field 2", e.Message);
        File.WriteAllText(dir["l.csv"], "1,2,0\n1,2,5\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load(dir["l.csv"], classes: 5));
        Assert.Contains("[0, 5)", e.Message);
        File.WriteAllText(dir["e.csv"], "a,b\n");
        e = Assert.Throws<InvalidDataException>(() => Csv.Load(dir["e.csv"]));
        Assert.Contains("no", e.Message);
    }
}
