using System.Text.Json;
using System.Text.Json.Nodes;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// The registry that turns a model into a JSON description of its architecture and back, so a saved
/// model can be rebuilt without the code that made it (Keras' <c>get_config</c> / <c>from_config</c>).
/// A layer is an object holding its type name and constructor settings with PyTorch's argument names,
/// e.g. <c>{"type":"Linear","in_features":784,"out_features":512,"bias":true}</c>; a
/// <see cref="Sequential"/> is an array of its layers, nested as the model is. The description holds
/// no weights (those go in the safetensors tensors). Every built-in layer is listed once in this file;
/// a new layer type is supported by adding one line here, and user code may add its own types with
/// <see cref="Register{T}"/>.
/// </summary>
public static class LayerConfig
{
    sealed record Kind(string Name, Type Type, Func<Module, JsonObject> Settings, Func<LayerSettings, Rng, Module> Build);

    static readonly object Gate = new();
    static readonly Dictionary<string, Kind> ByName = new(StringComparer.Ordinal);
    static readonly Dictionary<Type, Kind> ByType = [];

    static LayerConfig()
    {
        Add<Linear>("Linear",
            m => new() { ["in_features"] = m.InFeatures, ["out_features"] = m.OutFeatures, ["bias"] = m.Bias is not null },
            (s, rng) => new Linear(s.Int("in_features"), s.Int("out_features"), s.Bool("bias", true), rng));
        Add<ReLU>("ReLU", _ => [], (_, _) => new ReLU());
        Add<LeakyReLU>("LeakyReLU", m => new() { ["negative_slope"] = m.NegativeSlope }, (s, _) => new LeakyReLU(s.Float("negative_slope", 0.01f)));
        Add<Tanh>("Tanh", _ => [], (_, _) => new Tanh());
        Add<Sigmoid>("Sigmoid", _ => [], (_, _) => new Sigmoid());
        Add<GELU>("GELU", _ => [], (_, _) => new GELU());
        Add<Softplus>("Softplus", m => new() { ["beta"] = m.Beta, ["threshold"] = m.Threshold }, (s, _) => new Softplus(s.Float("beta", 1f), s.Float("threshold", 20f)));
        Add<Softmax>("Softmax", m => new() { ["dim"] = m.Dim }, (s, _) => new Softmax(s.Int("dim", -1)));
        Add<LogSoftmax>("LogSoftmax", m => new() { ["dim"] = m.Dim }, (s, _) => new LogSoftmax(s.Int("dim", -1)));
        Add<Identity>("Identity", _ => [], (_, _) => new Identity());
        Add<Flatten>("Flatten", m => new() { ["start_dim"] = m.StartDim, ["end_dim"] = m.EndDim }, (s, _) => new Flatten(s.Int("start_dim", 1), s.Int("end_dim", -1)));
        Add<Dropout>("Dropout", m => new() { ["p"] = m.P }, (s, rng) => new Dropout(s.Float("p", 0.5f), rng));
        Add<Conv1d>("Conv1d", m => ConvSettingsJson(m.InChannels, m.OutChannels, m.KernelSize, m.Stride, m.Padding, m.SamePadding, m.Dilation, m.Bias is not null),
            (s, rng) => s.IsString("padding", "same")
                ? new Conv1d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), "same", s.Int("stride", 1), s.Int("dilation", 1), s.Bool("bias", true), rng)
                : new Conv1d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), s.Int("stride", 1), s.Int("padding", 0), s.Int("dilation", 1), s.Bool("bias", true), rng));
        Add<Conv2d>("Conv2d", m => ConvSettingsJson(m.InChannels, m.OutChannels, m.KernelSize, m.Stride, m.Padding, m.SamePadding, m.Dilation, m.Bias is not null),
            (s, rng) => s.IsString("padding", "same")
                ? new Conv2d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), "same", s.Int("stride", 1), s.Int("dilation", 1), s.Bool("bias", true), rng)
                : new Conv2d(s.Int("in_channels"), s.Int("out_channels"), s.Int("kernel_size"), s.Int("stride", 1), s.Int("padding", 0), s.Int("dilation", 1), s.Bool("bias", true), rng));
        Add<MaxPool1d>("MaxPool1d", m => new() { ["kernel_size"] = m.KernelSize, ["stride"] = m.Stride, ["padding"] = m.Padding, ["dilation"] = m.Dilation },
            (s, _) => new MaxPool1d(s.Int("kernel_size"), s.Int("stride", s.Int("kernel_size")), s.Int("padding", 0), s.Int("dilation", 1)));
        Add<MaxPool2d>("MaxPool2d", m => new() { ["kernel_size"] = m.KernelSize, ["stride"] = m.Stride, ["padding"] = m.Padding, ["dilation"] = m.Dilation },
            (s, _) => new MaxPool2d(s.Int("kernel_size"), s.Int("stride", s.Int("kernel_size")), s.Int("padding", 0), s.Int("dilation", 1)));
        Add<AvgPool2d>("AvgPool2d", m => new() { ["kernel_size"] = m.KernelSize, ["stride"] = m.Stride, ["padding"] = m.Padding },
            (s, _) => new AvgPool2d(s.Int("kernel_size"), s.Int("stride", s.Int("kernel_size")), s.Int("padding", 0)));
        Add<AdaptiveAvgPool2d>("AdaptiveAvgPool2d", m => new() { ["output_height"] = m.OutputHeight, ["output_width"] = m.OutputWidth },
            (s, _) => new AdaptiveAvgPool2d(s.Int("output_height", 1), s.Int("output_width", s.Int("output_height", 1))));
        Add<BatchNorm1d>("BatchNorm1d", BatchNormJson,
            (s, _) => new BatchNorm1d(s.Int("num_features"), s.Float("eps", 1e-5f), s.Float("momentum", 0.1f), s.Bool("affine", true), s.Bool("track_running_stats", true)));
        Add<BatchNorm2d>("BatchNorm2d", BatchNormJson,
            (s, _) => new BatchNorm2d(s.Int("num_features"), s.Float("eps", 1e-5f), s.Float("momentum", 0.1f), s.Bool("affine", true), s.Bool("track_running_stats", true)));
        Add<Dropout2d>("Dropout2d", m => new() { ["p"] = m.P }, (s, rng) => new Dropout2d(s.Float("p", 0.5f), rng));
        Add<LayerNorm>("LayerNorm",
            m => new() { ["normalized_shape"] = new JsonArray([.. m.NormalizedShape.ToArray().Select(d => (JsonNode)d)]), ["eps"] = m.Eps,
                ["elementwise_affine"] = m.ElementwiseAffine, ["bias"] = m.Bias is not null },
            (s, _) => new LayerNorm(s.Ints("normalized_shape"), s.Float("eps", 1e-5f), s.Bool("elementwise_affine", true), s.Bool("bias", true)));
    }

    static JsonObject ConvSettingsJson(int inChannels, int outChannels, int kernelSize, int stride, int padding, bool same, int dilation, bool bias) => new()
    {
        ["in_channels"] = inChannels, ["out_channels"] = outChannels, ["kernel_size"] = kernelSize, ["stride"] = stride,
        ["padding"] = same ? JsonValue.Create("same") : JsonValue.Create(padding), ["dilation"] = dilation, ["bias"] = bias,
    };

    static JsonObject BatchNormJson(BatchNorm m) => new()
    {
        ["num_features"] = m.NumFeatures, ["eps"] = m.Eps, ["momentum"] = m.Momentum, ["affine"] = m.Affine, ["track_running_stats"] = m.TrackRunningStats,
    };

    /// <summary>The layer type names the registry knows.</summary>
    public static IReadOnlyList<string> KnownTypes
    {
        get { lock (Gate) return ByName.Keys.Order(StringComparer.Ordinal).ToList(); }
    }

    /// <summary>
    /// Adds a layer type: <paramref name="settings"/> gives a layer's constructor settings (without
    /// "type"); <paramref name="build"/> makes a layer from them, drawing any initial weights from the
    /// generator it is given (they are overwritten when the weights are loaded).
    /// </summary>
    public static void Register<T>(string name, Func<T, JsonObject> settings, Func<LayerSettings, Rng, T> build) where T : Module
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(build);
        lock (Gate)
        {
            if (ByName.ContainsKey(name) || ByType.ContainsKey(typeof(T)))
                throw new ArgumentException($"LayerConfig.Register: '{name}' or the type {typeof(T).Name} is already registered.", nameof(name));
            Add(name, settings, build);
        }
    }

    static void Add<T>(string name, Func<T, JsonObject> settings, Func<LayerSettings, Rng, T> build) where T : Module
    {
        var kind = new Kind(name, typeof(T), m => settings((T)m), (s, rng) => build(s, rng));
        ByName.Add(name, kind);
        ByType.Add(typeof(T), kind);
    }

    /// <summary>True when <paramref name="model"/> is a <see cref="Sequential"/> (possibly nested) of registered layers.</summary>
    public static bool CanDescribe(Module model) => TryDescribe(model, out _);

    /// <summary>The architecture of <paramref name="model"/> as JSON, or false (and null) when some part is not registered.</summary>
    public static bool TryDescribe(Module model, out string? json) => TryDescribe(model, out json, out _);

    /// <summary>The architecture as JSON; throws <see cref="NotSupportedException"/> naming the first layer that cannot be described.</summary>
    public static string Describe(Module model) =>
        TryDescribe(model, out var json, out string? why) ? json! : throw new NotSupportedException($"LayerConfig.Describe: {why}");

    static bool TryDescribe(Module model, out string? json, out string? why)
    {
        ArgumentNullException.ThrowIfNull(model);
        json = null;
        if (model is not Sequential)
        {
            why = $"only a Sequential can be described, got a {model.GetType().Name}.";
            return false;
        }
        var node = ToNode(model, "model", out why);
        if (node is null) return false;
        json = node.ToJsonString();
        return true;
    }

    static JsonNode? ToNode(Module module, string path, out string? why)
    {
        why = null;
        if (module is Sequential seq)
        {
            var array = new JsonArray();
            for (int i = 0; i < seq.Count; i++)
            {
                var child = ToNode(seq[i], Child(path, i), out why);
                if (child is null) return null;
                array.Add(child);
            }
            return array;
        }
        Kind? kind;
        lock (Gate) ByType.TryGetValue(module.GetType(), out kind);
        if (kind is null)
        {
            why = $"{path} is a {module.GetType().Name}, which is not a registered layer type (known: {string.Join(", ", KnownTypes)}).";
            return null;
        }
        var settings = kind.Settings(module);
        var obj = new JsonObject { ["type"] = kind.Name };
        foreach (var (key, value) in settings) obj[key] = value?.DeepClone();
        return obj;
    }

    /// <summary>
    /// Builds the model a description from <see cref="Describe"/> stands for, with fresh weights drawn
    /// from <paramref name="rng"/> (default: a private generator, so <see cref="Rng.Default"/> is not
    /// disturbed). A malformed description or an unknown type throws <see cref="InvalidDataException"/>
    /// naming the place in the architecture.
    /// </summary>
    public static Sequential Build(string json, Rng? rng = null)
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
        if (root is not JsonArray)
            throw new InvalidDataException($"architecture: expected a JSON array of layers (a Sequential), got {KindOf(root)}.");
        return (Sequential)FromNode(root, "model", rng ?? new Rng(0));
    }

    static Module FromNode(JsonNode? node, string path, Rng rng)
    {
        if (node is JsonArray array)
        {
            var seq = new Sequential();
            for (int i = 0; i < array.Count; i++) seq.Add(FromNode(array[i], Child(path, i), rng));
            return seq;
        }
        if (node is not JsonObject obj)
            throw new InvalidDataException($"architecture: {path} should be a layer object or an array of layers, got {KindOf(node)}.");
        if (!obj.TryGetPropertyValue("type", out var typeNode) || typeNode is not JsonValue typeValue || !typeValue.TryGetValue(out string? type))
            throw new InvalidDataException($"architecture: {path} has no \"type\" string naming its layer.");
        Kind? kind;
        lock (Gate) ByName.TryGetValue(type, out kind);
        if (kind is null)
            throw new InvalidDataException($"architecture: {path} is of the unknown layer type '{type}'; known types are {string.Join(", ", KnownTypes)}.");
        var settings = new LayerSettings(type, path, obj);
        Module layer;
        try
        {
            layer = kind.Build(settings, rng);
        }
        catch (ArgumentException e)
        {
            // The constructor's own check, e.g. a negative size: still a bad file, not a bad call.
            throw new InvalidDataException($"architecture: {path} ({type}) has settings its constructor refuses: {e.Message}", e);
        }
        settings.CheckAllUsed();
        return layer;
    }

    static string Child(string path, int index) => path == "model" ? $"layer {index}" : $"{path}.{index}";

    static string KindOf(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();
}
