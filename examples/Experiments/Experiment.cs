namespace Neurone.Experiments;

/// <summary>
/// One classic experiment, reproduced: a name for the command line, what it reproduces, the figures a full
/// run must reach, and a Run that trains, measures and writes its pictures into the run folder. With
/// <see cref="ExperimentContext.Smoke"/> it runs a tiny version (seconds, no downloads beyond what the embedded
/// data allows when possible) so a test can keep every experiment from rotting; the full run is what
/// docs/experiments.md reports, and its thresholds are checked after it (<see cref="ExperimentRunner"/>).
/// </summary>
public abstract class Experiment
{
    /// <summary>The command-line name, e.g. "xor-blobs".</summary>
    public abstract string Name { get; }

    /// <summary>One line: what is reproduced (the list adds <see cref="Goal"/>).</summary>
    public abstract string Description { get; }

    /// <summary>Its name in the results table of docs/experiments.md, e.g. "XOR of four Gaussian blobs".</summary>
    public abstract string Title { get; }

    /// <summary>What the source being reproduced reported, for the results table ("95.7%"; "—" for none).</summary>
    public abstract string Reported { get; }

    /// <summary>The figures a full run must reach; none for a study whose result is a table or a picture.</summary>
    public virtual IReadOnlyList<Threshold> Thresholds => [];

    /// <summary>What a full run must deliver, for the list and the results table: its thresholds, or what a study shows.</summary>
    public virtual string Goal => string.Join(", ", Thresholds);

    /// <summary>Runs the experiment; returns the result lines, the results table's cell and the figures its thresholds name.</summary>
    public abstract ExperimentResult Run(ExperimentContext context);
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
