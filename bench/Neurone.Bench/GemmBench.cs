using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Neurone.Kernels;

namespace Neurone.Bench;

/// <summary>
/// SGEMM GFLOPS for square sizes and the MLP training shapes of ../shared/bench/gemm.py, 1 and 2 threads,
/// side by side with OpenBLAS (torch.mm, run through anchor.sh in the same invocation) and the measured
/// FMA peak. Options: --no-anchor, --anchor-file PATH (reuse a captured anchor line), --no-peak,
/// --peak GFLOPS (2-thread peak), --shapes a,b (name prefixes), --threads 1,2, --rounds N, --min-time S.
/// </summary>
static class GemmBench
{
    sealed record Shape(string Name, int M, int K, int N, string Layout);

    // Names, sizes and layouts exactly as in gemm.py, so results can be matched by key.
    static readonly Shape[] Shapes =
    [
        new("sq64", 64, 64, 64, "NN"), new("sq128", 128, 128, 128, "NN"), new("sq256", 256, 256, 256, "NN"),
        new("sq512", 512, 512, 512, "NN"), new("sq1024", 1024, 1024, 1024, "NN"), new("sq2048", 2048, 2048, 2048, "NN"),
        new("L1_fwd 128x784@784x512", 128, 784, 512, "NT"),
        new("L1_dW 512x128@128x784", 512, 128, 784, "TN"),
        new("L2_fwd 128x512@512x256", 128, 512, 256, "NT"),
        new("L2_dX 128x256@256x512", 128, 256, 512, "NN"),
        new("L2_dW 256x128@128x512", 256, 128, 512, "TN"),
        // Batch-1 inference of the first layer (matrix-vector path); not in gemm.py, so no OpenBLAS figure.
        new("B1_fwd 1x784@784x512", 1, 784, 512, "NT"),
        // LeNet's second convolution on a group of 5 images (the 100 outputs each that its pooling reads), as each thread runs it alone:
        // forward, weight gradient, column gradient. Not in gemm.py.
        new("C2_fwd 64x288@288x500", 64, 288, 500, "NN"),
        new("C2_dW 64x500@500x288", 64, 500, 288, "NT"),
        new("C2_dX 288x64@64x500", 288, 64, 500, "TN"),
        // The same convolution at batch 1 (inference): one image's 100 positions.
        new("C2_b1 64x288@288x100", 64, 288, 100, "NN"),
        // The CS231n two-layer net's first layer at batch 200: forward and weight gradient. Not in gemm.py.
        new("T1_fwd 200x3072@3072x100", 200, 3072, 100, "NT"),
        new("T1_dW 100x200@200x3072", 100, 200, 3072, "TN"),
        // A shape that fills the 25×16 tiles exactly, for that kernel's own efficiency. Not in gemm.py.
        new("K25 200x512@512x512", 200, 512, 512, "NN"),
    ];

    const double DefaultPeak = 339;

    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        bool Flag(string name) => Array.IndexOf(args, name) >= 0;
        int rounds = int.Parse(Opt("--rounds") ?? "5", CultureInfo.InvariantCulture);
        double minTime = double.Parse(Opt("--min-time") ?? "0.25", CultureInfo.InvariantCulture);
        int[] threadCounts = (Opt("--threads") ?? "1,2").Split(',').Select(int.Parse).ToArray();
        string[]? filter = Opt("--shapes")?.Split(',');
        var shapes = Shapes.Where(s => filter is null || filter.Any(f => s.Name.StartsWith(f, StringComparison.Ordinal))).ToArray();

