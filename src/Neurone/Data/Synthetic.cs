using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// The small two-dimensional problems teachers use to show what a network can and cannot separate,
/// each a <see cref="TensorDataset"/> with features of shape [n, 2] and Int64 labels of shape [n]
/// (regression: Float32 targets of shape [n, 1]). Every generator takes an explicit <see cref="Rng"/>, so the same seed gives the same
/// points. Classes are balanced exactly: sample i belongs to class i mod K (spirals and the flower
/// give each class a consecutive block instead, as their classic definitions do).
/// </summary>
public static class Synthetic
{
    /// <summary>Two Gaussian blobs of standard deviation <paramref name="std"/> whose centres lie <paramref name="distance"/> apart on the diagonal: linearly separable when the distance is large against the noise.</summary>
    public static TensorDataset TwoBlobs(int n, Rng rng, float distance = 4f, float std = 1f)
    {
        Check(n, rng);
        float h = distance / 2f / MathF.Sqrt(2f);
        return Points(n, 2, (i, p) =>
        {
            int label = i % 2;
            float c = label == 0 ? -h : h;
            p[0] = c + std * (float)rng.NextGaussian();
            p[1] = c + std * (float)rng.NextGaussian();
            return label;
        });
    }

    /// <summary>Four Gaussian blobs centred at (±1, ±1): label 1 where the coordinates' signs differ, the XOR layout no linear model separates.</summary>
    public static TensorDataset XorBlobs(int n, Rng rng, float std = 0.3f)
    {
        Check(n, rng);
        return Points(n, 2, (i, p) =>
        {
            int quadrant = i % 4;
            float cx = (quadrant & 1) == 0 ? -1f : 1f, cy = (quadrant & 2) == 0 ? -1f : 1f;
            p[0] = cx + std * (float)rng.NextGaussian();
            p[1] = cy + std * (float)rng.NextGaussian();
            return cx * cy < 0 ? 1 : 0;
        });
    }

    /// <summary>Points uniform in [-1, 1)² coloured like a <paramref name="tiles"/>×<paramref name="tiles"/> checkerboard.</summary>
    public static TensorDataset Checkerboard(int n, Rng rng, int tiles = 4)
    {
        Check(n, rng);
        if (tiles < 2) throw new ArgumentOutOfRangeException(nameof(tiles), tiles, "checkerboard: expected at least 2 tiles a side.");
        return Points(n, 2, (i, p) =>
        {
            p[0] = rng.NextFloat() * 2f - 1f;
            p[1] = rng.NextFloat() * 2f - 1f;
            return CheckerboardLabel(p[0], p[1], tiles);
        });
    }

    /// <summary>The checkerboard colour of a point in [-1, 1)²: the parity of its tile's row plus column.</summary>
    public static int CheckerboardLabel(float x, float y, int tiles)
    {
        int col = Math.Clamp((int)MathF.Floor((x + 1f) / 2f * tiles), 0, tiles - 1);
        int row = Math.Clamp((int)MathF.Floor((y + 1f) / 2f * tiles), 0, tiles - 1);
        return (col + row) & 1;
    }

