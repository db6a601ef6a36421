using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Rows of <paramref name="weight"/> [num, dim] picked by the Int64 <paramref name="indices"/> of any shape,
    /// giving [..indices.shape, dim] (<c>torch.nn.functional.embedding</c>). The backward adds each output row's
    /// gradient into the row it came from, so only the rows used receive gradient, and the row at
    /// <paramref name="paddingIndex"/> (negative counts from the end) receives none.
    /// </summary>
    public static Tensor Embedding(Tensor indices, Tensor weight, int? paddingIndex = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.DType != DType.Float32 || weight.Rank != 2)
            throw new ArgumentException($"embedding: expected a Float32 weight of shape [num_embeddings, dim], got weight {Shapes.Format(weight.Shape)} ({weight.DType}).");
        Tensor.RequireIndexTensor("embedding", indices, "indices", weight);
        int num = weight.Size(0), dim = weight.Size(1);
        int? padding = null;
        if (paddingIndex is int pi)
        {
            if (pi < -num || pi >= num)
                throw new ArgumentOutOfRangeException(nameof(paddingIndex), pi, $"embedding: padding index must be in [{-num}, {num}) for weight {Shapes.Format(weight.Shape)}.");
            padding = pi < 0 ? pi + num : pi;
        }
        var idx = indices.AsLongSpan();
        var rows = new int[idx.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((ulong)idx[i] >= (ulong)num)
                throw new ArgumentOutOfRangeException(nameof(indices), $"embedding: index {idx[i]} at position {i} is out of range for {num} embeddings (weight {Shapes.Format(weight.Shape)}, indices {Shapes.Format(indices.Shape)}).");
            rows[i] = (int)idx[i];
        }
        var outShape = new int[indices.Rank + 1];
        indices.Shape.CopyTo(outShape);
        outShape[^1] = dim;
        var result = Tensor.Uninitialized(outShape);
        var w = weight.AsReadOnlySpan();
        var d = result.AsSpan();
        for (int i = 0; i < rows.Length; i++) w.Slice(rows[i] * dim, dim).CopyTo(d.Slice(i * dim, dim));
        return Graph.Record(result, "embedding", [weight], g =>
        {
            // A parameter (a leaf) takes its rows' gradients straight into .Grad, as F.Linear's weight does: no
            // [num, dim] tensor is allocated per step, and only the rows used are added to (the buffer is cleared
            // only when a ZeroGrad left it stale).
            Tensor? grad = null;
            Span<float> gw;
            if (weight.IsLeaf) gw = weight.GradAccumulator();
            else
            {
                grad = new Tensor(num, dim);
                gw = grad.AsSpan();
            }
            var gs = g.AsReadOnlySpan();
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i] == padding) continue;
                var target = gw.Slice(rows[i] * dim, dim);
                System.Numerics.Tensors.TensorPrimitives.Add(target, gs.Slice(i * dim, dim), target);
            }
            return [grad];
        });
    }
}
