using System.Globalization;
using System.Text;

namespace Neurone.Tensors;

/// <summary>
/// Readable text for a tensor, nested brackets as PyTorch prints them. Large tensors show only
/// their first and last few entries per dimension so printing never floods a console.
/// </summary>
internal static class TensorFormatter
{
    const int SummarizeAbove = 1000;
    const int EdgeItems = 3;

    public static string Format(Tensor t)
    {
        var sb = new StringBuilder("tensor(");
        bool summarize = t.Count > SummarizeAbove;
        var data = t.AsReadOnlySpan();
        var strides = Shapes.Strides(t.Shape);
        int width = 0;
        foreach (float v in data) width = Math.Max(width, Number(v).Length);
        if (summarize) width = Math.Min(width, 10);
        AppendDim(sb, data, t.Shape, strides, 0, 0, summarize, width, indent: 7);
        sb.Append(", shape=").Append(Shapes.Format(t.Shape)).Append(')');
        return sb.ToString();
    }

    static string Number(float v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    static void AppendDim(StringBuilder sb, ReadOnlySpan<float> data, ReadOnlySpan<int> shape, int[] strides,
        int dim, int start, bool summarize, int width, int indent)
    {
        if (dim == shape.Length)
        {
            sb.Append(Number(data[start]).PadLeft(width));
            return;
        }
        sb.Append('[');
        int n = shape[dim];
        bool last = dim == shape.Length - 1;
        for (int i = 0; i < n; i++)
        {
            if (summarize && n > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append(last ? "..., " : "...,\n" + new string(' ', indent + dim + 1));
                i = n - EdgeItems - 1;
                continue;
            }
            AppendDim(sb, data, shape, strides, dim + 1, start + i * strides[dim], summarize, width, indent);
            if (i < n - 1)
                sb.Append(last ? ", " : ",\n" + new string(' ', indent + dim + 1));
        }
        sb.Append(']');
    }
}