    /// <summary>
    /// Two concentric circles (scikit-learn's <c>make_circles</c>): label 0 on the unit circle, label 1
    /// on the circle of radius <paramref name="factor"/>, angles uniform, Gaussian noise added to each coordinate.
    /// </summary>
    public static TensorDataset Circles(int n, Rng rng, float noise = 0.05f, float factor = 0.5f)
    {
        Check(n, rng);
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "circles: expected an inner radius factor in (0, 1).");
        return Points(n, 2, (i, p) =>
        {
            int label = i % 2;
            float r = label == 0 ? 1f : factor;
            double t = 2 * Math.PI * rng.NextDouble();
            p[0] = (float)(r * Math.Cos(t) + noise * rng.NextGaussian());
            p[1] = (float)(r * Math.Sin(t) + noise * rng.NextGaussian());
            return label;
        });
    }

    /// <summary>
    /// Two interleaving half circles (scikit-learn's <c>make_moons</c>): label 0 on the upper unit half
    /// circle around (0, 0), label 1 on the lower one around (1, 0.5), plus Gaussian noise.
    /// </summary>
    public static TensorDataset Moons(int n, Rng rng, float noise = 0.1f)
    {
        Check(n, rng);
        return Points(n, 2, (i, p) =>
        {
            int label = i % 2;
            double t = Math.PI * rng.NextDouble();
            double x = label == 0 ? Math.Cos(t) : 1 - Math.Cos(t);
            double y = label == 0 ? Math.Sin(t) : 0.5 - Math.Sin(t);
            p[0] = (float)(x + noise * rng.NextGaussian());
            p[1] = (float)(y + noise * rng.NextGaussian());
            return label;
        });
    }

    /// <summary>
    /// <paramref name="arms"/> interleaved spiral arms (CS231n's spiral data): arm k has
    /// <paramref name="perArm"/> points at radius r = i/(perArm-1) and angle 4(k + r) radians plus noise
    /// of standard deviation <paramref name="noise"/> on the angle, at (r sin θ, r cos θ).
    /// </summary>
    public static TensorDataset Spirals(int perArm, int arms, Rng rng, float noise = 0.2f)
    {
        Check(perArm, rng);
        if (arms < 2) throw new ArgumentOutOfRangeException(nameof(arms), arms, "spirals: expected at least 2 arms.");
        return Points(perArm * arms, 2, (i, p) =>
        {
            int k = i / perArm, j = i % perArm;
            double r = perArm == 1 ? 0 : (double)j / (perArm - 1);
            double t = 4.0 * (k + r) + noise * rng.NextGaussian();
            p[0] = (float)(r * Math.Sin(t));
            p[1] = (float)(r * Math.Cos(t));
            return k;
        }, arms);
    }

    /// <summary>
    /// The eight-petal "flower" of the classic planar-data exercise (Coursera's <c>load_planar_dataset</c>):
    /// half the points (label 0) follow the rose r = <paramref name="maxRay"/>·sin 4t for t in [0, 3.12],
    /// the other half (label 1) for t in [3.12, 6.24]; Gaussian noise of <paramref name="noise"/> is added
    /// to t and to r, and a point is (r sin t, r cos t). A rose with sin 4t traces eight petals, and the
    /// two halves of t colour them so that no straight line separates the classes; exactly half the points
    /// are ones.
    /// </summary>
    public static TensorDataset Flower(int n, Rng rng, float maxRay = 4f, float noise = 0.2f)
    {
        Check(n, rng);
        int half = n / 2;
        return Points(n, 2, (i, p) =>
        {
            int label = i < n - half ? 0 : 1;
            int j = label == 0 ? i : i - (n - half);
            int count = label == 0 ? n - half : half;
            double t = label * 3.12 + (count == 1 ? 0 : 3.12 * j / (count - 1)) + noise * rng.NextGaussian();
            double r = maxRay * Math.Sin(4 * t) + noise * rng.NextGaussian();
            p[0] = (float)(r * Math.Sin(t));
            p[1] = (float)(r * Math.Cos(t));
            return label;
        });
    }

    /// <summary>Regression data y = slope·x + intercept + ε with x uniform in [low, high) and ε normal with standard deviation <paramref name="noise"/>; x and y have shape [n, 1], the shape a Linear(1, 1) outputs, so MSELoss compares like with like.</summary>
    public static TensorDataset LinearRegression(int n, Rng rng, float slope = 2f, float intercept = 1f, float noise = 0.1f, float low = -1f, float high = 1f)
    {
        Check(n, rng);
        var x = new float[n];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = low + (high - low) * rng.NextFloat();
            y[i] = (float)(slope * x[i] + intercept + noise * rng.NextGaussian());
        }
        return new TensorDataset(Tensor.FromArray(x, n, 1), Tensor.FromArray(y, n, 1));
    }

    /// <summary>The exact XOR truth table: (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0.</summary>
    public static TensorDataset Xor() =>
        new(Tensor.FromArray([0, 0, 0, 1, 1, 0, 1, 1], 4, 2), Tensor.FromLongs([0, 1, 1, 0], 4), classes: 2);

    delegate int PointMaker(int index, Span<float> point);

    static TensorDataset Points(int n, int dims, PointMaker make, int classes = 2)
    {
        var x = new float[n * dims];
        var y = new long[n];
        for (int i = 0; i < n; i++) y[i] = make(i, x.AsSpan(i * dims, dims));
        return new TensorDataset(Tensor.FromArray(x, n, dims), Tensor.FromLongs(y, n), classes);
    }

    static void Check(int n, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "synthetic: expected a positive number of points.");
    }
}
