using System.CommandLine;
using Neurone.Cli.Commands;

namespace Neurone.Cli;

/// <summary>
/// The <c>neurone</c> command: a thin shell over the library. Every sub-command has --help with
/// examples; a bad option or value prints one line and exits with 2; a user error inside a command
/// (unknown data set, unreadable file) likewise. Any other failure (out of memory, a bug) prints one
/// line too and exits with 1, never with a stack trace and a runtime abort; NEURONE_DEBUG=1 adds the
/// stack trace.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("neurone: deep learning for .NET on the CPU. Train, evaluate and inspect neural networks.")
        {
            DemoCommand.Create(output),
            TrainCommand.Create(output),
            EvaluateCommand.Create(output),
            PredictCommand.Create(output),
            BenchCommand.Create(output),
            AnalysisCommands.GradCheck(output),
            AnalysisCommands.Tsne(output),
            AnalysisCommands.Search(output),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command == root ? "neurone" : "neurone " + parsed.CommandResult.Command.Name;
            error.WriteLine($"{command}: {string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')))}. (see '{command} --help')");
            return 2;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e, error);
        }
    }

    /// <summary>Prints <paramref name="exception"/> as one line and returns the exit code: 2 for bad input, 1 for anything else.</summary>
    internal static int Report(Exception exception, TextWriter error)
    {
        var e = exception;
        // Parallel work wraps the real failure; the user wants that one.
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException;
        string message = string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        int code;
        if (e is CliException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"neurone: {message}");
            code = 2;
        }
        else if (e is OutOfMemoryException)
        {
            // The runtime's own message for a plain allocation failure says nothing more than the type.
            string detail = message.StartsWith("Exception of type", StringComparison.Ordinal) ? "" : $" ({message})";
            error.WriteLine($"neurone: out of memory{detail}; try a smaller model, batch size or data set.");
            code = 1;
        }
        else
        {
            error.WriteLine($"neurone: internal error: {e.GetType().Name}: {message}" +
                (Environment.GetEnvironmentVariable("NEURONE_DEBUG") == "1" ? "" : " (NEURONE_DEBUG=1 prints the stack trace)"));
            code = 1;
        }
        if (Environment.GetEnvironmentVariable("NEURONE_DEBUG") == "1") error.WriteLine(exception.ToString());
        return code;
    }
}
