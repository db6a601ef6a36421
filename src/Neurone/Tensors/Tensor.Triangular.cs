using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// The lower triangle of the last two dimensions (every matrix of a batch): elements at row i, column j with
    /// j − i ≤ <paramref name="diagonal"/> are kept, the rest are 0 (PyTorch's <c>tril</c>; diagonal 0 is the
    /// main diagonal, positive values keep more above it, negative ones fewer). A copy; the gradient is masked the same way.
    /// </summary>
    public Tensor Tril(int diagonal = 0) => Triangle("tril", diagonal, lower: true);

    /// <summary>
    /// The upper triangle of the last two dimensions: elements with j − i ≥ <paramref name="diagonal"/> are
    /// kept, the rest are 0 (PyTorch's <c>triu</c>). A copy; the gradient is masked the same way.
    /// </summary>
    public Tensor Triu(int diagonal = 0) => Triangle("triu", diagonal, lower: false);

    Tensor Triangle(string op, int diagonal, bool lower)
    {
        if (Rank < 2) throw new ArgumentException($"{op}: expected a tensor with at least 2 dimensions, got shape {Shapes.Format(shape)}.");
        var r = Uninitialized(shape);
        KeepTriangle(this, r, diagonal, lower);
        return Graph.Record(r, op, [this], g =>
        {
            var d = Uninitialized(shape);
            KeepTriangle(g, d, diagonal, lower);
            return [d];
        });
    }

    /// <summary>Copies each row's kept run of x into y and zeroes the rest (x and y of one shape, rank ≥ 2).</summary>
    static void KeepTriangle(Tensor x, Tensor y, int diagonal, bool lower)
    {
        int rows = x.shape[^2], cols = x.shape[^1];
        var src = x.AsReadOnlySpan();
        var dst = y.AsSpan();
        int matrices = rows * cols == 0 ? 0 : x.Count / (rows * cols);
        for (int b = 0; b < matrices; b++)
            for (int i = 0; i < rows; i++)
            {
                int at = (b * rows + i) * cols;
                // Row i keeps columns [0, i + diagonal] (lower) or [i + diagonal, cols) (upper), clipped to the row.
                long edge = (long)i + diagonal;
                int from = lower ? 0 : (int)Math.Clamp(edge, 0, cols);
                int to = lower ? (int)Math.Clamp(edge + 1, 0, cols) : cols;
                var row = dst.Slice(at, cols);
                row[..from].Clear();
                src.Slice(at + from, to - from).CopyTo(row[from..to]);
                row[to..].Clear();
            }
    }
}