        Console.WriteLine($"# gemm: SIMD {Simd.Best}, {Environment.ProcessorCount} cores, {DateTime.Now:yyyy-MM-dd HH:mm}");
        double peak = Flag("--no-peak") ? DefaultPeak : double.Parse(Opt("--peak") ?? MeasurePeak().ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        Dictionary<string, double>? anchor = Flag("--no-anchor") ? null : LoadAnchor(Opt("--anchor-file"));

        var ours = new Dictionary<string, double>();
        foreach (int t in threadCounts)
            foreach (var s in shapes)
            {
                var (median, min, max) = Measure(s, t, rounds, minTime);
                ours[$"{s.Name} t{t}"] = median;
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    bench = "gemm", shape = s.Name, m = s.M, k = s.K, n = s.N, layout = s.Layout, threads = t,
                    gflops = new { median = Math.Round(median, 1), min = Math.Round(min, 1), max = Math.Round(max, 1) },
                    us_per_call = Math.Round(2.0 * s.M * s.N * s.K / median / 1e3, 2),
                }));
            }

        Console.WriteLine();
        Console.WriteLine($"GFLOPS, medians of {rounds} rounds. Peak: {peak:F0} (2 threads), {peak / 2:F0} (1 thread). OpenBLAS = torch.mm via anchor.sh{(anchor is null ? " (not available)" : "")}.");
        Console.WriteLine($"{"shape",-24} {"ours 1t",8} {"ours 2t",8} {"BLAS 1t",8} {"BLAS 2t",8} {"ratio 1t",8} {"ratio 2t",8} {"%pk 1t",7} {"%pk 2t",7}");
        foreach (var s in shapes)
        {
            string Cell(IDictionary<string, double>? d, int t) => d != null && d.TryGetValue($"{s.Name} t{t}", out double v) ? v.ToString("F1", CultureInfo.InvariantCulture) : "-";
            string Ratio(int t) => anchor != null && ours.TryGetValue($"{s.Name} t{t}", out double o) && anchor.TryGetValue($"{s.Name} t{t}", out double r) ? (o / r).ToString("F2", CultureInfo.InvariantCulture) : "-";
            string Pct(int t) => ours.TryGetValue($"{s.Name} t{t}", out double o) ? (100 * o / (peak * t / 2)).ToString("F0", CultureInfo.InvariantCulture) + "%" : "-";
            Console.WriteLine($"{s.Name,-24} {Cell(ours, 1),8} {Cell(ours, 2),8} {Cell(anchor, 1),8} {Cell(anchor, 2),8} {Ratio(1),8} {Ratio(2),8} {Pct(1),7} {Pct(2),7}");
        }
    }

    static (double Median, double Min, double Max) Measure(Shape s, int threads, int rounds, double minTime)
    {
        var rng = new Random(0);
        float[] Fill(int count) { var v = new float[count]; for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1); return v; }
        bool transA = s.Layout[0] == 'T', transB = s.Layout[1] == 'T';
        float[] a = Fill(s.M * s.K), b = Fill(s.K * s.N), c = new float[s.M * s.N];
        int lda = transA ? s.M : s.K, ldb = transB ? s.K : s.N;
        void Once() => Gemm.Multiply(transA, transB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N, Simd.Best, threads);

        Once(); Once();
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++) { long t0 = Stopwatch.GetTimestamp(); Once(); best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds); }
        int reps = Math.Max(1, (int)(minTime / Math.Max(1e-7, best)));
        double flop = 2.0 * s.M * s.N * s.K;
        var rates = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < reps; i++) Once();
            rates[r] = flop * reps / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9;
        }
        Array.Sort(rates);
        return (rates[rounds / 2], rates[0], rates[^1]);
    }

    static Dictionary<string, double>? LoadAnchor(string? file)
    {
        if (Anchor.Run("gemm.py", "", file) is not { } line) return null;
        try
        {
            var result = new Dictionary<string, double>();
            foreach (var entry in line.GetProperty("results").EnumerateObject())
                result[entry.Name] = entry.Value.GetProperty("torch.mm").GetProperty("median").GetDouble();
            return result;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            Console.WriteLine($"# anchor: unexpected output ({e.Message}); continuing without the reference");
            return null;
        }
    }

    /// <summary>The 2-thread FP32 FMA peak from ../shared/bench/peak.c when gcc is present, else 339.</summary>
    internal static double MeasurePeak()
    {
        string? dir = Anchor.SharedBench();
        string? source = dir is null ? null : Path.Combine(dir, "peak.c");
        if (source is null || !File.Exists(source)) { Console.WriteLine($"# peak: peak.c not found, using {DefaultPeak}"); return DefaultPeak; }
        string tmp = Path.Combine(Path.GetTempPath(), $"neurone-peak-{Environment.ProcessId}");
        Directory.CreateDirectory(tmp);
        try
        {
            string exe = Path.Combine(tmp, "peak");
            var (built, _) = Anchor.RunProcess("gcc", $"-O2 -mavx512f -fopenmp \"{source}\" -o \"{exe}\"", tmp);
            if (!built) { Console.WriteLine($"# peak: gcc not available or failed, using {DefaultPeak}"); return DefaultPeak; }
            // Twice, keeping the best: on a shared machine one run can lose a core to someone else.
            double peak = 0;
            for (int run = 0; run < 2; run++)
            {
                var (ran, output) = Anchor.RunProcess(exe, "", tmp);
                foreach (string l in output.Split('\n'))
                {
                    if (!l.StartsWith('{')) continue;
                    using var doc = JsonDocument.Parse(l);
                    if (doc.RootElement.GetProperty("threads").GetInt32() == 2)
                        peak = Math.Max(peak, doc.RootElement.GetProperty("fma512_gflops_total").GetDouble());
                }
                Console.WriteLine($"# peak: {(ran ? output.Trim().Replace("\n", " ") : "peak failed")}");
            }
            if (peak <= 0) peak = DefaultPeak;
            Console.WriteLine($"# peak: {peak:F0} GFLOPS on 2 threads");
            return peak;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Console.WriteLine($"# peak: could not parse peak output, using {DefaultPeak}");
            return DefaultPeak;
        }
        finally
        {
            try { Directory.Delete(tmp, recursive: true); } catch (IOException) { }
        }
    }
}
