using System.Globalization;
using System.Text;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Analysis;

/// <summary>
/// A gradient check of a whole model: backpropagates <c>loss(model(input), target)</c> once, then compares
/// each parameter's gradient with centred finite differences of the loss on up to
/// <c>maxElements</c> of its elements (all of them for small parameters, a seeded random sample for large
/// ones), and reports one row per parameter — name, shape, elements checked, worst relative error and
/// pass/fail. The loss is float32, and a parameter's effect on it can be a few dozen rounding steps, so
/// each numeric gradient also gets an uncertainty: the difference between the estimates with steps h and
/// 2h (the truncation error), and at least ten float32 rounding steps of the loss over the difference's
/// width (the rounding noise, which the first term misses when both differences round alike). The error
/// is then max(0, |analytic − numeric| − uncertainty) / max(|analytic|, |numeric|, 1e-3 of the
/// parameter's largest numeric gradient), so a gradient that is right within what float32 can tell passes, and a wrong one (off by a factor, a sign
/// or a missing term) still fails by far. The model runs in eval mode during the check (dropout would make the loss random) and gets its
/// modes and zeroed gradients back afterwards. Keep away from kinks: with ReLU, an element whose
/// perturbation flips an activation shows a spurious error; a smaller step makes that rarer.
/// </summary>
public sealed class GradCheckReport
{
    GradCheckReport(IReadOnlyList<ParameterGradError> rows, double tolerance, double loss)
        => (Parameters, Tolerance, Loss) = (rows, tolerance, loss);

    /// <summary>One row per parameter, in <see cref="Module.NamedParameters"/> order.</summary>
    public IReadOnlyList<ParameterGradError> Parameters { get; }

    /// <summary>The tolerance each worst error was judged by.</summary>
    public double Tolerance { get; }

    /// <summary>The loss at the unperturbed parameters.</summary>
    public double Loss { get; }

    /// <summary>True when every parameter passed.</summary>
    public bool Passed => Parameters.All(p => p.Passed);

    /// <summary>Checks every parameter of <paramref name="model"/> on one batch.</summary>
    public static GradCheckReport Run(Module model, Tensor input, Tensor target, Loss loss,
        int maxElements = 32, float step = 1e-2f, double tolerance = 1e-2, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(loss);
        if (maxElements < 1) throw new ArgumentOutOfRangeException(nameof(maxElements), maxElements, "gradcheck report: expected at least 1 element per parameter.");
        if (!(step > 0)) throw new ArgumentOutOfRangeException(nameof(step), step, "gradcheck report: expected a positive step.");
        var parameters = model.NamedParameters().ToList();
        if (parameters.Count == 0) throw new ArgumentException($"gradcheck report: {model.GetType().Name} has no parameters to check.", nameof(model));

        var modes = model.NamedModules().Select(m => (m.Module, m.Module.Training)).ToList();
        model.Eval();
        try
        {
            double Evaluate()
            {
                using (GradMode.NoGrad()) return CheckScalar(loss.Forward(model.Forward(input), target));
            }
            model.ZeroGrad();
            var value = loss.Forward(model.Forward(input), target);
            double at = CheckScalar(value);
            value.Backward();
            var analytic = parameters.Select(p => p.Parameter.Grad?.ToArray() ?? new float[p.Parameter.Count]).ToList();

            var rng = new Rng(seed);
            var rows = new List<ParameterGradError>();
            for (int n = 0; n < parameters.Count; n++)
            {
                var (name, parameter) = parameters[n];
                var values = parameter.AsSpan();
                int[] picks = Sample(values.Length, maxElements, rng);
                var numeric = new double[picks.Length];
                var uncertainty = new double[picks.Length];
                double magnitude = Math.Abs(at);
                for (int s = 0; s < picks.Length; s++)
                {
                    int i = picks[s];
                    float original = values[i];
                    values[i] = original + step;
                    double plus = Evaluate();
                    values[i] = original - step;
                    double minus = Evaluate();
                    values[i] = original + 2 * step;
                    double plus2 = Evaluate();
                    values[i] = original - 2 * step;
                    double minus2 = Evaluate();
                    values[i] = original;
                    numeric[s] = (plus - minus) / (2.0 * step);
                    uncertainty[s] = Math.Abs(numeric[s] - (plus2 - minus2) / (4.0 * step));
                    magnitude = Math.Max(magnitude, Math.Max(Math.Abs(plus), Math.Abs(minus)));
                }
                rows.Add(Compare(name, parameter, picks, analytic[n], numeric, uncertainty, 10 * 6e-8 * magnitude / step, tolerance));
            }
            return new GradCheckReport(rows, tolerance, at);
        }
        finally
        {
            model.ZeroGrad();
            // Pre-order: a parent's Train would reset its children, so each module gets its own mode back in turn.
            foreach (var (module, training) in modes) module.Train(training);
        }
    }

