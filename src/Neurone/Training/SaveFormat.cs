using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neurone.Serialization;
using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// The names and value formats of the metadata Neurone keeps in a safetensors header, shared by model
/// files (<see cref="Model"/>) and checkpoints (<see cref="Checkpoint"/>). Everything is a string, as
/// the format requires; numbers that must come back bit for bit (learning rates, scheduler counters,
/// the generator's spare normal) use the round-trip "R" format, 64-bit generator words are decimal.
/// </summary>
internal static class SaveFormat
{
    /// <summary>
    /// The version written; a file with a version not in <see cref="ReadableVersions"/> is refused rather
    /// than misread. Version 2 describes any module tree (a Sequential is an object with its modules) and
    /// stores optimizer parameter groups; version 1 files (Sequentials as arrays, one group) still load.
    /// </summary>
    public const string Version = "2";

    static readonly string[] ReadableVersions = ["1", "2"];

    public const string FormatKey = "format";           // "pt": the tensors follow PyTorch's layouts (transformers checks it)
    public const string VersionKey = "neurone.format_version";
    public const string KindKey = "neurone.kind";       // "model" or "checkpoint"
    public const string ArchitectureKey = "neurone.architecture";
    public const string ModelKind = "model";
    public const string CheckpointKind = "checkpoint";

    public const string EpochKey = "neurone.epoch";
    public const string RngKey = "neurone.rng";
    public const string ModuleRngsKey = "neurone.module_rngs";
    public const string OptimizerKindKey = "neurone.optimizer.kind";
    public const string OptimizerLRKey = "neurone.optimizer.lr";
    public const string OptimizerStepsKey = "neurone.optimizer.steps";
    public const string OptimizerGroupsKey = "neurone.optimizer.groups";   // [{"lr": "R", "params": "n"}, …]; absent in version 1: one group
    public const string SchedulerKindKey = "neurone.scheduler.kind";
    public const string SchedulerStateKey = "neurone.scheduler.state";
    public const string PlateauStateKey = "neurone.plateau.state";
    public const string ExtraPrefix = "neurone.extra.";
    /// <summary>Optimizer buffers are stored as tensors named "optimizer.{index}.{buffer}".</summary>
    public const string OptimizerTensorPrefix = "optimizer.";

    /// <summary>The keys every Neurone file starts with.</summary>
    public static Dictionary<string, string> Header(string kind) => new(StringComparer.Ordinal)
    {
        [FormatKey] = "pt",
        [VersionKey] = Version,
        [KindKey] = kind,
    };

    /// <summary>Refuses files written in a format version this code does not know (files without one, e.g. from PyTorch, pass).</summary>
    public static void CheckVersion(SafeTensorsFile file, string path)
    {
        if (file.Metadata.TryGetValue(VersionKey, out var v) && !ReadableVersions.Contains(v))
            throw new InvalidDataException($"{path}: written in Neurone format version '{v}'; this Neurone reads versions {string.Join(" and ", ReadableVersions)}.");
    }

    /// <summary>The model's weights in a file: every tensor, except a checkpoint's optimizer buffers.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Weights(SafeTensorsFile file) =>
        file.Metadata.TryGetValue(KindKey, out var kind) && kind == CheckpointKind
            ? file.Tensors.Where(t => !t.Key.StartsWith(OptimizerTensorPrefix, StringComparison.Ordinal))
            : file.Tensors;

    public static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static bool TryParseDouble(string? text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static string FormatDoubles(IReadOnlyDictionary<string, double> values)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in values) obj[key] = FormatDouble(value);
        return obj.ToJsonString();
    }

    /// <summary>A JSON object of round-trip number strings, or null when malformed.</summary>
    public static Dictionary<string, double>? ParseDoubles(string text)
    {
        if (ParseObject(text) is not { } obj) return null;
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, node) in obj)
        {
            if (node is not JsonValue v || !v.TryGetValue(out string? s) || !TryParseDouble(s, out double d)) return null;
            result[key] = d;
        }
        return result;
    }

    public static string FormatRng(RngState s) => new JsonObject
    {
        ["s0"] = s.S0.ToString(CultureInfo.InvariantCulture),
        ["s1"] = s.S1.ToString(CultureInfo.InvariantCulture),
        ["s2"] = s.S2.ToString(CultureInfo.InvariantCulture),
        ["s3"] = s.S3.ToString(CultureInfo.InvariantCulture),
        ["has_spare_normal"] = s.HasSpareNormal,
        ["spare_normal"] = FormatDouble(s.SpareNormal),
    }.ToJsonString();

    /// <summary>A generator state from <see cref="FormatRng"/>, or null when malformed or all-zero (which xoshiro cannot continue from).</summary>
    public static RngState? ParseRng(JsonNode? node)
    {
        if (node is not JsonObject obj || obj.Count != 6) return null;
        if (!Word(obj, "s0", out ulong s0) || !Word(obj, "s1", out ulong s1) || !Word(obj, "s2", out ulong s2) || !Word(obj, "s3", out ulong s3)) return null;
        if ((s0 | s1 | s2 | s3) == 0) return null;
        if (obj["has_spare_normal"] is not JsonValue h || !h.TryGetValue(out bool has)) return null;
        if (obj["spare_normal"] is not JsonValue n || !n.TryGetValue(out string? text) || !TryParseDouble(text, out double spare)) return null;
        return new RngState(s0, s1, s2, s3, has, spare);

        static bool Word(JsonObject o, string key, out ulong value)
        {
            value = 0;
            return o[key] is JsonValue v && v.TryGetValue(out string? s)
                && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>A JSON object, or null when <paramref name="text"/> is not one.</summary>
    public static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
