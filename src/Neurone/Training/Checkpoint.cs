using System.Globalization;
using System.Text.Json.Nodes;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Serialization;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Training;

/// <summary>
/// Everything needed to resume training exactly where it stopped, in one safetensors file: the model's
/// weights and buffers (under their own names, so <see cref="Model.Load"/> and
/// <see cref="Model.LoadWeights"/> read a checkpoint like a model file), the optimizer's buffers as
/// tensors named "optimizer.{index}.{buffer}" and its step counts and each parameter group's learning
/// rate and size in the metadata,
/// the state of a learning-rate scheduler and of <see cref="ReduceLROnPlateau"/> (each optional), the
/// epoch, the training generator's state and that of every <see cref="IRandomModule"/> (dropout
/// masks), and a free string bag for the trainer (best metric, history). Restoring all of it into
/// freshly built objects, whatever seeds they were built with, continues the run bit for bit as if it
/// had never stopped. <see cref="Restore"/> checks the whole checkpoint against the objects before
/// changing any of them.
/// </summary>
public sealed class Checkpoint
{
    Checkpoint(string source, int epoch, IReadOnlyList<KeyValuePair<string, Tensor>> modelState, OptimizerState optimizerState,
        RngState rngState, IReadOnlyDictionary<string, RngState> moduleRngStates, string? schedulerKind,
        IReadOnlyDictionary<string, double>? schedulerState, IReadOnlyDictionary<string, double>? plateauState,
        IReadOnlyDictionary<string, string> extra)
    {
        Source = source;
        Epoch = epoch;
        ModelState = modelState;
        OptimizerState = optimizerState;
        RngState = rngState;
        ModuleRngStates = moduleRngStates;
        SchedulerKind = schedulerKind;
        SchedulerState = schedulerState;
        PlateauState = plateauState;
        Extra = extra;
    }

    /// <summary>The file this checkpoint was read from, for messages.</summary>
    public string Source { get; }

    /// <summary>The epoch number given to <see cref="Save"/> (by convention, the number of completed epochs).</summary>
    public int Epoch { get; }

    /// <summary>The model's parameters and buffers by dotted name.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> ModelState { get; }

    /// <summary>The optimizer's learning rate, buffers and step counts.</summary>
    public OptimizerState OptimizerState { get; }

    /// <summary>The training generator's state (shuffling, augmentation).</summary>
    public RngState RngState { get; }

    /// <summary>The generator state of each <see cref="IRandomModule"/> in the model, by its dotted module name.</summary>
    public IReadOnlyDictionary<string, RngState> ModuleRngStates { get; }

    /// <summary>The type name of the saved <see cref="LRScheduler"/> ("StepLR", …), or null if none was saved.</summary>
    public string? SchedulerKind { get; }

    /// <summary>The saved <see cref="LRScheduler.StateDict"/>, or null.</summary>
    public IReadOnlyDictionary<string, double>? SchedulerState { get; }

    /// <summary>The saved <see cref="ReduceLROnPlateau.StateDict"/>, or null.</summary>
    public IReadOnlyDictionary<string, double>? PlateauState { get; }

    /// <summary>The trainer's own strings, as given to <see cref="Save"/>.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; }

