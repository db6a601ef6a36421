namespace Neurone.Analysis;

/// <summary>
/// A symmetric sparse matrix in compressed-row form: row i's columns are
/// <c>Columns[RowStart[i]..RowStart[i+1])</c>, sorted ascending, with <c>Values</c> alongside. t-SNE keeps its
/// joint probabilities P here for Barnes–Hut.
/// </summary>
internal sealed class SparseAffinities(int[] rowStart, int[] columns, double[] values)
{
    public int[] RowStart { get; } = rowStart;
    public int[] Columns { get; } = columns;
    public double[] Values { get; } = values;
    public int Rows => RowStart.Length - 1;
}
