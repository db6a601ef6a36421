using System.Numerics.Tensors;

namespace Neurone.Kernels;

/// <summary>Numerically stable softmax-family kernels on one line of logits.</summary>
public static class Softmax
{
    /// <summary>dst = x − max(x) − log Σ e^(x − max(x)); returns the log-sum-exp of x.</summary>
    public static float LogSoftmax(ReadOnlySpan<float> x, Span<float> dst)
    {
        if (x.Length == 0) return float.NegativeInfinity;
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, dst);
        // Σ e^(x − max) without a temporary: exp into dst, sum, then recompute the shift.
        TensorPrimitives.Exp(dst, dst);
        float logSum = MathF.Log(TensorPrimitives.Sum(dst));
        TensorPrimitives.Subtract(x, max + logSum, dst);
        return max + logSum;
    }
}
