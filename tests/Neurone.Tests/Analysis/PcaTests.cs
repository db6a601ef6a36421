using Neurone.Analysis;
using Neurone.Tensors;

namespace Neurone.Tests.Analysis;

public class PcaTests
{
    /// <summary>
    /// 2,000 points of a 3-D Gaussian with standard deviations 5, 2 and 0.5 along x, y, z, rotated by 30°
    /// about z and shifted: the principal axes are the rotated x and y axes, then z.
    /// </summary>
    static (Tensor X, double[][] Axes) RotatedGaussian(double angle = Math.PI / 6)
    {
        var rng = new Rng(7);
        const int n = 2000;
        var x = new float[n * 3];
        double c = Math.Cos(angle), s = Math.Sin(angle);
        for (int i = 0; i < n; i++)
        {
            double a = 5 * rng.NextGaussian(), b = 2 * rng.NextGaussian(), z = 0.5 * rng.NextGaussian();
            x[i * 3] = (float)(c * a - s * b + 10);
            x[i * 3 + 1] = (float)(s * a + c * b - 3);
            x[i * 3 + 2] = (float)(z + 1);
        }
        return (Tensor.FromArray(x, n, 3), [[c, s, 0], [-s, c, 0], [0, 0, 1]]);
    }

    [Fact]
    public void RecoversTheKnownPrincipalAxesOfARotatedGaussian()
    {
        var (x, axes) = RotatedGaussian();
        var pca = new Pca().Fit(x);
        var comps = pca.Components;
        Assert.Equal([3, 3], comps.ShapeArray());
        for (int k = 0; k < 3; k++)
        {
            double dot = 0;
            for (int j = 0; j < 3; j++) dot += comps[k, j] * axes[k][j];
            // Axes are defined up to sign; within 1° of the truth.
            Assert.True(Math.Abs(dot) > Math.Cos(Math.PI / 180), $"component {k}: |cos| = {Math.Abs(dot)}");
        }
        Assert.Equal(25, pca.ExplainedVariance[0], 25 * 0.1);
        Assert.Equal(4, pca.ExplainedVariance[1], 4 * 0.1);
        Assert.Equal(0.25, pca.ExplainedVariance[2], 0.25 * 0.1);
        Assert.Equal(10, pca.Mean[0], 0.5);
    }

    [Fact]
    public void InverseTransformWithAllComponentsReconstructsAndRatiosSumToOne()
    {
        var (x, _) = RotatedGaussian();
        var pca = new Pca();
        var z = pca.FitTransform(x);
        var back = pca.InverseTransform(z).AsReadOnlySpan();
        var src = x.AsReadOnlySpan();
        for (int i = 0; i < src.Length; i++) Assert.Equal(src[i], back[i], 1e-3);
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 1e-6);
        // Transformed coordinates are uncorrelated with the explained variances on the diagonal.
        var zs = z.AsReadOnlySpan();
        double v0 = 0, c01 = 0;
        for (int i = 0; i < 2000; i++) { v0 += zs[i * 3] * zs[i * 3]; c01 += zs[i * 3] * zs[i * 3 + 1]; }
        Assert.Equal(pca.ExplainedVariance[0], v0 / 1999, pca.ExplainedVariance[0] * 1e-3);
        Assert.True(Math.Abs(c01 / 1999) < 1e-2);
    }

    [Fact]
    public void FewerSamplesThanFeaturesUsesTheGramSideAndAgrees()
    {
        var rng = new Rng(3);
        var x = Tensor.Randn([8, 20], rng);
        var pca = new Pca(5).Fit(x);
        var back = pca.InverseTransform(pca.Transform(x));
        // Only 5 of 7 non-trivial directions kept: the ratio is below one, and the kept part is orthonormal.
        Assert.True(pca.ExplainedVarianceRatio.Sum() < 1);
        var c = pca.Components;
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 5; b++)
            {
                double dot = 0;
                for (int j = 0; j < 20; j++) dot += c[a, j] * c[b, j];
                Assert.Equal(a == b ? 1 : 0, dot, 1e-4);
            }
        var full = new Pca().Fit(x);
        Assert.Equal(1.0, full.ExplainedVarianceRatio.Sum(), 1e-5);
        Assert.Equal([8, 20], back.ShapeArray());
    }

    [Fact]
    public void BadInputNamesWhatWasExpected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Pca(4).Fit(Tensor.Zeros(10, 3)));
        Assert.Contains("min(N, D) = 3", e.Message);
        Assert.Throws<InvalidOperationException>(() => new Pca().Transform(Tensor.Zeros(2, 2)));
        var fitted = new Pca().Fit(Tensor.Randn([5, 3], new Rng(0)));
        Assert.Contains("expected 3 features", Assert.Throws<ArgumentException>(() => fitted.Transform(Tensor.Zeros(2, 4))).Message);
    }
}
