using System.Diagnostics;
using Neurone.Data;
using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Experiments;

/// <summary>
/// The IMDB reviews for the text experiments: a full run reads <c>imdb/aclImdb-labelled.tar.gz</c> (or any
/// layout <see cref="Imdb.Load(string?, Downloader?)"/> takes) under --data-dir, else the cache, downloading as a
/// user would. A smoke run never touches the real data: it generates a few hundred short reviews from a small
/// lexicon of positive, negative and neutral words, so every line of an experiment runs in a second.
/// </summary>
public static class ImdbSets
{
    /// <summary>Train and test reviews, and a line saying where they came from and how long loading took.</summary>
    public static (ImdbSplit Train, ImdbSplit Test, string Source) Load(ExperimentContext context)
    {
        if (context.Smoke) return Generated(400, 200, seed: 5);
        string? path = null;
        if (context.DataDirectory is { } d)
            foreach (var c in new[] { Path.Combine(d, "imdb"), d })
                if (Directory.Exists(c) && (Directory.GetFiles(c, "aclImdb*.tar.gz").Length > 0 || Directory.Exists(Path.Combine(c, Imdb.FolderName))))
                { path = c; break; }
        var clock = Stopwatch.StartNew();
        var (train, test) = Imdb.Load(path);
        return (train, test, $"IMDB ({train.Count:N0} train / {test.Count:N0} test reviews) from {path ?? DataCache.DirectoryFor("imdb")}, loaded in {clock.Elapsed.TotalSeconds:F1} s");
    }

    static readonly string[] Positive = ["great", "wonderful", "superb", "moving", "loved", "brilliant", "fun", "best"];
    static readonly string[] Negative = ["awful", "boring", "worst", "dull", "hated", "waste", "poor", "mess"];
    static readonly string[] Neutral = ["the", "film", "movie", "plot", "actor", "a", "scene", "was", "and", "it", "of", "story", "not"];

    /// <summary>Short reviews whose label shows in a few sentiment words among neutral ones (with some label noise).</summary>
    public static (ImdbSplit Train, ImdbSplit Test, string Source) Generated(int trainCount, int testCount, ulong seed)
    {
        var rng = new Rng(seed);
        return (Make(trainCount, rng), Make(testCount, rng), $"generated: {trainCount} / {testCount} short reviews from a 29-word lexicon (smoke run)");
    }

    static ImdbSplit Make(int n, Rng rng)
    {
        var texts = new string[n];
        var labels = new long[n];
        var ratings = new int[n];
        var ids = new int[n];
        var sources = new string[n];
        for (int i = 0; i < n; i++)
        {
            bool pos = i % 2 == 1;
            int length = rng.NextInt(5, 30);
            var words = new List<string>();
            for (int k = 0; k < length; k++)
            {
                double u = rng.NextDouble();
                var list = u < 0.15 ? (pos ? Positive : Negative) : u < 0.2 ? (pos ? Negative : Positive) : Neutral;
                words.Add(list[rng.NextInt(list.Length)]);
            }
            texts[i] = string.Join(' ', words) + (pos ? "!" : ".") + "<br /><br />";
            labels[i] = pos ? 1 : 0;
            ratings[i] = pos ? 7 + rng.NextInt(4) : 1 + rng.NextInt(4);
            ids[i] = i;
            sources[i] = $"generated:{i}";
        }
        return new ImdbSplit(texts, labels, ratings, ids, sources);
    }
}
