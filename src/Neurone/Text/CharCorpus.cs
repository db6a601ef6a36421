using Neurone.Tensors;

namespace Neurone.Text;

/// <summary>
/// A character-level corpus for language modelling, as nanoGPT's shakespeare_char: the vocabulary is the text's
/// distinct characters (UTF-16 code units) in ordinal order, each encoded as its index; the first 90% of the text
/// (by position) is the training split and the rest validation; batches are random windows of
/// <c>contextLength</c> characters with the next character of each position as target.
/// </summary>
public sealed class CharCorpus
{
    readonly char[] vocabulary;
    readonly Dictionary<char, int> index;
    readonly long[] train, validation;

    /// <summary>The corpus of <paramref name="text"/>, split at <paramref name="trainFraction"/> of its length.</summary>
    public CharCorpus(string text, double trainFraction = 0.9)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 2) throw new ArgumentException($"CharCorpus: expected a text of at least 2 characters, got {text.Length}.", nameof(text));
        if (!(trainFraction > 0 && trainFraction < 1)) throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "CharCorpus: expected a train fraction in (0, 1).");
        var distinct = new SortedSet<char>(text, Comparer<char>.Create((a, b) => a.CompareTo(b)));
        vocabulary = [.. distinct];
        index = new Dictionary<char, int>(vocabulary.Length);
        for (int i = 0; i < vocabulary.Length; i++) index[vocabulary[i]] = i;
        var all = Encode(text);
        int n = (int)(trainFraction * all.Length);
        train = all[..n];
        validation = all[n..];
    }

    /// <summary>Reads a UTF-8 text file; an error names the file.</summary>
    public static CharCorpus FromFile(string path, double trainFraction = 0.9)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CharCorpus: text file not found: {path}", path);
        return new CharCorpus(File.ReadAllText(path), trainFraction);
    }

    /// <summary>The characters, sorted; a character's id is its position.</summary>
    public IReadOnlyList<char> Vocabulary => vocabulary;
    public int VocabSize => vocabulary.Length;
    /// <summary>The training ids (the first part of the text).</summary>
    public ReadOnlySpan<long> Train => train;
    /// <summary>The validation ids (the last part).</summary>
    public ReadOnlySpan<long> Validation => validation;

    /// <summary>The ids of <paramref name="text"/>; a character outside the vocabulary is an error naming it.</summary>
    public long[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new long[text.Length];
        for (int i = 0; i < text.Length; i++)
            ids[i] = index.TryGetValue(text[i], out int id) ? id
                : throw new ArgumentException($"CharCorpus: character U+{(int)text[i]:X4} at position {i} is not in the vocabulary of {vocabulary.Length} characters.", nameof(text));
        return ids;
    }

    /// <summary>The text of <paramref name="ids"/>.</summary>
    public string Decode(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var sb = new System.Text.StringBuilder();
        foreach (long id in ids)
            sb.Append((ulong)id < (ulong)vocabulary.Length ? vocabulary[id]
                : throw new ArgumentOutOfRangeException(nameof(ids), id, $"CharCorpus: id outside the vocabulary of {vocabulary.Length} characters."));
        return sb.ToString();
    }

    /// <summary>
    /// <paramref name="batchSize"/> windows of <paramref name="contextLength"/> ids from the training (or, with
    /// <paramref name="validationSplit"/>, validation) ids, each starting at a position drawn uniformly from
    /// <paramref name="rng"/>; targets are the windows shifted by one. Both Int64 [batchSize, contextLength].
    /// </summary>
    public (Tensor Inputs, Tensor Targets) Batch(int batchSize, int contextLength, Rng rng, bool validationSplit = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var ids = validationSplit ? validation : train;
        if (batchSize < 1 || contextLength < 1 || ids.Length <= contextLength)
            throw new ArgumentOutOfRangeException(nameof(contextLength), $"CharCorpus: expected batch and context ≥ 1 and a context shorter than the {(validationSplit ? "validation" : "training")} split ({ids.Length} characters), got batch {batchSize}, context {contextLength}.");
        var x = new long[batchSize * contextLength];
        var y = new long[batchSize * contextLength];
        for (int b = 0; b < batchSize; b++)
        {
            int start = rng.NextInt(ids.Length - contextLength);
            Array.Copy(ids, start, x, b * contextLength, contextLength);
            Array.Copy(ids, start + 1, y, b * contextLength, contextLength);
        }
        return (Tensor.FromLongs(x, batchSize, contextLength), Tensor.FromLongs(y, batchSize, contextLength));
    }
}
