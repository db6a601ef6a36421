using Neurone.Analysis;
using Neurone.Tensors;

namespace Neurone.Tests.Analysis;

[Collection(ThreadSettingCollection.Name)]
public class TsneTests
{
    /// <summary>
    /// Three Gaussians in 50-D, centred 20 apart along axes 0, 1 and 2, with standard deviation
    /// 2·<paramref name="decay"/>^j along axis j. With decay 1 they are isotropic white noise, whose
    /// within-cluster neighbourhoods no 2-D map can keep (trustworthiness tops out near 0.94 for any
    /// method); real data has a decaying spectrum, as the default 0.85 gives.
    /// </summary>
    static (Tensor X, int[] Labels) ThreeClusters(int perCluster, ulong seed = 5, double decay = 0.85)
    {
        var rng = new Rng(seed);
        int n = 3 * perCluster;
        var x = new float[n * 50];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 3;
            labels[i] = c;
            for (int j = 0; j < 50; j++) x[i * 50 + j] = (float)(2 * Math.Pow(decay, j) * rng.NextGaussian() + (j == c ? 20 : 0));
        }
        return (Tensor.FromArray(x, n, 50), labels);
    }

    /// <summary>Every point is nearer its own cluster's embedded centroid than any other, with a clear gap.</summary>
    static void AssertSeparated(Tensor y, int[] labels)
    {
        var s = y.AsReadOnlySpan();
        var cx = new double[3]; var cy = new double[3]; var count = new int[3];
        for (int i = 0; i < labels.Length; i++) { cx[labels[i]] += s[2 * i]; cy[labels[i]] += s[2 * i + 1]; count[labels[i]]++; }
        for (int c = 0; c < 3; c++) { cx[c] /= count[c]; cy[c] /= count[c]; }
        double maxSpread = 0, minGap = double.MaxValue;
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            maxSpread = Math.Max(maxSpread, Math.Sqrt(Math.Pow(s[2 * i] - cx[c], 2) + Math.Pow(s[2 * i + 1] - cy[c], 2)));
        }
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++) minGap = Math.Min(minGap, Math.Sqrt(Math.Pow(cx[a] - cx[b], 2) + Math.Pow(cy[a] - cy[b], 2)));
        Assert.True(minGap > 2 * maxSpread, $"clusters overlap: centroid gap {minGap:F2}, largest spread {maxSpread:F2}");
    }

    [Theory]
    [InlineData(TsneMethod.Exact, 50)]
    [InlineData(TsneMethod.BarnesHut, 100)]
    public void KeepsThreeGaussianClustersApart(TsneMethod method, int perCluster)
    {
        var (x, labels) = ThreeClusters(perCluster);
        var tsne = new Tsne { Method = method, Perplexity = 20, MaxIter = 500 };
        var y = tsne.FitTransform(x);
        Assert.Equal([3 * perCluster, 2], y.ShapeArray());
        Assert.Equal(method, tsne.MethodUsed);
        AssertSeparated(y, labels);
        double t = Tsne.Trustworthiness(x, y, 5);
        Assert.True(t >= 0.95, $"trustworthiness {t:F4}");
        Assert.True(tsne.KlDivergence > 0 && tsne.KlDivergence < 2, $"KL {tsne.KlDivergence}");
    }

    [Fact]
    public void KeepsIsotropicClustersApartToo()
    {
        var (x, labels) = ThreeClusters(50, decay: 1);
        var y = new Tsne { Perplexity = 20, MaxIter = 500 }.FitTransform(x);
        AssertSeparated(y, labels);
        Assert.True(Tsne.Trustworthiness(x, y, 5) >= 0.9);
    }

    [Theory]
    [InlineData(TsneMethod.Exact, TsneInit.Random)]
    [InlineData(TsneMethod.BarnesHut, TsneInit.Pca)]
    public void SameSeedGivesTheSameEmbedding(TsneMethod method, TsneInit init)
    {
        var (x, _) = ThreeClusters(30);
        Tensor Run(ulong seed) => new Tsne { Method = method, Init = init, Seed = seed, Perplexity = 10, MaxIter = 300 }.FitTransform(x);
        var a = Run(1).ToArray();
        Assert.Equal(a, Run(1).ToArray());
        if (init == TsneInit.Random) Assert.NotEqual(a, Run(2).ToArray());
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var (x, _) = ThreeClusters(40);
        int saved = Neurone.Kernels.Parallelism.Threads;
        try
        {
            Neurone.Kernels.Parallelism.Threads = 1;
            var one = new Tsne { Method = TsneMethod.BarnesHut, MaxIter = 300 }.FitTransform(x).ToArray();
            Neurone.Kernels.Parallelism.Threads = 3;
            var three = new Tsne { Method = TsneMethod.BarnesHut, MaxIter = 300 }.FitTransform(x).ToArray();
            Assert.Equal(one, three);
        }
        finally { Neurone.Kernels.Parallelism.Threads = saved; }
    }

    [Fact]
    public void AutoLearningRateAndMethodFollowScikitLearn()
    {
        var (x, _) = ThreeClusters(20);
        var tsne = new Tsne { Perplexity = 5, MaxIter = 10 };
        tsne.FitTransform(x);
        Assert.Equal(TsneMethod.Exact, tsne.MethodUsed);
        Assert.Equal(50, tsne.LearningRateUsed); // max(60 / 12 / 4, 50)
        Assert.Equal(10, tsne.Iterations);
    }

    [Fact]
    public void TrustworthinessMatchesANaiveRankingAndIsOneForAnIsometry()
    {
        var rng = new Rng(11);
        var high = Tensor.Randn([60, 8], rng);
        var low = Tensor.Randn([60, 2], rng);
        Assert.Equal(Naive(high.ToArray(), low.ToArray(), 60, 8, 2, 5), Tsne.Trustworthiness(high, low, 5), 1e-9);
        Assert.Equal(1.0, Tsne.Trustworthiness(high, high, 5), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tsne.Trustworthiness(high, low, 30));
    }

    /// <summary>The definition read literally: full sorts of both spaces' distances.</summary>
    static double Naive(float[] x, float[] y, int n, int d, int e, int k)
    {
        double Dist(float[] a, int dim, int i, int j) { double s = 0; for (int c = 0; c < dim; c++) s += Math.Pow(a[i * dim + c] - a[j * dim + c], 2); return s; }
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var others = Enumerable.Range(0, n).Where(j => j != i).ToArray();
            var byHigh = others.OrderBy(j => Dist(x, d, i, j)).ToList();
            var byLow = others.OrderBy(j => Dist(y, e, i, j)).Take(k);
            foreach (int j in byLow) sum += Math.Max(0, byHigh.IndexOf(j) + 1 - k);
        }
        return 1 - sum * 2.0 / (n * k * (2.0 * n - 3 * k - 1));
    }
}
