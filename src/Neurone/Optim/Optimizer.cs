using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Optim;

/// <summary>
/// The base of every optimizer, as <c>torch.optim.Optimizer</c> with a single parameter group: it
/// holds the parameters, one <see cref="LearningRate"/> (which schedulers change between epochs) and
/// each parameter's state buffers, allocated on that parameter's first step so that later steps
/// allocate nothing. <see cref="Step"/> updates every parameter whose gradient is set and skips those
/// whose <see cref="Tensor.Grad"/> is null, as PyTorch does; a skipped parameter's step count does not
/// advance. Subclasses name their buffers and supply one fused update pass per parameter.
/// </summary>
public abstract class Optimizer
{
    readonly Tensor[] parameters;
    // state[i][slot] is the buffer for StateNames[slot] of parameter i; null until its first step.
    readonly float[][]?[] state;
    readonly long[] steps;
    double learningRate;

    /// <summary>Takes the parameters to optimise (each must be a distinct leaf that requires grad).</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string name = GetType().Name;
        this.parameters = parameters.ToArray();
        if (this.parameters.Length == 0)
            throw new ArgumentException($"{name}: expected at least one parameter, got an empty list.", nameof(parameters));
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < this.parameters.Length; i++)
        {
            var p = this.parameters[i] ?? throw new ArgumentException($"{name}: parameter {i} is null.", nameof(parameters));
            if (!p.RequiresGrad)
                throw new ArgumentException($"{name}: expected parameters that require grad, but parameter {i} (shape {Shapes.Format(p.Shape)}) has RequiresGrad = false.", nameof(parameters));
            if (!p.IsLeaf)
                throw new ArgumentException($"{name}: expected leaf tensors, but parameter {i} is the result of '{p.GradFn!.Name}'; optimise the leaf it was computed from.", nameof(parameters));
            if (!seen.Add(p))
                throw new ArgumentException($"{name}: parameter {i} appears more than once in the list; each tensor may be given once.", nameof(parameters));
        }
        state = new float[][]?[this.parameters.Length];
        steps = new long[this.parameters.Length];
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in the order given (the order the state dict's indices refer to).</summary>
    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The learning rate of the next <see cref="Step"/>; schedulers set it. Must be finite and ≥ 0.</summary>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"{GetType().Name}: expected a finite learning rate ≥ 0.");
            learningRate = value;
        }
    }

    /// <summary>The SIMD level the update kernels use; tests lower it to run every code path.</summary>
    internal SimdLevel Level { get; set; } = Simd.Best;

    /// <summary>The names of the per-parameter buffers this configuration keeps, in slot order.</summary>
    protected abstract IReadOnlyList<string> StateNames { get; }

    /// <summary>The value a fresh buffer starts with (zero unless overridden, e.g. Adagrad's initial accumulator).</summary>
    protected virtual float InitialStateValue(int slot) => 0f;

    /// <summary>
    /// Updates one parameter in place from its gradient, in a single pass. <paramref name="buffers"/>
    /// are the parameter's state in <see cref="StateNames"/> order; <paramref name="step"/> counts this
    /// step (1 on the first); <paramref name="fresh"/> is true when the buffers were just created.
    /// </summary>
    protected abstract void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh);

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        var names = StateNames;
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var g = p.Grad;
            if (g is null) continue;
            if (g.Count != p.Count)
                throw new InvalidOperationException($"{GetType().Name}.Step: parameter {i} has shape {Shapes.Format(p.Shape)} but its gradient has shape {Shapes.Format(g.Shape)}.");
            bool fresh = false;
            var buffers = state[i];
            if (buffers is null)
            {
                buffers = new float[names.Count][];
                for (int s = 0; s < buffers.Length; s++)
                {
                    buffers[s] = new float[p.Count];
                    float init = InitialStateValue(s);
                    if (init != 0f) buffers[s].AsSpan().Fill(init);
                }
                state[i] = buffers;
                fresh = true;
            }
            steps[i]++;
            if (p.Count >= ParallelThreshold && Parallelism.Threads > 1)
            {
                parallelStep ??= new ParallelStep(this);
                parallelStep.Run(p, g, buffers, steps[i], fresh);
            }
            else Update(p.AsSpan(), g.AsReadOnlySpan(), new StateSlice(buffers, 0, p.Count), steps[i], fresh);
        }
    }

    // Updates are elementwise and their vector and scalar paths compute alike, so splitting a large
    // parameter across cores changes speed only, never results. Below this size a split costs more than
    // it saves.
    const int ParallelThreshold = 1 << 16;
    ParallelStep? parallelStep;

    /// <summary>One large parameter's update split into equal, 64-element-aligned ranges run on the kernel workers.</summary>
    sealed class ParallelStep(Optimizer owner) : IParallelWork
    {
        Tensor? param, grad;
        float[][]? buffers;
        long step;
        bool fresh;
        int chunk;

        public void Run(Tensor p, Tensor g, float[][] state, long stepNumber, bool isFresh)
        {
            int parts = Parallelism.Threads;
            (param, grad, buffers, step, fresh) = (p, g, state, stepNumber, isFresh);
            chunk = (p.Count / parts + 63) & ~63;
            WorkerPool.Run(this, (p.Count + chunk - 1) / chunk);
            (param, grad, buffers) = (null, null, null);
        }

        public void Execute(int index)
        {
            int start = index * chunk, length = Math.Min(chunk, param!.Count - start);
            owner.Update(param.AsSpan().Slice(start, length), grad!.AsReadOnlySpan().Slice(start, length),
                new StateSlice(buffers!, start, length), step, fresh);
        }
    }

    /// <summary>Sets every existing gradient to zeros, keeping its buffer; null gradients stay null.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.ZeroGrad();
    }

    /// <summary>A copy of the learning rate, every parameter's buffers and step counts.</summary>
    public OptimizerState StateDict()
    {
        var names = StateNames;
        var buffers = new Dictionary<string, float[]>();
        var counts = new Dictionary<string, long>();
        for (int i = 0; i < parameters.Length; i++)
        {
            if (state[i] is not { } bufs) continue;
            for (int s = 0; s < names.Count; s++) buffers[$"{i}.{names[s]}"] = (float[])bufs[s].Clone();
            counts[$"{i}.step"] = steps[i];
        }
        return new OptimizerState(GetType().Name, learningRate, buffers, counts);
    }

    /// <summary>
    /// Restores a snapshot from <see cref="StateDict"/> of an optimizer of the same type and options
    /// over parameters of the same sizes. Each parameter must have all its buffers and its step count,
    /// or none (then it starts fresh). Nothing changes unless the whole snapshot fits.
    /// </summary>
    public void LoadStateDict(OptimizerState snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        string name = GetType().Name;
        if (snapshot.Kind != name)
            throw new ArgumentException($"{name}.LoadStateDict: expected the state of a {name}, got that of a {snapshot.Kind}.", nameof(snapshot));
        var names = StateNames;
        var newState = new float[][]?[parameters.Length];
        var newSteps = new long[parameters.Length];
        foreach (var (key, value) in snapshot.Steps)
        {
            int i = ParseIndex(key, out string field);
            if (field != "step")
                throw new ArgumentException($"{name}.LoadStateDict: expected step keys of the form 'index.step', got '{key}'.", nameof(snapshot));
            if (value < 1)
                throw new ArgumentException($"{name}.LoadStateDict: expected a step count ≥ 1 for '{key}', got {value}.", nameof(snapshot));
            newSteps[i] = value;
            newState[i] = new float[names.Count][];
        }
        foreach (var (key, value) in snapshot.Buffers)
        {
            int i = ParseIndex(key, out string field);
            int slot = -1;
            for (int s = 0; s < names.Count; s++) if (names[s] == field) slot = s;
            if (slot < 0)
                throw new ArgumentException($"{name}.LoadStateDict: unexpected buffer '{key}'; this {name} keeps [{string.Join(", ", names)}] per parameter (were the options the same?).", nameof(snapshot));
            if (newState[i] is not { } bufs)
                throw new ArgumentException($"{name}.LoadStateDict: buffer '{key}' has no matching '{i}.step'.", nameof(snapshot));
            if (value is null || value.Length != parameters[i].Count)
                throw new ArgumentException($"{name}.LoadStateDict: '{key}' has {value?.Length ?? 0} elements, expected {parameters[i].Count} (parameter {i}, shape {Shapes.Format(parameters[i].Shape)}).", nameof(snapshot));
            bufs[slot] = (float[])value.Clone();
        }
        for (int i = 0; i < parameters.Length; i++)
            if (newState[i] is { } bufs)
                for (int s = 0; s < names.Count; s++)
                    if (bufs[s] is null)
                        throw new ArgumentException($"{name}.LoadStateDict: parameter {i} has a step count but no '{i}.{names[s]}' buffer.", nameof(snapshot));
        LearningRate = snapshot.LearningRate;
        Array.Copy(newState, state, state.Length);
        Array.Copy(newSteps, steps, steps.Length);

        int ParseIndex(string key, out string field)
        {
            int dot = key.IndexOf('.');
            if (dot <= 0 || !int.TryParse(key.AsSpan(0, dot), System.Globalization.NumberStyles.None, null, out int i) || i >= parameters.Length)
                throw new ArgumentException($"{name}.LoadStateDict: expected keys 'index.name' with index in [0, {parameters.Length}), got '{key}'.", nameof(snapshot));
            field = key[(dot + 1)..];
            return i;
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0; used to validate hyperparameters.</summary>
    private protected void RequireNonNegative(double value, string paramName)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(paramName, value, $"{GetType().Name}: expected {paramName} to be finite and ≥ 0.");
    }

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1).</summary>
    private protected void RequireUnitInterval(double value, string paramName)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(paramName, value, $"{GetType().Name}: expected {paramName} in [0, 1).");
    }
}
