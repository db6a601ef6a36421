// The classic experiments, one command each:
//   dotnet run -c Release --project examples/Experiments -- list
//   dotnet run -c Release --project examples/Experiments -- NAME [--smoke] [--output runs/experiments/NAME] [--data-dir DIR] [--write-docs]
//   dotnet run -c Release --project examples/Experiments -- all [--smoke] [--output runs/experiments] [--data-dir DIR] [--write-docs]
// Every experiment is seeded, prints its wall time and figures, writes its pictures into its run folder and, after a
// full run, checks the figures it must reach: the exit code is 1 when one is missed.
using Neurone.Experiments;

return ExperimentRunner.Run(args, Console.Out, Console.Error, ExperimentRegistry.All());