    static double CheckScalar(Tensor value) => value.Count == 1
        ? value.AsReadOnlySpan()[0]
        : throw new ArgumentException($"gradcheck report: the loss must be a scalar, got shape [{string.Join(",", value.ShapeArray())}] (use a mean or sum reduction).");

    /// <summary>All indices when few, else <paramref name="count"/> distinct ones in increasing order (Floyd's sampling).</summary>
    static int[] Sample(int length, int count, Rng rng)
    {
        if (length <= count) return [.. Enumerable.Range(0, length)];
        var chosen = new HashSet<int>();
        for (int j = length - count; j < length; j++)
        {
            int t = rng.NextInt(j + 1);
            if (!chosen.Add(t)) chosen.Add(j);
        }
        var picks = chosen.ToArray();
        Array.Sort(picks);
        return picks;
    }

    static ParameterGradError Compare(string name, Tensor parameter, int[] picks, float[] analytic, double[] numeric, double[] uncertainty, double noise, double tolerance)
    {
        double largest = 0;
        foreach (double v in numeric) largest = Math.Max(largest, Math.Abs(v));
        double floor = Math.Max(1e-3 * largest, 1e-12);
        double worst = -1;
        int at = 0;
        for (int s = 0; s < picks.Length; s++)
        {
            double a = analytic[picks[s]], num = numeric[s];
            uncertainty[s] = Math.Max(uncertainty[s], noise);
            double err = Math.Max(0, Math.Abs(a - num) - uncertainty[s]) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(num)), floor);
            if (double.IsNaN(err)) err = double.PositiveInfinity;
            if (err > worst) { worst = err; at = s; }
        }
        return new ParameterGradError(name, parameter.ShapeArray(), picks.Length, parameter.Count, worst, picks[at], analytic[picks[at]], numeric[at], uncertainty[at], worst <= tolerance);
    }

    /// <summary>The table: one line per parameter, then the verdict.</summary>
    public override string ToString()
    {
        var rows = new List<string[]> { new[] { "parameter", "shape", "checked", "worst rel. error", "at", "analytic", "numeric", "±", "result" } };
        foreach (var p in Parameters)
            rows.Add([
                p.Name,
                "[" + string.Join(",", p.Shape) + "]",
                p.Checked == p.Count ? $"all {p.Count}" : $"{p.Checked} of {p.Count}",
                p.RelativeError.ToString("E2", CultureInfo.InvariantCulture),
                p.Index.ToString(CultureInfo.InvariantCulture),
                p.Analytic.ToString("G5", CultureInfo.InvariantCulture),
                p.Numeric.ToString("G5", CultureInfo.InvariantCulture),
                p.Uncertainty.ToString("G2", CultureInfo.InvariantCulture),
                p.Passed ? "ok" : "FAIL",
            ]);
        var widths = new int[rows[0].Length];
        foreach (var r in rows) for (int c = 0; c < r.Length; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        var sb = new StringBuilder();
        foreach (var r in rows)
        {
            for (int c = 0; c < r.Length; c++) sb.Append(r[c].PadRight(widths[c] + (c + 1 < r.Length ? 2 : 0)));
            sb.Append('\n');
        }
        int failed = Parameters.Count(p => !p.Passed);
        sb.Append(CultureInfo.InvariantCulture, $"{(failed == 0 ? "passed" : $"FAILED ({failed} of {Parameters.Count} parameters)")} (tolerance {Tolerance:G3}, loss {Loss:G6})");
        return sb.ToString();
    }
}

/// <summary>
/// One parameter's row in a <see cref="GradCheckReport"/>: how many of its elements were checked, the worst
/// relative error among them, where (flat index), the two gradients there and the numeric one's uncertainty.
/// </summary>
public sealed record ParameterGradError(string Name, int[] Shape, int Checked, int Count, double RelativeError, int Index,
    double Analytic, double Numeric, double Uncertainty, bool Passed);
