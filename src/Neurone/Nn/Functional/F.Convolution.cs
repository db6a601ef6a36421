using System.Buffers;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    // Convolutions (cross-correlation, as PyTorch) of N×C×L and N×C×H×W inputs with weights [out, in, k…] and an
    // optional bias [out]: stride, zero padding (a number on each side, or "same" for an output as large as the
    // input, stride 1 only; an even effective kernel pads one more at the end, as PyTorch) and dilation. A 1-D
    // signal is a plane of height 1, so both run the 2-D kernels (Kernels.Convolution: direct, lowered, Winograd).
    // Each may apply a following ReLU in the same pass over its output; Conv2dReluMaxPool2d also pools.

    /// <summary>1-D convolution of an N×C×L input with a weight [out, C, k] (PyTorch's <c>F.conv1d</c>); with <paramref name="relu"/>, max(conv, 0) in one pass.</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, bool relu = false)
        => Conv1d(input, weight, bias, stride, padding, false, dilation, relu);

    /// <summary>1-D convolution with padding "same" (stride 1) or "valid" (none).</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, string padding, int stride = 1, int dilation = 1, bool relu = false)
        => Conv1d(input, weight, bias, stride, 0, ConvSettings.ParsePadding("conv1d", padding, stride), dilation, relu);

    /// <summary>2-D convolution of an N×C×H×W input with a weight [out, C, kh, kw] (PyTorch's <c>F.conv2d</c>); with <paramref name="relu"/>, max(conv, 0) in one pass.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, bool relu = false)
        => Conv2d(input, weight, bias, stride, padding, false, dilation, relu);

    /// <summary>2-D convolution with padding "same" (stride 1) or "valid" (none).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, string padding, int stride = 1, int dilation = 1, bool relu = false)
        => Conv2d(input, weight, bias, stride, 0, ConvSettings.ParsePadding("conv2d", padding, stride), dilation, relu);

    /// <summary>
    /// max_pool2d(relu(conv2d(input))) as one op: the convolution is cropped to the outputs the pooling reads and
    /// its full-size output is never stored, only the pooled result and the winners' indices. Values and gradients
    /// are those of the three ops in turn. The pooling's stride defaults to its kernel size, as F.MaxPool2d's.
    /// </summary>
    public static Tensor Conv2dReluMaxPool2d(Tensor input, Tensor weight, Tensor? bias, int poolKernelSize, int? poolStride = null, int poolPadding = 0,
        int poolDilation = 1, int stride = 1, int padding = 0, int dilation = 1)
        => Conv2dReluMaxPool2d(input, weight, bias, stride, padding, false, dilation, poolKernelSize, poolStride ?? poolKernelSize, poolPadding, poolDilation);

    /// <summary>As the other overload, with the convolution's padding "same" or "valid".</summary>
    public static Tensor Conv2dReluMaxPool2d(Tensor input, Tensor weight, Tensor? bias, string padding, int poolKernelSize, int? poolStride = null,
        int poolPadding = 0, int poolDilation = 1, int dilation = 1)
        => Conv2dReluMaxPool2d(input, weight, bias, 1, 0, ConvSettings.ParsePadding("conv2d", padding, 1), dilation, poolKernelSize, poolStride ?? poolKernelSize,
            poolPadding, poolDilation);

    /// <summary>Conv1d with padding given as a number or "same" (<paramref name="same"/>), as the layer stores it.</summary>
    internal static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, bool same, int dilation, bool relu)
    {
        if (weight.Rank != 3)
            throw new ArgumentException($"conv1d: expected a weight of shape [out, in, kernel], got {Shapes.Format(weight.Shape)}.");
        int outChannels = weight.Size(0), inChannels = weight.Size(1), k = weight.Size(2);
        Func<string> name = () => Conv1dName(input, weight, bias, stride, padding, same, dilation);
        CheckConvolution(name, 3, "N×{0}×L", input, weight, bias, stride, padding, dilation);
        int n = input.Size(0), length = input.Size(2);
        var g = same
            ? WindowGeometry.Same(name, 1, length, 1, k, 1, dilation)
            : WindowGeometry.Create(name, 1, length, 1, k, 1, stride, 0, padding, 1, dilation);
        return Convolve("conv1d", input, g, n, inChannels, outChannels, weight, bias, [n, outChannels, g.OutWidth], relu);
    }

    /// <summary>Conv2d with padding given as a number or "same" (<paramref name="same"/>), as the layer stores it.</summary>
    internal static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, bool same, int dilation, bool relu)
    {
        var g = Conv2dGeometry(input, weight, bias, stride, padding, same, dilation);
        int n = input.Size(0), outChannels = weight.Size(0);
        return Convolve("conv2d", input, g, n, weight.Size(1), outChannels, weight, bias, [n, outChannels, g.OutHeight, g.OutWidth], relu);
    }

    /// <summary>Conv2dReluMaxPool2d with the convolution's padding given as a number or "same" (<paramref name="same"/>).</summary>
    internal static Tensor Conv2dReluMaxPool2d(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, bool same, int dilation,
        int poolKernelSize, int poolStride, int poolPadding, int poolDilation)
    {
        var g = Conv2dGeometry(input, weight, bias, stride, padding, same, dilation);
        int n = input.Size(0), inChannels = weight.Size(1), outChannels = weight.Size(0);
        int[] convShape = [n, outChannels, g.OutHeight, g.OutWidth];
        var p = MaxPool2dGeometry(convShape, poolKernelSize, poolStride, poolPadding, poolDilation);
        var y = Tensor.Uninitialized([n, outChannels, p.OutHeight, p.OutWidth]);
        // The winners' indices are read only by the backward: rented, and returned when the graph is freed.
        int count = y.Count;
        var indices = ArrayPool<int>.Shared.Rent(count);
        Convolution.ForwardReluMaxPool(g, p, n, inChannels, outChannels, input.AsReadOnlySpan(), weight.AsReadOnlySpan(),
            bias is null ? default : bias.AsReadOnlySpan(), y.AsSpan(), indices.AsSpan(0, count));
        var inputs = bias is null ? new[] { input, weight } : new Tensor[] { input, weight, bias };
        return Graph.RecordWithRelease(y, "conv2d_relu_max_pool", inputs, grad =>
            ConvolutionBackward(grad, input, g, n, inChannels, outChannels, weight, bias,
                (geo, x, w, gy, gx, gw, betaW, gb, betaB) => Convolution.BackwardReluMaxPool(geo, p, n, inChannels, outChannels,
                    x, w, y.AsReadOnlySpan(), indices.AsSpan(0, count), gy, gx, gw, betaW, gb, betaB)),
            () => ArrayPool<int>.Shared.Return(indices));
    }

    static WindowGeometry Conv2dGeometry(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, bool same, int dilation)
    {
        if (weight.Rank != 4)
            throw new ArgumentException($"conv2d: expected a weight of shape [out, in, kernel height, kernel width], got {Shapes.Format(weight.Shape)}.");
        Func<string> name = () => Conv2dName(input, weight, bias, stride, padding, same, dilation);
        CheckConvolution(name, 4, "N×{0}×H×W", input, weight, bias, stride, padding, dilation);
        int h = input.Size(2), w = input.Size(3), kh = weight.Size(2), kw = weight.Size(3);
        return same
            ? WindowGeometry.Same(name, h, w, kh, kw, dilation, dilation)
            : WindowGeometry.Create(name, h, w, kh, kw, stride, stride, padding, padding, dilation, dilation);
    }

    static void CheckConvolution(Func<string> name, int rank, string layout, Tensor input, Tensor weight, Tensor? bias, int stride, int padding, int dilation)
    {
        int outChannels = weight.Size(0), inChannels = weight.Size(1);
        if (outChannels < 1 || inChannels < 1 || stride < 1 || dilation < 1 || padding < 0)
            throw new ArgumentException($"{name()}: expected positive channel counts, stride and dilation ≥ 1 and padding ≥ 0.");
        if (input.Rank != rank || input.Size(1) != inChannels)
            throw new ArgumentException($"{name()}: expected input {string.Format(System.Globalization.CultureInfo.InvariantCulture, layout, inChannels)}, got shape {Shapes.Format(input.Shape)}.");
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != outChannels))
            throw new ArgumentException($"{name()}: expected a bias of shape [{outChannels}], got {Shapes.Format(bias.Shape)}.");
    }

    /// <summary>The op as the layer would describe itself, for errors: "Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))".</summary>
    static string Conv2dName(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, bool same, int dilation) =>
        $"Conv2d({weight.Size(1)}, {weight.Size(0)}, kernel_size=({weight.Size(2)}, {weight.Size(3)}), stride=({stride}, {stride})"
        + (same ? ", padding=same" : padding != 0 ? $", padding=({padding}, {padding})" : "")
        + (dilation != 1 ? $", dilation=({dilation}, {dilation})" : "") + (bias is null ? ", bias=False" : "") + $") on input {Shapes.Format(input.Shape)}";

    static string Conv1dName(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, bool same, int dilation) =>
        $"Conv1d({weight.Size(1)}, {weight.Size(0)}, kernel_size=({weight.Size(2)},), stride=({stride},)"
        + (same ? ", padding=same" : padding != 0 ? $", padding=({padding},)" : "")
        + (dilation != 1 ? $", dilation=({dilation},)" : "") + (bias is null ? ", bias=False" : "") + $") on input {Shapes.Format(input.Shape)}";

    /// <summary>
    /// The convolution through <see cref="Convolution.Forward(in WindowGeometry, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>,
    /// and right beneath it the backward, which writes the weight and bias gradients of leaves straight into their .Grad as F.Linear does.
    /// </summary>
    static Tensor Convolve(string name, Tensor input, WindowGeometry g, int batch, int inChannels, int outChannels,
        Tensor weight, Tensor? bias, int[] outShape, bool relu)
    {
        var y = Tensor.Uninitialized(outShape);
        Convolution.Forward(g, batch, inChannels, outChannels, input.AsReadOnlySpan(), weight.AsReadOnlySpan(),
            bias is null ? default : bias.AsReadOnlySpan(), y.AsSpan(), relu);
        var inputs = bias is null ? new[] { input, weight } : new Tensor[] { input, weight, bias };
        return Graph.Record(y, relu ? name + "_relu" : name, inputs, grad =>
            ConvolutionBackward(grad, input, g, batch, inChannels, outChannels, weight, bias,
                (geo, x, w, gy, gx, gw, betaW, gb, betaB) => Convolution.Backward(geo, batch, inChannels, outChannels, x, w, gy, gx, gw, betaW, gb, betaB,
                    relu ? y.AsReadOnlySpan() : default)));
    }

    /// <summary>One of the convolution's backward kernels, given the spans <see cref="ConvolutionBackward"/> prepares.</summary>
    delegate void ConvolutionBackwardKernel(WindowGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> gradOutput,
        Span<float> gradInput, Span<float> gradWeight, float betaWeight, Span<float> gradBias, float betaBias);

    /// <summary>Allocates the wanted gradients (a leaf's weight and bias straight into .Grad) and runs <paramref name="kernel"/>.</summary>
    static Tensor?[] ConvolutionBackward(Tensor grad, Tensor input, in WindowGeometry g, int batch, int inChannels, int outChannels, Tensor weight, Tensor? bias,
        ConvolutionBackwardKernel kernel)
    {
        Tensor? dx = null, dw = null, db = null;
        Span<float> gx = default, gw = default, gb = default;
        float betaW = 0f, betaB = 0f;
        if (input.RequiresGrad)
        {
            dx = Tensor.Uninitialized(input.ShapeArray());
            gx = dx.AsSpan();
        }
        if (weight.RequiresGrad)
        {
            if (weight.IsLeaf) gw = weight.GradAccumulationBuffer(out betaW);
            else { dw = Tensor.Uninitialized(weight.ShapeArray()); gw = dw.AsSpan(); }
        }
        if (bias is not null && bias.RequiresGrad)
        {
            if (bias.IsLeaf) gb = bias.GradAccumulationBuffer(out betaB);
            else { db = Tensor.Uninitialized(bias.ShapeArray()); gb = db.AsSpan(); }
        }
        kernel(g, input.AsReadOnlySpan(), weight.AsReadOnlySpan(), grad.AsReadOnlySpan(), gx, gw, betaW, gb, betaB);
        return bias is null ? [dx, dw] : [dx, dw, db];
    }
}
