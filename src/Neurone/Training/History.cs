using System.Globalization;
using System.Text;

namespace Neurone.Training;

/// <summary>
/// What <c>Fit</c> returns, as Keras' History: one value per epoch for each logged quantity
/// ("loss", "accuracy", "val_loss", "val_accuracy", "lr", …), in the order they were first logged.
/// <see cref="StopReason"/> says why training ended early, if it did.
/// </summary>
public sealed class History
{
    readonly Dictionary<string, List<double>> values = [];
    readonly List<string> order = [];

    /// <summary>Epoch numbers (1-based) that were logged.</summary>
    public List<int> Epochs { get; } = [];

    /// <summary>Why training stopped before the last epoch (early stopping, a non-finite loss, a callback), or null.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>The names of the logged quantities.</summary>
    public IReadOnlyList<string> Keys => order;

    /// <summary>The per-epoch values of <paramref name="key"/>.</summary>
    public IReadOnlyList<double> this[string key] => values.TryGetValue(key, out var v)
        ? v : throw new KeyNotFoundException($"history: no '{key}'; logged are {string.Join(", ", order)}.");

    /// <summary>True when <paramref name="key"/> was logged.</summary>
    public bool Contains(string key) => values.ContainsKey(key);

    /// <summary>Appends one epoch's logs. Keys missing in an epoch get NaN so columns stay aligned.</summary>
    public void Append(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var key in logs.Keys)
            if (!values.ContainsKey(key))
            {
                values[key] = Enumerable.Repeat(double.NaN, Epochs.Count).ToList();
                order.Add(key);
            }
        Epochs.Add(epoch);
        foreach (var key in order) values[key].Add(logs.TryGetValue(key, out double v) ? v : double.NaN);
    }

    /// <summary>The history as CSV: an "epoch" column, then one column per key.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("epoch");
        foreach (var key in order) sb.Append(',').Append(key);
        sb.Append('\n');
        for (int i = 0; i < Epochs.Count; i++)
        {
            sb.Append(Epochs[i].ToString(CultureInfo.InvariantCulture));
            foreach (var key in order) sb.Append(',').Append(values[key][i].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
