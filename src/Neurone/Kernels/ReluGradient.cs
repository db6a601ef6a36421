using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>The gradient through a ReLU: the incoming gradient where the ReLU's output was positive, else 0.</summary>
public static unsafe class ReluGradient
{
    /// <summary>result[i] = output[i] &gt; 0 ? grad[i] : 0; <paramref name="result"/> may be <paramref name="grad"/>.</summary>
    public static void Mask(ReadOnlySpan<float> grad, ReadOnlySpan<float> output, Span<float> result)
    {
        if (grad.Length != output.Length || result.Length != grad.Length)
            throw new ArgumentException($"relu backward: gradient, output and result must have one length, got {grad.Length}, {output.Length} and {result.Length}.");
        fixed (float* g = grad, y = output, r = result) Mask(g, y, r, result.Length);
    }

    internal static void Mask(float* g, float* y, float* r, int length)
    {
        int i = 0;
        // A select on the sign, not a branch: the signs of activations are as good as random.
        if (Vector512.IsHardwareAccelerated)
            for (; i <= length - 16; i += 16)
                (Vector512.GreaterThan(Vector512.Load(y + i), Vector512<float>.Zero) & Vector512.Load(g + i)).Store(r + i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= length - 8; i += 8)
                (Vector256.GreaterThan(Vector256.Load(y + i), Vector256<float>.Zero) & Vector256.Load(g + i)).Store(r + i);
        for (; i < length; i++) r[i] = y[i] > 0f ? g[i] : 0f;
    }
}
