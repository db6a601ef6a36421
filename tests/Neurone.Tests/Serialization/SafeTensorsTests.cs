using System.Buffers.Binary;
using System.Text;
using Neurone.Serialization;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static uint[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    /// <summary>A file laid out by hand from the published description: u64 LE length, JSON padded with spaces, LE data.</summary>
    static byte[] HandBuilt(string json, params float[] data)
    {
        var header = new List<byte>(Encoding.UTF8.GetBytes(json));
        while (header.Count % 8 != 0) header.Add((byte)' ');
        var bytes = new byte[8 + header.Count + 4 * data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Count);
        header.CopyTo(bytes, 8);
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + header.Count + 4 * i), data[i]);
        return bytes;
    }

    static SafeTensorsFile Read(byte[] bytes) => SafeTensors.Read(new MemoryStream(bytes, writable: false), "test.safetensors");

    static string ReadError(byte[] bytes) => Assert.Throws<InvalidDataException>(() => Read(bytes)).Message;

    [Fact]
    public void RoundTripKeepsNamesOrderShapesBitsAndMetadata()
    {
        var rng = new Rng(1);
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("layer.0.weight", Tensor.Randn([3, 5], rng)),
            new("scalar", Tensor.Scalar(-0f)),
            new("empty", Tensor.Zeros(0, 4)),
            new("cube", Tensor.Randn([2, 3, 4], rng)),
            new("special", Tensor.FromArray([float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -0f])),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "quotes \" and ünïcødé, <tags> & \n newlines" };
        string path = temp.File("round.safetensors");
        SafeTensors.Save(path, tensors, metadata);

        var file = SafeTensors.Load(path);
        Assert.Equal(tensors.Select(t => t.Key), file.Tensors.Select(t => t.Key));
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.ShapeArray(), file[name].ShapeArray());
            Assert.Equal(Bits(t), Bits(file[name]));
        }
        Assert.Equal(metadata, file.Metadata);

        // The layout rules: the buffer starts on an 8-byte boundary and the header is a JSON object.
        var bytes = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        Assert.Equal((byte)'{', bytes[8]);
        Assert.Equal(bytes.Length, 8 + (long)n + 4 * tensors.Sum(t => t.Value.Count));
    }

    [Fact]
    public void WriterProducesExactlyThePublishedLayout()
    {
        // 141 bytes of JSON pad with three spaces to 144; the buffer follows with tensors back to back.
        string json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}";
        var expected = HandBuilt(json, 1f, -2.5f, 3f);
        var stream = new MemoryStream();
        SafeTensors.Write(stream,
            [new("a", Tensor.FromArray([1f, -2.5f])), new("b", Tensor.FromArray([3f], 1, 1))],
            new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void ReadsAHandBuiltFileWhoseHeaderOrderDiffersFromItsDataOrder()
    {
        // As Python's safetensors writes: keys sorted by name, data laid out by other rules; the offsets decide.
        string json = "{\"__metadata__\":{\"format\":\"pt\"},\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
                    + "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[32,36]},"
                    + "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                    + "\"zero\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[36,36]}}";
        var file = Read(HandBuilt(json, 1, 2, 3, 4, 5, 6, 0.5f, -0.5f, 7));
        Assert.Equal(["bias", "scalar", "weight", "zero"], file.Tensors.Select(t => t.Key));
        Assert.Equal([2, 3], file["weight"].ShapeArray());
        Assert.Equal([1f, 2, 3, 4, 5, 6], file["weight"].ToArray());
        Assert.Equal([0.5f, -0.5f], file["bias"].ToArray());
        Assert.Equal(0, file["scalar"].Rank);
        Assert.Equal(7f, file["scalar"].Item());
        Assert.Equal([0, 5], file["zero"].ShapeArray());
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void AcceptsAHeaderWithoutMetadataOrPadding()
    {
        string json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        var raw = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + raw.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)raw.Length);
        raw.CopyTo(bytes, 8);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + raw.Length), 42f);
        var file = Read(bytes);
        Assert.Equal(42f, file["x"].ToArray()[0]);
        Assert.Empty(file.Metadata);
    }

    [Theory]
    [InlineData("F16", "dtype F16")]
    [InlineData("BF16", "dtype BF16")]
    [InlineData("I32", "dtype I32")]
    [InlineData("Q4", "unknown dtype 'Q4'")]
    public void RefusesOtherDtypesByName(string dtype, string expected)
    {
        string json = $"{{\"w\":{{\"dtype\":\"{dtype}\",\"shape\":[2],\"data_offsets\":[0,8]}}}}";
        string message = ReadError(HandBuilt(json, 1f, 2f));
        Assert.Contains(expected, message);
        Assert.Contains("'w'", message);
        Assert.Contains("test.safetensors", message);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 3, "overlaps")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 3, "belong to no tensor")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 2, "trailing bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", 2, "outside the 8-byte data buffer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 2, "span 8 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 2, "outside")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 2, "non-negative")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", 2, "more elements")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}", 2, "Duplicate")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 2, "data_offsets")]
    [InlineData("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 2, "dtype")]
    [InlineData("{\"__metadata__\":{\"k\":3}}", 0, "to be a string")]
    [InlineData("[1,2]", 0, "JSON object")]
    [InlineData("{\"a\":", 0, "not valid JSON")]
    public void RefusesBrokenHeadersWithAClearMessage(string json, int floats, string expected)
    {
        string message = ReadError(HandBuilt(json, new float[floats]));
        Assert.Contains(expected, message);
        Assert.StartsWith("test.safetensors: ", message);
    }

    [Fact]
    public void AnAbsurdHeaderLengthIsRefusedWithoutAllocatingIt()
    {
        foreach (ulong n in new ulong[] { ulong.MaxValue, 1UL << 40, int.MaxValue, 200 })
        {
            var bytes = new byte[100];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, n);
            long before = GC.GetAllocatedBytesForCurrentThread();
            string message = ReadError(bytes);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Contains($"says {n} bytes", message);
            Assert.True(allocated < 100_000, $"refusing header length {n} allocated {allocated} bytes");
        }
    }

    [Fact]
    public void RefusesInvalidUtf8InTheHeader()
    {
        var bytes = HandBuilt("{\"aX\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}");
        bytes[8 + 3] = 0xFF; // the X of the name
        Assert.Contains("UTF-8", ReadError(bytes));
    }

    [Fact]
    public void AMissingFileIsAFileNotFoundException() =>
        Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(temp.File("nope.safetensors")));

    [Fact]
    public void WriterRefusesDuplicateEmptyAndReservedNames()
    {
        var t = Tensor.Zeros(1);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => SafeTensors.Write(new MemoryStream(), [new("a", t), new("a", t)])).Message);
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(new MemoryStream(), [new("", t)]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(new MemoryStream(), [new("__metadata__", t)]));
    }
}
