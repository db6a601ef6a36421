using Neurone.Nn;
using Neurone.Serialization;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Training;

/// <summary>
/// Saves and loads trained models as safetensors files (Keras' <c>model.save</c> / <c>load_model</c>,
/// PyTorch's <c>save_file(model.state_dict())</c>). The tensors are the module's
/// <see cref="Module.StateDict"/> under its dotted names ("0.weight", "blocks.1.conv1.weight"), so
/// <c>safetensors.torch.load_file</c> in Python reads them as a state dict for the equivalent PyTorch
/// module. When every module of the tree is registered (<see cref="ModuleRegistry"/>: all built-in
/// modules, and user modules implementing <see cref="ISavedModule{TSelf}"/> once registered), its
/// architecture goes in the header's metadata too (<see cref="Architecture"/>) and <see cref="Load"/>
/// rebuilds it without the user's code; other models are saved as weights only and read back with
/// <see cref="LoadWeights"/> into a model built in code. Writes are atomic. A model is rebuilt in
/// training mode, as a freshly constructed one is; call <see cref="Module.Eval"/> before inference.
/// </summary>
public static class Model
{
    /// <summary>Writes <paramref name="model"/>'s weights and buffers, plus its architecture when it can be described.</summary>
    public static void Save(Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var metadata = SaveFormat.Header(SaveFormat.ModelKind);
        if (Architecture.TryDescribe(model, out var architecture, out _)) metadata[SaveFormat.ArchitectureKey] = architecture!;
        SafeTensors.Save(path, model.StateDict(), metadata);
    }

    /// <summary>
    /// <see cref="Save"/>, with <paramref name="extra"/> entries added to the file's metadata (a
    /// text model's vocabulary through <c>Neurone.Text.TextMetadata</c>, a user's notes); read them back with
    /// <see cref="ReadMetadata"/>. Keys this library's format uses itself are refused.
    /// </summary>
    public static void SaveWithMetadata(Module model, string path, IReadOnlyDictionary<string, string> extra)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(extra);
        var metadata = SaveFormat.Header(SaveFormat.ModelKind);
        if (Architecture.TryDescribe(model, out var architecture, out _)) metadata[SaveFormat.ArchitectureKey] = architecture!;
        foreach (var (key, value) in extra)
        {
            if (metadata.ContainsKey(key) || key == SaveFormat.ArchitectureKey)
                throw new ArgumentException($"model save: the metadata key '{key}' is the file format's own; choose another name.", nameof(extra));
            metadata[key] = value;
        }
        SafeTensors.Save(path, model.StateDict(), metadata);
    }

    /// <summary>The string metadata of the model file at <paramref name="path"/> (the safetensors <c>__metadata__</c> map).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SafeTensors.Load(path).Metadata;
    }

    /// <summary>True when <see cref="Save"/> would store <paramref name="model"/>'s architecture, so <see cref="Load"/> can rebuild it.</summary>
    public static bool CanSaveArchitecture(Module model) => Architecture.CanDescribe(model);

    /// <summary>
    /// Rebuilds the model saved at <paramref name="path"/> (by <see cref="Save"/> or
    /// <see cref="Checkpoint.Save"/>) and loads its weights. Throws <see cref="InvalidDataException"/>
    /// naming the file when it is malformed, holds weights only, names a module type this process has
    /// not registered (the message lists those it has), or its weights do not fit its architecture.
    /// </summary>
    public static Module Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = SafeTensors.Load(path);
        SaveFormat.CheckVersion(file, path);
        if (!file.Metadata.TryGetValue(SaveFormat.ArchitectureKey, out var architecture))
            throw new InvalidDataException($"{path}: holds weights only, no architecture (no '{SaveFormat.ArchitectureKey}' metadata; some module of the model was not registered for saving, or the file was written elsewhere). Build the model in code and call Model.LoadWeights.");
        Module model;
        try
        {
            model = Architecture.Build(architecture);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        try
        {
            model.LoadStateDict(SaveFormat.Weights(file));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: the weights do not fit the architecture stored with them: {e.Message}", e);
        }
        return model;
    }

    /// <summary>
    /// <see cref="Load"/>, for a model known to be a <typeparamref name="T"/> (a <see cref="Sequential"/>,
    /// a user's ResidualNet); another type throws <see cref="InvalidDataException"/> naming both.
    /// </summary>
    public static T Load<T>(string path) where T : Module =>
        Load(path) is var model && model is T typed ? typed
            : throw new InvalidDataException($"{path}: holds a {model.GetType().Name}, expected a {typeof(T).Name}.");

    /// <summary>
    /// Copies the weights saved at <paramref name="path"/> into <paramref name="model"/>, matching by
    /// name. With <paramref name="strict"/> the file and the model must hold exactly the same names; without
    /// it, names only one side has are skipped (PyTorch's <c>strict=False</c>). Shapes must always
    /// agree. Nothing changes unless everything fits; a mismatch throws <see cref="ArgumentException"/>
    /// naming the file, the tensor and both shapes.
    /// </summary>
    public static void LoadWeights(Module model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = SafeTensors.Load(path);
        SaveFormat.CheckVersion(file, path);
        IEnumerable<KeyValuePair<string, Tensor>> weights = SaveFormat.Weights(file);
        if (!strict)
        {
            var ours = model.StateDict().Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
            weights = weights.Where(kv => ours.Contains(kv.Key));
        }
        try
        {
            model.LoadStateDict(weights, strict);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Model.LoadWeights: '{path}' does not fit this {model.GetType().Name}: {e.Message}", nameof(model), e);
        }
    }
}
