namespace Neurone.Kernels;

/// <summary>
/// Where a sliding window (a convolution kernel or a pooling window) lands on one H×W plane: kernel size,
/// stride, leading zero padding and dilation per axis, and the output size. A 1-D signal is a plane of
/// height 1 with a 1-high window, so every 1-D kernel is the 2-D kernel. The output size is stored, not
/// derived, because "same" padding may pad more at the end than at the start (the trailing padding is
/// implicit: positions past the input read as padding).
/// </summary>
public readonly record struct WindowGeometry(
    int Height, int Width, int KernelH, int KernelW, int StrideH, int StrideW,
    int PadH, int PadW, int DilationH, int DilationW, int OutHeight, int OutWidth)
{
    /// <summary>
    /// The geometry with the usual output size ⌊(in + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1, or an
    /// exception naming <paramref name="layer"/> and the sizes when the window does not fit.
    /// </summary>
    public static WindowGeometry Create(string layer, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
        int padH, int padW, int dilationH, int dilationW)
        => Create(() => layer, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW);

    /// <summary>
    /// As <see cref="Create(string, int, int, int, int, int, int, int, int, int, int)"/>, with the layer's name
    /// built only for an error: layers call this on every forward pass, and formatting their description and
    /// the input's shape each time cost more than a small convolution.
    /// </summary>
    public static WindowGeometry Create(Func<string> layer, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
        int padH, int padW, int dilationH, int dilationW)
    {
        int outH = OutputSize(layer, "height", height, kernelH, strideH, padH, padH, dilationH);
        int outW = OutputSize(layer, "width", width, kernelW, strideW, padW, padW, dilationW);
        return new(height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
    }

    /// <summary>
    /// "Same" padding as PyTorch: stride 1, total padding dilation·(k − 1) split with the smaller half first,
    /// so the output has the input's size.
    /// </summary>
    public static WindowGeometry Same(string layer, int height, int width, int kernelH, int kernelW, int dilationH, int dilationW)
        => Same(() => layer, height, width, kernelH, kernelW, dilationH, dilationW);

    /// <summary>As <see cref="Same(string, int, int, int, int, int, int)"/>, with the layer's name built only for an error.</summary>
    public static WindowGeometry Same(Func<string> layer, int height, int width, int kernelH, int kernelW, int dilationH, int dilationW)
    {
        int totalH = dilationH * (kernelH - 1), totalW = dilationW * (kernelW - 1);
        OutputSize(layer, "height", height, kernelH, 1, totalH / 2, totalH - totalH / 2, dilationH);
        OutputSize(layer, "width", width, kernelW, 1, totalW / 2, totalW - totalW / 2, dilationW);
        return new(height, width, kernelH, kernelW, 1, 1, totalH / 2, totalW / 2, dilationH, dilationW, height, width);
    }

    static int OutputSize(Func<string> layer, string axis, int size, int kernel, int stride, int padBefore, int padAfter, int dilation)
    {
        if (size < 1) throw new ArgumentException($"{layer()}: input {axis} is {size}, expected at least 1.");
        int span = dilation * (kernel - 1) + 1;
        int padded = size + padBefore + padAfter;
        if (span > padded)
            throw new ArgumentException($"{layer()}: the window spans {span} along the {axis} (kernel {kernel}, dilation {dilation}) but the padded input {axis} is only {padded} (input {size} + padding {padBefore + padAfter}).");
        return (padded - span) / stride + 1;
    }

    /// <summary>Elements in one input plane.</summary>
    public int InPlane => Height * Width;

    /// <summary>Elements in one output plane (the columns of the im2col matrix).</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Kernel positions (the im2col rows per channel).</summary>
    public int KernelArea => KernelH * KernelW;

    /// <summary>
    /// Where taps [first, first + count) of a C-channel window read, relative to the input under tap 0 (channel 0,
    /// kernel row and column 0), in input order (channel, then kernel row, then column) and unpadded: the table the
    /// direct convolutions and the lowerings walk per tap. Counters, not divisions, per tap.
    /// </summary>
    internal unsafe void TapOffsets(int first, int count, int* offsets)
    {
        int area = KernelArea, c = first / area, ki = (first - c * area) / KernelW, kj = first - c * area - ki * KernelW;
        for (int t = 0; t < count; t++)
        {
            offsets[t] = c * InPlane + ki * DilationH * Width + kj * DilationW;
            if (++kj == KernelW) { kj = 0; if (++ki == KernelH) { ki = 0; c++; } }
        }
    }

    /// <summary>
    /// Rows of padding past the input's last row that the last window row reaches: "same" padding with an even
    /// kernel pads one more at the end than at the start (PyTorch's split), and <see cref="PadH"/> holds only the
    /// start's. 0 when the windows stop inside the input.
    /// </summary>
    public int TrailingPadH => Math.Max(0, (OutHeight - 1) * StrideH + DilationH * (KernelH - 1) + 1 - PadH - Height);

    /// <summary>Columns of padding past the input's last column that the last window column reaches (see <see cref="TrailingPadH"/>).</summary>
    public int TrailingPadW => Math.Max(0, (OutWidth - 1) * StrideW + DilationW * (KernelW - 1) + 1 - PadW - Width);

    /// <summary>
    /// True when every window lies wholly inside the input: no padding at the start and none reached past the end.
    /// The fast paths that read a window's row as one run of the input (the direct convolution, the one-vector
    /// im2col and the lowered panels, paired pooling) need it; a leading padding of 0 alone is not enough, since
    /// an even "same" kernel pads only at the end.
    /// </summary>
    public bool IsUnpadded => PadH == 0 && PadW == 0 && TrailingPadH == 0 && TrailingPadW == 0;

    /// <summary>
    /// Throws, naming <paramref name="kernel"/> and the fields, unless the geometry is one a kernel can run: sizes,
    /// kernel, stride and dilation at least 1, padding at least 0. <see cref="Create(string, int, int, int, int, int, int, int, int, int, int)"/>
    /// and <see cref="Same(string, int, int, int, int, int, int)"/> only make such geometries; this guards the
    /// kernels against one built by hand, whose windows would otherwise be followed outside the buffers.
    /// </summary>
    internal void Check(string kernel)
    {
        if (Height < 1 || Width < 1 || KernelH < 1 || KernelW < 1 || StrideH < 1 || StrideW < 1 || DilationH < 1 || DilationW < 1
            || PadH < 0 || PadW < 0 || OutHeight < 1 || OutWidth < 1)
            throw new ArgumentException($"{kernel}: expected a geometry with sizes, kernel, stride and dilation ≥ 1 and padding ≥ 0, got {this}.");
    }

    /// <summary>True when im2col would copy the input unchanged (1×1 kernel, stride 1, no padding).</summary>
    public bool IsPointwise => KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 && PadH == 0 && PadW == 0
        && OutHeight == Height && OutWidth == Width;

    /// <summary>
    /// The output positions ow whose input column ow·stride + offset lies inside [0, size): [lo, hi).
    /// Everything outside reads padding.
    /// </summary>
    internal static (int Lo, int Hi) ValidRange(int offset, int stride, int size, int outSize)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = size - 1 - offset < 0 ? 0 : Math.Min(outSize, (size - 1 - offset) / stride + 1);
        lo = Math.Min(lo, outSize);
        return (lo, Math.Max(lo, hi));
    }
}
