using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Tests.Data;

/// <summary>
/// Class labels are Int64 and checked as integers: labels above 2^24, which no float32 holds exactly,
/// round-trip unchanged through data sets, CSV files and batches.
/// </summary>
public class ClassLabelTests
{
    const int Big = 50_000_000; // above 2^24, where float32 labels lost whole numbers

    [Fact]
    public void ALabelJustBelowAClassCountAbove2To24IsAccepted()
    {
        var ds = new TensorDataset(Tensor.Zeros(2, 2), Tensor.FromLongs([Big, Big - 1]), classes: Big + 1);
        Assert.Equal(Big + 1, ds.Classes);
        var (_, y) = ds.GetBatch([1, 0]);
        Assert.Equal([Big - 1, Big], y.ToLongArray());
        var e = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(1, 2), Tensor.FromLongs([Big]), classes: Big));
        Assert.Contains($"[0, {Big})", e.Message);
    }

    [Fact]
    public void CsvChecksLabelsAsIntegersAndNamesTheLine()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["t.csv"], $"0.5,1\n0.25,{Big}\n");
        Assert.Equal([1L, Big], Csv.Load(dir["t.csv"], classes: Big + 1).Y.ToLongArray());

        var e = Assert.Throws<InvalidDataException>(() => Csv.Load(dir["t.csv"], classes: Big));
        Assert.Contains("t.csv", e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Contains($"[0, {Big})", e.Message);
    }

    [Fact]
    public void ALabelThatNoFloatHoldsIsKeptExactly()
    {
        using var dir = new TempFolder();
        // 16,777,217 = 2^24 + 1 would read as the float 16,777,216; as Int64 it stays itself, through a DataLoader too.
        File.WriteAllText(dir["t.csv"], "0.5,1\n0.25,16777217\n");
        var ds = Csv.Load(dir["t.csv"], classes: 20_000_000);
        Assert.Equal(DType.Int64, ds.TargetDType);
        var (_, y) = new DataLoader(ds, batchSize: 2).First();
        Assert.Equal([1L, 16_777_217L], y.ToLongArray());
    }

    [Fact]
    public void LoadClassificationInfersTheCountAndNamesFileAndLineOfABadLabel()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir["ok.csv"], "x,label\n0.5,2\n0.25,0\n1,1\n");
        var ok = Csv.LoadClassification(dir["ok.csv"]);
        Assert.Equal(3, ok.Classes);
        Assert.Equal([2L, 0L, 1L], ok.Y.ToLongArray());

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
