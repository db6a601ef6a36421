using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Σx² over every element, as a scalar: an L2 penalty (reg·F.SumOfSquares(W)) in one op. Its value and
    /// gradient are those of <c>x.Square().Sum()</c> bit for bit, but no x² is stored and the backward writes
    /// 2x·g straight from x in one pass (into a leaf's .Grad in place), instead of broadcasting g and running the
    /// square's backward over fresh buffers.
    /// </summary>
    public static Tensor SumOfSquares(Tensor input)
    {
        var y = Tensor.Scalar(TensorPrimitives.SumOfSquares(input.AsReadOnlySpan()));
        return Graph.Record(y, "sum_of_squares", [input], g => [SumOfSquaresBackward(input, g.Item())]);
    }

    /// <summary>
    /// (x + x)·g for every element: the same bits as the square's backward given a broadcast g. A leaf gets it
    /// added into its .Grad in place (null is returned, as it already arrived).
    /// </summary>
    static Tensor? SumOfSquaresBackward(Tensor x, float g)
    {
        Tensor? fresh = null;
        float beta = 0f;
        if (x.IsLeaf) x.GradAccumulationBuffer(out beta);
        else fresh = Tensor.Uninitialized(x.ShapeArray());
        var target = fresh ?? x.Grad!;
        bool accumulate = beta != 0f;
        if (LargeElementwise.Worth(x.Count))
            LargeElementwise.For(x.Count, (from, to) => AddSquareGradient(x, target, from, to, g, accumulate));
        else AddSquareGradient(x, target, 0, x.Count, g, accumulate);
        return fresh;
    }

    /// <summary>target[i] = (x[i] + x[i])·g, or target[i] += that, over [from, to).</summary>
    static void AddSquareGradient(Tensor x, Tensor target, int from, int to, float g, bool accumulate)
    {
        var xs = x.AsReadOnlySpan()[from..to];
        var ts = target.AsSpan()[from..to];
        if (!accumulate)
        {
            TensorPrimitives.AddMultiply(xs, xs, g, ts);
            return;
        }
        // In blocks that stay in L1: (x + x)·g into a stack buffer, then added, so each element is rounded
        // exactly as the unfused ops round it (a product, then a sum).
        Span<float> block = stackalloc float[1024];
        for (int i = 0; i < xs.Length; i += block.Length)
        {
            int n = Math.Min(block.Length, xs.Length - i);
            var b = block[..n];
            TensorPrimitives.AddMultiply(xs.Slice(i, n), xs.Slice(i, n), g, b);
            TensorPrimitives.Add(ts.Slice(i, n), b, ts.Slice(i, n));
        }
    }
}
