using System.Text.Json.Nodes;

namespace Neurone.Nn;

/// <summary>
/// The constructor settings of one layer as read from its JSON description (<see cref="LayerConfig"/>):
/// typed getters that fall back to the constructor's default when a key is absent and throw an
/// <see cref="InvalidDataException"/> naming the layer, the key, what was expected and what came.
/// Keys nobody asked for are reported by <see cref="CheckAllUsed"/>, so a misspelt setting is an
/// error instead of being silently replaced by its default.
/// </summary>
public sealed class LayerSettings
{
    readonly JsonObject json;
    readonly HashSet<string> used = new(StringComparer.Ordinal) { "type" };

    internal LayerSettings(string type, string path, JsonObject json)
    {
        Type = type;
        Path = path;
        this.json = json;
    }

    /// <summary>The layer's type name, e.g. "Linear".</summary>
    public string Type { get; }

    /// <summary>Where the layer sits in the architecture, e.g. "layer 2.0", for error messages.</summary>
    public string Path { get; }

    /// <summary>An integer setting; <paramref name="fallback"/> when absent, or an error when there is none.</summary>
    public int Int(string key, int? fallback = null) =>
        Get(key, fallback, "an integer", v => v.TryGetValue(out int i) ? i : null);

    /// <summary>A float setting; <paramref name="fallback"/> when absent, or an error when there is none.</summary>
    public float Float(string key, float? fallback = null) =>
        Get(key, fallback, "a number", v => v.TryGetValue(out float f) && float.IsFinite(f) ? f : null);

    /// <summary>A boolean setting; <paramref name="fallback"/> when absent, or an error when there is none.</summary>
    public bool Bool(string key, bool? fallback = null) =>
        Get(key, fallback, "true or false", v => v.TryGetValue(out bool b) ? b : null);

    /// <summary>A list of integers (a shape such as LayerNorm's normalized_shape); a single integer reads as a list of one, as in PyTorch.</summary>
    public int[] Ints(string key)
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node))
            throw new InvalidDataException($"architecture: {Path} ({Type}) has no '{key}'; expected a list of integers.");
        if (node is JsonValue single && single.TryGetValue(out int one)) return [one];
        if (node is JsonArray array && array.All(e => e is JsonValue v && v.TryGetValue(out int _)))
            return array.Select(e => e!.GetValue<int>()).ToArray();
        throw new InvalidDataException($"architecture: {Path} ({Type}) has '{key}' = {node?.ToJsonString() ?? "null"}; expected a list of integers.");
    }

    /// <summary>True when <paramref name="key"/> holds the string <paramref name="value"/> (e.g. padding "same"); false when absent or another value.</summary>
    public bool IsString(string key, string value) =>
        json.TryGetPropertyValue(key, out var node) && node is JsonValue v && v.TryGetValue(out string? s) && s == value && used.Add(key) | true;

    T Get<T>(string key, T? fallback, string expected, Func<JsonValue, T?> read) where T : struct
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node))
            return fallback ?? throw new InvalidDataException($"architecture: {Path} ({Type}) has no '{key}'; expected {expected}.");
        if (node is JsonValue value && read(value) is T result) return result;
        throw new InvalidDataException($"architecture: {Path} ({Type}) has '{key}' = {node?.ToJsonString() ?? "null"}; expected {expected}.");
    }

    /// <summary>Throws if the description holds a key no getter asked for.</summary>
    public void CheckAllUsed()
    {
        var unknown = json.Select(kv => kv.Key).Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"architecture: {Path} ({Type}) has unknown settings {string.Join(", ", unknown.Select(k => $"'{k}'"))}; it takes {string.Join(", ", used.Where(k => k != "type").Select(k => $"'{k}'"))}.");
    }
}
