using Neurone.Tensors;

namespace Neurone.Text;

/// <summary>How <see cref="NGramVectorizer.Transform"/> fills a document's row.</summary>
public enum NGramWeighting
{
    /// <summary>1 for every n-gram present (Wang and Manning's NB-SVM features).</summary>
    Binary,

    /// <summary>How many times each n-gram occurs.</summary>
    Count,

    /// <summary>Counts times scikit-learn's smoothed idf, ln((1 + N) / (1 + df)) + 1, each row scaled to unit L2 norm.</summary>
    TfIdf,
}

/// <summary>
/// Bag of n-grams over id sequences (scikit-learn's <c>CountVectorizer(ngram_range=(1, n))</c>, fastText's
/// word n-grams). <see cref="Fit"/> counts the unigrams, bigrams, … up to <see cref="MaxN"/> of the training
/// sequences (the padding id never forms part of one) and numbers those seen in at least
/// <c>minDocuments</c> documents, most frequent first (ties by the ids), keeping at most
/// <c>maxFeatures</c>. Then a sequence becomes either the sorted ids of the n-grams it holds
/// (<see cref="Features"/>, the input of an <c>EmbeddingBag</c>, no dense row needed even with millions of
/// n-grams) or a dense Float32 row (<see cref="Transform"/>). N-grams unseen in training are dropped. Working on
/// ids rather than strings keeps fitting 25,000 reviews' trigrams to seconds: an n-gram is its ids packed into
/// one 64-bit key.
/// </summary>
public sealed class NGramVectorizer
{
    readonly Dictionary<long, int> index;
    readonly long[] keys;
    readonly float[] idf;
    readonly long vocabularySize;

    NGramVectorizer(int maxN, long vocabularySize, Dictionary<long, int> index, long[] keys, float[] idf)
    {
        MaxN = maxN;
        this.vocabularySize = vocabularySize;
        this.index = index;
        this.keys = keys;
        this.idf = idf;
    }

    /// <summary>The longest n-gram counted (1 = unigrams only).</summary>
    public int MaxN { get; }

    /// <summary>The number of n-gram features.</summary>
    public int Count => keys.Length;

