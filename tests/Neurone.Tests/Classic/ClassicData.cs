using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Tests.Classic;

/// <summary>Small seeded data sets for the classic-model tests.</summary>
static class ClassicData
{
    public static (Tensor X, Tensor Y) Of(TensorDataset set) => (set.X, set.Y);

    /// <summary>Concentric circles with noise (inner radius 0.5), a train and a test draw from different seeds.</summary>
    public static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Circles(int n, float noise, ulong seed = 1)
        => (Of(Synthetic.Circles(n, new Rng(seed), noise)), Of(Synthetic.Circles(n, new Rng(seed + 1000), noise)));

    /// <summary><paramref name="classes"/> Gaussian blobs of standard deviation <paramref name="std"/> centred on a circle of radius 4; label i mod classes.</summary>
    public static (Tensor X, Tensor Y) Blobs(int n, int classes, float std, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 2];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % classes;
            double angle = 2 * Math.PI * c / classes;
            x[2 * i] = (float)(4 * Math.Cos(angle) + std * rng.NextGaussian());
            x[2 * i + 1] = (float)(4 * Math.Sin(angle) + std * rng.NextGaussian());
            y[i] = c;
        }
        return (Tensor.FromArray(x, n, 2), Tensor.FromLongs(y, n));
    }
}
