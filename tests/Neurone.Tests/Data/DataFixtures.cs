using System.Buffers.Binary;
using System.IO.Compression;

namespace Neurone.Tests.Data;

/// <summary>Builders for tiny crafted data files.</summary>
static class DataFixtures
{
    public static byte[] Idx(byte type, int[] dims, byte[] data)
    {
        var b = new byte[4 + 4 * dims.Length + data.Length];
        b[2] = type;
        b[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(b, 4 + 4 * dims.Length);
        return b;
    }

    public static byte[] Images(int n, int rows = 3, int cols = 2)
    {
        var px = new byte[n * rows * cols];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)(i * 37 % 256);
        return Idx(0x08, [n, rows, cols], px);
    }

    public static byte[] Labels(params byte[] labels) => Idx(0x08, [labels.Length], labels);

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    public static byte[] Bzip2(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var bz = new ICSharpCode.SharpZipLib.BZip2.BZip2OutputStream(ms)) bz.Write(data);
        return ms.ToArray();
    }

    /// <summary>CIFAR-10 records with the given labels and pixel bytes derived from the record index.</summary>
    public static byte[] CifarRecords(params byte[] labels)
    {
        var b = new byte[labels.Length * 3073];
        for (int i = 0; i < labels.Length; i++)
        {
            b[i * 3073] = labels[i];
            for (int j = 1; j < 3073; j++) b[i * 3073 + j] = (byte)(i + j);
        }
        return b;
    }
}
