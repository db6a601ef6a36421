// The classic experiments, one command each:
//   dotnet run -c Release --project examples/Experiments -- list
//   dotnet run -c Release --project examples/Experiments -- NAME [--smoke] [--output runs/experiments/NAME] [--data-dir DIR]
// Every experiment is seeded, prints its wall time and figures, and writes its pictures into its run folder.
using System.Diagnostics;
using Neurone.Experiments;

var experiments = ExperimentRegistry.All();
if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
{
    Console.WriteLine("experiments (run one with its name; --smoke for a tiny version):");
    foreach (var e in experiments) Console.WriteLine($"  {e.Name,-22} {e.Description}");
    return args.Length == 0 ? 2 : 0;
}
var experiment = experiments.FirstOrDefault(e => e.Name == args[0]);
if (experiment is null)
{
    Console.Error.WriteLine($"experiments: unknown experiment '{args[0]}'; run 'list' for the names.");
    return 2;
}
string? Option(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
var context = new ExperimentContext(Option("--output") ?? Path.Combine("runs", "experiments", experiment.Name),
    Array.IndexOf(args, "--smoke") >= 0, Console.Out, Option("--data-dir"));
var clock = Stopwatch.StartNew();
var results = experiment.Run(context);
Console.WriteLine($"== {experiment.Name}: {clock.Elapsed.TotalSeconds:F1} s wall time");
foreach (var line in results) Console.WriteLine("   " + line);
return 0;
