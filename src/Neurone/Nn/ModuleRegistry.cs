using System.Reflection;

namespace Neurone.Nn;

/// <summary>
/// The module types <see cref="Training.Model.Load"/> can rebuild, by the name files store. It holds no
/// list of its own: the built-in modules are found on first use as the types of this library that
/// implement <see cref="ISavedModule{TSelf}"/>, and user modules join with <see cref="Register{T}()"/>
/// (once per process, before loading a file that names them; registering the same type again is
/// harmless). Thread-safe.
/// </summary>
public static class ModuleRegistry
{
    sealed record Entry(string Name, Type Type, Func<ModuleSettings, Module> Build);

    static readonly object Gate = new();
    static readonly Dictionary<string, Entry> ByName = new(StringComparer.Ordinal);
    static readonly Dictionary<Type, Entry> ByType = [];
    static bool builtInsFound;

    /// <summary>Registers <typeparamref name="T"/> under its <see cref="ISavedModule{TSelf}.TypeName"/>, built by its <c>FromConfig</c>.</summary>
    public static void Register<T>() where T : Module, ISavedModule<T> => Register(T.TypeName, T.FromConfig);

    /// <summary>
    /// Registers <typeparamref name="T"/> under <paramref name="name"/> with a factory, for a module type
    /// that cannot implement <see cref="ISavedModule{TSelf}"/> (it must still write its settings in
    /// <see cref="Module.GetConfig"/>). A name already taken by another type, or a type already
    /// registered under another name, is refused.
    /// </summary>
    public static void Register<T>(string name, Func<ModuleSettings, T> build) where T : Module
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(build);
        lock (Gate)
        {
            FindBuiltIns();
            Add(name, typeof(T), build);
        }
    }

    static void Add(string name, Type type, Func<ModuleSettings, Module> build)
    {
        if (ByName.TryGetValue(name, out var byName) && byName.Type != type)
            throw new ArgumentException($"ModuleRegistry: the name '{name}' is already registered for {byName.Type.FullName}; {type.FullName} needs another (override ISavedModule.TypeName).", nameof(name));
        if (ByType.TryGetValue(type, out var byType) && byType.Name != name)
            throw new ArgumentException($"ModuleRegistry: {type.FullName} is already registered as '{byType.Name}', not '{name}'.", nameof(name));
        var entry = new Entry(name, type, build);
        ByName[name] = entry;
        ByType[type] = entry;
    }

    /// <summary>The registered type names, sorted.</summary>
    public static IReadOnlyList<string> KnownTypes
    {
        get
        {
            lock (Gate)
            {
                FindBuiltIns();
                return ByName.Keys.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>True when modules of <paramref name="type"/> can be saved with their architecture.</summary>
    public static bool IsRegistered(Type type) => Find(type) is not null;

    internal static (string Name, Func<ModuleSettings, Module> Build)? Find(string name)
    {
        lock (Gate)
        {
            FindBuiltIns();
            return ByName.TryGetValue(name, out var e) ? (e.Name, e.Build) : null;
        }
    }

    internal static string? Find(Type type)
    {
        lock (Gate)
        {
            FindBuiltIns();
            if (ByType.TryGetValue(type, out var e)) return e.Name;
            // A typed list (ModuleList<Block>) is described as a list of modules and read back as one.
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ModuleList<>)) return ByType[typeof(ModuleList)].Name;
            return null;
        }
    }

    static void FindBuiltIns()
    {
        if (builtInsFound) return;
        builtInsFound = true;
        var register = typeof(ModuleRegistry).GetMethod(nameof(AddSaved), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var type in typeof(Module).Assembly.GetTypes())
            if (!type.IsAbstract && !type.IsGenericTypeDefinition && type.IsSubclassOf(typeof(Module))
                && type.GetInterfaces().Contains(typeof(ISavedModule<>).MakeGenericType(type)))
                register.MakeGenericMethod(type).Invoke(null, null);
    }

    static void AddSaved<T>() where T : Module, ISavedModule<T> => Add(T.TypeName, typeof(T), T.FromConfig);
}
