using Neurone.Tensors;

namespace Neurone.Tests.Parity;

/// <summary>
/// The PyTorch parity suite: random op graphs (tests/reference/make_parity_reference.py, PyTorch float64) run with
/// Neurone's float32 ops. Forward values must agree within 1e-5 and input gradients within 1e-4, each relative to
/// the larger of the element's own magnitude and the mean magnitude of its tensor (so that an element which is a
/// near-cancellation of large terms is judged on the scale of its neighbours, as float32 can only promise that).
/// Inputs are of order one and cotangents within ±1, so every error also has a floor: for outputs 1e-3 of the
/// tolerance (1e-8), for gradients 1e-2 of it or 1e-2 of the case's largest gradient (1e-6 at least). A gradient
/// that is zero or small in exact arithmetic (a bias before batch norm, a sum of softmax, a normalised line's
/// centred gradient) comes out of float32 as the rounding of the terms that cancel, which are of that size.
/// </summary>
public class ParityTests
{
    const double ForwardTolerance = 1e-5, GradientTolerance = 1e-4;

    public static TheoryData<string> Cases => ParityCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void OpGraphMatchesPyTorch(string name)
    {
        var c = ParityCase.Named(name);
        var values = new Dictionary<string, Tensor>();
        var leaves = new Dictionary<string, Tensor>();
        foreach (var input in c.Inputs)
        {
            var t = ParityInputs.Create(input);
            if (input.RequiresGrad)
            {
                t.RequiresGrad = true;
                leaves[input.Name] = t;
            }
            values[input.Name] = t;
        }
        foreach (var step in c.Steps)
            values[step.Out] = ParityOps.Run(step, step.Args.Select(a => values[a]).ToArray());

        var output = values[c.Output];
        Assert.Equal(c.OutputShape, output.ShapeArray());
        AssertClose(c.OutputData, output.ToArray(), ForwardTolerance, $"{name}: output", floor: 1e-3);

        var cotangent = ParityInputs.Floats(c.Cotangent, c.OutputShape);
        (output * cotangent).Sum().Backward();
        double largest = c.Grads.Values.SelectMany(g => g).Select(Math.Abs).DefaultIfEmpty(0).Max();
        foreach (var (input, expected) in c.Grads)
        {
            var grad = leaves[input].Grad?.ToArray() ?? new float[expected.Length];
            AssertClose(expected, grad, GradientTolerance, $"{name}: gradient of {input}", floor: Math.Max(1e-2, 1e-2 * largest));
        }
    }

    [Fact]
    public void EveryOpOfTheScriptIsExercised()
    {
        var used = ParityCase.AllCases.SelectMany(c => c.Steps).Select(s => s.Op).ToHashSet();
        var unused = ParityCase.Catalogue.Where(op => !used.Contains(op)).ToArray();
        Assert.True(unused.Length == 0, $"ops of the script that no case runs: {string.Join(", ", unused)}");
    }

    [Fact]
    public void TheComparisonCatchesAWrongValue()
    {
        // The tolerance must not swallow a real mistake: a value off by 1e-3 of its tensor's scale fails.
        double[] expected = [1.0, -2.0, 0.5];
        float[] wrong = [1.0f, -2.0f, 0.5f + 2e-3f];
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertClose(expected, wrong, GradientTolerance, "planted", floor: 1e-3));
    }

    internal static void AssertClose(double[] expected, float[] actual, double tolerance, string what, double floor)
    {
        Assert.Equal(expected.Length, actual.Length);
        double meanMagnitude = expected.Length == 0 ? 0 : expected.Average(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(Math.Max(Math.Abs(expected[i]), meanMagnitude), floor);
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= tolerance * scale))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:G3}, allowed {tolerance * scale:G3}).");
        }
    }
}
