using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// Joins tensors along dimension <paramref name="dim"/> (PyTorch's <c>cat</c>); every other dimension must
    /// agree, and all must have the same rank. Always a copy. Each input's gradient is its part of the output's.
    /// </summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("cat: expected at least one tensor, got none.");
        for (int n = 0; n < tensors.Count; n++)
            if (tensors[n] is null) throw new ArgumentNullException(nameof(tensors), $"cat: tensor {n} is null.");
        var first = tensors[0].shape;
        if (first.Length == 0) throw new ArgumentException("cat: scalars have no dimension to join along; unsqueeze them first (or use Stack).");
        int d = Shapes.Axis("cat", dim, first);
        var result = (int[])first.Clone();
        long joined = 0;
        for (int n = 0; n < tensors.Count; n++)
        {
            var t = tensors[n];
            bool ok = t.Rank == first.Length;
            for (int i = 0; ok && i < first.Length; i++) ok = i == d || t.shape[i] == first[i];
            if (!ok) throw new ArgumentException($"cat: tensor {n} has shape {Shapes.Format(t.shape)}, which differs from {Shapes.Format(first)} outside dimension {d}.");
            joined += t.shape[d];
        }
        if (joined > int.MaxValue) throw new ArgumentException($"cat: the joined dimension would have {joined} elements.");
        for (int n = 1; n < tensors.Count; n++)
            if (tensors[n].DType != tensors[0].DType)
                throw new ArgumentException($"cat: tensor {n} is {tensors[n].DType} and tensor 0 is {tensors[0].DType}; convert them to one dtype first (To).");
        result[d] = (int)joined;

        // Each input contributes one contiguous block per index of the dimensions before d.
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= first[i];
        for (int i = d + 1; i < first.Length; i++) inner *= first[i];
        int rowOut = result[d] * inner;
        var r = tensors[0].DType switch
        {
            DType.Int64 => JoinBlocks<long>(tensors, result, d, outer, inner),
            DType.Bool => JoinBlocks<bool>(tensors, result, d, outer, inner),
            _ => JoinBlocks<float>(tensors, result, d, outer, inner),
        };
        if (r.DType != DType.Float32) return r; // integers and masks carry no gradient
        var inputs = tensors.ToArray();
        return Graph.Record(r, "cat", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            var gs = g.AsReadOnlySpan();
            int from = 0;
            for (int n = 0; n < inputs.Length; n++)
            {
                int block = inputs[n].shape[d] * inner;
                if (inputs[n].RequiresGrad)
                {
                    var part = Uninitialized(inputs[n].shape);
                    var ps = part.AsSpan();
                    for (int o = 0; o < outer; o++) gs.Slice(o * rowOut + from, block).CopyTo(ps.Slice(o * block, block));
                    grads[n] = part;
                }
                from += block;
            }
            return grads;
        });
    }

    /// <summary>Copies each input's blocks into a fresh tensor of the joined shape, for any element type.</summary>
    static Tensor JoinBlocks<T>(IReadOnlyList<Tensor> tensors, int[] shape, int d, int outer, int inner)
    {
        var elements = GC.AllocateUninitializedArray<T>(Shapes.Count(shape));
        var r = elements switch
        {
            long[] l => new Tensor(l, 0, shape),
            bool[] b => new Tensor(b, 0, shape),
            _ => new Tensor((float[])(object)elements, 0, shape),
        };
        int rowOut = shape[d] * inner, at = 0;
        foreach (var t in tensors)
        {
            int block = t.shape[d] * inner;
            var src = t.Elements<T>();
            for (int o = 0; o < outer; o++) src.Slice(o * block, block).CopyTo(elements.AsSpan(o * rowOut + at, block));
            at += block;
        }
        return r;
    }

    /// <summary>Same as <see cref="Cat"/>, under PyTorch's other name (<c>torch.concat</c>).</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0) => Cat(tensors, dim);

    /// <summary>
    /// Joins tensors of one shape along a new dimension <paramref name="dim"/> (PyTorch's <c>stack</c>;
    /// dim may be 0..rank, or negative counting from rank). Always a copy.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("stack: expected at least one tensor, got none.");
        for (int n = 0; n < tensors.Count; n++)
            if (tensors[n] is null) throw new ArgumentNullException(nameof(tensors), $"stack: tensor {n} is null.");
        var first = tensors[0].shape;
        for (int n = 1; n < tensors.Count; n++)
            if (!Shapes.Equal(tensors[n].shape, first))
                throw new ArgumentException($"stack: expected every tensor to have shape {Shapes.Format(first)} (that of tensor 0), but tensor {n} has {Shapes.Format(tensors[n].shape)}.");
        int d = dim < 0 ? dim + first.Length + 1 : dim;
        if (d < 0 || d > first.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), $"stack: dimension {dim} is out of range for tensors of shape {Shapes.Format(first)} (expected {-first.Length - 1}..{first.Length}).");
        var parts = new Tensor[tensors.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = tensors[i].Unsqueeze(d);
        return Cat(parts, d);
    }
}
