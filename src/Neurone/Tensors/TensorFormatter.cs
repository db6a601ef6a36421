using System.Globalization;
using System.Text;

namespace Neurone.Tensors;

/// <summary>
/// Readable text for a tensor, nested brackets as PyTorch prints them. Large tensors show only
/// their first and last few entries per dimension so printing never floods a console. Int64 and bool
/// tensors print their integers and True/False and end with their dtype, as PyTorch marks a non-default dtype.
/// </summary>
internal static class TensorFormatter
{
    const int SummarizeAbove = 1000;
    const int EdgeItems = 3;

    public static string Format(Tensor t)
    {
        var sb = new StringBuilder("tensor(");
        bool summarize = t.Count > SummarizeAbove;
        var data = new string[t.Count];
        switch (t.DType)
        {
            case DType.Int64: { var x = t.AsLongSpan(); for (int i = 0; i < data.Length; i++) data[i] = x[i].ToString(CultureInfo.InvariantCulture); break; }
            case DType.Bool: { var x = t.AsBoolSpan(); for (int i = 0; i < data.Length; i++) data[i] = x[i] ? "True" : "False"; break; }
            default: { var x = t.AsReadOnlySpan(); for (int i = 0; i < data.Length; i++) data[i] = Number(x[i]); break; }
        }
        var strides = Shapes.Strides(t.Shape);
        int width = 0;
        foreach (string v in data) width = Math.Max(width, v.Length);
        if (summarize) width = Math.Min(width, 10);
        AppendDim(sb, data, t.Shape, strides, 0, 0, summarize, width, indent: 7);
        sb.Append(", shape=").Append(Shapes.Format(t.Shape));
        if (t.DType != DType.Float32) sb.Append(", dtype=").Append(t.DType);
        sb.Append(')');
        return sb.ToString();
    }

    static string Number(float v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    static void AppendDim(StringBuilder sb, string[] data, ReadOnlySpan<int> shape, int[] strides,
        int dim, int start, bool summarize, int width, int indent)
    {
        if (dim == shape.Length)
        {
            sb.Append(data[start].PadLeft(width));
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
