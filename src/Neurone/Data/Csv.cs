using System.Globalization;
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
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "csv: expected a class count ≥ 0 (0: the targets are not classes).");
        return Load(() => DataFiles.OpenRead(path), path, labelColumn, classes, inferClasses: false, hasHeader, delimiter);
    }

    /// <summary>
    /// Reads a table from a stream (a resource, a network response): <paramref name="name"/> decides the
    /// decompression and delimiter by its extension, as a path would, and names the table in errors.
    /// </summary>
    public static TensorDataset Load(Stream stream, string name, int labelColumn = -1, int classes = 0, bool? hasHeader = null, char? delimiter = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "csv: expected a class count ≥ 0 (0: the targets are not classes).");
        return Load(() => DataFiles.Decompressing(stream, name), name, labelColumn, classes, inferClasses: false, hasHeader, delimiter);
    }

    /// <summary>
    /// Reads a table whose label column holds class indices. Every label must be a whole number in
    /// [0, classes), checked exactly (as an integer, whatever its size) and reported with its file and
    /// line. With <paramref name="classes"/> 0 the count is the largest label + 1, and an implausible
    /// count is refused: one above <see cref="PlausibleClasses"/> and above ten times the number of
    /// distinct labels, which almost always means a regression target or an identifier was read as the
    /// label (a 20-row file with the label 10,000,000 would otherwise build a ten-million-class model).
    /// Give the count to accept any.
    /// </summary>
    public static TensorDataset LoadClassification(string path, int labelColumn = -1, int classes = 0, bool? hasHeader = null, char? delimiter = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (classes < 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "csv: expected a class count ≥ 0 (0: the largest label + 1).");
        return Load(() => DataFiles.OpenRead(path), path, labelColumn, classes, inferClasses: classes == 0, hasHeader, delimiter);
    }

    /// <summary>A class count <see cref="LoadClassification"/> infers without question, however few distinct labels it saw.</summary>
    public const int PlausibleClasses = 1000;

    static TensorDataset Load(Func<Stream> open, string path, int labelColumn, int classes, bool inferClasses, bool? hasHeader, char? delimiter)
    {
        string bare = path;
        foreach (var ext in new[] { ".gz", ".bz2" })
            if (bare.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) bare = bare[..^ext.Length];
        char sep = delimiter ?? (bare.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',');
        bool classLabels = classes > 0 || inferClasses;
        var features = new List<float>();
        var values = new List<float>();
        var labels = new List<long>();
        var distinct = new HashSet<long>();
        long largest = -1;
        int largestLine = 0;
        int width = -1, label = 0;
        bool first = true;
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
                if (hasHeader ?? looksLikeHeader) continue;
            }
            if (fields.Length != width)
                throw DataFiles.Bad(path, $"line {line}: expected {width} fields separated by '{Show(sep)}', got {fields.Length}.");
            for (int c = 0; c < width; c++)
            {
                if (c != label)
                {
                    features.Add(TextLines.Parse(fields[c].AsSpan().Trim(), path, line, c + 1, "a feature"));
                    continue;
                }
                if (!classLabels)
                {
                    values.Add(TextLines.Parse(fields[c].AsSpan().Trim(), path, line, c + 1, "the label"));
                    continue;
                }
                long index = ClassLabel(fields[c].AsSpan().Trim(), classes, path, line, c + 1);
                labels.Add(index);
                distinct.Add(index);
                if (index > largest) (largest, largestLine) = (index, line);
            }
        }
        int n = classLabels ? labels.Count : values.Count;
        if (n == 0) throw DataFiles.Bad(path, "expected at least one data row, found none.");
        if (inferClasses)
        {
            long inferred = largest + 1;
            if (inferred > PlausibleClasses && inferred > 10L * distinct.Count)
                throw DataFiles.Bad(path, $"line {largestLine}: label {largest} would make {inferred} classes, but the {n} rows hold only {distinct.Count} distinct labels. " +
                    $"Class labels must be indices 0 … C-1: renumber them, or choose the right label column; if {inferred} classes is right, give the class count explicitly (neurone train: --classes {inferred}).");
            classes = (int)inferred;
        }
        var x = Tensor.FromArray(features.ToArray(), n, width - 1);
        return classLabels
            ? new TensorDataset(x, Tensor.FromLongs(labels.ToArray(), n), classes)
            : new TensorDataset(x, Tensor.FromArray(values.ToArray(), n));
    }

    /// <summary>
    /// A label field as a class index, checked in integers: a whole number ≥ 0, below
    /// <paramref name="classes"/> when that is given (labels are Int64, so every such index is exact).
    /// </summary>
    static long ClassLabel(ReadOnlySpan<char> field, int classes, string path, int line, int column)
    {
        string range = classes > 0 ? $"a whole number in [0, {classes})" : "a whole number ≥ 0";
        // Parsed as a double, which holds every integer up to 2^53 exactly, so nothing is rounded before the checks.
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw DataFiles.Bad(path, $"line {line}, field {column}: expected a class label ({range}), got '{field.ToString()}'.");
        string shown = v.ToString("R", CultureInfo.InvariantCulture);
        if (v < 0 || v != Math.Floor(v))
            throw DataFiles.Bad(path, $"line {line}: label {shown} is not a class index; expected {range}.");
        if (v >= int.MaxValue || (classes > 0 && (long)v >= classes))
            throw DataFiles.Bad(path, $"line {line}: label {shown} is outside the class range; expected {range}.");
        return (long)v;
    }

    static string Show(char c) => c == '\t' ? "\\t" : c.ToString();
}
