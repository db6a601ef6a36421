using Neurone.Kernels;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Tests.Optim;

/// <summary>
/// A fixed small problem for optimizer tests: a 5-element parameter (scalar tail only) and a
/// 29-element one (one 512-bit block, one 256-bit block and a 5-element tail), with hand-made
/// gradients per step. References are elementwise rules written out in double in each test.
/// </summary>
internal static class OptimizerHarness
{
    public static readonly int[] Lengths = [5, 29];

    public static IEnumerable<SimdLevel> Levels()
    {
        foreach (var level in new[] { SimdLevel.Scalar, SimdLevel.Vector256, SimdLevel.Vector512 })
            if (Simd.IsSupported(level)) yield return level;
    }

    public static float[] Initial(int which, int length)
    {
        var v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (float)(0.8 * Math.Cos(0.7 * i + which) + 0.05 * i);
        return v;
    }

    // Different signs and magnitudes on each step, including an exact zero, so every branch of a rule matters.
    public static float[] Gradient(int which, int length, int step)
    {
        var g = new float[length];
        for (int i = 0; i < length; i++) g[i] = (float)(Math.Sin(0.9 * i + 1.7 * step + which) * (1 + 0.3 * step));
        g[length / 2] = step == 2 ? 0f : g[length / 2];
        return g;
    }

    public static Tensor[] MakeParameters()
    {
        var ps = new Tensor[Lengths.Length];
        for (int k = 0; k < ps.Length; k++) ps[k] = Tensor.FromArray(Initial(k, Lengths[k])).WithGrad();
        return ps;
    }

    static Tensor WithGrad(this Tensor t)
    {
        t.RequiresGrad = true;
        return t;
    }

    public static void SetGradients(Tensor[] ps, int step)
    {
        for (int k = 0; k < ps.Length; k++) ps[k].Grad = Tensor.FromArray(Gradient(k, ps[k].Count, step));
    }

    /// <summary>Parameter values after each of <paramref name="steps"/> steps: [step][parameter][element].</summary>
    public static float[][][] Run(Func<Tensor[], Optimizer> make, SimdLevel level, int steps = 3)
    {
        var ps = MakeParameters();
        var opt = make(ps);
        opt.Level = level;
        var result = new float[steps][][];
        for (int s = 0; s < steps; s++)
        {
            SetGradients(ps, s);
            opt.Step();
            result[s] = ps.Select(p => p.ToArray()).ToArray();
        }
        return result;
    }

    /// <summary>
    /// Checks the first three steps on every SIMD path against <paramref name="reference"/>, which maps a
    /// parameter's initial values and its gradients per step to its values after each step, in double;
    /// and checks that all paths agree bit for bit.
    /// </summary>
    public static void AssertMatchesReference(Func<Tensor[], Optimizer> make,
        Func<double[], double[][], double[][]> reference, int steps = 3)
    {
        float[][][]? first = null;
        foreach (var level in Levels())
        {
            var got = Run(make, level, steps);
            for (int k = 0; k < Lengths.Length; k++)
            {
                double[] initial = Initial(k, Lengths[k]).Select(x => (double)x).ToArray();
                double[][] grads = Enumerable.Range(0, steps)
                    .Select(s => Gradient(k, Lengths[k], s).Select(x => (double)x).ToArray()).ToArray();
                double[][] expected = reference(initial, grads);
                for (int s = 0; s < steps; s++)
                    for (int i = 0; i < Lengths[k]; i++)
                    {
                        double e = expected[s][i], a = got[s][k][i];
                        Assert.True(Math.Abs(e - a) <= 2e-5 * Math.Max(1, Math.Abs(e)),
                            $"{level}: parameter {k}, step {s + 1}, element {i}: expected {e}, got {a}.");
                    }
            }
            if (first is null) first = got;
            else
                for (int s = 0; s < steps; s++)
                    for (int k = 0; k < Lengths.Length; k++)
                        Assert.Equal(first[s][k], got[s][k]);
        }
    }

    /// <summary>
    /// Minimises ½·Σ cᵢ(pᵢ − tᵢ)² from a fixed start and returns the largest |pᵢ − tᵢ| at the end;
    /// <paramref name="perStep"/> runs after each step (e.g. a scheduler).
    /// </summary>
    public static double MinimiseQuadratic(Func<Tensor[], Optimizer> make, int steps, Action<Optimizer, int>? perStep = null)
    {
        const int n = 29;
        var p = Tensor.FromArray(Initial(0, n)).WithGrad();
        var target = new double[n];
        var curvature = new double[n];
        for (int i = 0; i < n; i++)
        {
            target[i] = 0.3 * Math.Sin(i);
            curvature[i] = 0.5 + 0.1 * (i % 7);
        }
        var opt = make([p]);
        var g = new Tensor(n);
        p.Grad = g;
        for (int s = 0; s < steps; s++)
        {
            var pv = p.AsReadOnlySpan();
            var gv = g.AsSpan();
            for (int i = 0; i < n; i++) gv[i] = (float)(curvature[i] * (pv[i] - target[i]));
            opt.Step();
            perStep?.Invoke(opt, s);
        }
        double worst = 0;
        for (int i = 0; i < n; i++) worst = Math.Max(worst, Math.Abs(p.AsReadOnlySpan()[i] - target[i]));
        return worst;
    }
}
