using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Serialization;

public static partial class SafeTensors
{
    /// <summary>
    /// Reads every tensor and the metadata of the file at <paramref name="path"/>. A file that breaks
    /// the format in any way (truncated, oversized header, bad JSON, a dtype other than F32, I64 and BOOL, offsets
    /// that overlap, leave gaps or disagree with the shape, duplicate names) throws
    /// <see cref="InvalidDataException"/> naming the file and the fault; a missing file throws
    /// <see cref="FileNotFoundException"/> as usual.
    /// </summary>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads a safetensors file from the current position to the end of a seekable
    /// <paramref name="stream"/>; <paramref name="source"/> names it in error messages.
    /// </summary>
    public static SafeTensorsFile Read(Stream stream, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
            throw new ArgumentException("safetensors: expected a readable, seekable stream (its length bounds every allocation).", nameof(stream));
        try
        {
            return ReadChecked(stream, source);
        }
        catch (EndOfStreamException e)
        {
            // Only possible if the stream shrinks while being read: the lengths were checked up front.
            throw Bad(source, $"the data ended early ({e.Message})");
        }
    }

    // One tensor's header entry, before its data is read.
    readonly record struct Entry(string Name, Tensors.DType DType, int[] Shape, int Count, long Begin, long End);

    static SafeTensorsFile ReadChecked(Stream stream, string source)
    {
        long fileLength = stream.Length - stream.Position;
        if (fileLength < 8)
            throw Bad(source, $"expected at least 8 bytes (the header length), got {fileLength}");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        // Checked against the file before anything is allocated, so a forged length costs nothing.
        if (headerLength > (ulong)(fileLength - 8))
            throw Bad(source, $"the header length field says {headerLength} bytes, but only {fileLength - 8} bytes follow it (file truncated, or not a safetensors file)");
        if (headerLength > MaxHeaderBytes)
            throw Bad(source, $"the header is {headerLength} bytes, more than the {MaxHeaderBytes} bytes allowed");
        if (headerLength < 2)
            throw Bad(source, $"the header is {headerLength} bytes, too short for a JSON object");
        var header = new byte[(int)headerLength];
        stream.ReadExactly(header);
        long bufferLength = fileLength - 8 - (long)headerLength;

        var (entries, metadata) = ParseHeader(header, bufferLength, source);
        CheckCoverage(entries, bufferLength, source);

        // Reading in offset order walks the buffer once, front to back; the checks above guarantee the
        // entries tile it exactly, so the total allocated equals the buffer's size.
        var data = new Tensor[entries.Count];
        var order = Enumerable.Range(0, entries.Count).OrderBy(i => entries[i].Begin).ThenBy(i => entries[i].End).ToArray();
        foreach (int i in order) data[i] = ReadData(stream, entries[i], source);
        var tensors = new List<KeyValuePair<string, Tensor>>(entries.Count);
        for (int i = 0; i < entries.Count; i++) tensors.Add(new(entries[i].Name, data[i]));
        return new SafeTensorsFile(tensors, metadata);
    }

    static Tensor ReadData(Stream stream, Entry entry, string source)
    {
        switch (entry.DType)
        {
            case Tensors.DType.Int64:
            {
                var values = entry.Count == 0 ? [] : GC.AllocateUninitializedArray<long>(entry.Count);
                stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(values, values);
                return new Tensor(values, 0, entry.Shape);
            }
            case Tensors.DType.Bool:
            {
                var bytes = entry.Count == 0 ? [] : GC.AllocateUninitializedArray<byte>(entry.Count);
                stream.ReadExactly(bytes);
                var values = new bool[bytes.Length];
                for (int k = 0; k < bytes.Length; k++)
                {
                    // A bool byte other than 0 or 1 is no bool .NET (or PyTorch) would write.
                    if (bytes[k] > 1) throw Bad(source, $"tensor '{entry.Name}' is BOOL but element {k} is the byte {bytes[k]}; expected 0 or 1");
                    values[k] = bytes[k] == 1;
                }
                return new Tensor(values, 0, entry.Shape);
            }
            default:
            {
                var values = entry.Count == 0 ? [] : GC.AllocateUninitializedArray<float>(entry.Count);
                stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                if (!BitConverter.IsLittleEndian)
                {
                    var bits = MemoryMarshal.Cast<float, int>(values.AsSpan());
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }
                return new Tensor(values, 0, entry.Shape);
            }
        }
    }

