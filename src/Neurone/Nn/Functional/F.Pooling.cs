using System.Buffers;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    // Pooling of N×C×L and N×C×H×W inputs, each forward with its backward right beneath: max pooling keeps the
    // winners' indices for a scatter (the first maximum of a window wins, as PyTorch); average pooling spreads the
    // gradient evenly. Floor output sizes; padding at most half the kernel, as PyTorch. A 1-D signal is a plane
    // of height 1.

    /// <summary>1-D max pooling of an N×C×L input (PyTorch's <c>F.max_pool1d</c>): padding reads as −∞; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1)
    {
        int s = stride ?? kernelSize;
        Func<string> name = () => $"MaxPool1d(kernel_size={kernelSize}, stride={s}, padding={padding}, dilation={dilation}) on input {Shapes.Format(input.Shape)}";
        CheckPooling(name, kernelSize, s, padding, dilation);
        if (input.Rank != 3)
            throw new ArgumentException($"{name()}: expected input N×C×L, got shape {Shapes.Format(input.Shape)}.");
        int n = input.Size(0), c = input.Size(1);
        var g = WindowGeometry.Create(name, 1, input.Size(2), 1, kernelSize, 1, s, 0, padding, 1, dilation);
        return MaxPool(input, g, n * c, [n, c, g.OutWidth]);
    }

    /// <summary>2-D max pooling of an N×C×H×W input over k×k windows (PyTorch's <c>F.max_pool2d</c>): padding reads as −∞; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"MaxPool2d(kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation}): expected input N×C×H×W, got shape {Shapes.Format(input.Shape)}.");
        var g = MaxPool2dGeometry(input.ShapeRef, kernelSize, stride ?? kernelSize, padding, dilation);
        return MaxPool(input, g, input.Size(0) * input.Size(1), [input.Size(0), input.Size(1), g.OutHeight, g.OutWidth]);
    }

    /// <summary>Where 2-D max pooling's windows fall on an input of <paramref name="shape"/> (N×C×H×W), checked.</summary>
    static WindowGeometry MaxPool2dGeometry(int[] shape, int kernelSize, int stride, int padding, int dilation)
    {
        Func<string> name = () => $"MaxPool2d(kernel_size={kernelSize}, stride={stride}, padding={padding}, dilation={dilation}) on input {Shapes.Format(shape)}";
        CheckPooling(name, kernelSize, stride, padding, dilation);
        return WindowGeometry.Create(name, shape[2], shape[3], kernelSize, kernelSize, stride, stride, padding, padding, dilation, dilation);
    }

    static Tensor MaxPool(Tensor input, WindowGeometry g, int planes, int[] outShape)
    {
        var y = Tensor.Uninitialized(outShape);
        // The winners' indices are read only by the backward: rented, and returned when the graph is freed.
        int count = y.Count;
        var indices = ArrayPool<int>.Shared.Rent(count);
        Kernels.MaxPool.Forward(g, planes, input.AsReadOnlySpan(), y.AsSpan(), indices.AsSpan(0, count));
        return Graph.RecordWithRelease(y, "max_pool", [input], grad =>
        {
            var dx = Tensor.Uninitialized(input.ShapeArray());
            Kernels.MaxPool.Backward(g, planes, grad.AsReadOnlySpan(), indices.AsSpan(0, count), dx.AsSpan());
            return [dx];
        }, () => ArrayPool<int>.Shared.Return(indices));
    }

    /// <summary>
    /// 2-D average pooling of an N×C×H×W input over k×k windows (PyTorch's <c>F.avg_pool2d</c> with its defaults:
    /// zero padding counts in the average, floor output sizes); <paramref name="stride"/> defaults to the kernel size.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, int kernelSize, int? stride = null, int padding = 0)
    {
        int s = stride ?? kernelSize;
        Func<string> name = () => $"AvgPool2d(kernel_size={kernelSize}, stride={s}, padding={padding}) on input {Shapes.Format(input.Shape)}";
        CheckPooling(name, kernelSize, s, padding, 1);
        if (input.Rank != 4)
            throw new ArgumentException($"{name()}: expected input N×C×H×W, got shape {Shapes.Format(input.Shape)}.");
        int n = input.Size(0), c = input.Size(1);
        var g = WindowGeometry.Create(name, input.Size(2), input.Size(3), kernelSize, kernelSize, s, s, padding, padding, 1, 1);
        return AvgPool(input, g, n * c, [n, c, g.OutHeight, g.OutWidth], adaptive: false);
    }

    /// <summary>
    /// Averages an N×C×H×W input down to N×C×<paramref name="outputHeight"/>×<paramref name="outputWidth"/> whatever H
    /// and W are (PyTorch's <c>F.adaptive_avg_pool2d</c> and its bins: bin i covers rows ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉, so
    /// bins may overlap). The width defaults to the height; 1×1 is global average pooling.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int outputHeight, int? outputWidth = null)
    {
        int ow = outputWidth ?? outputHeight;
        if (outputHeight < 1 || ow < 1)
            throw new ArgumentOutOfRangeException(nameof(outputHeight), $"AdaptiveAvgPool2d: expected a positive output size, got {outputHeight}x{ow}.");
        if (input.Rank != 4 || input.Size(2) < 1 || input.Size(3) < 1)
            throw new ArgumentException($"AdaptiveAvgPool2d(output_size=({outputHeight}, {ow})): expected input N×C×H×W with H, W ≥ 1, got shape {Shapes.Format(input.Shape)}.");
        int n = input.Size(0), c = input.Size(1);
        var g = new WindowGeometry(input.Size(2), input.Size(3), 1, 1, 1, 1, 0, 0, 1, 1, outputHeight, ow);
        return AvgPool(input, g, n * c, [n, c, outputHeight, ow], adaptive: true);
    }

    static Tensor AvgPool(Tensor input, WindowGeometry g, int planes, int[] outShape, bool adaptive)
    {
        var y = Tensor.Uninitialized(outShape);
        if (adaptive) Kernels.AvgPool.AdaptiveForward(g, planes, input.AsReadOnlySpan(), y.AsSpan());
        else Kernels.AvgPool.Forward(g, planes, input.AsReadOnlySpan(), y.AsSpan());
        return Graph.Record(y, adaptive ? "adaptive_avg_pool" : "avg_pool", [input], grad =>
        {
            var dx = Tensor.Uninitialized(input.ShapeArray());
            if (adaptive) Kernels.AvgPool.AdaptiveBackward(g, planes, grad.AsReadOnlySpan(), dx.AsSpan());
            else Kernels.AvgPool.Backward(g, planes, grad.AsReadOnlySpan(), dx.AsSpan());
            return [dx];
        });
    }

    static void CheckPooling(Func<string> name, int kernelSize, int stride, int padding, int dilation)
    {
        if (kernelSize < 1 || stride < 1 || dilation < 1 || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{name()}: expected kernel_size, stride, dilation ≥ 1 and padding ≥ 0.");
        if (padding > kernelSize / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{name()}: padding {padding} must be at most half the kernel size {kernelSize}.");
    }
}
