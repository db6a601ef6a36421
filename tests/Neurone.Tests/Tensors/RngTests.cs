using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class RngTests
{
    [Fact]
    public void SameSeedGivesSameSequence()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void DifferentSeedsDiffer()
    {
        Assert.NotEqual(new Rng(1).NextUInt64(), new Rng(2).NextUInt64());
    }

    [Fact]
    public void ZeroSeedStillProducesNonZeroOutput()
    {
        var r = new Rng(0);
        ulong orAll = 0;
        for (int i = 0; i < 10; i++) orAll |= r.NextUInt64();
        Assert.NotEqual(0UL, orAll);
    }

    [Fact]
    public void RestoringStateContinuesTheSequenceExactly()
    {
        var r = new Rng(7);
        r.NextGaussian(); // leaves a spare normal in the state
        var saved = r.State;
        var expected = new double[20];
        for (int i = 0; i < 20; i++) expected[i] = r.NextGaussian();
        var restored = new Rng(123) { State = saved };
        for (int i = 0; i < 20; i++) Assert.Equal(expected[i], restored.NextGaussian());
        Assert.Throws<ArgumentException>(() => new Rng(1).State = default);
    }

    [Fact]
    public void UniformFloatsAreInRangeWithTheRightMoments()
    {
        var r = new Rng(3);
        const int n = 200_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            float u = r.NextFloat();
            Assert.InRange(u, 0f, 0.99999995f);
            sum += u; sumSq += u * (double)u;
        }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        Assert.InRange(mean, 0.497, 0.503);
        Assert.InRange(variance, 1.0 / 12 - 0.002, 1.0 / 12 + 0.002);
    }

    [Fact]
    public void GaussianHasMeanZeroAndUnitVariance()
    {
        var buffer = new float[200_001]; // odd length exercises the single-sample tail
        new Rng(5).FillNormal(buffer, mean: 2f, std: 3f);
        double mean = buffer.Average(v => (double)v);
        double variance = buffer.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, 1.97, 2.03);
        Assert.InRange(Math.Sqrt(variance), 2.97, 3.03);
        // Tails: about 4.55% of a normal lies beyond two standard deviations.
        double beyond = buffer.Count(v => Math.Abs(v - 2f) > 6f) / (double)buffer.Length;
        Assert.InRange(beyond, 0.040, 0.051);
    }

    [Fact]
    public void NextIntIsUnbiasedAndInRange()
    {
        var r = new Rng(11);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[r.NextInt(7)]++;
        foreach (int c in counts) Assert.InRange(c, 9_600, 10_400);
        for (int i = 0; i < 1000; i++) Assert.InRange(r.NextInt(-3, 4), -3, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => r.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.NextInt(5, 5));
    }

    [Fact]
    public void PermutationContainsEveryIndexOnceAndIsSeeded()
    {
        var p = new Rng(9).Permutation(1000);
        Assert.Equal(Enumerable.Range(0, 1000), p.OrderBy(x => x));
        Assert.Equal(p, new Rng(9).Permutation(1000));
        Assert.NotEqual(Enumerable.Range(0, 1000), p);
        Assert.Empty(new Rng(9).Permutation(0));
    }

    [Fact]
    public void CloneAndForkGiveIndependentButReproducibleStreams()
    {
        var r = new Rng(21);
        var c = r.Clone();
        Assert.Equal(r.NextUInt64(), c.NextUInt64());
        var f1 = new Rng(21).Fork();
        var f2 = new Rng(21).Fork();
        Assert.Equal(f1.NextUInt64(), f2.NextUInt64());
    }
}
