namespace Neurone.Kernels;

/// <summary>Out-of-place matrix transpose, tiled so both the reads and the writes stay in cache.</summary>
public static class Transpose
{
    const int Tile = 32;

    /// <summary>dst (cols×rows) = transpose of src (rows×cols), both contiguous row-major.</summary>
    public static void Copy(ReadOnlySpan<float> src, int rows, int cols, Span<float> dst)
    {
        if (rows < 0 || cols < 0) throw new ArgumentException($"transpose: expected non-negative sizes, got {rows}x{cols}.");
        long n = (long)rows * cols;
        if (src.Length < n || dst.Length < n)
            throw new ArgumentException($"transpose: a {rows}x{cols} matrix needs {n} elements, got source {src.Length} and destination {dst.Length}.");
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(rows, i0 + Tile);
            for (int j0 = 0; j0 < cols; j0 += Tile)
            {
                int j1 = Math.Min(cols, j0 + Tile);
                for (int i = i0; i < i1; i++)
                    for (int j = j0; j < j1; j++)
                        dst[j * rows + i] = src[i * cols + j];
            }
        }
    }
}
