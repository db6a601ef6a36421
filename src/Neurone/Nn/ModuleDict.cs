using System.Collections;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Holds sub-modules by name, in insertion order, as <c>torch.nn.ModuleDict</c>: each is registered
/// under its key, so a parent that registers the dictionary as "heads" has parameters named
/// "heads.digit.weight". Keys are non-empty and hold no dots. Like <see cref="ModuleList{T}"/> it is a
/// container with no Forward of its own.
/// </summary>
public sealed class ModuleDict : Module, IReadOnlyDictionary<string, Module>, ISavedModule<ModuleDict>
{
    readonly List<KeyValuePair<string, Module>> items = [];
    readonly Dictionary<string, Module> byKey = new(StringComparer.Ordinal);

    /// <summary>An empty dictionary.</summary>
    public ModuleDict() { }

    /// <summary>A dictionary of <paramref name="modules"/>, in the order given.</summary>
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (key, module) in modules) Add(key, module);
    }

    /// <summary>A dictionary of <paramref name="modules"/>, in the order given.</summary>
    public ModuleDict(params (string Key, Module Module)[] modules)
    {
        foreach (var (key, module) in modules) Add(key, module);
    }

    /// <summary>Adds <paramref name="module"/> under <paramref name="key"/>; a key may be added once.</summary>
    public ModuleDict Add(string key, Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(key, module);
        items.Add(new(key, module));
        byKey.Add(key, module);
        return this;
    }

    /// <summary>The module under <paramref name="key"/>; a missing key names the keys there are.</summary>
    public Module this[string key] => byKey.TryGetValue(key, out var m) ? m
        : throw new KeyNotFoundException($"ModuleDict: no module under '{key}'; the keys are [{string.Join(", ", items.Select(kv => kv.Key))}].");

    public int Count => items.Count;
    public IEnumerable<string> Keys => items.Select(kv => kv.Key);
    public IEnumerable<Module> Values => items.Select(kv => kv.Value);
    public bool ContainsKey(string key) => byKey.ContainsKey(key);
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Module value) => byKey.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A dictionary is not called; its parent runs the modules it holds.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("ModuleDict is a container, not a layer: call its modules from your module's Forward.");

    public override void GetConfig(ModuleConfig config) => config.SetModuleDict("modules", items);

    public static ModuleDict FromConfig(ModuleSettings settings) => new(settings.ModuleDict("modules"));
}
