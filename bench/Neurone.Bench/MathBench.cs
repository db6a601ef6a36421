using System.Globalization;
using System.Numerics.Tensors;
using Neurone.Kernels;

namespace Neurone.Bench;

/// <summary>
/// ns per element of Neurone's elementwise math kernels (Kernels.ElementwiseMath) next to System.Numerics.Tensors'
/// TensorPrimitives, which they replaced, on one thread over a span that stays in L1 (4096 floats of values spread
/// over the function's interesting range), for each SIMD level this CPU has. The contenders take turns, round after
/// round, and each keeps its fastest of --rounds (default 15) runs of --reps (default 2000) passes: on a machine
/// shared with other work the fastest run is the one least disturbed. Options: --n N (span length).
/// </summary>
static class MathBench
{
    delegate void SpanFunction(ReadOnlySpan<float> x, Span<float> y);

    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        int n = int.Parse(Opt("--n") ?? "4096", CultureInfo.InvariantCulture);
        int rounds = int.Parse(Opt("--rounds") ?? "15", CultureInfo.InvariantCulture);
        int reps = int.Parse(Opt("--reps") ?? "2000", CultureInfo.InvariantCulture);

        var x = new float[n];
        var y = new float[n];
        // Values over [−12, 12] for the activations and the exponential, and (0, 100] for the logarithm.
        var rng = new Random(1);
        var signed = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 24 - 12)).ToArray();
        var positive = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 100 + 1e-3)).ToArray();

        var levels = Enum.GetValues<SimdLevel>().Where(Simd.IsSupported).Reverse().ToArray();
        Console.WriteLine($"elementwise math, ns/element on 1 thread, n = {n} (fastest of {rounds} interleaved runs of {reps} passes); CPU best level {Simd.Best}");
        Console.WriteLine($"{"function",-10} {"TensorPrimitives",17} " + string.Join(" ", levels.Select(l => $"{"Neurone " + l,17}")));
        var functions = new (string Name, float[] Input, SpanFunction Theirs, Action<ReadOnlySpan<float>, Span<float>, SimdLevel> Ours)[]
        {
            ("exp", signed, TensorPrimitives.Exp, (a, b, l) => ElementwiseMath.Exp(a, b, l)),
            ("log", positive, TensorPrimitives.Log, (a, b, l) => ElementwiseMath.Log(a, b, l)),
            ("tanh", signed, TensorPrimitives.Tanh, (a, b, l) => ElementwiseMath.Tanh(a, b, l)),
            ("sigmoid", signed, TensorPrimitives.Sigmoid, (a, b, l) => ElementwiseMath.Sigmoid(a, b, l)),
            ("softplus", signed, (a, b) => { TensorPrimitives.Exp(a, b); TensorPrimitives.Add(b, 1f, b); TensorPrimitives.Log(b, b); },
                (a, b, l) => ElementwiseMath.Softplus(a, b, l)),
        };
        foreach (var (name, input, theirs, ours) in functions)
        {
            input.CopyTo(x, 0);
            var contenders = new List<Action> { () => { for (int r = 0; r < reps; r++) theirs(x, y); } };
            foreach (var level in levels) contenders.Add(() => { for (int r = 0; r < reps; r++) ours(x, y, level); });
            var best = Enumerable.Repeat(double.PositiveInfinity, contenders.Count).ToArray();
            foreach (var c in contenders) Measure.Time(c, 1, 2);
            for (int round = 0; round < rounds; round++)
                for (int c = 0; c < contenders.Count; c++)
                    best[c] = Math.Min(best[c], Measure.Time(contenders[c], 1, 0)[0] / ((double)reps * n) * 1e9);
            Console.WriteLine($"{name,-10} " + string.Join(" ", best.Select(v => $"{v,17:F3}")));
        }
        Console.WriteLine("(softplus for TensorPrimitives is log(1 + exp(x)) in three passes: it has none)");
    }
}
