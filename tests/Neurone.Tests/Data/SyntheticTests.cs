using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Tests.Data;

public class SyntheticTests
{
    static int[] Counts(TensorDataset d, int classes)
    {
        var c = new int[classes];
        foreach (long v in d.Y.AsLongSpan()) c[(int)v]++;
        return c;
    }

    public static TheoryData<string> Names => ["blobs", "xor", "checker", "circles", "moons", "spirals", "flower"];

    static TensorDataset Make(string name, ulong seed, float noise = 0.1f) => name switch
    {
        "blobs" => Synthetic.TwoBlobs(200, new Rng(seed)),
        "xor" => Synthetic.XorBlobs(200, new Rng(seed)),
        "checker" => Synthetic.Checkerboard(200, new Rng(seed)),
        "circles" => Synthetic.Circles(200, new Rng(seed), noise),
        "moons" => Synthetic.Moons(200, new Rng(seed), noise),
        "spirals" => Synthetic.Spirals(100, 2, new Rng(seed), noise),
        "flower" => Synthetic.Flower(200, new Rng(seed), noise: noise),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void ShapesDeterminismAndBalance(string name)
    {
        var a = Make(name, 7);
        var b = Make(name, 7);
        var c = Make(name, 8);
        Assert.Equal([200, 2], a.X.ShapeArray());
        Assert.Equal([200], a.Y.ShapeArray());
        Assert.Equal(a.X.ToArray(), b.X.ToArray());
        Assert.Equal(a.Y.ToLongArray(), b.Y.ToLongArray());
        Assert.NotEqual(a.X.ToArray(), c.X.ToArray());
        if (name != "checker") Assert.Equal([100, 100], Counts(a, 2));
        Assert.Equal(2, a.Classes);
    }

    [Fact]
    public void BlobsAreLinearlySeparableWhenFarApart()
    {
        var d = Synthetic.TwoBlobs(400, new Rng(1), distance: 20f, std: 1f);
        for (int i = 0; i < d.Count; i++)
            Assert.Equal(d.Y.LongAt(i) == 1, d.X[i, 0] + d.X[i, 1] > 0);
    }

    [Fact]
    public void XorBlobsLabelIsTheSignDisagreement()
    {
        var d = Synthetic.XorBlobs(400, new Rng(2), std: 0.1f);
        for (int i = 0; i < d.Count; i++) Assert.Equal(d.Y.LongAt(i) == 1, d.X[i, 0] * d.X[i, 1] < 0);
        Assert.Equal([200, 200], Counts(d, 2));
    }

    [Fact]
    public void CheckerboardColoursByTileParity()
    {
        var d = Synthetic.Checkerboard(1000, new Rng(3), tiles: 4);
        int ones = 0;
        for (int i = 0; i < d.Count; i++)
        {
            float x = d.X[i, 0], y = d.X[i, 1];
            Assert.InRange(x, -1f, 1f);
            int expected = ((int)MathF.Floor((x + 1) * 2) + (int)MathF.Floor((y + 1) * 2)) % 2;
            Assert.Equal(expected, (int)d.Y.LongAt(i));
            ones += (int)d.Y.LongAt(i);
        }
        Assert.InRange(ones, 400, 600);
    }

    [Fact]
    public void CirclesLieOnTheirRadii()
    {
        var d = Synthetic.Circles(200, new Rng(4), noise: 0f, factor: 0.3f);
        for (int i = 0; i < d.Count; i++)
            Assert.Equal(d.Y.LongAt(i) == 0 ? 1f : 0.3f, MathF.Sqrt(d.X[i, 0] * d.X[i, 0] + d.X[i, 1] * d.X[i, 1]), 1e-5f);
    }

    [Fact]
    public void MoonsLieOnTheirHalfCircles()
    {
        var d = Synthetic.Moons(200, new Rng(5), noise: 0f);
        for (int i = 0; i < d.Count; i++)
        {
            float x = d.X[i, 0], y = d.X[i, 1];
            if (d.Y.LongAt(i) == 0) { Assert.Equal(1f, MathF.Sqrt(x * x + y * y), 1e-5f); Assert.True(y >= -1e-6f); }
            else { Assert.Equal(1f, MathF.Sqrt((x - 1) * (x - 1) + (y - 0.5f) * (y - 0.5f)), 1e-5f); Assert.True(y <= 0.5f + 1e-6f); }
        }
    }

    [Fact]
    public void SpiralArmsHaveLinearRadiiAndKLabels()
    {
        var d = Synthetic.Spirals(50, 3, new Rng(6), noise: 0f);
        Assert.Equal([50, 50, 50], Counts(d, 3));
        Assert.Equal(3, d.Classes);
        for (int i = 0; i < d.Count; i++)
        {
            float r = MathF.Sqrt(d.X[i, 0] * d.X[i, 0] + d.X[i, 1] * d.X[i, 1]);
            Assert.Equal((i % 50) / 49f, r, 1e-5f);
            // Without noise the angle is 4(k + r): check the point's direction.
            double t = 4.0 * (i / 50 + (i % 50) / 49.0);
            if (r > 0.01f) Assert.Equal(Math.Atan2(Math.Sin(t), Math.Cos(t)), Math.Atan2(d.X[i, 0], d.X[i, 1]), 1e-4);
        }
    }

    [Fact]
    public void FlowerFollowsTheEightPetalRose()
    {
        var d = Synthetic.Flower(400, new Rng(7), noise: 0f);
        Assert.Equal([200, 200], Counts(d, 2));
        int[] petalsSeen = new int[8];
        for (int i = 0; i < d.Count; i++)
        {
            double x = d.X[i, 0], y = d.X[i, 1];
            double r = Math.Sqrt(x * x + y * y);
            double t = Math.Atan2(x, y);
            // r = |4 sin 4t| whichever way the sign of r folded the point.
            Assert.Equal(Math.Abs(4 * Math.Sin(4 * t)), r, 1e-3);
            Assert.True(r <= 4.0001);
            if (r > 1) petalsSeen[(int)Math.Floor((t + Math.PI) / (Math.PI / 4)) % 8]++;
        }
        Assert.All(petalsSeen, c => Assert.True(c > 10));
    }

    [Fact]
    public void LinearRegressionRecoversSlopeAndIntercept()
    {
        var d = Synthetic.LinearRegression(2000, new Rng(8), slope: -3f, intercept: 0.5f, noise: 0.1f);
        Assert.Equal([2000, 1], d.X.ShapeArray());
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = d.Count;
        for (int i = 0; i < n; i++) { double x = d.X[i, 0], y = d.Y[i, 0]; sx += x; sy += y; sxx += x * x; sxy += x * y; }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), intercept = (sy - slope * sx) / n;
        Assert.Equal(-3, slope, 0.05);
        Assert.Equal(0.5, intercept, 0.02);
    }

    [Fact]
    public void XorTableIsExact()
    {
        var d = Synthetic.Xor();
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], d.X.ToArray());
        Assert.Equal([0L, 1L, 1L, 0L], d.Y.ToLongArray());
    }
}
