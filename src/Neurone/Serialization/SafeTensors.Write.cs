using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Serialization;

public static partial class SafeTensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (names must be unique and non-empty) and the optional string
    /// <paramref name="metadata"/> to <paramref name="path"/>, atomically: an existing file is replaced
    /// only once the new one is complete on disk. Tensors are laid out in the order given, back to back.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));
    }

    /// <summary>Writes the file's bytes to <paramref name="stream"/> (see <see cref="Save"/>).</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = new List<KeyValuePair<string, Tensor>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException($"safetensors: expected non-empty tensor names, got an empty one at position {list.Count}.", nameof(tensors));
            if (name == MetadataKey)
                throw new ArgumentException($"safetensors: '{MetadataKey}' is reserved for the metadata and cannot name a tensor.", nameof(tensors));
            if (tensor is null)
                throw new ArgumentException($"safetensors: tensor '{name}' is null.", nameof(tensors));
            if (!names.Add(name))
                throw new ArgumentException($"safetensors: the name '{name}' appears twice; the format forbids duplicate names.", nameof(tensors));
            list.Add(new(name, tensor));
        }
        if (metadata is not null)
            foreach (var (key, value) in metadata)
                if (key is null || value is null)
                    throw new ArgumentException($"safetensors: metadata entries must be non-null strings, got key '{key}' with value {(value is null ? "null" : $"'{value}'")}.", nameof(metadata));

        byte[] header = BuildHeader(list, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor) in list)
        {
            switch (tensor.DType)
            {
                case Tensors.DType.Int64: WriteData(stream, tensor.AsLongSpan()); break;
                case Tensors.DType.Bool: stream.Write(MemoryMarshal.AsBytes(tensor.AsBoolSpan())); break; // bool is one byte, 0 or 1
                default: WriteData(stream, tensor.AsReadOnlySpan()); break;
            }
        }
    }

    static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // The relaxed encoder leaves quotes and non-ASCII text readable; it still escapes what JSON requires.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                var (dtypeName, size) = Format(tensor.DType);
                long end = offset + (long)size * tensor.Count;
                json.WriteStartObject(name);
                json.WriteString("dtype", dtypeName);
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        // Spaces up to a multiple of 8 put the buffer (at 8 + N) on an 8-byte boundary, so readers that
        // map the file can view the floats in place.
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    static void WriteData(Stream stream, ReadOnlySpan<long> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<long> chunk = stackalloc long[512];
        for (int i = 0; i < values.Length; i += chunk.Length)
        {
            var part = values.Slice(i, Math.Min(chunk.Length, values.Length - i));
            BinaryPrimitives.ReverseEndianness(part, chunk);
            stream.Write(MemoryMarshal.AsBytes(chunk[..part.Length]));
        }
    }

    static void WriteData(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        // The format is little-endian whatever the machine; swap through a small buffer.
        Span<int> chunk = stackalloc int[1024];
        var bits = MemoryMarshal.Cast<float, int>(values);
        for (int i = 0; i < bits.Length; i += chunk.Length)
        {
            var part = bits.Slice(i, Math.Min(chunk.Length, bits.Length - i));
            BinaryPrimitives.ReverseEndianness(part, chunk);
            stream.Write(MemoryMarshal.AsBytes(chunk[..part.Length]));
        }
    }
}
