using System.Text;
using System.Text.Json;

namespace Neurone.Text;

/// <summary>
/// Maps tokens to integer ids and back. Id 0 is padding (<see cref="PaddingToken"/>) and id 1 the unknown
/// token (<see cref="UnknownToken"/>), which every token outside the vocabulary encodes to; the other tokens
/// follow by count, most frequent first, ties in ordinal string order, so the same texts always give the same
/// ids. <see cref="Build"/> keeps the tokens seen at least <c>minCount</c> times, at most <c>maxSize</c> ids in
/// all (the two reserved ids included, as Keras' <c>TextVectorization(max_tokens)</c>). A vocabulary saves to
/// JSON (<see cref="ToJson"/>, <see cref="Save"/>) and travels inside a model file through
/// <see cref="TextMetadata"/>.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The id of padding.</summary>
    public const int PaddingId = 0;

    /// <summary>The id every unknown token encodes to.</summary>
    public const int UnknownId = 1;

    const string Format = "neurone.vocabulary";

    readonly string[] tokens;
    readonly Dictionary<string, int> ids;

    /// <summary>
    /// A vocabulary over <paramref name="tokensById"/>, in id order: the padding and unknown tokens first, then
    /// every other token once.
    /// </summary>
    public Vocabulary(IReadOnlyList<string> tokensById)
    {
        ArgumentNullException.ThrowIfNull(tokensById);
        if (tokensById.Count < 2)
            throw new ArgumentException($"vocabulary: expected at least the padding and unknown tokens (ids 0 and 1), got {tokensById.Count} token(s).", nameof(tokensById));
        tokens = [.. tokensById];
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] is null) throw new ArgumentException($"vocabulary: token {i} is null.", nameof(tokensById));
            if (!ids.TryAdd(tokens[i], i))
                throw new ArgumentException($"vocabulary: the token '{tokens[i]}' appears twice, at ids {ids[tokens[i]]} and {i}.", nameof(tokensById));
        }
    }

    /// <summary>The padding token (id 0), "&lt;pad&gt;" unless chosen otherwise.</summary>
    public string PaddingToken => tokens[PaddingId];

    /// <summary>The unknown token (id 1), "&lt;unk&gt;" unless chosen otherwise.</summary>
    public string UnknownToken => tokens[UnknownId];

    /// <summary>Number of ids, the two reserved ones included (the size an <c>Embedding</c> needs).</summary>
    public int Count => tokens.Length;

    /// <summary>The tokens in id order.</summary>
    public IReadOnlyList<string> Tokens => tokens;

    /// <summary>The token of <paramref name="id"/>.</summary>
    public string this[int id] => (uint)id < (uint)tokens.Length ? tokens[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"vocabulary: id {id} is outside [0, {tokens.Length}).");

    /// <summary>The id of <paramref name="token"/>, or <see cref="UnknownId"/> when it is not in the vocabulary.</summary>
    public int IdOf(string token) => ids.TryGetValue(token, out int id) ? id : UnknownId;

    /// <summary>Whether <paramref name="token"/> has its own id.</summary>
    public bool Contains(string token) => ids.ContainsKey(token);

    /// <summary>The ids of <paramref name="tokenList"/>, unknown tokens as <see cref="UnknownId"/>.</summary>
    public int[] Encode(IReadOnlyList<string> tokenList)
    {
        ArgumentNullException.ThrowIfNull(tokenList);
        var result = new int[tokenList.Count];
        for (int i = 0; i < result.Length; i++) result[i] = IdOf(tokenList[i]);
        return result;
    }

    /// <summary>The ids of each text's tokens by <paramref name="tokenizer"/>.</summary>
    public int[][] Encode(IReadOnlyList<string> texts, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var result = new int[texts.Count][];
        var buffer = new List<string>();
        for (int i = 0; i < result.Length; i++)
        {
            buffer.Clear();
            tokenizer.Tokenize(texts[i], buffer);
            result[i] = Encode(buffer);
        }
        return result;
    }

    /// <summary>The tokens of <paramref name="idList"/>; padding ids are left out when <paramref name="skipPadding"/>.</summary>
    public List<string> Decode(IEnumerable<int> idList, bool skipPadding = true)
    {
        ArgumentNullException.ThrowIfNull(idList);
        var result = new List<string>();
        foreach (int id in idList)
            if (!(skipPadding && id == PaddingId)) result.Add(this[id]);
        return result;
    }

    /// <summary>
    /// A vocabulary of the tokens in <paramref name="documents"/> seen at least <paramref name="minCount"/> times,
    /// the most frequent first (ties in ordinal order), with at most <paramref name="maxSize"/> ids in all
    /// (reserved ids included; null for no limit).
    /// </summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> documents, int minCount = 1, int? maxSize = null,
        string paddingToken = "<pad>", string unknownToken = "<unk>")
    {
        ArgumentNullException.ThrowIfNull(documents);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var doc in documents)
            foreach (var t in doc)
                counts[t] = counts.GetValueOrDefault(t) + 1;
        return FromCounts(counts, minCount, maxSize, paddingToken, unknownToken);
    }

    /// <summary>The vocabulary <see cref="Build"/> makes, from token counts already gathered.</summary>
    public static Vocabulary FromCounts(IReadOnlyDictionary<string, long> counts, int minCount = 1, int? maxSize = null,
        string paddingToken = "<pad>", string unknownToken = "<unk>")
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (minCount < 1) throw new ArgumentOutOfRangeException(nameof(minCount), minCount, "vocabulary: expected a minimum count of at least 1.");
        if (maxSize is int m && m < 2) throw new ArgumentOutOfRangeException(nameof(maxSize), m, "vocabulary: expected a maximum size of at least 2 (the padding and unknown ids).");
        if (paddingToken == unknownToken) throw new ArgumentException($"vocabulary: the padding and unknown tokens must differ, both are '{paddingToken}'.");
        var kept = new List<KeyValuePair<string, long>>();
        foreach (var kv in counts)
            if (kv.Value >= minCount && kv.Key != paddingToken && kv.Key != unknownToken) kept.Add(kv);
        kept.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        int take = maxSize is int max ? Math.Min(kept.Count, max - 2) : kept.Count;
        var list = new List<string>(take + 2) { paddingToken, unknownToken };
        for (int i = 0; i < take; i++) list.Add(kept[i].Key);
        return new Vocabulary(list);
    }

    /// <summary>The vocabulary as JSON: <c>{"format": "neurone.vocabulary", "version": 1, "tokens": [...]}</c>, tokens in id order.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", 1);
            json.WriteStartArray("tokens");
            foreach (var t in tokens) json.WriteStringValue(t);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A vocabulary from <see cref="ToJson"/>'s text; <paramref name="source"/> names it in errors.</summary>
    public static Vocabulary FromJson(string json, string source = "vocabulary JSON")
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != Format)
                throw new InvalidDataException($"{source}: expected an object with \"format\": \"{Format}\".");
            if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || v.GetInt32() != 1)
                throw new InvalidDataException($"{source}: expected \"version\": 1 (this library reads version 1 only).");
            if (!root.TryGetProperty("tokens", out var arr) || arr.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{source}: expected a \"tokens\" array.");
            var list = new List<string>(arr.GetArrayLength());
            foreach (var item in arr.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) throw new InvalidDataException($"{source}: token {list.Count} is {item.ValueKind}, expected a string.");
                list.Add(item.GetString()!);
            }
            try { return new Vocabulary(list); }
            catch (ArgumentException e) { throw new InvalidDataException($"{source}: {e.Message}"); }
        }
        catch (JsonException e) { throw new InvalidDataException($"{source}: not valid JSON ({e.Message})."); }
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (UTF-8), through a temporary file renamed into place.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string temp = full + $".{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temp, ToJson(), new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally { if (File.Exists(temp)) File.Delete(temp); }
    }

    /// <summary>Reads a vocabulary <see cref="Save"/> wrote.</summary>
    public static Vocabulary Load(string path) => FromJson(File.ReadAllText(path), path);
}
