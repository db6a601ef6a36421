using System.Collections;
using System.Globalization;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Holds sub-modules in a list, as <c>torch.nn.ModuleList</c>: each is registered under its position
/// ("0", "1", …), so a parent that registers the list as "layers" has parameters named
/// "layers.0.weight". It is not itself a layer: it has no Forward of its own (iterate it in the parent's
/// Forward). Typed: a <c>ModuleList&lt;ResidualBlock&gt;</c> gives its items back as ResidualBlocks.
/// Saved as a child, any list is described as a "ModuleList" and comes back untyped; a parent that
/// takes a typed list from outside writes its items with <see cref="ModuleConfig.SetModules"/> and
/// rebuilds it with <c>new ModuleList&lt;T&gt;(settings.Modules&lt;T&gt;("key"))</c>.
/// </summary>
public class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    readonly List<T> items = [];

    /// <summary>A list of <paramref name="modules"/>, in order.</summary>
    public ModuleList(params IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends <paramref name="module"/>, named by its position.</summary>
    public ModuleList<T> Add(T module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(items.Count.ToString(CultureInfo.InvariantCulture), module);
        items.Add(module);
        return this;
    }

    /// <summary>Appends each of <paramref name="modules"/> (PyTorch's <c>extend</c>).</summary>
    public ModuleList<T> AddRange(IEnumerable<T> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Add(m);
        return this;
    }

    /// <summary>The number of modules.</summary>
    public int Count => items.Count;

    /// <summary>The module at <paramref name="index"/> (negative counts from the end, as in Python).</summary>
    public T this[int index]
    {
        get
        {
            int i = index < 0 ? index + items.Count : index;
            if (i < 0 || i >= items.Count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"{GetType().Name}: index {index} is out of range for {items.Count} modules.");
            return items[i];
        }
    }

    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A list is not called; its parent runs the modules it holds.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} is a container, not a layer: call its modules from your module's Forward (or use a Sequential to chain them).");

    public override void GetConfig(ModuleConfig config) => config.SetModules("modules", items);
}

/// <summary>A list of any modules (<see cref="ModuleList{T}"/> of <see cref="Module"/>); the form Model.Load rebuilds.</summary>
public sealed class ModuleList : ModuleList<Module>, ISavedModule<ModuleList>
{
    /// <summary>A list of <paramref name="modules"/>, in order.</summary>
    public ModuleList(params IEnumerable<Module> modules) : base(modules) { }

    public static ModuleList FromConfig(ModuleSettings settings) => new(settings.Modules("modules"));
}
