using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// The base of every layer and model, as <c>torch.nn.Module</c>: a module registers its parameters,
/// buffers (state that is saved but not trained, like batch-norm statistics) and sub-modules by name,
/// so <see cref="NamedParameters"/> yields dotted names ("0.weight", "encoder.2.bias") and
/// <see cref="StateDict"/> saves them all. <see cref="Train"/> and <see cref="Eval"/> switch the mode
/// of the whole tree (dropout and batch norm behave differently). A module or parameter registered in
/// two places (tied weights) is one object: it is listed once, under the first name it was found by,
/// in <see cref="NamedModules"/>, <see cref="Parameters"/> and <see cref="StateDict"/>, as PyTorch does.
/// <para>
/// <see cref="Forward"/> takes one tensor and gives one, the contract <see cref="Sequential"/>, Fit and
/// the summary chain on. A module with several inputs (a mask, a state) derives from
/// <see cref="Module{T1, T2, TResult}"/> or <see cref="Module{T1, T2, T3, TResult}"/> and gets a typed
/// <c>Forward</c>; several outputs are a value tuple as its result type. Call children with
/// <see cref="Call(Tensor)"/> (PyTorch's <c>self.child(x)</c>) so summaries see their outputs.
/// </para>
/// <para>
/// A module that <see cref="Training.Model"/> can save with its architecture implements
/// <see cref="ISavedModule{TSelf}"/> (a static <c>FromConfig</c>) and overrides <see cref="GetConfig"/>.
/// </para>
/// </summary>
public abstract class Module
{
    readonly List<(string Name, Parameter Value)> parameters = [];
    readonly List<(string Name, Tensor Value)> buffers = [];
    readonly List<(string Name, Module Value)> children = [];

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>
    /// Runs <see cref="Forward"/>, as PyTorch's <c>module(x)</c>: the way to call a child inside a
    /// module's own <c>Forward</c>, so that <see cref="Training.ModelSummary"/> records its output shape.
    /// </summary>
    public Tensor Call(Tensor input)
    {
        var trace = ForwardTrace.Current;
        if (trace is null) return Forward(input);
        return trace.Run(this, () => Forward(input));
    }

    /// <summary>
    /// Writes the constructor settings <see cref="ISavedModule{TSelf}.FromConfig"/> rebuilds this module
    /// from (PyTorch's argument names by convention; child modules given from outside go in as modules).
    /// The default writes nothing, right for a module whose constructor takes no settings.
    /// </summary>
    public virtual void GetConfig(ModuleConfig config) { }

