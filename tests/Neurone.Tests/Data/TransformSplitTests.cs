using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Tests.Data;

public class TransformSplitTests
{
    static ImageDataset Images(int n, int classes = 2)
    {
        var px = new byte[n * 2 * 2 * 2];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)(i * 29 % 256);
        var labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte)(i % classes);
        return new ImageDataset(px, labels, 2, 2, 2, Enumerable.Range(0, classes).Select(c => c.ToString()).ToArray());
    }

    [Fact]
    public void BytesBecomeUnitFloatsAndFlattenOrKeepNchw()
    {
        var ds = Images(3);
        var (x, _) = ds.GetBatch([1]);
        Assert.Equal([1, 2, 2, 2], x.ShapeArray());
        for (int j = 0; j < 8; j++) Assert.Equal((byte)((8 + j) * 29 % 256) / 255f, x.AsReadOnlySpan()[j]);
        var (xf, _) = ds.Flatten().GetBatch([1]);
        Assert.Equal([1, 8], xf.ShapeArray());
        Assert.Equal(x.ToArray(), xf.ToArray());
        Assert.Throws<ArgumentException>(() => ds.Reshape(3, 3));
    }

    [Fact]
    public void StandardisationIsFittedOnTrainAndReusedOnTest()
    {
        var all = Synthetic.TwoBlobs(300, new Rng(1), distance: 3, std: 2);
        var parts = Splits.ByCount(all, [200, 100], new Rng(2));
        var norm = Normalize.FitPerFeature(parts[0]);
        var (xt, _) = parts[0].WithTransform(norm).ToTensors();
        for (int f = 0; f < 2; f++)
        {
            double m = 0, s = 0;
            for (int i = 0; i < 200; i++) m += xt[i, f];
            m /= 200;
            for (int i = 0; i < 200; i++) s += (xt[i, f] - m) * (xt[i, f] - m);
            Assert.Equal(0, m, 1e-5);
            Assert.Equal(1, Math.Sqrt(s / 200), 1e-4);
        }
        // The test split uses the training statistics: its own mean is not forced to zero.
        var (raw, _) = parts[1].ToTensors();
        var (xv, _) = parts[1].WithTransform(norm).ToTensors();
        Assert.Equal((raw[0, 0] - norm.Mean[0]) / norm.Std[0], xv[0, 0], 1e-5f);
        var rebuilt = new Normalize([.. norm.Mean], [.. norm.Std], 2);
        var copy = raw.Clone();
        rebuilt.Apply(copy);
        Assert.Equal(xv.ToArray(), copy.ToArray());
    }

    [Fact]
    public void ConstantFeaturesKeepScaleOne()
    {
        var x = Tensor.FromArray([1f, 5f, 1f, 7f], 2, 2);
        var norm = Normalize.FitPerFeature(new TensorDataset(x, Tensor.FromArray([0f, 1f])));
        Assert.Equal(1f, norm.Std[0]);
        Assert.Equal(1f, norm.Std[1]);
        Assert.Equal(6f, norm.Mean[1]);
    }

    [Fact]
    public void MeanImageAndPerChannelStatistics()
    {
        var ds = Images(4);
        var (x, _) = ds.ToTensors();
        var meanImage = Normalize.FitMeanImage(ds);
        Assert.Equal(8, meanImage.Mean.Count);
        Assert.All(meanImage.Std, s => Assert.Equal(1f, s));
        var (centred, _) = ds.WithTransform(meanImage).ToTensors();
        for (int j = 0; j < 8; j++)
        {
            float sum = 0;
            for (int i = 0; i < 4; i++) sum += centred.AsReadOnlySpan()[i * 8 + j];
            Assert.Equal(0f, sum, 1e-5f);
        }
        var perChannel = Normalize.FitPerChannel(ds);
        Assert.Equal(2, perChannel.Mean.Count);
        double m0 = 0;
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) m0 += x.AsReadOnlySpan()[i * 8 + j];
        Assert.Equal(m0 / 16, perChannel.Mean[0], 1e-5);
        Assert.Single(Normalize.FitGlobal(ds).Mean);
    }

    [Fact]
    public void OneHotEncodesAndRejectsBadLabels()
    {
        var t = OneHot.Encode(Tensor.FromLongs([2, 0]), 3);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], t.ToArray());
        Assert.Equal([2L, 0L], OneHot.Decode(t).ToLongArray());
        Assert.Throws<ArgumentException>(() => OneHot.Encode(Tensor.FromLongs([3]), 3));
        Assert.Contains("Float32", Assert.Throws<ArgumentException>(() => OneHot.Encode(Tensor.FromArray([0.5f]), 3)).Message);
        var ds = Images(3, classes: 3).OneHot();
        var (_, y) = ds.GetBatch([2, 1]);
        Assert.Equal([2, 3], y.ShapeArray());
        Assert.Equal([0f, 0f, 1f, 0f, 1f, 0f], y.ToArray());
    }

    [Fact]
    public void SplitByCountIsSeededDisjointAndExact()
    {
        var ds = Images(100, classes: 4);
        var a = Splits.ByCount(ds, [49, 1, 10], new Rng(3));
        var b = Splits.ByCount(ds, [49, 1, 10], new Rng(3));
        Assert.Equal([49, 1, 10], a.Select(p => p.Count).ToArray());
        Assert.Equal(a[0].Indices.ToArray(), b[0].Indices.ToArray());
        var all = a.SelectMany(p => p.Indices.ToArray()).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, 49).ToArray(), a[0].Indices.ToArray());
        Assert.Throws<ArgumentException>(() => Splits.ByCount(ds, [60, 41]));
    }

    [Fact]
    public void SplitWithoutRngKeepsOrderSoTheLastFractionIsValidation()
    {
        var ds = Images(10);
        var parts = Splits.ByFraction(ds, [0.8, 0.2]);
        Assert.Equal(Enumerable.Range(0, 8).ToArray(), parts[0].Indices.ToArray());
        Assert.Equal([8, 9], parts[1].Indices.ToArray());
        var thirds = Splits.ByFraction(Images(10), [1 / 3.0, 1 / 3.0, 1 / 3.0]);
        Assert.Equal(10, thirds.Sum(p => p.Count));
    }

    [Fact]
    public void StratifiedSplitKeepsClassSharesInEveryPart()
    {
        // 3 classes with shares 60/30/10 and a class-sorted order, the worst case for a plain split.
        var labels = Enumerable.Repeat(0L, 60).Concat(Enumerable.Repeat(1L, 30)).Concat(Enumerable.Repeat(2L, 10)).ToArray();
        var ds = new TensorDataset(Tensor.FromArray(labels.Select(l => l * 10f).ToArray(), 100, 1), Tensor.FromLongs(labels), classes: 3);
        var parts = Splits.ByFraction(ds, [0.7, 0.2, 0.1], new Rng(4), stratify: true);
        Assert.Equal([70, 20, 10], parts.Select(p => p.Count).ToArray());
        foreach (var p in parts)
        {
            var y = p.Targets().ToLongArray();
            Assert.InRange(y.Count(v => v == 0), 0.6 * p.Count - 1, 0.6 * p.Count + 1);
            Assert.InRange(y.Count(v => v == 1), 0.3 * p.Count - 1, 0.3 * p.Count + 1);
            Assert.InRange(y.Count(v => v == 2), 0.1 * p.Count - 1, 0.1 * p.Count + 1);
        }
        var again = Splits.ByFraction(ds, [0.7, 0.2, 0.1], new Rng(4), stratify: true);
        Assert.Equal(parts[1].Indices.ToArray(), again[1].Indices.ToArray());
        Assert.Throws<ArgumentException>(() => Splits.ByCount(Synthetic.LinearRegression(10, new Rng(1)), [5], stratify: true));
    }

    [Fact]
    public void SubsetOfASubsetMapsThroughBoth()
    {
        var ds = Images(10);
        var inner = ds.Subset([9, 8, 7, 6]);
        var outer = inner.Subset([3, 0]);
        Assert.Equal(ds.GetBatch([6, 9]).X.ToArray(), outer.ToTensors().X.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Subset([10]));
    }
}
