using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Autograd;

/// <summary>
/// Compares the gradients autograd computes with centred finite differences.
/// <para>
/// Tensors are float32, so the function is evaluated in float32 too; the choices below keep that
/// reliable. A non-scalar output is reduced to Σ output·R with a fixed random R (summed in double), so
/// every output element is checked at once. The step is 1e-2 by default: with float32 rounding (about 1e-7 of the
/// output) divided by the step, and the truncation error of a centred difference (step²·f‴/6), that size
/// keeps both near 1e-5 of typical values. Each element's error is |analytic − numeric| divided by
/// max(|analytic|, |numeric|, floor), where the floor — the larger of 1e-3, 1e-3 of the largest numeric
/// gradient of that input, and 10 times the rounding noise of a difference (6e-8·Σ|output·R| / step) — keeps
/// near-zero entries from dividing noise by noise. A check passes when every
/// input's worst error is below the tolerance (default 1e-2); a wrong gradient is typically off by
/// 10⁻¹ or more. Keep inputs away from kinks (ReLU at 0, max ties) by more than the step.
/// </para>
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="function"/>, which reads <paramref name="inputs"/> (each with
    /// RequiresGrad set) and returns a tensor. The inputs are perturbed in place and restored.
    /// </summary>
    public static GradCheckResult Run(Func<Tensor> function, IReadOnlyList<Tensor> inputs, float step = 1e-2f, float tolerance = 1e-2f, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var x in inputs)
            if (!x.RequiresGrad || !x.IsLeaf)
                throw new ArgumentException("gradcheck: every input must be a leaf tensor with RequiresGrad set.");

        var probe = function();
        // Non-scalar outputs are checked through Σ output·R; the sum is taken in double so that only the
        // float32 rounding of the outputs themselves limits the finite differences.
        var projection = probe.Count == 1 ? Tensor.Ones(probe.ShapeArray()) : Tensor.Randn(probe.ShapeArray(), new Rng(seed));
        var r = projection.ToArray();
        (double value, double magnitude) Objective()
        {
            var y = function().AsReadOnlySpan();
            double sum = 0, magnitude = 0;
            for (int i = 0; i < y.Length; i++) { sum += (double)y[i] * r[i]; magnitude += Math.Abs((double)y[i] * r[i]); }
            return (sum, magnitude);
        }

        foreach (var x in inputs) x.Grad = null;
        function().Backward(projection);
        var analytic = inputs.Select(x => x.Grad?.ToArray() ?? new float[x.Count]).ToArray();

        var results = new List<InputGradError>();
        using (GradMode.NoGrad())
        {
            for (int n = 0; n < inputs.Count; n++)
            {
                var values = inputs[n].AsSpan();
                var numeric = new double[values.Length];
                double magnitude = 0;
                for (int i = 0; i < values.Length; i++)
                {
                    float original = values[i];
                    values[i] = original + step;
                    var plus = Objective();
                    values[i] = original - step;
                    var minus = Objective();
                    values[i] = original;
                    numeric[i] = (plus.value - minus.value) / (2.0 * step);
                    magnitude = Math.Max(magnitude, Math.Max(plus.magnitude, minus.magnitude));
                }
                // Each output is rounded to about 6e-8 of its size; divided by the step that bounds the
                // noise of one difference. Errors are not judged below 10 times it.
                double noise = 10 * 6e-8 * magnitude / step;
                results.Add(Compare(n, analytic[n], numeric, noise));
            }
        }
        return new GradCheckResult(results, tolerance);
    }

    /// <inheritdoc cref="Run(Func{Tensor}, IReadOnlyList{Tensor}, float, float, ulong)"/>
    public static GradCheckResult Run(Func<Tensor> function, params Tensor[] inputs) => Run(function, (IReadOnlyList<Tensor>)inputs);

    static InputGradError Compare(int input, float[] analytic, double[] numeric, double noise)
    {
        double maxNumeric = 0;
        foreach (double v in numeric) maxNumeric = Math.Max(maxNumeric, Math.Abs(v));
        double floor = Math.Max(Math.Max(1e-3, 1e-3 * maxNumeric), noise);
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < numeric.Length; i++)
        {
            double a = analytic[i], num = numeric[i];
            double err = Math.Abs(a - num) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(num)), floor);
            if (double.IsNaN(err)) err = double.PositiveInfinity;
            if (err > worst || worstIndex < 0) { worst = err; worstIndex = i; }
        }
        return worstIndex < 0
            ? new InputGradError(input, 0, -1, 0, 0)
            : new InputGradError(input, worst, worstIndex, analytic[worstIndex], numeric[worstIndex]);
    }
}

/// <summary>The worst disagreement found for one input: where, and the two values there.</summary>
public readonly record struct InputGradError(int Input, double RelativeError, int Index, double Analytic, double Numeric);

/// <summary>Per-input worst relative errors of a <see cref="GradCheck"/> run.</summary>
public sealed class GradCheckResult(IReadOnlyList<InputGradError> errors, double tolerance)
{
    /// <summary>One entry per input, in order.</summary>
    public IReadOnlyList<InputGradError> Errors { get; } = errors;

    /// <summary>The tolerance the run was judged by.</summary>
    public double Tolerance { get; } = tolerance;

    /// <summary>The largest relative error over all inputs.</summary>
    public double WorstError => Errors.Count == 0 ? 0 : Errors.Max(e => e.RelativeError);

    /// <summary>True when every input's worst error is within the tolerance.</summary>
    public bool Passed => WorstError <= Tolerance;

    public override string ToString() => string.Join("\n", Errors.Select(e =>
        $"input {e.Input}: worst relative error {e.RelativeError:G3} at element {e.Index} (analytic {e.Analytic:G6}, numeric {e.Numeric:G6})"))
        + $"\n{(Passed ? "passed" : "FAILED")} (tolerance {Tolerance:G3})";
}
