using System.Diagnostics;
using System.Text.Json;

namespace Neurone.Bench;

/// <summary>
/// Runs a PyTorch reference script through ../shared/bench/anchor.sh in the same invocation as our
/// measurement, and returns its JSON line. Missing or failing references are reported, never fatal.
/// </summary>
static class Anchor
{
    /// <summary>The shared bench folder: ../shared/bench next to the repository root (the folder holding Neurone.slnx).</summary>
    public static string? SharedBench()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Neurone.slnx")))
                return dir.Parent is null ? null : Path.Combine(dir.Parent.FullName, "shared", "bench");
        return null;
    }

    /// <summary>Runs <c>anchor.sh script args</c> (or reads a captured line from <paramref name="file"/>) and parses its JSON line.</summary>
    public static JsonElement? Run(string script, string arguments, string? file = null)
    {
        string? line;
        if (file != null)
        {
            line = File.Exists(file) ? File.ReadAllLines(file).LastOrDefault(l => l.TrimStart().StartsWith('{')) : null;
            if (line is null) { Console.WriteLine($"# anchor: {file} has no JSON line; continuing without the reference"); return null; }
        }
        else
        {
            string? dir = SharedBench();
            string? anchor = dir is null ? null : Path.Combine(dir, "anchor.sh");
            if (anchor is null || !File.Exists(anchor)) { Console.WriteLine("# anchor: ../shared/bench/anchor.sh not found; continuing without the reference"); return null; }
            Console.WriteLine($"# anchor: running anchor.sh {script} {arguments} ...");
            var (ok, output) = RunProcess(anchor, $"{script} {arguments}", dir!);
            line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
            if (!ok || line is null) { Console.WriteLine("# anchor: anchor.sh failed; continuing without the reference"); return null; }
        }
        Console.WriteLine(line);
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            Console.WriteLine($"# anchor: could not parse its output ({e.Message}); continuing without the reference");
            return null;
        }
    }

    public static (bool Ok, string Output) RunProcess(string file, string arguments, string workingDirectory)
    {
        try
        {
            var psi = new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            _ = stderr.Result;
            return (p.ExitCode == 0, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, "");
        }
    }
}
