using System.CommandLine;
using Neurone.Cli.Commands;

namespace Neurone.Cli;

/// <summary>
/// The <c>neurone</c> command: a thin shell over the library. Every sub-command has --help with
/// examples; a bad option or value prints one line and exits with 2; a user error inside a command
/// (unknown data set, unreadable file) likewise.
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
        catch (Exception e) when (e is CliException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"neurone: {e.Message}");
            return 2;
        }
    }
}
