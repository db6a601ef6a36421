using Neurone.Kernels;
using Neurone.Tensors;
using Xunit.Abstractions;

namespace Neurone.Tests.Kernels;

/// <summary>
/// Exp, log, tanh, sigmoid, softplus (and the tanh and sigmoid derivatives) on every SIMD path against double
/// precision over the whole float range: every 8191st bit pattern of each sign (about 1000 values per binade, from
/// the smallest subnormal to ∞) and the edges (±0, subnormals, ±88, ±104, ±1e30, NaN). The error is counted in ulps:
/// how many floats lie between the result and the correctly rounded value. The paths must agree bit for bit.
/// GELU, which has one path, is swept the same way. The measured maxima are in docs/numerics.md.
/// </summary>
public class ElementwiseMathTests(ITestOutputHelper output)
{
    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>()) if (Simd.IsSupported(level)) data.Add(level);
        return data;
    }

    static readonly float[] Edges =
    [
        0f, float.Epsilon, 2 * float.Epsilon, 1e-45f, 1e-40f, 1.1754942e-38f, 1.17549435e-38f, 1e-30f, 1e-20f, 1e-10f,
        1e-8f, 2.9e-8f, 3e-8f, 1e-7f, 1e-6f, 1e-5f, 1e-4f, 2.44e-4f, 1e-3f, 0.01f, 0.1f, 0.25f, 0.3465f, 0.3466f, 0.5f,
        0.55f, 0.625f, 0.6931472f, 0.70710677f, 0.7071068f, 1f, 1.4142135f, 1.4142137f, 2f, 3f, 8.9f, 9.01f, 9.1f,
        10f, 15f, 16.6f, 17f, 20f, 30f, 40f, 44.4f, 50f, 80f, 87.3f, 87.33f, 88f, 88.72f, 88.7228f, 88.72284f,
        88.7229f, 89f, 100f, 103.97f, 103.972f, 104f, 105f, 150f, 1e4f, 1e7f, 1e30f, float.MaxValue, float.PositiveInfinity,
    ];

    /// <summary>The edges with both signs, NaN, and every 8191st positive and negative bit pattern.</summary>
    static float[] Sweep()
    {
        var values = new List<float>();
        foreach (float e in Edges) { values.Add(e); values.Add(-e); }
        values.Add(float.NaN);
        for (long bits = 0; bits < 0x7F80_0000; bits += 8191)
        {
            float v = BitConverter.Int32BitsToSingle((int)bits);
            values.Add(v);
            values.Add(-v);
        }
        return values.ToArray();
    }

    static readonly float[] Inputs = Sweep();

    /// <summary>The float's place on the number line as an integer: adjacent floats differ by 1, and −0 = +0.</summary>
    static long Ordinal(float f)
    {
        int bits = BitConverter.SingleToInt32Bits(f);
        return bits >= 0 ? bits : -(long)(bits & 0x7FFF_FFFF);
    }

    /// <summary>ulps between <paramref name="actual"/> and the correctly rounded <paramref name="exact"/>; 0 for matching NaNs, ∞ when only one is NaN.</summary>
    static double UlpError(float actual, double exact)
    {
        if (double.IsNaN(exact) || float.IsNaN(actual)) return double.IsNaN(exact) && float.IsNaN(actual) ? 0 : double.PositiveInfinity;
        return Math.Abs(Ordinal(actual) - Ordinal((float)exact));
    }

    static double Log1p(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }

    static double SigmoidExact(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    static double SoftplusExact(double x) => double.IsNaN(x) ? x : Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));

    static double TanhDerivativeExact(double x)
    {
        double e = Math.Exp(-2 * Math.Abs(x));
        return 4 * e / ((1 + e) * (1 + e));
    }

    static double SigmoidDerivativeExact(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        return e / ((1 + e) * (1 + e));
    }

    delegate void Kernel(ReadOnlySpan<float> x, Span<float> y, SimdLevel level);

    record Function(string Name, Kernel Kernel, Func<double, double> Exact, double MaxUlps)
    {
        public override string ToString() => Name;
    }

    // The bounds are the measured maxima (docs/numerics.md), rounded up: a change that loses accuracy anywhere in
    // the range fails here. A gradient kernel is swept with g = 1.
    static readonly Function[] Functions =
    [
        new("exp", ElementwiseMath.Exp, Math.Exp, 1),
        new("log", ElementwiseMath.Log, Math.Log, 1),
        new("tanh", ElementwiseMath.Tanh, Math.Tanh, 2),
        new("sigmoid", ElementwiseMath.Sigmoid, SigmoidExact, 2),
        new("softplus", ElementwiseMath.Softplus, SoftplusExact, 2),
        new("tanh'", (x, y, level) => ElementwiseMath.TanhGradient(x, Ones(x.Length), y, level), TanhDerivativeExact, 4),
        new("sigmoid'", (x, y, level) => ElementwiseMath.SigmoidGradient(x, Ones(x.Length), y, level), SigmoidDerivativeExact, 4),
    ];

    static float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();

    public static TheoryData<string, SimdLevel> FunctionsAndLevels()
    {
        var data = new TheoryData<string, SimdLevel>();
        foreach (var f in Functions)
            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
                if (Simd.IsSupported(level)) data.Add(f.Name, level);
        return data;
    }

    [Theory]
    [MemberData(nameof(FunctionsAndLevels))]
    public void FaithfulOverTheWholeRangeAndTheSameBitsOnEveryPath(string name, SimdLevel level)
    {
        var f = Functions.Single(f => f.Name == name);
        var y = new float[Inputs.Length];
        f.Kernel(Inputs, y, level);
        var scalar = new float[Inputs.Length];
        f.Kernel(Inputs, scalar, SimdLevel.Scalar);
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < Inputs.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(y[i]) == BitConverter.SingleToInt32Bits(scalar[i]),
                $"{name} on {level} at {Inputs[i]:R}: {y[i]:R}, the scalar path {scalar[i]:R}.");
            double e = UlpError(y[i], f.Exact(Inputs[i]));
            if (e > worst) { worst = e; worstAt = Inputs[i]; }
        }
        output.WriteLine($"{name} on {level}: max error {worst} ulp (at {worstAt:R}) over {Inputs.Length} values");
        Assert.True(worst <= f.MaxUlps, $"{name} on {level}: {worst} ulps at {worstAt:R} ({f.Exact(worstAt):R} exactly), bound {f.MaxUlps}.");
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void ExactWhereTheAnswerIsExact(SimdLevel level)
    {
        float[] Run(Kernel k, params float[] x)
        {
            // Padded to 37 so every path (16, 8 and the scalar tail) computes each value.
            var padded = Enumerable.Range(0, 37).Select(i => x[i % x.Length]).ToArray();
            var y = new float[padded.Length];
            k(padded, y, level);
            return y[..x.Length];
        }
        static int Bits(float f) => BitConverter.SingleToInt32Bits(f);
        Assert.Equal([1f, 1f, 0f, float.PositiveInfinity, float.PositiveInfinity, 0f], Run(ElementwiseMath.Exp, 0f, -0f, float.NegativeInfinity, float.PositiveInfinity, 89f, -104f));
        var tanh = Run(ElementwiseMath.Tanh, 0f, -0f, 1e-30f, -1e-30f, float.Epsilon, 1e-8f, 2e-4f, float.PositiveInfinity, float.NegativeInfinity, 20f);
        Assert.Equal([Bits(0f), Bits(-0f), Bits(1e-30f), Bits(-1e-30f), Bits(float.Epsilon), Bits(1e-8f), Bits(2e-4f), Bits(1f), Bits(-1f), Bits(1f)], tanh.Select(Bits));
        Assert.Equal([0.5f, 0.5f, 1f, 0f], Run(ElementwiseMath.Sigmoid, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity));
        Assert.Equal([0f, float.NegativeInfinity, float.NegativeInfinity, float.PositiveInfinity], Run(ElementwiseMath.Log, 1f, 0f, -0f, float.PositiveInfinity));
        Assert.All(Run(ElementwiseMath.Log, -1f, float.NegativeInfinity, -float.Epsilon, float.NaN), v => Assert.True(float.IsNaN(v)));
        // Softplus far below 0 is eˣ itself (ln(1 + e) rounds to e), and x itself far above.
        var softplus = Run(ElementwiseMath.Softplus, float.NegativeInfinity, float.PositiveInfinity, -69.07755f, 30f, -120f);
        Assert.Equal([0f, float.PositiveInfinity], softplus[..2]);
        Assert.True(UlpError(softplus[2], Math.Exp(-69.07755f)) <= 1, $"softplus(−69.08) = {softplus[2]:R}");
        Assert.Equal([30f, 0f], softplus[3..]);
        foreach (Kernel k in new Kernel[] { ElementwiseMath.Exp, ElementwiseMath.Tanh, ElementwiseMath.Sigmoid, ElementwiseMath.Softplus })
            Assert.True(float.IsNaN(Run(k, float.NaN)[0]));
    }

    sealed class UlpComparer(int ulps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(Ordinal(a) - Ordinal(b)) <= ulps;
        public int GetHashCode(float v) => 0;
    }

    // The examples, through the tensor ops (8 or more elements, so a vector path): tanh near 0 had the
    // wrong sign below 3e-8 and was 5% off at 1e-6; exp of zeros gave 1.0000001.
    [Fact]
    public void TensorOpsKeepRelativeAccuracyNearZero()
    {
        float[] x = [0f, 1e-30f, -1e-30f, 1e-8f, -1e-8f, 1e-6f, 1e-5f, 1e-4f];
        var tanh = Tensor.FromArray(x).Tanh().ToArray();
        for (int i = 0; i < x.Length; i++) Assert.True(UlpError(tanh[i], Math.Tanh(x[i])) <= 1, $"tanh({x[i]:R}) = {tanh[i]:R}");
        Assert.All(Tensor.Zeros(64).Exp().ToArray(), v => Assert.Equal(1f, v));
        var sigmoid = Tensor.FromArray([.. x, 30f, -30f, -100f]).Sigmoid().ToArray();
        Assert.True(UlpError(sigmoid[^1], SigmoidExact(-100)) <= 1, $"sigmoid(−100) = {sigmoid[^1]:R}");
    }

    // Tanh's and sigmoid's gradients come from x: PyTorch's 1 − y² and y(1 − y) are 0 once y rounds to 1.
    [Fact]
    public void GradientsStayAccurateWhereTheOutputSaturates()
    {
        var x = Tensor.FromArray([10f, -12f, 20f, 0f, 0.5f, -3f, 40f, 1e-20f]);
        x.RequiresGrad = true;
        x.Tanh().Sum().Backward();
        var g = x.Grad!.ToArray();
        for (int i = 0; i < g.Length; i++) Assert.True(UlpError(g[i], TanhDerivativeExact(x.ToArray()[i])) <= 4, $"tanh′({x.ToArray()[i]}) = {g[i]:R}");
        x.ZeroGrad();
        x.Sigmoid().Sum().Backward();
        g = x.Grad!.ToArray();
        for (int i = 0; i < g.Length; i++) Assert.True(UlpError(g[i], SigmoidDerivativeExact(x.ToArray()[i])) <= 4, $"σ′({x.ToArray()[i]}) = {g[i]:R}");
    }

    [Fact]
    public void GeluSweep()
    {
        var y = Tensor.FromArray(Inputs).Gelu().ToArray();
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < Inputs.Length; i++)
        {
            double x = Inputs[i];
            double exact = double.IsNaN(x) ? x : double.IsNegativeInfinity(x) ? 0 : x * 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-x / Math.Sqrt(2));
            double e = UlpError(y[i], exact);
            if (e > worst) { worst = e; worstAt = Inputs[i]; }
        }
        output.WriteLine($"gelu: max error {worst} ulp (at {worstAt:R}) over {Inputs.Length} values");
        Assert.True(worst <= GeluMaxUlps, $"gelu: {worst} ulps at {worstAt:R}, bound {GeluMaxUlps}.");
    }

    const double GeluMaxUlps = 2;

    [Fact]
    public void MismatchedLengthsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ElementwiseMath.Exp(new float[3], new float[2]));
        Assert.Contains("got 3 and 2", e.Message);
    }
}
