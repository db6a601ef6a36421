using System.Text.Json;
using System.Text.Json.Nodes;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Turns a module tree into the JSON description saved models carry, and back. Each module is an
/// object holding its registered type name and what its <see cref="Module.GetConfig"/> wrote, e.g.
/// <c>{"type":"Linear","in_features":784,"out_features":512,"bias":true}</c>; child modules given from
/// outside are nested objects (a Sequential is <c>{"type":"Sequential","modules":[…]}</c>). A bare JSON
/// array also stands for a Sequential of its items: the form files of format version 1 and hand-written
/// architecture files use. The description holds no weights (those are the safetensors tensors).
/// </summary>
public static class Architecture
{
    /// <summary>True when every module <paramref name="model"/>'s description reaches is registered.</summary>
    public static bool CanDescribe(Module model) => TryDescribe(model, out _, out _);

    /// <summary>The description as JSON, or false with the reason (the first module that cannot be described).</summary>
    public static bool TryDescribe(Module model, out string? json, out string? why)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            json = ToNode(model, "model").ToJsonString();
            why = null;
            return true;
        }
        catch (NotSupportedException e)
        {
            json = null;
            why = e.Message;
            return false;
        }
    }

    /// <summary>The description as JSON; throws <see cref="NotSupportedException"/> naming the first module that cannot be described.</summary>
    public static string Describe(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ToNode(model, "model").ToJsonString();
    }

    static JsonNode ToNode(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var name = ModuleRegistry.Find(module.GetType())
            ?? throw new NotSupportedException($"{path} is a {module.GetType().Name}, which is not a registered module type: implement ISavedModule<{module.GetType().Name}> and call ModuleRegistry.Register<{module.GetType().Name}>() (registered: {string.Join(", ", ModuleRegistry.KnownTypes)}).");
        var config = new ModuleConfig(path, ToNode);
        module.GetConfig(config);
        var obj = new JsonObject { ["type"] = name };
        foreach (var (key, value) in config.Json.ToList())
        {
            config.Json.Remove(key);
            obj[key] = value;
        }
        return obj;
    }

    /// <summary>
    /// Builds the model a description stands for, with fresh weights drawn from <paramref name="rng"/>
    /// (default: a private generator, so <see cref="Rng.Default"/> is not disturbed). A malformed
    /// description or an unknown type throws <see cref="InvalidDataException"/> naming the place.
    /// </summary>
    public static Module Build(string json, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"architecture: not valid JSON ({e.Message}).", e);
        }
        rng ??= new Rng(0);
        return FromNode(root, "model", rng);
    }

    static Module FromNode(JsonNode? node, string path, Rng rng)
    {
        if (node is JsonArray array)
        {
            var seq = new Sequential();
            for (int i = 0; i < array.Count; i++) seq.Add(FromNode(array[i], $"{path}.{i}", rng));
            return seq;
        }
        if (node is not JsonObject obj)
            throw new InvalidDataException($"architecture: {path} should be a module object with a \"type\" (or an array of modules, a Sequential), got {KindOf(node)}.");
        if (!obj.TryGetPropertyValue("type", out var typeNode) || typeNode is not JsonValue typeValue || !typeValue.TryGetValue(out string? type))
            throw new InvalidDataException($"architecture: {path} has no \"type\" string naming its module.");
        var entry = ModuleRegistry.Find(type)
            ?? throw new InvalidDataException($"architecture: {path} is of the unknown module type '{type}'; registered types are {string.Join(", ", ModuleRegistry.KnownTypes)}. A user module must implement ISavedModule<{type}> and be registered with ModuleRegistry.Register<{type}>() before loading.");
        var settings = new ModuleSettings(type, path, obj, rng, (child, childPath) => FromNode(child, childPath, rng));
        Module module;
        try
        {
            module = entry.Build(settings);
        }
        catch (ArgumentException e)
        {
            // The constructor's own check, e.g. a negative size: still a bad file, not a bad call.
            throw new InvalidDataException($"architecture: {path} ({type}) has settings its constructor refuses: {e.Message}", e);
        }
        settings.CheckAllUsed();
        return module;
    }

    static string KindOf(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
}
