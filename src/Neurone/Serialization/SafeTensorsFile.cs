using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Serialization;

/// <summary>
/// What a safetensors file holds once read: its named float32 tensors, in the order of the file's
/// header, and its <c>__metadata__</c> string map (empty when the file has none). The tensors are
/// fresh arrays owned by the caller; nothing refers back to the file.
/// </summary>
public sealed class SafeTensorsFile
{
    readonly Dictionary<string, Tensor> byName;

    internal SafeTensorsFile(IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        byName = new Dictionary<string, Tensor>(tensors.Count, StringComparer.Ordinal);
        foreach (var (name, t) in tensors) byName.Add(name, t);
    }

    /// <summary>The tensors by name, in header order.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> Tensors { get; }

    /// <summary>The free-form string map stored under the header's <c>__metadata__</c> key.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> naming the ones there are.</summary>
    public Tensor this[string name] => byName.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"safetensors: no tensor named '{name}'; the file has {string.Join(", ", byName.Keys)}.");

    /// <summary>Looks up a tensor without throwing.</summary>
    public bool TryGetTensor(string name, out Tensor tensor) => byName.TryGetValue(name, out tensor!);
}