    /// <summary>
    /// Writes a checkpoint to <paramref name="path"/>, atomically (the previous checkpoint survives a
    /// crash mid-save). Pass the scheduler and plateau objects the run uses, if any; they must be
    /// passed again to <see cref="Restore"/>.
    /// </summary>
    public static void Save(string path, Module model, Optimizer optimizer, int epoch, Rng rng,
        LRScheduler? scheduler = null, ReduceLROnPlateau? plateau = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(rng);
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "Checkpoint.Save: expected an epoch ≥ 0.");

        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, t) in model.StateDict())
        {
            if (name.StartsWith(SaveFormat.OptimizerTensorPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"Checkpoint.Save: the model's tensor '{name}' starts with '{SaveFormat.OptimizerTensorPrefix}', which checkpoints reserve for the optimizer's state; rename the sub-module.", nameof(model));
            tensors.Add(new(name, t));
        }
        var opt = optimizer.StateDict();
        foreach (var (key, values) in opt.Buffers)
        {
            // Shaped like their parameter, so a PyTorch reader sees exp_avg with the weight's shape.
            int index = int.Parse(key.AsSpan(0, key.IndexOf('.')), CultureInfo.InvariantCulture);
            tensors.Add(new(SaveFormat.OptimizerTensorPrefix + key, Tensor.FromArray(values, optimizer.Parameters[index].ShapeArray())));
        }

        var metadata = SaveFormat.Header(SaveFormat.CheckpointKind);
        if (Architecture.TryDescribe(model, out var architecture, out _)) metadata[SaveFormat.ArchitectureKey] = architecture!;
        metadata[SaveFormat.EpochKey] = epoch.ToString(CultureInfo.InvariantCulture);
        metadata[SaveFormat.RngKey] = SaveFormat.FormatRng(rng.State);
        var moduleRngs = new JsonObject();
        foreach (var (name, module) in model.NamedModules())
            if (module is IRandomModule random) moduleRngs[name] = JsonNode.Parse(SaveFormat.FormatRng(random.Generator.State));
        metadata[SaveFormat.ModuleRngsKey] = moduleRngs.ToJsonString();
        metadata[SaveFormat.OptimizerKindKey] = opt.Kind;
        metadata[SaveFormat.OptimizerLRKey] = SaveFormat.FormatDouble(opt.LearningRate);
        var steps = new JsonObject();
        foreach (var (key, count) in opt.Steps) steps[key] = count.ToString(CultureInfo.InvariantCulture);
        metadata[SaveFormat.OptimizerStepsKey] = steps.ToJsonString();
        var groups = new JsonArray();
        for (int g = 0; g < opt.GroupSizes!.Count; g++)
            groups.Add(new JsonObject
            {
                ["lr"] = SaveFormat.FormatDouble(opt.GroupLearningRates![g]),
                ["params"] = opt.GroupSizes[g].ToString(CultureInfo.InvariantCulture),
            });
        metadata[SaveFormat.OptimizerGroupsKey] = groups.ToJsonString();
        if (scheduler is not null)
        {
            metadata[SaveFormat.SchedulerKindKey] = scheduler.GetType().Name;
            metadata[SaveFormat.SchedulerStateKey] = SaveFormat.FormatDoubles(scheduler.StateDict());
        }
        if (plateau is not null) metadata[SaveFormat.PlateauStateKey] = SaveFormat.FormatDoubles(plateau.StateDict());
        if (extra is not null)
            foreach (var (key, value) in extra)
                metadata[SaveFormat.ExtraPrefix + key] = value ?? throw new ArgumentException($"Checkpoint.Save: extra '{key}' is null; expected a string.", nameof(extra));

        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Reads a checkpoint written by <see cref="Save"/>. Throws <see cref="InvalidDataException"/>
    /// naming the file and the fault when it is malformed or is not a checkpoint.
    /// </summary>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = SafeTensors.Load(path);
        SaveFormat.CheckVersion(file, path);
        var meta = file.Metadata;
        string Need(string key) => meta.TryGetValue(key, out var v) ? v
            : throw Bad($"the '{key}' metadata is missing");
        InvalidDataException Bad(string what) => new($"{path}: not a valid Neurone checkpoint: {what}.");

        if (!meta.TryGetValue(SaveFormat.KindKey, out var kind) || kind != SaveFormat.CheckpointKind)
            throw Bad($"expected '{SaveFormat.KindKey}' = '{SaveFormat.CheckpointKind}', got {(kind is null ? "none" : $"'{kind}'")} (a model file is read with Model.Load)");

        if (!int.TryParse(Need(SaveFormat.EpochKey), NumberStyles.None, CultureInfo.InvariantCulture, out int epoch))
            throw Bad($"'{SaveFormat.EpochKey}' = '{meta[SaveFormat.EpochKey]}'; expected a whole number ≥ 0");
        var rng = SaveFormat.ParseRng(SaveFormat.ParseObject(Need(SaveFormat.RngKey)))
            ?? throw Bad($"'{SaveFormat.RngKey}' is not a generator state (s0..s3 as non-zero decimal words, has_spare_normal, spare_normal)");

        var moduleRngs = new Dictionary<string, RngState>(StringComparer.Ordinal);
        var moduleRngJson = SaveFormat.ParseObject(Need(SaveFormat.ModuleRngsKey)) ?? throw Bad($"'{SaveFormat.ModuleRngsKey}' is not a JSON object");
        foreach (var (name, node) in moduleRngJson)
            moduleRngs[name] = SaveFormat.ParseRng(node) ?? throw Bad($"the generator state of module '{name}' in '{SaveFormat.ModuleRngsKey}' is malformed");

        string optimizerKind = Need(SaveFormat.OptimizerKindKey);
        if (!SaveFormat.TryParseDouble(Need(SaveFormat.OptimizerLRKey), out double lr))
            throw Bad($"'{SaveFormat.OptimizerLRKey}' = '{meta[SaveFormat.OptimizerLRKey]}'; expected a number");
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        var stepJson = SaveFormat.ParseObject(Need(SaveFormat.OptimizerStepsKey)) ?? throw Bad($"'{SaveFormat.OptimizerStepsKey}' is not a JSON object");
        foreach (var (key, node) in stepJson)
        {
            if (node is not JsonValue v || !v.TryGetValue(out string? text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                throw Bad($"step count '{key}' in '{SaveFormat.OptimizerStepsKey}' is {node?.ToJsonString() ?? "null"}; expected a whole number as a string");
            steps[key] = count;
        }

        List<double>? groupRates = null;
        List<int>? groupSizes = null;
        if (meta.TryGetValue(SaveFormat.OptimizerGroupsKey, out var groupText))
        {
            string expected = $"'{SaveFormat.OptimizerGroupsKey}' is not a JSON array of {{\"lr\": number as a string, \"params\": count as a string}}";
            JsonArray groupJson;
            try
            {
                groupJson = JsonNode.Parse(groupText) as JsonArray ?? throw Bad(expected);
            }
            catch (System.Text.Json.JsonException)
            {
                throw Bad(expected);
            }
            (groupRates, groupSizes) = ([], []);
            foreach (var node in groupJson)
            {
                if (node is not JsonObject g || g.Count != 2
                    || g["lr"] is not JsonValue lrValue || !lrValue.TryGetValue(out string? lrText) || !SaveFormat.TryParseDouble(lrText, out double groupLr)
                    || g["params"] is not JsonValue sizeValue || !sizeValue.TryGetValue(out string? sizeText)
                    || !int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out int size))
                    throw Bad(expected);
                groupRates.Add(groupLr);
                groupSizes.Add(size);
            }
            if (groupRates.Count == 0) throw Bad(expected);
        }

        var modelState = new List<KeyValuePair<string, Tensor>>();
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, t) in file.Tensors)
        {
            if (name.StartsWith(SaveFormat.OptimizerTensorPrefix, StringComparison.Ordinal))
                buffers[name[SaveFormat.OptimizerTensorPrefix.Length..]] = t.ToArray();
            else
                modelState.Add(new(name, t));
        }

        string? schedulerKind = meta.GetValueOrDefault(SaveFormat.SchedulerKindKey);
        IReadOnlyDictionary<string, double>? schedulerState = null, plateauState = null;
        if (schedulerKind is not null)
            schedulerState = SaveFormat.ParseDoubles(Need(SaveFormat.SchedulerStateKey)) ?? throw Bad($"'{SaveFormat.SchedulerStateKey}' is not a JSON object of numbers as strings");
        else if (meta.ContainsKey(SaveFormat.SchedulerStateKey))
            throw Bad($"'{SaveFormat.SchedulerStateKey}' is present without '{SaveFormat.SchedulerKindKey}'");
        if (meta.TryGetValue(SaveFormat.PlateauStateKey, out var plateauText))
            plateauState = SaveFormat.ParseDoubles(plateauText) ?? throw Bad($"'{SaveFormat.PlateauStateKey}' is not a JSON object of numbers as strings");

        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in meta)
            if (key.StartsWith(SaveFormat.ExtraPrefix, StringComparison.Ordinal)) extra[key[SaveFormat.ExtraPrefix.Length..]] = value;

        return new Checkpoint(path, epoch, modelState, new OptimizerState(optimizerKind, lr, buffers, steps, groupRates, groupSizes), rng, moduleRngs,
            schedulerKind, schedulerState, plateauState, extra);
    }

    /// <summary>
    /// Puts the saved state into <paramref name="model"/>, <paramref name="optimizer"/> (built over
    /// that model's parameters, in the same order), <paramref name="rng"/> and, exactly when the
    /// checkpoint holds their state, <paramref name="scheduler"/> and <paramref name="plateau"/> (both
    /// driving <paramref name="optimizer"/>). Everything is checked first; if anything does not fit,
    /// an <see cref="ArgumentException"/> names it and no object is changed. Returns <see cref="Epoch"/>.
    /// </summary>
    public int Restore(Module model, Optimizer optimizer, Rng rng, LRScheduler? scheduler = null, ReduceLROnPlateau? plateau = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(rng);
        Validate(model, optimizer, scheduler, plateau);

        // The checks above cover what is known to go wrong; the objects' own loaders check again, and
        // should one of them still refuse, everything already restored is put back as it was.
        var oldModel = model.StateDict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.Clone())).ToList();
        var oldOptimizer = optimizer.StateDict();
        var oldScheduler = scheduler?.StateDict();
        var oldPlateau = plateau?.StateDict();
        var oldRng = rng.State;
        var randomModules = RandomModules(model);
        var oldModuleRngs = randomModules.ToDictionary(m => m.Key, m => m.Value.Generator.State);
        try
        {
            model.LoadStateDict(ModelState);
            optimizer.LoadStateDict(OptimizerState);
            scheduler?.LoadStateDict(SchedulerState!);
            plateau?.LoadStateDict(PlateauState!);
            // The scheduler sets the rates from its formula; the optimizer's saved rates are the ones in use.
            optimizer.LoadLearningRates(OptimizerState);
            rng.State = RngState;
            foreach (var (name, module) in randomModules) module.Generator.State = ModuleRngStates[name];
        }
        catch
        {
            model.LoadStateDict(oldModel);
            if (oldScheduler is not null) scheduler!.LoadStateDict(oldScheduler);
            if (oldPlateau is not null) plateau!.LoadStateDict(oldPlateau);
            optimizer.LoadStateDict(oldOptimizer);
            rng.State = oldRng;
            foreach (var (name, module) in randomModules) module.Generator.State = oldModuleRngs[name];
            throw;
        }
        return Epoch;
    }

    void Validate(Module model, Optimizer optimizer, LRScheduler? scheduler, ReduceLROnPlateau? plateau)
    {
        string prefix = $"Checkpoint.Restore ({Source})";
        var ours = model.StateDict();
        var saved = ModelState.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (name, t) in ours)
        {
            if (!saved.TryGetValue(name, out var s))
                throw new ArgumentException($"{prefix}: the model's '{name}' (shape {Shapes.Format(t.Shape)}) is not in the checkpoint, which holds {string.Join(", ", saved.Keys)}.", nameof(model));
            if (!Shapes.Equal(s.Shape, t.Shape))
                throw new ArgumentException($"{prefix}: '{name}' has shape {Shapes.Format(s.Shape)} in the checkpoint but {Shapes.Format(t.Shape)} in the model.", nameof(model));
        }
        if (ours.Count != saved.Count)
        {
            var extra = saved.Keys.Except(ours.Select(kv => kv.Key)).ToList();
            throw new ArgumentException($"{prefix}: the checkpoint holds {string.Join(", ", extra)}, which the model does not have.", nameof(model));
        }

        if (optimizer.GetType().Name != OptimizerState.Kind)
            throw new ArgumentException($"{prefix}: the checkpoint holds the state of a {OptimizerState.Kind}, got a {optimizer.GetType().Name}.", nameof(optimizer));
        var sizes = OptimizerState.GroupSizes ?? [optimizer.Parameters.Count];
        if (!sizes.SequenceEqual(optimizer.ParamGroups.Select(g => g.Parameters.Count)))
            throw new ArgumentException($"{prefix}: the checkpoint holds parameter groups of sizes [{string.Join(", ", sizes)}], the optimizer has [{string.Join(", ", optimizer.ParamGroups.Select(g => g.Parameters.Count))}].", nameof(optimizer));
        var parameters = model.Parameters().ToHashSet(ReferenceEqualityComparer.Instance);
        if (optimizer.Parameters.Any(p => !parameters.Contains(p)))
            throw new ArgumentException($"{prefix}: the optimizer works on tensors that are not this model's parameters; build it from model.Parameters().", nameof(optimizer));
        foreach (var (key, values) in OptimizerState.Buffers)
        {
            int dot = key.IndexOf('.');
            if (dot <= 0 || !int.TryParse(key.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i >= optimizer.Parameters.Count)
                throw new ArgumentException($"{prefix}: optimizer buffer '{key}' refers to no parameter of this optimizer, which has {optimizer.Parameters.Count}.", nameof(optimizer));
            if (values.Length != optimizer.Parameters[i].Count)
                throw new ArgumentException($"{prefix}: optimizer buffer '{key}' has {values.Length} elements, but parameter {i} has shape {Shapes.Format(optimizer.Parameters[i].Shape)}.", nameof(optimizer));
        }

        if (SchedulerKind is not null && scheduler is null)
            throw new ArgumentException($"{prefix}: the checkpoint holds the state of a {SchedulerKind}; pass the run's scheduler to restore it.", nameof(scheduler));
        if (scheduler is not null)
        {
            if (SchedulerKind is null)
                throw new ArgumentException($"{prefix}: a {scheduler.GetType().Name} was passed but the checkpoint holds no scheduler state.", nameof(scheduler));
            if (scheduler.GetType().Name != SchedulerKind)
                throw new ArgumentException($"{prefix}: the checkpoint holds the state of a {SchedulerKind}, got a {scheduler.GetType().Name}.", nameof(scheduler));
            if (!ReferenceEquals(scheduler.Optimizer, optimizer))
                throw new ArgumentException($"{prefix}: the scheduler drives another optimizer than the one passed.", nameof(scheduler));
        }
        if (PlateauState is not null && plateau is null)
            throw new ArgumentException($"{prefix}: the checkpoint holds ReduceLROnPlateau state; pass the run's ReduceLROnPlateau to restore it.", nameof(plateau));
        if (plateau is not null)
        {
            if (PlateauState is null)
                throw new ArgumentException($"{prefix}: a ReduceLROnPlateau was passed but the checkpoint holds no plateau state.", nameof(plateau));
            if (!ReferenceEquals(plateau.Optimizer, optimizer))
                throw new ArgumentException($"{prefix}: the ReduceLROnPlateau drives another optimizer than the one passed.", nameof(plateau));
        }

        var randomNames = RandomModules(model).Select(m => m.Key).ToList();
        if (randomNames.Count != ModuleRngStates.Count || randomNames.Any(n => !ModuleRngStates.ContainsKey(n)))
            throw new ArgumentException($"{prefix}: the model's random modules are [{string.Join(", ", randomNames)}] but the checkpoint has generator states for [{string.Join(", ", ModuleRngStates.Keys)}].", nameof(model));
    }

    static List<KeyValuePair<string, IRandomModule>> RandomModules(Module model) =>
        model.NamedModules().Where(m => m.Module is IRandomModule).Select(m => new KeyValuePair<string, IRandomModule>(m.Name, (IRandomModule)m.Module)).ToList();
}
