using System.Text.Json.Nodes;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// The settings of one module as read from its saved description, handed to
/// <see cref="ISavedModule{TSelf}.FromConfig"/>: typed getters that fall back to the constructor's
/// default when a key is absent and otherwise throw an <see cref="InvalidDataException"/> naming the
/// module's place and type, the key, what was expected and what came; child modules are built through
/// the registry in turn. Keys nobody asked for are an error after <c>FromConfig</c> returns, so a
/// misspelt setting is not silently replaced by its default.
/// </summary>
public sealed class ModuleSettings
{
    readonly JsonObject json;
    readonly Func<JsonNode?, string, Module> build;
    readonly HashSet<string> used = new(StringComparer.Ordinal) { "type" };

    internal ModuleSettings(string type, string path, JsonObject json, Rng rng, Func<JsonNode?, string, Module> build)
    {
        Type = type;
        Path = path;
        Rng = rng;
        this.json = json;
        this.build = build;
    }

    /// <summary>The module's type name, e.g. "Linear".</summary>
    public string Type { get; }

    /// <summary>Where the module sits in the model, e.g. "model.blocks.0", for error messages.</summary>
    public string Path { get; }

    /// <summary>The generator to draw initial weights from (they are overwritten by the loaded ones).</summary>
    public Rng Rng { get; }

    /// <summary>True when the description holds <paramref name="key"/>.</summary>
    public bool Has(string key) => json.ContainsKey(key);

    /// <summary>An integer setting; <paramref name="fallback"/> when absent, or an error when there is none.</summary>
    public int Int(string key, int? fallback = null) =>
        Get(key, fallback, "an integer", v => v.TryGetValue(out int i) ? i : null);

    /// <summary>A 64-bit integer setting.</summary>
    public long Long(string key, long? fallback = null) =>
        Get(key, fallback, "an integer", v => v.TryGetValue(out long i) ? i : null);

    /// <summary>A float setting; <paramref name="fallback"/> when absent, or an error when there is none.</summary>
    public float Float(string key, float? fallback = null) =>
        Get(key, fallback, "a number", v => v.TryGetValue(out float f) && float.IsFinite(f) ? f : null);

    /// <summary>A double setting.</summary>
    public double Double(string key, double? fallback = null) =>
        Get(key, fallback, "a number", v => v.TryGetValue(out double d) && double.IsFinite(d) ? d : null);

    /// <summary>A boolean setting; <paramref name="fallback"/> when absent, or an error when there is none.</summary>
    public bool Bool(string key, bool? fallback = null) =>
        Get(key, fallback, "true or false", v => v.TryGetValue(out bool b) ? b : null);

    /// <summary>A string setting; <paramref name="fallback"/> when absent, or an error when there is none.</summary>
    public string String(string key, string? fallback = null)
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node))
            return fallback ?? throw Missing(key, "a string");
        return node is JsonValue v && v.TryGetValue(out string? s) ? s : throw Wrong(key, node, "a string");
    }

    /// <summary>True when <paramref name="key"/> holds the string <paramref name="value"/> (e.g. padding "same"); false when absent or another value.</summary>
    public bool IsString(string key, string value)
    {
        bool match = json.TryGetPropertyValue(key, out var node) && node is JsonValue v && v.TryGetValue(out string? s) && s == value;
        if (match) used.Add(key);
        return match;
    }

    /// <summary>A list of integers.</summary>
    public int[] Ints(string key)
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node)) throw Missing(key, "a list of integers");
        if (node is not JsonArray array) throw Wrong(key, node, "a list of integers");
        var result = new int[array.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = array[i] is JsonValue v && v.TryGetValue(out int x) ? x : throw Wrong(key, node, "a list of integers");
        return result;
    }

    /// <summary>The child module written under <paramref name="key"/>, built through the registry.</summary>
    public Module Module(string key)
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node)) throw Missing(key, "a module");
        return build(node, Path + "." + key);
    }

    /// <summary>The child module under <paramref name="key"/>, which must be a <typeparamref name="T"/>.</summary>
    public T Module<T>(string key) where T : Module => Module(key) is T m ? m
        : throw new InvalidDataException($"architecture: {Path}.{key} should be a {typeof(T).Name}.");

    /// <summary>The list of child modules written under <paramref name="key"/>.</summary>
    public List<Module> Modules(string key)
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node)) throw Missing(key, "a list of modules");
        if (node is not JsonArray array) throw Wrong(key, node, "a list of modules");
        var result = new List<Module>(array.Count);
        for (int i = 0; i < array.Count; i++) result.Add(build(array[i], $"{Path}.{key}.{i}"));
        return result;
    }

    /// <summary>The list of child modules under <paramref name="key"/>, each of which must be a <typeparamref name="T"/> (for a <c>ModuleList&lt;T&gt;</c>).</summary>
    public List<T> Modules<T>(string key) where T : Module
    {
        var modules = Modules(key);
        for (int i = 0; i < modules.Count; i++)
            if (modules[i] is not T)
                throw new InvalidDataException($"architecture: {Path}.{key}.{i} is a {modules[i].GetType().Name}; expected a {typeof(T).Name}.");
        return modules.Cast<T>().ToList();
    }

    /// <summary>The child modules by name written under <paramref name="key"/>, in order.</summary>
    public List<KeyValuePair<string, Module>> ModuleDict(string key)
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node)) throw Missing(key, "an object of modules by name");
        if (node is not JsonObject obj) throw Wrong(key, node, "an object of modules by name");
        return obj.Select(kv => new KeyValuePair<string, Module>(kv.Key, build(kv.Value, $"{Path}.{key}.{kv.Key}"))).ToList();
    }

    T Get<T>(string key, T? fallback, string expected, Func<JsonValue, T?> read) where T : struct
    {
        used.Add(key);
        if (!json.TryGetPropertyValue(key, out var node)) return fallback ?? throw Missing(key, expected);
        if (node is JsonValue value && read(value) is T result) return result;
        throw Wrong(key, node, expected);
    }

    InvalidDataException Missing(string key, string expected) =>
        new($"architecture: {Path} ({Type}) has no '{key}'; expected {expected}.");

    InvalidDataException Wrong(string key, JsonNode? node, string expected) =>
        new($"architecture: {Path} ({Type}) has '{key}' = {Abbreviate(node?.ToJsonString() ?? "null")}; expected {expected}.");

    static string Abbreviate(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>Throws if the description holds a key no getter asked for.</summary>
    internal void CheckAllUsed()
    {
        var unknown = json.Select(kv => kv.Key).Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"architecture: {Path} ({Type}) has unknown settings {string.Join(", ", unknown.Select(k => $"'{k}'"))}; it takes {(used.Count > 1 ? string.Join(", ", used.Where(k => k != "type").Select(k => $"'{k}'")) : "none")}.");
    }
}
