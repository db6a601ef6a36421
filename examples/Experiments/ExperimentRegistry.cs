using System.Reflection;

namespace Neurone.Experiments;

/// <summary>Finds every <see cref="Experiment"/> in this assembly, so adding one is adding its file.</summary>
public static class ExperimentRegistry
{
    public static IReadOnlyList<Experiment> All() =>
        typeof(Experiment).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Experiment)) && !t.IsAbstract)
            .Select(t => (Experiment)Activator.CreateInstance(t)!)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
}
