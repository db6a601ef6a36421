using System.Text.Json;

namespace Neurone.Text;

/// <summary>
/// Carries a text model's <see cref="Vocabulary"/> and tokenizer settings in a string map, the
/// <c>__metadata__</c> of a safetensors file, so a model saved after training can later encode raw text
/// exactly as it was trained: <c>Model.SaveWithMetadata(model, path, TextMetadata.Create(vocabulary, tokenizer))</c>, then
/// <c>TextMetadata.ReadVocabulary(Model.ReadMetadata(path))</c>. Keys are <see cref="VocabularyKey"/> (the
/// vocabulary's JSON) and <see cref="TokenizerKey"/> (<c>{"type": "word", "lowercase": true}</c>). Only
/// <see cref="WordTokenizer"/> is described; another tokenizer is recorded by its type name and must be
/// rebuilt by the caller.
/// </summary>
public static class TextMetadata
{
    /// <summary>The key holding the vocabulary's JSON.</summary>
    public const string VocabularyKey = "neurone.text.vocabulary";

    /// <summary>The key holding the tokenizer's settings as JSON.</summary>
    public const string TokenizerKey = "neurone.text.tokenizer";

    /// <summary>A new map holding <paramref name="vocabulary"/> and, when given, <paramref name="tokenizer"/>'s settings.</summary>
    public static Dictionary<string, string> Create(Vocabulary vocabulary, ITokenizer? tokenizer = null)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        Write(map, vocabulary, tokenizer);
        return map;
    }

    /// <summary>Adds <paramref name="vocabulary"/> and <paramref name="tokenizer"/>'s settings to <paramref name="metadata"/>.</summary>
    public static void Write(IDictionary<string, string> metadata, Vocabulary vocabulary, ITokenizer? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(vocabulary);
        metadata[VocabularyKey] = vocabulary.ToJson();
        if (tokenizer is not null) metadata[TokenizerKey] = DescribeTokenizer(tokenizer);
    }

    /// <summary>Whether <paramref name="metadata"/> holds a vocabulary.</summary>
    public static bool HasVocabulary(IReadOnlyDictionary<string, string> metadata) => metadata.ContainsKey(VocabularyKey);

    /// <summary>The vocabulary stored in <paramref name="metadata"/>; <paramref name="source"/> (the file) names it in errors.</summary>
    public static Vocabulary ReadVocabulary(IReadOnlyDictionary<string, string> metadata, string source = "metadata")
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(VocabularyKey, out var json))
            throw new InvalidDataException($"{source}: holds no vocabulary (no '{VocabularyKey}' metadata); the model was saved without TextMetadata.");
        return Vocabulary.FromJson(json, $"{source} ({VocabularyKey})");
    }

    /// <summary>
    /// The tokenizer described in <paramref name="metadata"/>, or null when none was recorded. A tokenizer of a
    /// type this library cannot rebuild throws, naming the type.
    /// </summary>
    public static ITokenizer? ReadTokenizer(IReadOnlyDictionary<string, string> metadata, string source = "metadata")
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(TokenizerKey, out var json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string? type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type == "word")
            {
                bool lower = !root.TryGetProperty("lowercase", out var l) || l.GetBoolean();
                return new WordTokenizer(lower);
            }
            throw new InvalidDataException($"{source} ({TokenizerKey}): the tokenizer '{type}' cannot be rebuilt here (this library rebuilds \"word\" only); build it in code.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new InvalidDataException($"{source} ({TokenizerKey}): expected {{\"type\": ..., ...}}, got '{json}' ({e.Message})."); }
    }

    static string DescribeTokenizer(ITokenizer tokenizer) => tokenizer switch
    {
        WordTokenizer w => $"{{\"type\":\"word\",\"lowercase\":{(w.Lowercase ? "true" : "false")}}}",
        _ => JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = tokenizer.GetType().FullName ?? tokenizer.GetType().Name }),
    };
}
