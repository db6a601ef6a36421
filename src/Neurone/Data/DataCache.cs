namespace Neurone.Data;

/// <summary>
/// Where downloaded data sets live: <c>$NEURONE_DATA</c> when set, otherwise <c>neurone</c> under the
/// user's cache folder (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c> on Linux and macOS, the local
/// application-data folder on Windows). Each data set has its own subfolder, e.g.
/// <c>~/.cache/neurone/mnist</c>; a folder filled by hand with the same file names works the same way.
/// </summary>
public static class DataCache
{
    /// <summary>The environment variable that overrides the cache root.</summary>
    public const string EnvironmentVariable = "NEURONE_DATA";

    /// <summary>The cache root, read from the environment each time so tests and tools can redirect it.</summary>
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "neurone");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseDir = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseDir, "neurone");
        }
    }

    /// <summary>The folder of one data set, e.g. <c>~/.cache/neurone/mnist</c>.</summary>
    public static string DirectoryFor(string dataset) => Path.Combine(Root, dataset);
}
