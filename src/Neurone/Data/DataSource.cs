namespace Neurone.Data;

/// <summary>
/// Where a data set's files come from: its name (also its folder under the cache,
/// <see cref="DataCache.Root"/>), the mirrors tried in order (each a base URL to which a file name is
/// appended), the files with their checksums, and where the files are described, for the message shown
/// when nothing can be downloaded.
/// </summary>
public sealed record DataSource(string Name, IReadOnlyList<string> Mirrors, IReadOnlyList<RemoteFile> Files, string Homepage);
