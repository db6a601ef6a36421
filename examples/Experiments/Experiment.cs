namespace Neurone.Experiments;

/// <summary>
/// One classic experiment, reproduced: a name for the command line, what it reproduces, and a Run that
/// trains, measures and writes its pictures into the run folder. With <see cref="ExperimentContext.Smoke"/>
/// it runs a tiny version (seconds, no downloads beyond what the embedded data allows when possible) so
/// a test can keep every experiment from rotting; the full run is what docs/experiments.md reports.
/// </summary>
public abstract class Experiment
{
    /// <summary>The command-line name, e.g. "xor-blobs".</summary>
    public abstract string Name { get; }

    /// <summary>One line: what is reproduced and what it must reach.</summary>
    public abstract string Description { get; }

    /// <summary>Runs the experiment; returns the result lines (figures) that docs/experiments.md quotes.</summary>
    public abstract IReadOnlyList<string> Run(ExperimentContext context);
}

/// <summary>Where an experiment writes, how big it runs, and where it prints.</summary>
public sealed record ExperimentContext(string Output, bool Smoke, TextWriter Log, string? DataDirectory = null)
{
    /// <summary>A file in the run folder (created on first use).</summary>
    public string File(string name)
    {
        Directory.CreateDirectory(Output);
        return Path.Combine(Output, name);
    }
}