    static (List<Entry>, Dictionary<string, string>) ParseHeader(byte[] header, long bufferLength, string source)
    {
        // The JSON reader would only notice bad UTF-8 when a string is decoded, with another exception type.
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw Bad(source, "the header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw Bad(source, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(source, $"expected the header to be a JSON object, got {Kind(root)}");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw Bad(source, $"the name '{property.Name}' appears twice in the header");
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, metadata, source);
                else
                    entries.Add(ReadEntry(property.Name, property.Value, bufferLength, source));
            }
            return (entries, metadata);
        }
    }

    static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(source, $"expected '{MetadataKey}' to be an object of strings, got {Kind(value)}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Bad(source, $"expected metadata '{item.Name}' to be a string, got {Kind(item.Value)}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw Bad(source, $"the metadata key '{item.Name}' appears twice");
        }
    }

    static Entry ReadEntry(string name, JsonElement value, long bufferLength, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(source, $"expected tensor '{name}' to be an object with dtype, shape and data_offsets, got {Kind(value)}");
        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Bad(source, $"tensor '{name}' has no dtype string");
        string type = dtype.GetString()!;
        Tensors.DType elementType = type switch
        {
            F32 => Tensors.DType.Float32,
            I64 => Tensors.DType.Int64,
            BOOL => Tensors.DType.Bool,
            _ => throw Bad(source, KnownDtypes.Contains(type)
                ? $"tensor '{name}' has dtype {type}; Neurone reads F32, I64 and BOOL only (convert it before saving)"
                : $"tensor '{name}' has the unknown dtype '{type}'"),
        };
        int elementSize = Format(elementType).Size;

        if (!value.TryGetProperty("shape", out var shapeJson) || shapeJson.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"tensor '{name}' has no shape array");
        var shape = new int[shapeJson.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (var d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int size) || size < 0)
                throw Bad(source, $"tensor '{name}' has shape {shapeJson.GetRawText()}; expected non-negative integers below 2^31");
            shape[k++] = size;
            // Multiplying while the product stays small keeps the check free of overflow.
            count = count == 0 || size == 0 ? 0 : count * size;
            if (count > Array.MaxLength)
                throw Bad(source, $"tensor '{name}' has shape {shapeJson.GetRawText()}, more elements than one array can hold");
        }

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad(source, $"tensor '{name}' has no data_offsets pair [begin, end]");
        long begin = Offset(offsets[0]), end = Offset(offsets[1]);
        if (begin < 0 || end < 0)
            throw Bad(source, $"tensor '{name}' has data_offsets {offsets.GetRawText()}; expected non-negative integers");
        if (begin > end || end > bufferLength)
            throw Bad(source, $"tensor '{name}' has data_offsets [{begin}, {end}], outside the {bufferLength}-byte data buffer");
        if (end - begin != elementSize * count)
            throw Bad(source, $"tensor '{name}' has shape {shapeJson.GetRawText()} ({count} {type} values, {elementSize * count} bytes) but data_offsets [{begin}, {end}] span {end - begin} bytes");
        return new Entry(name, elementType, shape, (int)count, begin, end);

        static long Offset(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : -1;
    }

    // The format requires the tensors to tile the buffer: no overlap (which would alias data and could
    // make a reader allocate more than the file), no gaps and no trailing bytes.
    static void CheckCoverage(List<Entry> entries, long bufferLength, string source)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expected = 0;
        string previous = "";
        foreach (var e in sorted)
        {
            if (e.Begin < expected)
                throw Bad(source, $"tensor '{e.Name}' (bytes [{e.Begin}, {e.End})) overlaps tensor '{previous}', which ends at byte {expected}");
            if (e.Begin > expected)
                throw Bad(source, $"bytes [{expected}, {e.Begin}) of the data buffer belong to no tensor (gap before '{e.Name}')");
            expected = e.End;
            previous = e.Name;
        }
        if (expected != bufferLength)
            throw Bad(source, $"the tensors cover {expected} bytes but the data buffer holds {bufferLength} (trailing bytes, or the file was cut or padded)");
    }

    static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    static InvalidDataException Bad(string source, string what) =>
        new($"{source}: not a valid safetensors file: {what}.");
}