    /// <summary>Registers a trainable tensor under <paramref name="name"/> and returns it as a parameter.</summary>
    protected Parameter RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        var p = value as Parameter ?? new Parameter(value);
        parameters.Add((name, p));
        return p;
    }

    /// <summary>Registers saved, untrained state (e.g. running means) under <paramref name="name"/>.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        CheckName(name);
        buffers.Add((name, value));
        return value;
    }

    /// <summary>Registers a sub-module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"module: expected a non-empty name without dots, got '{name}'.");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"module: the name '{name}' is already registered in {GetType().Name}.");
    }

    /// <summary>Direct sub-modules with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>The parameters registered on this module itself, not its sub-modules.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> OwnParameters() => parameters;

    /// <summary>The buffers registered on this module itself, not its sub-modules.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> OwnBuffers() => buffers;

    /// <summary>
    /// This module and all below it, depth first, with dotted names ("" for this one). A module
    /// registered twice is listed once, under the first name it is reached by.
    /// </summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return Walk(this, prefix, seen);

        static IEnumerable<(string, Module)> Walk(Module module, string prefix, HashSet<Module> seen)
        {
            if (!seen.Add(module)) yield break;
            yield return (prefix, module);
            foreach (var (name, child) in module.children)
                foreach (var item in Walk(child, Join(prefix, name), seen))
                    yield return item;
        }
    }

    /// <summary>
    /// Every parameter of this module and its sub-modules, with dotted names, in registration order. A
    /// parameter registered in two places (tied weights) is listed once, under its first name.
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, p) in module.parameters)
                if (seen.Add(p)) yield return (Join(prefix, name), p);
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer, with dotted names; a buffer registered twice is listed once.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, b) in module.buffers)
                if (seen.Add(b)) yield return (Join(prefix, name), b);
    }

    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Switches this module and all below it to training (true) or evaluation (false) mode.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = mode;
        return this;
    }

    /// <summary>Switches to evaluation mode: dropout off, batch norm uses its running statistics.</summary>
    public Module Eval() => Train(false);

    /// <summary>Zeroes the gradient of every parameter (keeping the buffers for reuse).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>The number of trainable elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Count);

    /// <summary>
    /// Parameters and buffers by dotted name, in order. The tensors are the module's own (not copies):
    /// clone them to keep a snapshot.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict()
    {
        var state = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, p) in NamedParameters()) state.Add(new(name, p));
        foreach (var (name, b) in NamedBuffers()) state.Add(new(name, b));
        return state;
    }

    /// <summary>
    /// Copies values into the parameters and buffers of the same names. Every entry must match a
    /// tensor of the same shape; with <paramref name="strict"/> (the default) every one of ours must be
    /// given too. Nothing is changed unless the whole state fits.
    /// </summary>
    public void LoadStateDict(IEnumerable<KeyValuePair<string, Tensor>> state, bool strict = true)
    {
        var ours = StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        // A tied tensor's other names (PyTorch's state dicts list each of them) are accepted too.
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var canonical = ours.ToDictionary(kv => (object)kv.Value, kv => kv.Key, ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in EveryNamedTensor(this, ""))
            if (!ours.ContainsKey(name) && canonical.TryGetValue(tensor, out var first)) aliases[name] = first;
        var given = new Dictionary<string, Tensor>();
        foreach (var (key, value) in state)
        {
            string name = aliases.GetValueOrDefault(key, key);
            if (!ours.TryGetValue(name, out var target))
                throw new ArgumentException($"load_state_dict: unexpected key '{name}'; this {GetType().Name} has {string.Join(", ", ours.Keys)}.");
            if (!Shapes.Equal(target.Shape, value.Shape))
                throw new ArgumentException($"load_state_dict: '{name}' has shape {Shapes.Format(value.Shape)}, expected {Shapes.Format(target.Shape)}.");
            given[name] = value;
        }
        if (strict)
        {
            var missing = ours.Keys.Where(k => !given.ContainsKey(k)).ToList();
            if (missing.Count > 0) throw new ArgumentException($"load_state_dict: missing keys {string.Join(", ", missing)}.");
        }
        foreach (var (name, value) in given) value.AsReadOnlySpan().CopyTo(ours[name].AsSpan());
    }

    // Every name of every parameter and buffer, tied ones under each of their names; a module met
    // again below itself (a cycle) is not entered twice.
    static IEnumerable<(string Name, Tensor Tensor)> EveryNamedTensor(Module module, string prefix, HashSet<Module>? path = null)
    {
        path ??= new HashSet<Module>(ReferenceEqualityComparer.Instance);
        if (!path.Add(module)) yield break;
        foreach (var (name, p) in module.parameters) yield return (Join(prefix, name), p);
        foreach (var (name, b) in module.buffers) yield return (Join(prefix, name), b);
        foreach (var (name, child) in module.children)
            foreach (var item in EveryNamedTensor(child, Join(prefix, name), path))
                yield return item;
        path.Remove(module);
    }

    /// <summary>One line naming the module and its settings, e.g. "Linear(in=784, out=512, bias=True)".</summary>
    public virtual string Describe() => ModuleFormatter.TypeName(GetType()) + "()";

    public override string ToString() => ModuleFormatter.Format(this).TrimEnd('\n');
}
