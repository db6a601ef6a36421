using System.Buffers;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn;

/// <summary>
/// The differentiable pooling ops behind the pooling layers, each forward with its backward right beneath:
/// max pooling keeps the winners' indices for a scatter; average pooling spreads the gradient evenly.
/// </summary>
internal static class PoolingOp
{
    public static Tensor Max(Tensor input, in WindowGeometry g, int planes, int[] outShape)
    {
        var y = Tensor.Uninitialized(outShape);
        // The winners' indices are read only by the backward: rented, and returned when the graph is freed.
        int count = y.Count;
        var indices = ArrayPool<int>.Shared.Rent(count);
        MaxPool.Forward(g, planes, input.AsReadOnlySpan(), y.AsSpan(), indices.AsSpan(0, count));
        var geometry = g;
        return Graph.RecordWithRelease(y, "max_pool", [input], grad =>
        {
            var dx = Tensor.Uninitialized(input.ShapeArray());
            MaxPool.Backward(geometry, planes, grad.AsReadOnlySpan(), indices.AsSpan(0, count), dx.AsSpan());
            return [dx];
        }, () => ArrayPool<int>.Shared.Return(indices));
    }

    public static Tensor Average(Tensor input, in WindowGeometry g, int planes, int[] outShape, bool adaptive)
    {
        var y = Tensor.Uninitialized(outShape);
        if (adaptive) AvgPool.AdaptiveForward(g, planes, input.AsReadOnlySpan(), y.AsSpan());
        else AvgPool.Forward(g, planes, input.AsReadOnlySpan(), y.AsSpan());
        var geometry = g;
        return Graph.Record(y, adaptive ? "adaptive_avg_pool" : "avg_pool", [input], grad =>
        {
            var dx = Tensor.Uninitialized(input.ShapeArray());
            if (adaptive) AvgPool.AdaptiveBackward(geometry, planes, grad.AsReadOnlySpan(), dx.AsSpan());
            else AvgPool.Backward(geometry, planes, grad.AsReadOnlySpan(), dx.AsSpan());
            return [dx];
        });
    }

    /// <summary>PyTorch's rule: padding at most half the kernel, so no window lies wholly in the padding.</summary>
    public static void CheckPadding(string layer, int kernelSize, int padding)
    {
        if (padding > kernelSize / 2)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{layer}: padding {padding} must be at most half the kernel size {kernelSize}.");
    }
}
