using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Tests.Data;

/// <summary>
/// Class labels are checked as integers: a float compared with an int class count rounds the count to
/// the nearest float above 2^24, so a label of 50,000,000 was refused as outside [0, 50000001).
/// </summary>
public class ClassLabelTests
{
    const int Big = 50_000_000; // a float exactly, as is every label below; the count Big + 1 is not

    [Fact]
    public void ALabelJustBelowAClassCountAbove2To24IsAccepted()
    {
        var ds = new TensorDataset(Tensor.Zeros(1, 2), Tensor.FromArray([(float)Big]), classes: Big + 1);
        Assert.Equal(Big + 1, ds.Classes);
        var e = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(1, 2), Tensor.FromArray([(float)Big]), classes: Big));
        Assert.Contains($"[0, {Big})", e.Message);
    }

    [Fact]
    public void CsvChecksLabelsAsIntegersAndNamesTheLine()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["t.csv"], $"0.5,1\n0.25,{Big}\n");
        Assert.Equal([1f, Big], Csv.Load(dir["t.csv"], classes: Big + 1).Y.ToArray());

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(dir["t.csv"], classes: Big));
        Assert.Contains("t.csv", e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Contains($"[0, {Big})", e.Message);
    }

    [Fact]
    public void ALabelThatNoFloatHoldsIsRefusedRatherThanRounded()
    {
        using var dir = new TempFolder();
        // 16,777,217 = 2^24 + 1 reads as the float 16,777,216: a different class, silently.
        File.WriteAllText(dir["t.csv"], "0.5,1\n0.25,16777217\n");
        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(dir["t.csv"], classes: 20_000_000));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("16777217", e.Message);
    }

    [Fact]
    public void LoadClassificationInfersTheCountAndNamesFileAndLineOfABadLabel()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["ok.csv"], "x,label\n0.5,2\n0.25,0\n1,1\n");
        var ok = Csv.LoadClassification(dir["ok.csv"]);
        Assert.Equal(3, ok.Classes);
        Assert.Equal([2f, 0f, 1f], ok.Y.ToArray());

        foreach (var (label, expected) in new[] { ("-1", "-1"), ("2.5", "2.5"), ("1e12", "1000000000000") })
        {
            File.WriteAllText(dir["bad.csv"], $"x,label\n0.5,2\n0.25,{label}\n");
            var e = Assert.Throws<InvalidDataException>(() => Csv.LoadClassification(dir["bad.csv"]));
            Assert.Contains("bad.csv", e.Message);
            Assert.Contains("line 3", e.Message);
            Assert.Contains(expected, e.Message);
        }
    }

    [Fact]
    public void AnImplausiblyLargeInferredClassCountIsRefusedUnlessGiven()
    {
        using var dir = new TempFolder();
        var rows = Enumerable.Range(0, 20).Select(i => $"{i * 0.1},{i % 3}").ToList();
        rows[6] = "0.6,10000000";
        File.WriteAllLines(dir["huge.csv"], rows);
        var e = Assert.Throws<InvalidDataException>(() => Csv.LoadClassification(dir["huge.csv"]));
        Assert.Contains("huge.csv", e.Message);
        Assert.Contains("line 7", e.Message);
        Assert.Contains("10000001 classes", e.Message);
        Assert.Contains("4 distinct labels", e.Message);

        // Labels 0..4999 with one of each would be fine; so is a count given explicitly.
        rows[6] = "0.6,5000";
        File.WriteAllLines(dir["given.csv"], rows);
        Assert.Throws<InvalidDataException>(() => Csv.LoadClassification(dir["given.csv"]));
        Assert.Equal(5001, Csv.LoadClassification(dir["given.csv"], classes: 5001).Classes);
        // A thousand classes are always plausible.
        rows[6] = "0.6,999";
        File.WriteAllLines(dir["small.csv"], rows);
        Assert.Equal(1000, Csv.LoadClassification(dir["small.csv"]).Classes);
    }
}
