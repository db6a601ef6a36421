using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Tests.Kernels;

/// <summary>
/// Σx, Σ(x − m)² and Σw·(x − m) in double on every SIMD path, against compensated sums, on lengths that leave
/// every path's tail, and on data whose mean is 1e7 times its spread; and Standardize, (x − c)·a + b, likewise.
/// </summary>
public class MomentsTests
{
    public static TheoryData<SimdLevel, int> LevelsAndLengths()
    {
        var data = new TheoryData<SimdLevel, int>();
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level))
                foreach (int n in new[] { 0, 1, 7, 8, 15, 16, 17, 23, 24, 25, 63, 65, 1000 })
                    data.Add(level, n);
        return data;
    }

    static float[] Data(int n, double mean, ulong seed)
    {
        var noise = Tensor.Randn([Math.Max(n, 1)], new Rng(seed)).ToArray();
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(mean + noise[i]);
        return x;
    }

    /// <summary>Neumaier's compensated sum: the exactly rounded sum for these terms, to compare plain double sums with.</summary>
    static double CompensatedSum(IEnumerable<double> terms)
    {
        double sum = 0, lost = 0;
        foreach (double t in terms)
        {
            double s = sum + t;
            lost += Math.Abs(sum) >= Math.Abs(t) ? (sum - s) + t : (t - s) + sum;
            sum = s;
        }
        return sum + lost;
    }

    // A plain double sum of n terms is off by at most n·2⁻⁵³·Σ|terms|; a path that skipped, repeated or
    // truncated an element to float would be off by far more.
    [Theory]
    [MemberData(nameof(LevelsAndLengths))]
    public void SumsAreDoubleSums(SimdLevel level, int n)
    {
        double eps = Math.ScaleB(1, -53);
        foreach (double offset in new[] { 0.0, 1e7 })
        {
            var x = Data(n, offset, (ulong)n);
            double exact = CompensatedSum(x.Select(v => (double)v));
            double sum = Moments.Sum(x, level);
            double bound = n * eps * x.Sum(v => Math.Abs((double)v));
            Assert.True(Math.Abs(sum - exact) <= bound, $"{level}, n = {n}, offset {offset}: Σx {sum:R}, exact {exact:R}.");

            // Deviations from the mean and from a point beside it: a large mean leaves a spread of about 1.
            double mean = n == 0 ? 0 : exact / n;
            foreach (double m in new[] { mean, mean + 0.375 })
            {
                double squares = CompensatedSum(x.Select(v => (v - m) * (v - m)));
                double got = Moments.SumOfSquaredDeviations(x, m, level);
                Assert.True(Math.Abs(got - squares) <= (n + 2) * eps * squares,
                    $"{level}, n = {n}, offset {offset}, m = {m:R}: Σ(x − m)² {got:R}, exact {squares:R}.");

                var w = Data(n, 0, (ulong)n + 100);
                double weighted = CompensatedSum(x.Select((v, i) => w[i] * (v - m)));
                double size = x.Select((v, i) => Math.Abs(w[i] * (v - m))).Sum();
                double gotWeighted = Moments.SumOfWeightedDeviations(w, x, m, level);
                Assert.True(Math.Abs(gotWeighted - weighted) <= (n + 2) * eps * size,
                    $"{level}, n = {n}, offset {offset}, m = {m:R}: Σw·(x − m) {gotWeighted:R}, exact {weighted:R}.");
            }
        }
    }

    [Fact]
    public void PathsAgreeToDoubleRounding()
    {
        var x = Data(1003, 1e6, 9);
        double sum = Moments.Sum(x, SimdLevel.Scalar), squares = Moments.SumOfSquaredDeviations(x, 1e6, SimdLevel.Scalar);
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
        {
            if (!Simd.IsSupported(level)) continue;
            Assert.Equal(sum, Moments.Sum(x, level), 1e-15 * sum);
            Assert.Equal(squares, Moments.SumOfSquaredDeviations(x, 1e6, level), 1e-13 * squares);
        }
    }

    // Standardize: every path gives the scalar path's bits, and those are (x − c)·a + b rounded three times, so
    // within a few float32 ulps of the exact value even when the centre is 1e7 times the spread.
    [Theory]
    [MemberData(nameof(LevelsAndLengths))]
    public void StandardizeKeepsTheSpreadsDigits(SimdLevel level, int n)
    {
        foreach (double offset in new[] { 0.0, 1e7 })
        {
            var x = Data(n, offset, (ulong)n + 7);
            float centre = (float)(offset + 0.25), scale = -1.75f, shift = 0.125f;
            var scalar = new float[n];
            var got = new float[n];
            Standardize.Apply(x, centre, scale, shift, scalar, SimdLevel.Scalar);
            Standardize.Apply(x, centre, scale, shift, got, level);
            Assert.Equal(scalar, got);
            for (int i = 0; i < n; i++)
            {
                double exact = ((double)x[i] - centre) * scale + shift;
                Assert.True(Math.Abs(got[i] - exact) <= 3e-7 * (Math.Abs((double)x[i] - centre) * Math.Abs(scale) + Math.Abs(shift)),
                    $"{level}, n = {n}, offset {offset}, element {i}: {got[i]:R}, exact {exact:R}.");
            }
            // In place.
            Standardize.Apply(x, centre, scale, shift, x, level);
            Assert.Equal(scalar, x);
        }
    }
}
