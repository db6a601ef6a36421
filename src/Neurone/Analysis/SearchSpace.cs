using System.Collections;

namespace Neurone.Analysis;

/// <summary>
/// The named hyperparameters a <see cref="HyperparameterSearch"/> explores, built fluently:
/// <c>new SearchSpace().LogUniform("lr", 1e-4, 1).Choice("hidden", 16, 32, 64).Categorical("optimizer", "sgd", "adam")</c>.
/// Parameters are sampled in the order they were added, so the same seed draws the same trials.
/// </summary>
public sealed class SearchSpace : IEnumerable<ParameterRange>
{
    readonly List<ParameterRange> ranges = [];

    public SearchSpace() { }

    internal SearchSpace(IEnumerable<ParameterRange> ranges) => this.ranges.AddRange(ranges);

    /// <summary>A real parameter whose logarithm is uniform between ln <paramref name="low"/> and ln <paramref name="high"/>.</summary>
    public SearchSpace LogUniform(string name, double low, double high) => Add(new ParameterRange(name, RangeKind.LogUniform, low, high, []));

    /// <summary>A real parameter uniform in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public SearchSpace Uniform(string name, double low, double high) => Add(new ParameterRange(name, RangeKind.Uniform, low, high, []));

    /// <summary>An integer parameter taking one of <paramref name="values"/> (hidden size, batch size).</summary>
    public SearchSpace Choice(string name, params int[] values) => Add(new ParameterRange(name, RangeKind.IntChoice, 0, 0, [.. values.Select(v => (object)v)]));

    /// <summary>A named parameter taking one of <paramref name="values"/> (optimizer, activation).</summary>
    public SearchSpace Categorical(string name, params string[] values) => Add(new ParameterRange(name, RangeKind.Categorical, 0, 0, [.. values]));

    /// <summary>The number of parameters.</summary>
    public int Count => ranges.Count;

    /// <summary>The range named <paramref name="name"/>.</summary>
    public ParameterRange this[string name] => ranges.Find(r => r.Name == name)
        ?? throw new KeyNotFoundException($"search space: no parameter '{name}'; it has {string.Join(", ", ranges.Select(r => r.Name))}.");

    SearchSpace Add(ParameterRange range)
    {
        if (ranges.Exists(r => r.Name == range.Name)) throw new ArgumentException($"search space: parameter '{range.Name}' is defined twice.");
        ranges.Add(range);
        return this;
    }

    public IEnumerator<ParameterRange> GetEnumerator() => ranges.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join("\n", ranges);
}
