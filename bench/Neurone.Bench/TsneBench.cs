using System.Diagnostics;
using System.Globalization;
using Neurone.Analysis;
using Neurone.Data;
using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Bench;

/// <summary>
/// t-SNE figures: embeds the 10,000 MNIST test images (pixels / 255, reduced to --pca components first,
/// default 50; --pca 0 keeps all 784) with scikit-learn's defaults and prints the time of each phase,
/// the KL divergence, the trustworthiness (k = 5) on a random subset of --subset points (default 2,000;
/// the score is O(N²)) and how well digits separate: the accuracy of a 10-nearest-neighbour vote in the
/// embedding, on the same subset. Options: --n (points, default 10,000), --iter, --threads, --method
/// (auto, exact, barneshut), --csv FILE (writes x,y,label per point).
/// </summary>
static class TsneBench
{
    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        int Int(string name, int fallback) => int.Parse(Opt(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int n = Int("--n", 10000), pcaDims = Int("--pca", 50), subset = Int("--subset", 2000), iterations = Int("--iter", 1000);
        if (Opt("--threads") is { } t) Parallelism.Threads = int.Parse(t, CultureInfo.InvariantCulture);
        var method = Enum.Parse<TsneMethod>(Opt("--method") ?? "auto", ignoreCase: true);

        ImageDataset test;
        try { test = Mnist.Load(DataCache.DirectoryFor("mnist")).Test; }
        catch (Exception e) when (e is IOException or InvalidDataException) { Console.WriteLine($"# tsne skipped: {e.Message}"); return; }
        n = Math.Min(n, test.Count);
        var pixels = test.Pixels;
        var raw = new float[n * 784];
        for (int i = 0; i < raw.Length; i++) raw[i] = pixels[i] / 255f;
        var labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = test.Labels[i];
        var x = Tensor.FromArray(raw, n, 784);
        Console.WriteLine($"# tsne: {n} MNIST test images, {Parallelism.Threads} threads, {iterations} iterations, method {method}");

        var total = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var input = x;
        if (pcaDims > 0)
        {
            var sw = Stopwatch.StartNew();
            input = new Pca(pcaDims).FitTransform(x);
            Console.WriteLine($"PCA 784 -> {pcaDims}: {sw.Elapsed.TotalSeconds:F2} s");
        }
        var tsne = new Tsne { Method = method, MaxIter = iterations, Log = Console.Out };
        var y = tsne.FitTransform(input);
        double seconds = total.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"t-SNE total (PCA included): {seconds:F1} s wall, {cpuSeconds:F1} s CPU, KL {tsne.KlDivergence:F4}, {tsne.MethodUsed}, learning rate {tsne.LearningRateUsed:F1}");

        // Scores on a random subset: trustworthiness against the 784-pixel input, and a kNN vote in 2-D.
        int m = Math.Min(subset, n);
        var pick = new Rng(0).Permutation(n)[..m];
        var hs = new float[m * 784]; var ls = new float[m * 2]; var lab = new int[m];
        var ys = y.AsReadOnlySpan();
        for (int a = 0; a < m; a++)
        {
            raw.AsSpan(pick[a] * 784, 784).CopyTo(hs.AsSpan(a * 784));
            ls[2 * a] = ys[2 * pick[a]]; ls[2 * a + 1] = ys[2 * pick[a] + 1];
            lab[a] = labels[pick[a]];
        }
        var swT = Stopwatch.StartNew();
        double trust = Tsne.Trustworthiness(Tensor.FromArray(hs, m, 784), Tensor.FromArray(ls, m, 2), 5);
        Console.WriteLine($"trustworthiness (k=5, {m} random points, against the 784 pixels): {trust:F4} ({swT.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine($"10-NN label agreement in the embedding ({m} random points vs all {n}): {KnnAgreement(ys, labels, pick, n):P2}");

        if (Opt("--csv") is { } csv)
        {
            using var w = new StreamWriter(csv);
            w.WriteLine("x,y,label");
            for (int i = 0; i < n; i++) w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ys[2 * i]},{ys[2 * i + 1]},{labels[i]}"));
            Console.WriteLine($"wrote {csv}");
        }
    }

    /// <summary>Share of the picked points whose 10 nearest embedded neighbours (among all) vote their true label.</summary>
    static double KnnAgreement(ReadOnlySpan<float> y, int[] labels, int[] pick, int n)
    {
        int right = 0;
        var best = new (double D, int L)[10];
        Span<int> votes = stackalloc int[10];
        foreach (int i in pick)
        {
            int size = 0;
            for (int j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1], d = dx * dx + dy * dy;
                if (size == 10 && d >= best[9].D) continue;
                int p = size < 10 ? size++ : 9;
                while (p > 0 && best[p - 1].D > d) { best[p] = best[p - 1]; p--; }
                best[p] = (d, labels[j]);
            }
            votes.Clear();
            for (int t = 0; t < size; t++) votes[best[t].L]++;
            int winner = 0;
            for (int c = 1; c < 10; c++) if (votes[c] > votes[winner]) winner = c;
            if (winner == labels[i]) right++;
        }
        return (double)right / pick.Length;
    }
}
