using Neurone.Kernels;
using Neurone.Tensors;

namespace Neurone.Optim;

/// <summary>
/// The base of every optimizer, as <c>torch.optim.Optimizer</c>: it holds the parameters in one or more
/// <see cref="ParamGroup"/>s, each with its own learning rate (which schedulers change between epochs)
/// and hyperparameters, and each parameter's state buffers, allocated on that parameter's first step
/// so that later steps allocate nothing. <see cref="Step"/> updates every parameter whose gradient is
/// set and skips those whose <see cref="Tensor.Grad"/> is null, as PyTorch does; a skipped parameter's
/// step count does not advance. Parameters are numbered across the groups in order (the indices of the
/// state dict). Subclasses name their buffers and supply one fused update pass per parameter.
/// </summary>
public abstract class Optimizer
{
    readonly Tensor[] parameters;
    readonly ParamGroup[] groups;
    readonly ParamGroup[] groupOf;
    // state[i][slot] is the buffer for StateNames(group)[slot] of parameter i; null until its first step.
    readonly float[][]?[] state;
    readonly long[] steps;

    /// <summary>
    /// Takes the groups to optimise (each parameter a distinct leaf that requires grad, in one group
    /// only); options a group does not set come from <paramref name="defaults"/> (PyTorch's names) and
    /// <paramref name="learningRate"/>.
    /// </summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, double learningRate, IReadOnlyDictionary<string, double> defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        string name = GetType().Name;
        this.groups = groups.ToArray();
        if (this.groups.Length == 0)
            throw new ArgumentException($"{name}: expected at least one parameter group, got none.", nameof(groups));
        if (!(learningRate >= 0) || double.IsInfinity(learningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), learningRate, $"{name}: expected a finite learning rate ≥ 0.");
        var all = new List<Tensor>();
        var owner = new List<ParamGroup>();
        var seen = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int g = 0; g < this.groups.Length; g++)
        {
            var group = this.groups[g] ?? throw new ArgumentException($"{name}: parameter group {g} is null.", nameof(groups));
            for (int k = 0; k < group.Parameters.Count; k++)
            {
                int i = all.Count;
                var p = group.Parameters[k] ?? throw new ArgumentException($"{name}: parameter {i} is null.", nameof(groups));
                if (!p.RequiresGrad)
                    throw new ArgumentException($"{name}: expected parameters that require grad, but parameter {i} (shape {Shapes.Format(p.Shape)}) has RequiresGrad = false.", nameof(groups));
                if (!p.IsLeaf)
                    throw new ArgumentException($"{name}: expected leaf tensors, but parameter {i} is the result of '{p.GradFn!.Name}'; optimise the leaf it was computed from.", nameof(groups));
                if (seen.TryGetValue(p, out int before))
                    throw new ArgumentException(before == g
                        ? $"{name}: parameter {i} appears more than once in the list; each tensor may be given once."
                        : $"{name}: parameter {i} of group {g} is also in group {before}; a parameter may be in one group only.", nameof(groups));
                seen[p] = g;
                all.Add(p);
                owner.Add(group);
            }
        }
        if (all.Count == 0)
            throw new ArgumentException($"{name}: expected at least one parameter, got an empty list.", nameof(groups));
        for (int g = 0; g < this.groups.Length; g++) this.groups[g].Resolve(this, g, learningRate, defaults);
        parameters = [.. all];
        groupOf = [.. owner];
        state = new float[][]?[parameters.Length];
        steps = new long[parameters.Length];
    }

    /// <summary>Every parameter of every group, in order (the order the state dict's indices refer to).</summary>
    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The parameter groups, as PyTorch's <c>param_groups</c>.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>
    /// The learning rate of the first group (of the only one, usually). Setting it sets every group's
    /// rate to the value; to change one group, set <see cref="ParamGroup.LearningRate"/>.
    /// </summary>
    public double LearningRate
    {
        get => groups[0].LearningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"{GetType().Name}: expected a finite learning rate ≥ 0.");
            foreach (var g in groups) g.LearningRate = value;
        }
    }

    /// <summary>Throws unless every group's option <paramref name="check"/> accepts; used by constructors to validate hyperparameters per group.</summary>
    private protected void ForEachGroup(Action<ParamGroup, string> check)
    {
        for (int g = 0; g < groups.Length; g++) check(groups[g], groups.Length == 1 ? "" : $" (parameter group {g})");
    }

    /// <summary>The SIMD level the update kernels use; tests lower it to run every code path.</summary>
    internal SimdLevel Level { get; set; } = Simd.Best;

    /// <summary>The names of the per-parameter buffers a parameter of <paramref name="group"/> keeps, in slot order.</summary>
    protected abstract IReadOnlyList<string> StateNames(ParamGroup group);

    /// <summary>The value a fresh buffer starts with (zero unless overridden, e.g. Adagrad's initial accumulator).</summary>
    protected virtual float InitialStateValue(int slot, ParamGroup group) => 0f;

    /// <summary>
    /// Updates one parameter in place from its gradient, in a single pass. <paramref name="buffers"/>
    /// are the parameter's state in <see cref="StateNames"/> order; <paramref name="step"/> counts this
    /// step (1 on the first); <paramref name="fresh"/> is true when the buffers were just created;
    /// <paramref name="group"/> holds the learning rate and hyperparameters.
    /// </summary>
    protected abstract void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh, ParamGroup group);

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            var group = groupOf[i];
            var g = p.Grad;
            if (g is null) continue;
            if (g.Count != p.Count)
                throw new InvalidOperationException($"{GetType().Name}.Step: parameter {i} has shape {Shapes.Format(p.Shape)} but its gradient has shape {Shapes.Format(g.Shape)}.");
            bool fresh = false;
            var buffers = state[i];
            if (buffers is null)
            {
                buffers = new float[StateNames(group).Count][];
                for (int s = 0; s < buffers.Length; s++)
                {
                    buffers[s] = new float[p.Count];
                    float init = InitialStateValue(s, group);
                    if (init != 0f) buffers[s].AsSpan().Fill(init);
                }
                state[i] = buffers;
                fresh = true;
            }
            steps[i]++;
            if (p.Count >= ParallelThreshold && Parallelism.Threads > 1)
            {
                parallelStep ??= new ParallelStep(this);
                parallelStep.Run(p, g, buffers, steps[i], fresh, group);
            }
            else Update(p.AsSpan(), g.AsReadOnlySpan(), new StateSlice(buffers, 0, p.Count), steps[i], fresh, group);
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
        ParamGroup? group;
        float[][]? buffers;
        long step;
        bool fresh;
        int chunk;

        public void Run(Tensor p, Tensor g, float[][] state, long stepNumber, bool isFresh, ParamGroup paramGroup)
        {
            int parts = Parallelism.Threads;
            (param, grad, buffers, step, fresh, group) = (p, g, state, stepNumber, isFresh, paramGroup);
            chunk = (p.Count / parts + 63) & ~63;
            WorkerPool.Run(this, (p.Count + chunk - 1) / chunk);
            (param, grad, buffers, group) = (null, null, null, null);
        }

        public void Execute(int index)
        {
            int start = index * chunk, length = Math.Min(chunk, param!.Count - start);
            owner.Update(param.AsSpan().Slice(start, length), grad!.AsReadOnlySpan().Slice(start, length),
                new StateSlice(buffers!, start, length), step, fresh, group!);
        }
    }

    /// <summary>Sets every existing gradient to zeros, keeping its buffer; null gradients stay null.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.ZeroGrad();
    }

    /// <summary>A copy of every group's learning rate and size, every parameter's buffers and step counts.</summary>
    public OptimizerState StateDict()
    {
        var buffers = new Dictionary<string, float[]>();
        var counts = new Dictionary<string, long>();
        for (int i = 0; i < parameters.Length; i++)
        {
            if (state[i] is not { } bufs) continue;
            var names = StateNames(groupOf[i]);
            for (int s = 0; s < names.Count; s++) buffers[$"{i}.{names[s]}"] = (float[])bufs[s].Clone();
            counts[$"{i}.step"] = steps[i];
        }
        return new OptimizerState(GetType().Name, LearningRate, buffers, counts,
            [.. groups.Select(g => g.LearningRate)], [.. groups.Select(g => g.Parameters.Count)]);
    }

    /// <summary>
    /// Restores a snapshot from <see cref="StateDict"/> of an optimizer of the same type and options
    /// over groups of the same sizes and parameters of the same sizes, learning rates included. Each
    /// parameter must have all its buffers and its step count, or none (then it starts fresh). A
    /// snapshot without group sizes (from before groups) fits a single group. Nothing changes unless
    /// the whole snapshot fits.
    /// </summary>
    public void LoadStateDict(OptimizerState snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        string name = GetType().Name;
        if (snapshot.Kind != name)
            throw new ArgumentException($"{name}.LoadStateDict: expected the state of a {name}, got that of a {snapshot.Kind}.", nameof(snapshot));
        var rates = CheckGroups(snapshot);
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
            newState[i] = new float[StateNames(groupOf[i]).Count][];
        }
        foreach (var (key, value) in snapshot.Buffers)
        {
            int i = ParseIndex(key, out string field);
            var names = StateNames(groupOf[i]);
            int slot = -1;
            for (int s = 0; s < names.Count; s++) if (names[s] == field) slot = s;
            if (slot < 0)
                throw new ArgumentException($"{name}.LoadStateDict: unexpected buffer '{key}'; this {name} keeps [{string.Join(", ", names)}] for parameter {i} (were the options the same?).", nameof(snapshot));
            if (newState[i] is not { } bufs)
                throw new ArgumentException($"{name}.LoadStateDict: buffer '{key}' has no matching '{i}.step'.", nameof(snapshot));
            if (value is null || value.Length != parameters[i].Count)
                throw new ArgumentException($"{name}.LoadStateDict: '{key}' has {value?.Length ?? 0} elements, expected {parameters[i].Count} (parameter {i}, shape {Shapes.Format(parameters[i].Shape)}).", nameof(snapshot));
            bufs[slot] = (float[])value.Clone();
        }
        for (int i = 0; i < parameters.Length; i++)
            if (newState[i] is { } bufs)
            {
                var names = StateNames(groupOf[i]);
                for (int s = 0; s < names.Count; s++)
                    if (bufs[s] is null)
                        throw new ArgumentException($"{name}.LoadStateDict: parameter {i} has a step count but no '{i}.{names[s]}' buffer.", nameof(snapshot));
            }
        for (int g = 0; g < groups.Length; g++) groups[g].LearningRate = rates[g];
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

    /// <summary>Sets every group's learning rate from <paramref name="snapshot"/> (checked as <see cref="LoadStateDict"/> does), leaving the buffers alone.</summary>
    internal void LoadLearningRates(OptimizerState snapshot)
    {
        var rates = CheckGroups(snapshot);
        for (int g = 0; g < groups.Length; g++) groups[g].LearningRate = rates[g];
    }

    /// <summary>The snapshot's per-group rates, after checking its groups match ours in number and size.</summary>
    double[] CheckGroups(OptimizerState snapshot)
    {
        string name = GetType().Name;
        var sizes = snapshot.GroupSizes ?? [parameters.Length];
        var rates = snapshot.GroupLearningRates ?? [.. Enumerable.Repeat(snapshot.LearningRate, sizes.Count)];
        if (sizes.Count != groups.Length || !sizes.SequenceEqual(groups.Select(g => g.Parameters.Count)))
            throw new ArgumentException($"{name}.LoadStateDict: the snapshot has parameter groups of sizes [{string.Join(", ", sizes)}], this {name} has [{string.Join(", ", groups.Select(g => g.Parameters.Count))}].", nameof(snapshot));
        if (rates.Count != sizes.Count)
            throw new ArgumentException($"{name}.LoadStateDict: the snapshot has {rates.Count} group learning rates for {sizes.Count} groups.", nameof(snapshot));
        foreach (double r in rates.Prepend(snapshot.LearningRate))
            if (!(r >= 0) || double.IsInfinity(r))
                throw new ArgumentOutOfRangeException(nameof(snapshot), r, $"{name}.LoadStateDict: the snapshot holds the learning rate {r}; expected finite values ≥ 0.");
        if (BitConverter.DoubleToInt64Bits(rates[0]) != BitConverter.DoubleToInt64Bits(snapshot.LearningRate))
            throw new ArgumentException($"{name}.LoadStateDict: the snapshot's LearningRate {snapshot.LearningRate} is not its first group's {rates[0]}.", nameof(snapshot));
        return [.. rates];
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0; used to validate hyperparameters.</summary>
    private protected void RequireNonNegative(double value, string paramName, string where = "")
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(paramName, value, $"{GetType().Name}: expected {paramName} to be finite and ≥ 0{where}.");
    }

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1).</summary>
    private protected void RequireUnitInterval(double value, string paramName, string where = "")
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(paramName, value, $"{GetType().Name}: expected {paramName} in [0, 1){where}.");
    }
}
