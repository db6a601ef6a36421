namespace Neurone.Kernels;

/// <summary>
/// Lowers a convolution to a matrix product. Pack turns one C×H×W image into the
/// (C·kH·kW)×(OH·OW) column matrix whose row (c, i, j) holds, for every output position, the input under
/// kernel tap (i, j) of channel c (zero where it falls in the padding). Then W[O, C·kH·kW] · columns is the
/// O×OH×OW output already in NCHW order, with no transpose. Unpack is the adjoint (col2im):
/// it adds every column entry back onto the input pixel it came from.
/// </summary>
/// <remarks>
/// Rows are written whole and in order, so the work is a sequence of contiguous copies when the stride is
/// 1 (memmove, vectorised) and a strided gather otherwise; padding is written as explicit zeros at the
/// ends of each row rather than tested per element.
/// </remarks>
public static unsafe class Im2Col
{
    /// <summary>Fills <paramref name="columns"/> ((C·kH·kW)×(OH·OW)) from <paramref name="image"/> (C×H×W).</summary>
    public static void Pack(in WindowGeometry g, int channels, ReadOnlySpan<float> image, Span<float> columns)
    {
        Check(g, channels, image.Length, columns.Length);
        fixed (float* src = image, dst = columns) Pack(g, channels, src, dst);
    }

    /// <summary>Sets <paramref name="image"/> (C×H×W) to the col2im sum of <paramref name="columns"/>.</summary>
    public static void Unpack(in WindowGeometry g, int channels, ReadOnlySpan<float> columns, Span<float> image)
    {
        Check(g, channels, image.Length, columns.Length);
        fixed (float* src = columns, dst = image) Unpack(g, channels, src, dst);
    }

    static void Check(in WindowGeometry g, int channels, int imageLength, int columnsLength)
    {
        long img = (long)channels * g.InPlane, cols = (long)channels * g.KernelArea * g.OutPlane;
        if (imageLength < img) throw new ArgumentException($"im2col: the image has {imageLength} elements, expected {channels}x{g.Height}x{g.Width} = {img}.");
        if (columnsLength < cols) throw new ArgumentException($"im2col: the column matrix has {columnsLength} elements, expected {channels * g.KernelArea}x{g.OutPlane} = {cols}.");
    }

    internal static void Pack(in WindowGeometry g, int channels, float* image, float* columns)
    {
        int oh = g.OutHeight, ow = g.OutWidth, w = g.Width, sw = g.StrideW;
        float* dst = columns;
        for (int c = 0; c < channels; c++)
        {
            float* plane = image + (nint)c * g.InPlane;
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                int rowOffset = ki * g.DilationH - g.PadH;
                var (yLo, yHi) = WindowGeometry.ValidRange(rowOffset, g.StrideH, g.Height, oh);
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    int colOffset = kj * g.DilationW - g.PadW;
                    var (xLo, xHi) = WindowGeometry.ValidRange(colOffset, sw, w, ow);
                    new Span<float>(dst, yLo * ow).Clear();
                    for (int y = yLo; y < yHi; y++)
                    {
                        float* d = dst + y * ow;
                        float* s = plane + (nint)(y * g.StrideH + rowOffset) * w + colOffset;
                        new Span<float>(d, xLo).Clear();
                        if (sw == 1) new ReadOnlySpan<float>(s + xLo, xHi - xLo).CopyTo(new Span<float>(d + xLo, xHi - xLo));
                        else for (int x = xLo; x < xHi; x++) d[x] = s[x * sw];
                        new Span<float>(d + xHi, ow - xHi).Clear();
                    }
                    new Span<float>(dst + yHi * ow, (oh - yHi) * ow).Clear();
                    dst += oh * ow;
                }
            }
        }
    }

    internal static void Unpack(in WindowGeometry g, int channels, float* columns, float* image)
    {
        int oh = g.OutHeight, ow = g.OutWidth, w = g.Width, sw = g.StrideW;
        new Span<float>(image, channels * g.InPlane).Clear();
        float* src = columns;
        for (int c = 0; c < channels; c++)
        {
            float* plane = image + (nint)c * g.InPlane;
            for (int ki = 0; ki < g.KernelH; ki++)
            {
                int rowOffset = ki * g.DilationH - g.PadH;
                var (yLo, yHi) = WindowGeometry.ValidRange(rowOffset, g.StrideH, g.Height, oh);
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    int colOffset = kj * g.DilationW - g.PadW;
                    var (xLo, xHi) = WindowGeometry.ValidRange(colOffset, sw, w, ow);
                    for (int y = yLo; y < yHi; y++)
                    {
                        float* s = src + y * ow;
                        float* d = plane + (nint)(y * g.StrideH + rowOffset) * w + colOffset;
                        if (sw == 1)
                        {
                            var target = new Span<float>(d + xLo, xHi - xLo);
                            System.Numerics.Tensors.TensorPrimitives.Add(target, new ReadOnlySpan<float>(s + xLo, xHi - xLo), target);
                        }
                        else for (int x = xLo; x < xHi; x++) d[x * sw] += s[x];
                    }
                    src += oh * ow;
                }
            }
        }
    }
}
