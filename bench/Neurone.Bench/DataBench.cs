using System.Diagnostics;
using System.Globalization;
using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Bench;

/// <summary>
/// Data-pipeline figures: the time to load each real data set from disk (MNIST and Fashion-MNIST from
/// the cache folders, CIFAR-10, USPS and the digits CSV from ../shared/datasets or SHARED_DATASETS),
/// and one DataLoader epoch over MNIST in shuffled batches of 128, converted from bytes and
/// standardised, with and without background preparation and buffer reuse. Each load runs --repeat
/// times (default 3); the best and the first (cold JIT) are printed. Data sets whose files are absent
/// are reported and skipped.
/// </summary>
static class DataBench
{
    public static void Run(string[] args)
    {
        string? Opt(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        int repeat = int.Parse(Opt("--repeat") ?? "3", CultureInfo.InvariantCulture);
        string shared = Environment.GetEnvironmentVariable("SHARED_DATASETS") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/datasets"));
        if (!Directory.Exists(shared)) shared = "/work/shared/datasets";
        Console.WriteLine($"# data: load times (first run, best of {repeat}), cache {DataCache.Root}, shared {shared}");

        Load("MNIST (idx.gz)", () => Mnist.Load(DataCache.DirectoryFor("mnist")).Train.Count, repeat);
        Load("Fashion-MNIST (idx.gz)", () => FashionMnist.Load(DataCache.DirectoryFor("fashion-mnist")).Train.Count, repeat);
        string archive = Path.Combine(shared, "cifar-10-binary.tar.gz");
        Load("CIFAR-10 (tar.gz, streamed)", () => Cifar10.Load(archive).Train.Count, repeat);
        string extracted = Path.Combine(Path.GetTempPath(), "neurone-bench-cifar");
        if (File.Exists(archive))
        {
            var sw = Stopwatch.StartNew();
            TarExtractor.Extract(archive, extracted);
            Console.WriteLine($"{"CIFAR-10 one-time extraction",-34} {sw.Elapsed.TotalSeconds,8:0.000} s");
            Load("CIFAR-10 (extracted .bin)", () => Cifar10.Load(extracted).Train.Count, repeat);
            Directory.Delete(extracted, true);
        }
        Load("USPS (ESL zip.*.gz, train+test)", () => Usps.Load(Path.Combine(shared, "usps")).Train.Count, repeat);
        Load("USPS (LIBSVM usps.t.bz2, test)", () => Usps.ReadLibSvm(Path.Combine(shared, "usps", "usps.t.bz2")).Count, repeat);
        Load("digits (CSV.gz)", () => Csv.Load(Path.Combine(shared, "digits", "digits.csv.gz"), classes: 10).Count, repeat);

        ImageDataset train;
        try { train = Mnist.Load(DataCache.DirectoryFor("mnist")).Train; }
        catch (Exception e) when (e is IOException or InvalidDataException) { Console.WriteLine($"# DataLoader epoch skipped: {e.Message}"); return; }
        var norm = Normalize.FitGlobal(train);
        var data = train.WithTransform(norm).Flatten();
        Console.WriteLine($"# DataLoader: MNIST train (60,000 x 784), batch 128, shuffled, bytes -> float/255 -> standardised; median of 5 epochs after 1 warm-up");
        foreach (var (prefetch, reuse) in new[] { (true, false), (false, false), (true, true), (false, true) })
        {
            var loader = new DataLoader(data, 128, shuffle: true, rng: new Rng(0), prefetch: prefetch, reuseBuffers: reuse);
            var times = new List<double>();
            long checksum = 0;
            for (int e = 0; e < 6; e++)
            {
                long gen0 = GC.CollectionCount(0);
                var sw = Stopwatch.StartNew();
                foreach (var (x, y) in loader) checksum += x.Size(0) + (long)y[0];
                if (e > 0) times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"prefetch {(prefetch ? "on " : "off")}, reuse buffers {(reuse ? "on " : "off")}: {times[times.Count / 2],7:0.0} ms/epoch ({times[times.Count / 2] / loader.Count * 1000,6:0} us/batch, {loader.Count} batches) [{checksum}]");
        }
    }

    static void Load(string name, Func<int> load, int repeat)
    {
        try
        {
            double first = 0, best = double.MaxValue;
            int n = 0;
            for (int r = 0; r < repeat; r++)
            {
                var sw = Stopwatch.StartNew();
                n = load();
                double s = sw.Elapsed.TotalSeconds;
                if (r == 0) first = s;
                best = Math.Min(best, s);
            }
            Console.WriteLine($"{name,-34} {first,8:0.000} s first, {best,8:0.000} s best ({n} training samples)");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.WriteLine($"{name,-34} skipped: {e.Message.Split('\n')[0]}");
        }
    }
}
