using Neurone.Data;

namespace Neurone.Tests.Data;

public class DigitsTests
{
    [Fact]
    public void TheEmbeddedDigitsHaveTheDocumentedCountsAndBalance()
    {
        var all = Digits.LoadAll();
        Assert.Equal(1797, all.Count);
        Assert.Equal(64, all.SampleSize);
        var counts = new int[10];
        foreach (long y in all.Y.ToLongArray()) counts[(int)y]++;
        Assert.Equal(new[] { 178, 182, 177, 183, 181, 182, 181, 179, 174, 180 }, counts);
        Assert.InRange(all.X.Max().Item(), 16f, 16f);
        Assert.Equal(0f, all.X.Min().Item());
    }

    [Fact]
    public void TheSplitIsSeededStratifiedAndScaled()
    {
        var (train, test) = Digits.Load(seed: 1);
        Assert.Equal(1797, train.Count + test.Count);
        Assert.InRange(test.Count, 355, 365);
        var (x, _) = train.ToTensors();
        Assert.Equal(1f, x.Max().Item());
        var again = Digits.Load(seed: 1).Test.ToTensors().Y.ToLongArray();
        Assert.Equal(test.ToTensors().Y.ToLongArray(), again);
        var testCounts = new int[10];
        foreach (float y in again) testCounts[(int)y]++;
        Assert.All(testCounts, c => Assert.InRange(c, 34, 37));
        Assert.Throws<ArgumentOutOfRangeException>(() => Digits.Load(testFraction: 1));
    }
}
