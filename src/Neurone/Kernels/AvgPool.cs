using System.Numerics.Tensors;

namespace Neurone.Kernels;

/// <summary>
/// Average pooling over planes (N·C planes of H×W) as PyTorch's defaults: zero padding counted in the
/// divisor (count_include_pad), floor output sizes, so every window divides by kH·kW. Also the adaptive form
/// (output size given; bin i covers ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ and divides by its own size). Planes are split
/// over the kernel workers; outputs are independent, so results never depend on the split.
/// </summary>
public static unsafe class AvgPool
{
    /// <summary>Windowed average pooling (dilation is ignored: PyTorch's AvgPool has none).</summary>
    public static void Forward(in WindowGeometry g, int planes, ReadOnlySpan<float> input, Span<float> output)
    {
        Check(g, planes, input.Length, output.Length);
        fixed (float* x = input, y = output) Job.Current.Run(g, planes, x, y, adaptive: false, backward: false);
    }

    /// <summary>Gradient of <see cref="Forward"/>: every input receives its windows' gradients over kH·kW.</summary>
    public static void Backward(in WindowGeometry g, int planes, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        Check(g, planes, gradInput.Length, gradOutput.Length);
        fixed (float* gx = gradInput, gy = gradOutput) Job.Current.Run(g, planes, gx, gy, adaptive: false, backward: true);
    }

    /// <summary>Adaptive average pooling from H×W to OH×OW (in <paramref name="g"/>'s sizes; its window fields are unused).</summary>
    public static void AdaptiveForward(in WindowGeometry g, int planes, ReadOnlySpan<float> input, Span<float> output)
    {
        Check(g, planes, input.Length, output.Length);
        fixed (float* x = input, y = output) Job.Current.Run(g, planes, x, y, adaptive: true, backward: false);
    }

    /// <summary>Gradient of <see cref="AdaptiveForward"/>.</summary>
    public static void AdaptiveBackward(in WindowGeometry g, int planes, ReadOnlySpan<float> gradOutput, Span<float> gradInput)
    {
        Check(g, planes, gradInput.Length, gradOutput.Length);
        fixed (float* gx = gradInput, gy = gradOutput) Job.Current.Run(g, planes, gx, gy, adaptive: true, backward: true);
    }

    static void Check(in WindowGeometry g, int planes, int inputLength, int outputLength)
    {
        g.Check("avg pool");
        int inPlane = g.InPlane, outPlane = g.OutPlane;
        if (inputLength != (long)planes * inPlane || outputLength != (long)planes * outPlane)
            throw new ArgumentException($"avg pool: got {inputLength} input and {outputLength} output elements, expected {planes} planes of {inPlane} and of {outPlane}.");
    }

    /// <summary>The rows (or columns) bin <paramref name="i"/> covers, and for windows the start before clipping.</summary>
    static (int Start, int End) Bin(in WindowGeometry g, bool adaptive, bool rows, int i)
    {
        int size = rows ? g.Height : g.Width, outSize = rows ? g.OutHeight : g.OutWidth;
        if (adaptive) return ((int)((long)i * size / outSize), (int)(((long)(i + 1) * size + outSize - 1) / outSize));
        int start = i * (rows ? g.StrideH : g.StrideW) - (rows ? g.PadH : g.PadW);
        return (start, start + (rows ? g.KernelH : g.KernelW));
    }

    sealed class Job : IParallelWork
    {
        [ThreadStatic] static Job? current;
        public static Job Current => current ??= new Job();

        WindowGeometry g;
        int planes, parts;
        float* x, y;
        bool adaptive, backward;

        public void Run(in WindowGeometry geometry, int n, float* input, float* output, bool adaptive, bool backward)
        {
            g = geometry; planes = n; x = input; y = output; this.adaptive = adaptive; this.backward = backward;
            parts = (long)n * g.InPlane < (1 << 16) ? 1 : Math.Min(n, Parallelism.Threads);
            try { WorkerPool.Run(this, parts); }
            finally { x = y = null; }
        }

        public void Execute(int part)
        {
            int first = (int)((long)part * planes / parts), last = (int)((long)(part + 1) * planes / parts);
            for (int c = first; c < last; c++)
            {
                float* xp = x + (nint)c * g.InPlane, yp = y + (nint)c * g.OutPlane;
                if (backward) new Span<float>(xp, g.InPlane).Clear();
                for (int oh = 0; oh < g.OutHeight; oh++)
                {
                    var (h0, h1) = Bin(g, adaptive, true, oh);
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        var (w0, w1) = Bin(g, adaptive, false, ow);
                        // Windows divide by their full size (padding counts); adaptive bins by their own.
                        float divisor = (h1 - h0) * (w1 - w0);
                        // Clipped to the plane; a window wholly in the padding (only a geometry built by hand has one)
                        // covers nothing.
                        int hs = Math.Max(h0, 0), he = Math.Min(h1, g.Height), ws = Math.Max(w0, 0), we = Math.Max(ws, Math.Min(w1, g.Width));
                        if (backward)
                        {
                            float share = yp[oh * g.OutWidth + ow] / divisor;
                            for (int h = hs; h < he; h++)
                            {
                                var row = new Span<float>(xp + h * g.Width + ws, we - ws);
                                TensorPrimitives.Add(row, share, row);
                            }
                        }
                        else
                        {
                            float sum = 0f;
                            for (int h = hs; h < he; h++) sum += TensorPrimitives.Sum(new ReadOnlySpan<float>(xp + h * g.Width + ws, we - ws));
                            yp[oh * g.OutWidth + ow] = sum / divisor;
                        }
                    }
                }
            }
        }
    }
}
