using System.Globalization;

namespace Neurone.Data;

/// <summary>
/// Line-by-line reading and number parsing for the text formats (CSV/TSV, LIBSVM, the ESL digit
/// files): numbers are read with the invariant culture whatever the machine's locale, and a bad field
/// is reported with its file, line and column.
/// </summary>
internal static class TextLines
{
    public static IEnumerable<(int Line, string Text)> Read(string path) => Read(() => DataFiles.OpenRead(path), path);

    /// <summary>Lines of the stream <paramref name="open"/> returns; <paramref name="path"/> names it in errors.</summary>
    public static IEnumerable<(int Line, string Text)> Read(Func<Stream> open, string path)
    {
        using var stream = open();
        using var reader = new StreamReader(stream);
        int number = 0;
        while (true)
        {
            string? line;
            try { line = reader.ReadLine(); }
            catch (InvalidDataException e) { throw DataFiles.Bad(path, $"corrupt compressed data after line {number} ({e.Message})."); }
            catch (ICSharpCode.SharpZipLib.SharpZipBaseException e) { throw DataFiles.Bad(path, $"corrupt compressed data after line {number} ({e.Message})."); }
            catch (EndOfStreamException e) { throw DataFiles.Bad(path, $"truncated compressed data after line {number} ({e.Message})."); }
            if (line is null) yield break;
            number++;
            yield return (number, line);
        }
    }

    public static float Parse(ReadOnlySpan<char> field, string path, int line, int column, string what)
    {
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
            throw DataFiles.Bad(path, $"line {line}, field {column}: expected a finite number for {what}, got '{field.ToString()}'.");
        return v;
    }

    public static bool IsNumber(ReadOnlySpan<char> field) =>
        float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>A value meant as a class label, as an Int64 label: a whole number in [0, classes), or an error naming file and line.</summary>
    public static long ClassLabel(float label, int classes, string path, int line)
    {
        if (!(label >= 0 && label == MathF.Floor(label) && (double)label < classes))
            throw DataFiles.Bad(path, $"line {line}: label {label.ToString(CultureInfo.InvariantCulture)} is outside the class range; expected a whole number in [0, {classes}).");
        return (long)label;
    }
}
