using System.Text.Json.Nodes;

namespace Neurone.Nn;

/// <summary>
/// What <see cref="Module.GetConfig"/> writes: a module's constructor settings by name, as plain values
/// (numbers, booleans, strings, integer lists) or as child modules given from outside (a body, a list
/// or a dictionary of modules), which are described in turn. A module that builds its children itself
/// from its settings writes only the settings. Read back by <see cref="ModuleSettings"/>.
/// </summary>
public sealed class ModuleConfig
{
    readonly Func<Module, string, JsonNode> describe;

    internal ModuleConfig(string path, Func<Module, string, JsonNode> describe)
    {
        Path = path;
        this.describe = describe;
    }

    internal JsonObject Json { get; } = [];

    /// <summary>Where the module sits in the model ("model", "model.blocks.0"), for messages.</summary>
    public string Path { get; }

    /// <summary>An integer setting.</summary>
    public ModuleConfig Set(string key, int value) => Put(key, JsonValue.Create(value));

    /// <summary>A 64-bit integer setting.</summary>
    public ModuleConfig Set(string key, long value) => Put(key, JsonValue.Create(value));

    /// <summary>A float setting (must be finite).</summary>
    public ModuleConfig Set(string key, float value) => Put(key, JsonValue.Create(Finite(key, value)));

    /// <summary>A double setting (must be finite).</summary>
    public ModuleConfig Set(string key, double value) => Put(key, JsonValue.Create(Finite(key, value)));

    /// <summary>A boolean setting.</summary>
    public ModuleConfig Set(string key, bool value) => Put(key, JsonValue.Create(value));

    /// <summary>A string setting (e.g. padding "same").</summary>
    public ModuleConfig Set(string key, string value) => Put(key, JsonValue.Create(value ?? throw new ArgumentNullException(nameof(value))));

    /// <summary>A list of integers (e.g. a shape).</summary>
    public ModuleConfig Set(string key, IEnumerable<int> values) => Put(key, new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]));

    /// <summary>A child module, described in turn (read back with <see cref="ModuleSettings.Module"/>).</summary>
    public ModuleConfig Set(string key, Module module) => Put(key, describe(module, Child(key)));

    /// <summary>
    /// A list of child modules (read back with <see cref="ModuleSettings.Modules(string)"/>). Named apart from
    /// <see cref="Set(string, Module)"/> because a <see cref="ModuleList"/> is both a module and a list:
    /// <c>Set</c> writes it as one child, this writes its items.
    /// </summary>
    public ModuleConfig SetModules(string key, IEnumerable<Module> modules)
    {
        var array = new JsonArray();
        int i = 0;
        foreach (var m in modules) array.Add(describe(m, Child(key) + "." + i++));
        return Put(key, array);
    }

    /// <summary>Child modules by name, in order (read back with <see cref="ModuleSettings.ModuleDict"/>).</summary>
    public ModuleConfig SetModuleDict(string key, IEnumerable<KeyValuePair<string, Module>> modules)
    {
        var obj = new JsonObject();
        foreach (var (name, m) in modules) obj[name] = describe(m, Child(key) + "." + name);
        return Put(key, obj);
    }

    string Child(string key) => Path + "." + key;

    ModuleConfig Put(string key, JsonNode node)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key == "type")
            throw new ArgumentException($"{Path}: 'type' is the name the registry writes; choose another setting name.", nameof(key));
        if (Json.ContainsKey(key))
            throw new ArgumentException($"{Path}: the setting '{key}' is written twice.", nameof(key));
        Json[key] = node;
        return this;
    }

    T Finite<T>(string key, T value) where T : System.Numerics.IFloatingPoint<T> =>
        T.IsFinite(value) ? value : throw new ArgumentException($"{Path}: the setting '{key}' is {value}; settings must be finite numbers.", nameof(value));
}
