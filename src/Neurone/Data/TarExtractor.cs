using System.Formats.Tar;
using System.IO.Compression;

namespace Neurone.Data;

/// <summary>
/// Extracts a .tar, .tar.gz or .tgz archive into a folder, refusing any entry that would land outside
/// it (a "../" or absolute name, the classic tar path-traversal attack) and any link entry, before
/// anything of that entry is written. Each file is written to a temporary name and renamed into place,
/// so an interrupted extraction leaves whole files or none.
/// </summary>
public static class TarExtractor
{
    /// <summary>Extracts <paramref name="archive"/> into <paramref name="target"/> and returns the paths written.</summary>
    public static IReadOnlyList<string> Extract(string archive, string target)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(target);
        string root = Path.GetFullPath(target);
        string rootWithSep = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(root);
        var written = new List<string>();
        using var file = File.OpenRead(archive);
        using Stream stream = archive.EndsWith(".tar", StringComparison.OrdinalIgnoreCase)
            ? file
            : new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(stream);
        TarEntry? entry;
        while ((entry = NextEntry(reader, archive)) is not null)
        {
            string name = entry.Name;
            string full = Path.GetFullPath(Path.Combine(root, name));
            if (Path.IsPathRooted(name) || !(full + Path.DirectorySeparatorChar).StartsWith(rootWithSep, StringComparison.Ordinal))
                throw new InvalidDataException($"{archive}: entry '{name}' would be written outside {root}; refusing to extract.");
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(full);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    string temp = full + $".{Guid.NewGuid():N}.part";
                    try
                    {
                        using (var output = File.Create(temp))
                            entry.DataStream?.CopyTo(output);
                        File.Move(temp, full, overwrite: true);
                    }
                    finally
                    {
                        if (File.Exists(temp)) File.Delete(temp);
                    }
                    written.Add(full);
                    break;
                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                    throw new InvalidDataException($"{archive}: entry '{name}' is a link to '{entry.LinkName}'; links are refused, since they could point outside {root}.");
                default:
                    // Global/extended headers are consumed by TarReader; devices, FIFOs and the like carry no data we need.
                    break;
            }
        }
        return written;
    }

    static TarEntry? NextEntry(TarReader reader, string archive)
    {
        try { return reader.GetNextEntry(); }
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException)
        { throw new InvalidDataException($"{archive}: not a valid tar archive ({e.Message})."); }
    }
}
