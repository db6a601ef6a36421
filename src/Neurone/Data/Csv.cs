using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// A numeric CSV or TSV table (optionally .gz or .bz2) as a <see cref="TensorDataset"/>: one sample per
/// row, one column chosen as the target and every other column a feature. The delimiter defaults to a
/// tab for .tsv files and a comma otherwise; a header row is detected when the first row has a
/// non-numeric field. With <c>classes</c> set, targets must be whole numbers in [0, classes).
/// Every row must have the same number of fields, and every field must be a number.
/// </summary>
public static class Csv
{
    /// <summary>
    /// Reads <paramref name="path"/>; <paramref name="labelColumn"/> counts from 0, negative from the end
    /// (-1, the default, is the last column, as in scikit-learn's digits file).
    /// </summary>
    public static TensorDataset Load(string path, int labelColumn = -1, int classes = 0, bool? hasHeader = null, char? delimiter = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(() => DataFiles.OpenRead(path), path, labelColumn, classes, hasHeader, delimiter);
    }

    /// <summary>
    /// Reads a table from a stream (a resource, a network response): <paramref name="name"/> decides the
    /// decompression and delimiter by its extension, as a path would, and names the table in errors.
    /// </summary>
    public static TensorDataset Load(Stream stream, string name, int labelColumn = -1, int classes = 0, bool? hasHeader = null, char? delimiter = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        return Load(() => DataFiles.Decompressing(stream, name), name, labelColumn, classes, hasHeader, delimiter);
    }

    static TensorDataset Load(Func<Stream> open, string path, int labelColumn, int classes, bool? hasHeader, char? delimiter)
    {
        string bare = path;
        foreach (var ext in new[] { ".gz", ".bz2" })
            if (bare.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) bare = bare[..^ext.Length];
        char sep = delimiter ?? (bare.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',');
        var features = new List<float>();
        var labels = new List<float>();
        int width = -1, label = 0;
        bool first = true;
        string[]? header = null;
        foreach (var (line, text) in TextLines.Read(open, path))
        {
            if (text.Length == 0 || (text.Trim().Length == 0)) continue;
            var fields = text.Split(sep);
            if (first)
            {
                first = false;
                width = fields.Length;
                if (width < 2) throw DataFiles.Bad(path, $"line {line}: expected at least 2 fields separated by '{Show(sep)}' (features and a label), got {width}.");
                label = labelColumn < 0 ? width + labelColumn : labelColumn;
                if (label < 0 || label >= width) throw new ArgumentOutOfRangeException(nameof(labelColumn), $"csv: label column {labelColumn} is outside the {width} columns of {path}.");
                bool looksLikeHeader = fields.Any(f => !TextLines.IsNumber(f.Trim()));
                if (hasHeader ?? looksLikeHeader)
                {
                    header = fields;
                    continue;
                }
            }
            if (fields.Length != width)
                throw DataFiles.Bad(path, $"line {line}: expected {width} fields separated by '{Show(sep)}', got {fields.Length}.");
            for (int c = 0; c < width; c++)
            {
                float v = TextLines.Parse(fields[c].AsSpan().Trim(), path, line, c + 1, c == label ? "the label" : "a feature");
                if (c == label)
                {
                    if (classes > 0) TextLines.CheckLabel(v, classes, path, line);
                    labels.Add(v);
                }
                else features.Add(v);
            }
        }
        if (labels.Count == 0) throw DataFiles.Bad(path, "expected at least one data row, found none.");
        _ = header;
        int n = labels.Count;
        return new TensorDataset(Tensor.FromArray(features.ToArray(), n, width - 1), Tensor.FromArray(labels.ToArray(), n), classes);
    }

    static string Show(char c) => c == '\t' ? "\\t" : c.ToString();
}
