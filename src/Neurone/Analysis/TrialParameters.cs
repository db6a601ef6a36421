using System.Globalization;

namespace Neurone.Analysis;

/// <summary>
/// The hyperparameter values of one trial, by name, plus a <see cref="Seed"/> of its own for the model's
/// initialisation and shuffling, so a trial gives the same result whether trials run one by one or in
/// parallel. Read values with <see cref="Double"/>, <see cref="Int"/> and <see cref="String"/>.
/// </summary>
public sealed class TrialParameters(IReadOnlyList<KeyValuePair<string, object>> values, ulong seed)
{
    /// <summary>The values in the search space's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Values { get; } = values;

    /// <summary>A seed for this trial's random generators, fixed by the search seed and the trial number.</summary>
    public ulong Seed { get; } = seed;

    /// <summary>The raw value (a boxed double, int or string).</summary>
    public object this[string name]
    {
        get
        {
            foreach (var (key, value) in Values) if (key == name) return value;
            throw new KeyNotFoundException($"trial: no parameter '{name}'; it has {string.Join(", ", Values.Select(v => v.Key))}.");
        }
    }

    /// <summary>A real value (an integer choice is widened).</summary>
    public double Double(string name) => this[name] switch
    {
        double d => d,
        int i => i,
        var other => throw new InvalidCastException($"trial: '{name}' is the name '{other}', expected a number."),
    };

    /// <summary>An integer choice.</summary>
    public int Int(string name) => this[name] is int i ? i : throw new InvalidCastException($"trial: '{name}' is {this[name]}, expected an integer choice.");

    /// <summary>A categorical choice.</summary>
    public string String(string name) => this[name] as string ?? throw new InvalidCastException($"trial: '{name}' is {this[name]}, expected a categorical choice.");

    /// <summary>A value as the results table prints it.</summary>
    internal static string Format(object value) => value switch
    {
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public override string ToString() => string.Join(", ", Values.Select(v => $"{v.Key}={Format(v.Value)}"));
}
