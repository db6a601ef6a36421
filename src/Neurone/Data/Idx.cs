using System.Buffers.Binary;

namespace Neurone.Data;

/// <summary>
/// Reader for IDX files (LeCun's format for MNIST, reused by Fashion-MNIST): a 4-byte magic number
/// 00 00 TT DD where TT is the element type (08 = unsigned byte, the only one these sets use) and DD the
/// number of dimensions, then DD big-endian 32-bit sizes, then the elements in row-major order. Sizes
/// are checked against the file length before anything is allocated.
/// </summary>
internal static class Idx
{
    /// <summary>Reads an unsigned-byte IDX file of <paramref name="rank"/> dimensions: its sizes and its elements.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int rank)
    {
        using var s = DataFiles.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        DataFiles.ReadHeader(s, magic, path, "IDX magic number");
        uint m = BinaryPrimitives.ReadUInt32BigEndian(magic);
        if (magic[0] != 0 || magic[1] != 0)
            throw DataFiles.Bad(path, $"expected an IDX magic number 0x0000080{rank}, got 0x{m:X8}; not an IDX file (or a compressed file without a .gz name).");
        if (magic[2] != 0x08)
            throw DataFiles.Bad(path, $"expected IDX element type 0x08 (unsigned byte), got 0x{magic[2]:X2} (magic 0x{m:X8}).");
        if (magic[3] != rank)
            throw DataFiles.Bad(path, $"expected an IDX file of {rank} dimension(s) (magic 0x0000080{rank}), got {magic[3]} (magic 0x{m:X8}).");
        Span<byte> header = stackalloc byte[4 * rank];
        DataFiles.ReadHeader(s, header, path, "IDX size header");
        var dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(header[(4 * i)..]);
            if (d > int.MaxValue) throw DataFiles.Bad(path, $"IDX dimension {i} is {d}, too large to be real; the header is corrupt.");
            dims[i] = (int)d;
            total *= d;
            if (total > Array.MaxLength) throw DataFiles.Bad(path, $"IDX sizes [{string.Join(", ", header.ToArray().Chunk(4).Select(c => BinaryPrimitives.ReadUInt32BigEndian(c)))}] describe more than {Array.MaxLength} bytes; the header is corrupt.");
        }
        long headerBytes = 4 + 4L * rank;
        if (DataFiles.IsUncompressed(path))
        {
            long length = new FileInfo(path).Length;
            if (length < headerBytes + total)
                throw DataFiles.Bad(path, $"truncated: the header promises {total} bytes of data (sizes [{string.Join(", ", dims)}]) after {headerBytes} header bytes, but the file holds {length - headerBytes}.");
            if (length > headerBytes + total)
                throw DataFiles.Bad(path, $"expected {headerBytes + total} bytes for sizes [{string.Join(", ", dims)}], but the file has {length} ({length - headerBytes - total} extra); the header's counts disagree with the content.");
        }
        var data = DataFiles.ReadExactly(s, total, path, $"IDX data for sizes [{string.Join(", ", dims)}]");
        DataFiles.ExpectEnd(s, path, headerBytes + total);
        return (dims, data);
    }
}
