using Neurone.Tensors;

namespace Neurone.Data;

/// <summary>
/// The LIBSVM / svmlight sparse text format (optionally .gz or .bz2): one sample per line,
/// <c>label index:value index:value ...</c> with 1-based increasing indices (0-based with
/// <c>zeroBased</c>), absent indices meaning 0, and <c>#</c> starting a comment. Read into a dense
/// <see cref="TensorDataset"/>; the dense size is checked before allocating, so a stray huge index
/// fails with a message instead of an out-of-memory. Labels are kept as written (LIBSVM's USPS uses
/// 1–10; <see cref="Usps"/> shifts them to 0–9).
/// </summary>
public static class LibSvm
{
    /// <summary>
    /// Reads <paramref name="path"/>. <paramref name="features"/> fixes the width (0: the largest index
    /// seen); <paramref name="maxDenseElements"/> bounds rows × features.
    /// </summary>
    public static TensorDataset Load(string path, int features = 0, bool zeroBased = false, long maxDenseElements = 1L << 28)
    {
        ArgumentNullException.ThrowIfNull(path);
        var labels = new List<float>();
        var rowStart = new List<int> { 0 };
        var cols = new List<int>();
        var values = new List<float>();
        int maxIndex = -1;
        foreach (var (line, raw) in TextLines.Read(path))
        {
            var text = raw.AsSpan();
            int hash = text.IndexOf('#');
            if (hash >= 0) text = text[..hash];
            text = text.Trim();
            if (text.IsEmpty) continue;
            int field = 0;
            int previous = -1;
            foreach (var range in text.SplitAny(' ', '\t'))
            {
                var token = text[range];
                if (token.IsEmpty) continue;
                field++;
                if (field == 1)
                {
                    labels.Add(TextLines.Parse(token, path, line, 1, "the label"));
                    continue;
                }
                int colon = token.IndexOf(':');
                if (colon <= 0) throw DataFiles.Bad(path, $"line {line}, field {field}: expected index:value, got '{token.ToString()}'.");
                if (token[..colon].SequenceEqual("qid")) continue;
                if (!int.TryParse(token[..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
                    throw DataFiles.Bad(path, $"line {line}, field {field}: expected a feature index, got '{token[..colon].ToString()}'.");
                int col = zeroBased ? index : index - 1;
                if (col < 0) throw DataFiles.Bad(path, $"line {line}, field {field}: feature index {index} is below the first index ({(zeroBased ? 0 : 1)}).");
                if (features > 0 && col >= features) throw DataFiles.Bad(path, $"line {line}, field {field}: feature index {index} is beyond the expected {features} features.");
                if (col <= previous) throw DataFiles.Bad(path, $"line {line}, field {field}: feature index {index} does not increase; expected indices in ascending order.");
                previous = col;
                cols.Add(col);
                values.Add(TextLines.Parse(token[(colon + 1)..], path, line, field, $"feature {index}"));
                if (col > maxIndex) maxIndex = col;
            }
            rowStart.Add(cols.Count);
        }
        int n = labels.Count;
        if (n == 0) throw DataFiles.Bad(path, "expected at least one sample, found none.");
        int width = features > 0 ? features : maxIndex + 1;
        if (width <= 0) throw DataFiles.Bad(path, "no sample has any feature; pass the number of features.");
        if ((long)n * width > maxDenseElements)
            throw DataFiles.Bad(path, $"{n} samples × {width} features = {(long)n * width} dense values, more than the limit of {maxDenseElements}; the largest index may be corrupt, or raise maxDenseElements.");
        var x = new Tensor(n, width);
        var xs = x.AsSpan();
        for (int r = 0; r < n; r++)
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) xs[r * width + cols[k]] = values[k];
        return new TensorDataset(x, Tensor.FromArray(labels.ToArray(), n));
    }
}
