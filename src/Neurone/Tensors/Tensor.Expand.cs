using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// This tensor repeated along its size-1 dimensions, and along new leading ones, to <paramref name="sizes"/>
    /// (PyTorch's <c>expand</c>; -1 keeps a dimension's size). PyTorch returns a view with stride 0; a Neurone
    /// tensor is one contiguous window, so this is a copy unless the shape is unchanged (then a view). The
    /// gradient is summed over the repeated dimensions.
    /// </summary>
    public Tensor Expand(params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int lead = sizes.Length - Rank;
        if (lead < 0)
            throw new ArgumentException($"expand: the number of sizes ({sizes.Length}, {Shapes.Format(sizes)}) must be at least the tensor's rank, shape {Shapes.Format(shape)}.");
        var target = new int[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            int want = sizes[i];
            if (i < lead)
            {
                if (want < 0) throw new ArgumentException($"expand: a new leading dimension needs a size ≥ 0, got {want} at position {i} of {Shapes.Format(sizes)} for shape {Shapes.Format(shape)}.");
                target[i] = want;
                continue;
            }
            int have = shape[i - lead];
            if (want == -1) want = have;
            if (want != have && have != 1)
                throw new ArgumentException($"expand: shape {Shapes.Format(shape)} cannot be expanded to {Shapes.Format(sizes)} — dimension {i - lead} has size {have}, which is not 1 and not {want}.");
            if (want < 0) throw new ArgumentException($"expand: expected sizes ≥ 0 or -1, got {Shapes.Format(sizes)} for shape {Shapes.Format(shape)}.");
            target[i] = want;
        }
        Shapes.Count(target, "expand");
        if (Shapes.Equal(target, shape)) return ViewAs(target, "expand");
        var r = BroadcastTo(target);
        return Graph.Record(r, "expand", [this], g => [g.SumTo(shape)]);
    }

    /// <summary>This tensor expanded to <paramref name="other"/>'s shape (PyTorch's <c>expand_as</c>).</summary>
    public Tensor ExpandAs(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Expand(other.ShapeArray());
    }
}
