using System.Collections.Concurrent;
using System.Diagnostics;

namespace Neurone.Tests;

/// <summary>
/// A program of the test output folder (Neurone.Cli, Neurone.SaveLoop) run as a child process with
/// <c>dotnet NAME.dll ARGS</c>, its stdout lines collected as they come, so a test can wait for a
/// moment and SIGKILL it there (<see cref="Kill"/>: <c>Process.Kill</c> sends SIGKILL on Linux and
/// macOS, TerminateProcess on Windows; neither lets the program run any more code).
/// </summary>
public sealed class ChildProcess : IDisposable
{
    readonly Process process;
    readonly BlockingCollection<string> pending = new();
    readonly ConcurrentQueue<string> lines = new();
    readonly ConcurrentQueue<string> errors = new();

    ChildProcess(string program, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(DotNet())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program + ".dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { pending.CompleteAdding(); return; }
            lines.Enqueue(e.Data);
            pending.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <paramref name="program"/> (a .dll beside the tests) with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string program, IReadOnlyDictionary<string, string>? environment, params string[] args) => new(program, args, environment);

    /// <summary>Starts <paramref name="program"/> (a .dll beside the tests) with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string program, params string[] args) => new(program, args, null);

    public int Id => process.Id;

    /// <summary>Every stdout line so far.</summary>
    public IReadOnlyList<string> Lines => lines.ToArray();

    /// <summary>Every stderr line so far.</summary>
    public IReadOnlyList<string> ErrorLines => errors.ToArray();

    /// <summary>Waits for the next stdout line matching <paramref name="match"/>; throws when the program ends or a minute passes first.</summary>
    public string WaitFor(Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !pending.TryTake(out var line, left))
                throw new InvalidOperationException($"child: no expected line before it ended or a minute passed; it wrote:\n{string.Join("\n", Lines)}\n{string.Join("\n", ErrorLines)}");
            if (match(line)) return line;
        }
    }

    /// <summary>Sends a line to the program's stdin.</summary>
    public void WriteLine(string line)
    {
        process.StandardInput.WriteLine(line);
        process.StandardInput.Flush();
    }

    /// <summary>SIGKILL, then waits until the process is gone (and reaped, so its id no longer names a process).</summary>
    public void Kill()
    {
        try { process.Kill(entireProcessTree: false); }
        catch (InvalidOperationException) { } // it had already exited
        process.WaitForExit();
    }

    /// <summary>Waits for the program to end by itself (at most a few minutes) and returns its exit code.</summary>
    public int WaitForExit()
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            Kill();
            throw new TimeoutException("child: still running after three minutes; killed.");
        }
        process.WaitForExit(); // lets the output events drain
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited) Kill();
        process.Dispose();
    }

    /// <summary>The dotnet host running these tests (testhost runs under it), else the one on PATH.</summary>
    static string DotNet()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
    }
}
