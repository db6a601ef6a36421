using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// The base of every layer and model, as <c>torch.nn.Module</c>: a module registers its parameters,
/// buffers (state that is saved but not trained, like batch-norm statistics) and sub-modules by name,
/// so <see cref="NamedParameters"/> yields dotted names ("0.weight", "encoder.2.bias") and
/// <see cref="StateDict"/> saves them all. <see cref="Train"/> and <see cref="Eval"/> switch the mode
/// of the whole tree (dropout and batch norm behave differently).
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

    /// <summary>Same as <see cref="Forward"/>, so a module reads like a function: <c>model.Call(x)</c>.</summary>
    public Tensor Call(Tensor input) => Forward(input);

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

    /// <summary>This module and all below it, depth first, with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedModules(Join(prefix, name)))
                yield return item;
    }

    /// <summary>Every parameter of this module and its sub-modules, with dotted names, in registration order.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, p) in module.parameters)
                yield return (Join(prefix, name), p);
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Every buffer, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, b) in module.buffers)
                yield return (Join(prefix, name), b);
    }

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

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
        var given = new Dictionary<string, Tensor>();
        foreach (var (name, value) in state)
        {
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

    /// <summary>One line naming the module and its settings, e.g. "Linear(in=784, out=512, bias=True)".</summary>
    public virtual string Describe() => GetType().Name + "()";

    public override string ToString() => ModuleFormatter.Format(this).TrimEnd('\n');
}