    /// <summary>
    /// Counts the n-grams of <paramref name="sequences"/> (ids in [0, <paramref name="vocabularySize"/>)) and keeps
    /// those found in at least <paramref name="minDocuments"/> documents, at most <paramref name="maxFeatures"/>.
    /// </summary>
    public static NGramVectorizer Fit(IReadOnlyList<int[]> sequences, int vocabularySize, int maxN = 2, int minDocuments = 1, int? maxFeatures = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxN < 1) throw new ArgumentOutOfRangeException(nameof(maxN), maxN, "ngrams: expected n of at least 1.");
        if (vocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "ngrams: expected a vocabulary size of at least 2.");
        if (Math.Pow(vocabularySize, maxN) >= 9e18)
            throw new ArgumentOutOfRangeException(nameof(maxN), $"ngrams: {maxN}-grams over {vocabularySize} ids do not fit a 64-bit key; use a smaller vocabulary or n.");
        if (minDocuments < 1) throw new ArgumentOutOfRangeException(nameof(minDocuments), minDocuments, "ngrams: expected a minimum document count of at least 1.");
        var docFreq = new Dictionary<long, (int Docs, long Total)>();
        var seen = new HashSet<long>();
        var scratch = new List<long>();
        foreach (var s in sequences)
        {
            seen.Clear();
            scratch.Clear();
            AppendKeys(s, maxN, vocabularySize, scratch);
            foreach (long k in scratch)
            {
                ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(docFreq, k, out _);
                entry.Total++;
                if (seen.Add(k)) entry.Docs++;
            }
        }
        var kept = new List<(long Key, int Docs, long Total)>();
        foreach (var (k, v) in docFreq)
            if (v.Docs >= minDocuments) kept.Add((k, v.Docs, v.Total));
        kept.Sort((a, b) => a.Total != b.Total ? b.Total.CompareTo(a.Total) : a.Key.CompareTo(b.Key));
        int n = maxFeatures is int max ? Math.Min(max, kept.Count) : kept.Count;
        var index = new Dictionary<long, int>(n);
        var keys = new long[n];
        var idf = new float[n];
        double docs = sequences.Count;
        for (int i = 0; i < n; i++)
        {
            keys[i] = kept[i].Key;
            index[kept[i].Key] = i;
            idf[i] = (float)(Math.Log((1 + docs) / (1 + kept[i].Docs)) + 1);
        }
        return new NGramVectorizer(maxN, vocabularySize, index, keys, idf);
    }

    // Keys of every n-gram, n = 1..maxN, not crossing padding: key = ((id1·V + id2)·V + id3)…, plus an offset per
    // order so a bigram never collides with a unigram of the same value.
    static void AppendKeys(int[] s, int maxN, long v, List<long> into)
    {
        for (int i = 0; i < s.Length; i++)
        {
            long key = 0;
            long offset = 0, span = 1;
            for (int n = 1; n <= maxN && i + n - 1 < s.Length; n++)
            {
                int id = s[i + n - 1];
                if ((uint)id >= (ulong)v)
                    throw new ArgumentOutOfRangeException(nameof(s), $"ngrams: id {id} is outside the vocabulary [0, {v}).");
                if (id == Vocabulary.PaddingId) break;
                key = key * v + id;
                into.Add(offset + key);
                offset += span * v;
                span *= v;
            }
        }
    }

    /// <summary>The ids (sorted, each once) of the known n-grams in <paramref name="sequence"/>.</summary>
    public int[] Features(int[] sequence)
    {
        var found = new List<int>();
        foreach (var (f, _) in Counted(sequence)) found.Add(f);
        return [.. found];
    }

    /// <summary>The known n-grams of <paramref name="sequence"/> with how often each occurs, by feature id.</summary>
    public List<(int Feature, int Count)> Counted(int[] sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var keysFound = new List<long>();
        AppendKeys(sequence, MaxN, vocabularySize, keysFound);
        var counts = new Dictionary<int, int>();
        foreach (long k in keysFound)
            if (index.TryGetValue(k, out int f)) counts[f] = counts.GetValueOrDefault(f) + 1;
        var result = new List<(int, int)>(counts.Count);
        foreach (var kv in counts) result.Add((kv.Key, kv.Value));
        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }

    /// <summary>Dense Float32 rows [N, <see cref="Count"/>] of <paramref name="sequences"/>, weighted as asked.</summary>
    public Tensor Transform(IReadOnlyList<int[]> sequences, NGramWeighting weighting = NGramWeighting.Binary)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if ((long)sequences.Count * keys.Length > Array.MaxLength)
            throw new InvalidOperationException($"ngrams: {sequences.Count} rows of {keys.Length} features do not fit one tensor; use Features with an EmbeddingBag, or fewer features (maxFeatures).");
        int f = keys.Length;
        var result = new Tensor(sequences.Count, f);
        var d = result.AsSpan();
        for (int i = 0; i < sequences.Count; i++)
        {
            var row = d.Slice(i * f, f);
            double norm = 0;
            foreach (var (feature, count) in Counted(sequences[i]))
            {
                float value = weighting switch
                {
                    NGramWeighting.Binary => 1,
                    NGramWeighting.Count => count,
                    _ => count * idf[feature],
                };
                row[feature] = value;
                norm += (double)value * value;
            }
            if (weighting == NGramWeighting.TfIdf && norm > 0)
            {
                float scale = (float)(1 / Math.Sqrt(norm));
                for (int k = 0; k < f; k++) row[k] *= scale;
            }
        }
        return result;
    }

    /// <summary>The ids of the n-gram <paramref name="feature"/> stands for (1 to <see cref="MaxN"/> of them), to name it through a vocabulary.</summary>
    public int[] IdsOf(int feature)
    {
        if ((uint)feature >= (uint)keys.Length) throw new ArgumentOutOfRangeException(nameof(feature), feature, $"ngrams: feature {feature} is outside [0, {keys.Length}).");
        long key = keys[feature];
        long offset = 0, span = 1;
        int n = 1;
        // Find the order: keys of order n lie in [offset_n, offset_n + V^n).
        while (key >= offset + span * vocabularySize) { offset += span * vocabularySize; span *= vocabularySize; n++; }
        long rest = key - offset;
        var ids = new int[n];
        for (int k = n - 1; k >= 0; k--) { ids[k] = (int)(rest % vocabularySize); rest /= vocabularySize; }
        return ids;
    }
}
