using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// y = x·Wᵀ + b (PyTorch's <c>F.linear</c>), W of shape [out, in], b of shape [out] or null; the input may have
    /// any leading dimensions. With <paramref name="relu"/> the result is max(y, 0), applied in place on the fresh
    /// output (the GEMM's own buffer, which nothing else holds and the backward does not read): one buffer and one
    /// pass fewer than <c>F.Relu(F.Linear(x, w, b))</c>, with the same values and gradients. Forward is one GEMM
    /// that adds onto the broadcast bias; backward is two GEMMs and a column sum, with no transposes materialised.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null, bool relu = false)
    {
        if (weight.Rank != 2)
            throw new ArgumentException($"linear: expected a weight of shape [out, in], got {Shapes.Format(weight.Shape)}.");
        int outFeatures = weight.Size(0), inFeatures = weight.Size(1);
        if (input.Rank == 0 || input.Size(-1) != inFeatures)
            throw new ArgumentException($"Linear({inFeatures}→{outFeatures}): expected input with last dimension {inFeatures}, got shape {Shapes.Format(input.Shape)}.");
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != outFeatures))
            throw new ArgumentException($"Linear({inFeatures}→{outFeatures}): expected a bias of shape [{outFeatures}], got {Shapes.Format(bias.Shape)}.");
        int rows = input.Count / inFeatures;
        var outShape = input.ShapeArray();
        outShape[^1] = outFeatures;
        var y = Tensor.Uninitialized(outShape);
        var ys = y.AsSpan();
        float beta = 0f;
        if (bias is not null)
        {
            var b = bias.AsReadOnlySpan();
            for (int r = 0; r < rows; r++) b.CopyTo(ys.Slice(r * outFeatures, outFeatures));
            beta = 1f;
        }
        Gemm.Multiply(false, true, rows, outFeatures, inFeatures, 1f, input.AsReadOnlySpan(), inFeatures, weight.AsReadOnlySpan(), inFeatures, beta, ys, outFeatures);

        var inputs = bias is null ? new[] { input, weight } : new Tensor[] { input, weight, bias };
        var linear = Graph.Record(y, "linear", inputs, g => LinearBackward(input, weight, bias, g, rows));
        return relu ? linear.ReluInPlace() : linear;
    }

    static Tensor?[] LinearBackward(Tensor input, Tensor weight, Tensor? bias, Tensor g, int rows)
    {
        int outFeatures = weight.Size(0), inFeatures = weight.Size(1);
        var gs = g.AsReadOnlySpan();
        Tensor? dx = null, dw = null, db = null;
        if (input.RequiresGrad)
        {
            dx = Tensor.Uninitialized(input.ShapeArray());
            Gemm.Multiply(false, false, rows, inFeatures, outFeatures, 1f, gs, outFeatures, weight.AsReadOnlySpan(), inFeatures, 0f, dx.AsSpan(), inFeatures);
        }
        // Leaves (parameters) get their gradients straight into .Grad (GEMM with beta 0 or 1), which saves
        // allocating and copying a weight-sized tensor every step.
        if (weight.RequiresGrad)
        {
            if (weight.IsLeaf)
            {
                var target = weight.GradAccumulationBuffer(out float beta);
                Gemm.Multiply(true, false, outFeatures, inFeatures, rows, 1f, gs, outFeatures, input.AsReadOnlySpan(), inFeatures, beta, target, inFeatures);
            }
            else
            {
                dw = Tensor.Uninitialized([outFeatures, inFeatures]);
                Gemm.Multiply(true, false, outFeatures, inFeatures, rows, 1f, gs, outFeatures, input.AsReadOnlySpan(), inFeatures, 0f, dw.AsSpan(), inFeatures);
            }
        }
        if (bias is not null && bias.RequiresGrad)
        {
            Span<float> acc;
            if (bias.IsLeaf) acc = bias.GradAccumulator();
            else
            {
                db = new Tensor(outFeatures);
                acc = db.AsSpan();
            }
            for (int r = 0; r < rows; r++) TensorPrimitives.Add(acc, gs.Slice(r * outFeatures, outFeatures), acc);
        }
        return bias is null ? [dx, dw] : [dx, dw, db];
    }
}
