using System.Buffers.Binary;
using Neurone.Serialization;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Tests.Serialization;

/// <summary>
/// Hostile input: random bytes, every truncation and random corruption of a valid file. The reader may
/// succeed or throw <see cref="InvalidDataException"/>, nothing else, and must not allocate more than a
/// small multiple of the input's size.
/// </summary>
public sealed class SafeTensorsFuzzTests
{
    static byte[] ValidFile()
    {
        var rng = new Rng(5);
        var stream = new MemoryStream();
        SafeTensors.Write(stream,
            [new("0.weight", Tensor.Randn([3, 2], rng)), new("0.bias", Tensor.Randn([3], rng)), new("s", Tensor.Scalar(1f)), new("e", Tensor.Zeros(0))],
            new Dictionary<string, string> { ["format"] = "pt", ["neurone.architecture"] = "[{\"type\":\"Linear\"}]" });
        return stream.ToArray();
    }

    static void ReadCleanly(byte[] bytes, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            SafeTensors.Read(new MemoryStream(bytes, writable: false), "fuzz");
        }
        catch (InvalidDataException e)
        {
            Assert.StartsWith("fuzz: ", e.Message);
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: expected success or InvalidDataException, got {e.GetType().Name}: {e.Message}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Parsing a small JSON header costs some kilobytes whatever the input; beyond that, the input's size.
        Assert.True(allocated < 200_000 + 20L * bytes.Length, $"{what}: reading {bytes.Length} bytes allocated {allocated}");
    }

    [Fact]
    public void TheValidFileReads() => Assert.Equal(4, SafeTensors.Read(new MemoryStream(ValidFile()), "ok").Tensors.Count);

    [Fact]
    public void EveryTruncationFailsCleanly()
    {
        var bytes = ValidFile();
        for (int length = 0; length < bytes.Length; length++)
        {
            var cut = bytes.AsSpan(0, length).ToArray();
            var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream(cut), "fuzz"));
            Assert.StartsWith("fuzz: ", e.Message);
        }
    }

    [Fact]
    public void RandomBytesFailCleanly()
    {
        var rng = new Rng(11);
        for (int trial = 0; trial < 2000; trial++)
        {
            var bytes = new byte[rng.NextInt(0, 300)];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.NextInt(256);
            // Half the trials get a plausible length field, so the JSON parser sees the garbage too.
            if (trial % 2 == 0 && bytes.Length >= 8) BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)rng.NextInt(0, bytes.Length - 7));
            ReadCleanly(bytes, $"random trial {trial}");
        }
    }

    [Fact]
    public void RandomByteFlipsInTheHeaderFailCleanly()
    {
        var valid = ValidFile();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var rng = new Rng(12);
        // Bytes JSON cares about make the interesting mutants: digits, quotes, brackets, separators.
        byte[] alphabet = "0123456789\"{}[],:- eE.F32\\u"u8.ToArray();
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])valid.Clone();
            int flips = 1 + rng.NextInt(3);
            for (int f = 0; f < flips; f++)
            {
                int at = rng.NextInt(0, headerEnd);
                bytes[at] = rng.NextInt(2) == 0 ? (byte)rng.NextInt(256) : alphabet[rng.NextInt(alphabet.Length)];
            }
            ReadCleanly(bytes, $"flip trial {trial}");
        }
    }

    [Fact]
    public void ATruncatedFileOnDiskFailsCleanly()
    {
        using var temp = new TempFolder();
        var bytes = ValidFile();
        string path = temp.File("cut.safetensors");
        File.WriteAllBytes(path, bytes[..^5]);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
    }
}
