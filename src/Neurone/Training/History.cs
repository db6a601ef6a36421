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

    /// <summary>The epochs before <paramref name="epoch"/>, with every key (none at all when no epoch is left).</summary>
    internal History Before(int epoch)
    {
        var kept = new History();
        int count = 0;
        while (count < Epochs.Count && Epochs[count] < epoch) count++;
        if (count == 0) return kept;
        kept.order.AddRange(order);
        foreach (var key in order) kept.values[key] = values[key].GetRange(0, count);
        kept.Epochs.AddRange(Epochs.GetRange(0, count));
        return kept;
    }

    /// <summary>
    /// Reads a history written by <see cref="ToCsv"/> (or <see cref="CsvLogger"/>): an "epoch" column of
    /// increasing whole numbers, then one column of numbers per key ("NaN" allowed). Throws
    /// <see cref="InvalidDataException"/> naming the file and line of anything else. An empty file is an
    /// empty history.
    /// </summary>
    public static History LoadCsv(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var history = new History();
        string[]? keys = null;
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            if (keys is null)
            {
                if (fields[0] != "epoch" || fields.Skip(1).Any(k => k.Length == 0) || fields.Distinct().Count() != fields.Length)
                    throw Bad(path, number, $"expected a header 'epoch,KEY,…' with distinct non-empty keys, got '{line}'");
                keys = fields[1..];
                continue;
            }
            if (fields.Length != keys.Length + 1)
                throw Bad(path, number, $"expected {keys.Length + 1} fields (epoch, {string.Join(", ", keys)}), got {fields.Length}");
            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) || epoch < 1
                || (history.Epochs.Count > 0 && epoch <= history.Epochs[^1]))
                throw Bad(path, number, $"expected an epoch number above {(history.Epochs.Count > 0 ? history.Epochs[^1] : 0)}, got '{fields[0]}'");
            var logs = new Dictionary<string, double>(keys.Length);
            for (int k = 0; k < keys.Length; k++)
                logs[keys[k]] = double.TryParse(fields[k + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
                    : throw Bad(path, number, $"'{keys[k]}' is '{fields[k + 1]}', not a number");
            history.Append(epoch, logs);
        }
        // A header alone still fixes the columns.
        if (keys is not null && history.Epochs.Count == 0)
            foreach (var key in keys)
            {
                history.order.Add(key);
                history.values[key] = [];
            }
        return history;
    }

    static InvalidDataException Bad(string path, int line, string what) => new($"{path}: line {line}: not a history written by CsvLogger: {what}.");

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
