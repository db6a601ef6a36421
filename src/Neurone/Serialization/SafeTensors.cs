namespace Neurone.Serialization;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face's), so weights move between Neurone and the
/// Python ecosystem (<c>safetensors.torch.load_file</c>) without pickle. A file is an 8-byte
/// little-endian header length N, then N bytes of UTF-8 JSON mapping each tensor name to its dtype,
/// shape and [begin, end) byte range in the data buffer that follows, plus an optional
/// <c>__metadata__</c> map of strings; the JSON is padded with spaces so the buffer starts at a
/// multiple of 8. Neurone writes and reads F32, I64 and BOOL (its three dtypes; others are refused by name). Files
/// are written atomically (<see cref="AtomicFile"/>); reading trusts nothing in the file, so every
/// malformed input ends in an <see cref="InvalidDataException"/> naming the file and the fault, after
/// allocating no more than the file's own size.
/// </summary>
public static partial class SafeTensors
{
    /// <summary>The metadata key of the header's free-form string map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// The largest header accepted (100 MB, the reference implementation's limit): it keeps a hostile
    /// file from making the JSON parser work on gigabytes.
    /// </summary>
    public const int MaxHeaderBytes = 100 * 1024 * 1024;

    const string F32 = "F32", I64 = "I64", BOOL = "BOOL";

    /// <summary>The format's name and the bytes per element of a Neurone dtype.</summary>
    static (string Name, int Size) Format(Tensors.DType dtype) => dtype switch
    {
        Tensors.DType.Int64 => (I64, 8),
        Tensors.DType.Bool => (BOOL, 1),
        _ => (F32, 4),
    };

    // The dtype names of the published format; any of these is a valid file Neurone cannot hold.
    static readonly HashSet<string> KnownDtypes = new(StringComparer.Ordinal)
    {
        "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64",
    };
}
