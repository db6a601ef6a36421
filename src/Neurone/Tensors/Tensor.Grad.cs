using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    bool requiresGrad;

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs you differentiate
    /// by); results of ops on such tensors require grad automatically.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (value && DType != DType.Float32)
                throw new InvalidOperationException($"requires_grad: only Float32 tensors can require gradients, this one has dtype {DType} (shape {Shapes.Format(shape)}).");
            if (!value && GradFn is not null)
                throw new InvalidOperationException($"requires_grad: cannot turn off gradients on the result of '{GradFn.Name}'; use Detach() for a copy outside the graph.");
            requiresGrad = value;
        }
    }

    Tensor? grad;
    // ZeroGrad only marks the buffer; the zeros are written when someone reads it before the next
    // backward, and a backward that arrives first copies its gradient in instead of adding to zeros.
    bool gradIsStale;

    /// <summary>The accumulated gradient of the last <see cref="Backward"/> calls; null until one reaches it.</summary>
    public Tensor? Grad
    {
        get
        {
            if (gradIsStale)
            {
                grad!.Fill(0f);
                gradIsStale = false;
            }
            return grad;
        }
        set
        {
            grad = value;
            gradIsStale = false;
        }
    }

    /// <summary>
    /// Lets a fused backward (Linear's weight-gradient GEMM) write this leaf's gradient straight into
    /// <see cref="Grad"/> instead of returning a fresh tensor for the engine to copy: returns the buffer,
    /// and in <paramref name="beta"/> whether to overwrite it (0, after ZeroGrad or on first use) or to
    /// add to it (1). The caller must then return null for this input.
    /// </summary>
    internal Span<float> GradAccumulationBuffer(out float beta)
    {
        if (!IsLeaf) throw new InvalidOperationException("grad: only a leaf's gradient can be written in place.");
        if (grad is null)
        {
            grad = Uninitialized(shape);
            beta = 0f;
        }
        else beta = gradIsStale ? 0f : 1f;
        gradIsStale = false;
        return grad.AsSpan();
    }

    /// <summary>
    /// This leaf's <see cref="Grad"/> buffer ready to be added into (cleared first when a ZeroGrad left it stale or
    /// it is new), for backwards that accumulate a parameter's gradient piece by piece (a bias, embedding rows).
    /// </summary>
    internal Span<float> GradAccumulator()
    {
        var buffer = GradAccumulationBuffer(out float beta);
        if (beta == 0f) buffer.Clear();
        return buffer;
    }

    /// <summary>Adds <paramref name="g"/> to <see cref="Grad"/>, creating or reusing its buffer.</summary>
    internal void AccumulateGrad(Tensor g)
    {
        // A backward function may hand the same tensor to several inputs: keep a private copy.
        bool copy = grad is null || gradIsStale;
        grad ??= Uninitialized(shape);
        var target = grad;
        if (Kernels.LargeElementwise.Worth(Count))
            Kernels.LargeElementwise.For(Count, (from, to) => AddOrCopy(g, target, from, to, copy));
        else AddOrCopy(g, target, 0, Count, copy);
        gradIsStale = false;
    }

    /// <summary>target[from..to] = (or +=) g[from..to].</summary>
    static void AddOrCopy(Tensor g, Tensor target, int from, int to, bool copy)
    {
        var source = g.AsReadOnlySpan()[from..to];
        var destination = target.AsSpan()[from..to];
        if (copy) source.CopyTo(destination);
        else System.Numerics.Tensors.TensorPrimitives.Add(destination, source, destination);
    }

    /// <summary>The op that made this tensor, or null for a leaf.</summary>
    public Node? GradFn { get; private set; }

    /// <summary>True for tensors not made by a recorded op.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>Non-leaf tensors keep their gradient in <see cref="Grad"/> only after <see cref="RetainGrad"/>.</summary>
    internal bool RetainsGrad { get; private set; }

    /// <summary>Asks a non-leaf tensor to keep its gradient in <see cref="Grad"/> (PyTorch's <c>retain_grad()</c>).</summary>
    public void RetainGrad() => RetainsGrad = true;

    internal void SetGradFn(Node node)
    {
        GradFn = node;
        requiresGrad = true;
    }

    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires one, adding it to
    /// their <see cref="Grad"/>. A scalar needs no argument; otherwise pass the gradient of some scalar
    /// with respect to this tensor. The graph is freed afterwards unless <paramref name="retainGraph"/>.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException("backward: this tensor does not require grad and has no graph; set RequiresGrad on the leaves before computing it.");
        if (gradient is null)
        {
            if (Count != 1)
                throw new InvalidOperationException($"backward: an implicit gradient needs a one-element output, got shape {Shapes.Format(shape)}; pass a gradient of that shape.");
            gradient = Full(shape, 1f);
        }
        else if (!Shapes.Equal(gradient.shape, shape))
            throw new ArgumentException($"backward: expected a gradient of shape {Shapes.Format(shape)}, got {Shapes.Format(gradient.shape)}.");
        BackwardEngine.Run(this, gradient, retainGraph);
    }

    /// <summary>The same values, sharing storage, outside the graph (no gradient flows through it).</summary>
    public Tensor Detach() => SameStorage(offset, shape);

    /// <summary>Sets <see cref="Grad"/> to zeros (keeping its buffer for reuse), or leaves it null.</summary>
    public void ZeroGrad()
    {
        if (grad is not null) gradIsStale = true;
    }

    /// <summary>
    /// Sums a broadcast gradient back to <paramref name="target"/>'s shape: over the leading dimensions
    /// broadcasting added and over every dimension where the target had size 1.
    /// </summary>
    internal Tensor SumTo(ReadOnlySpan<int> target)
    {
        if (Shapes.Equal(shape, target)) return this;
        var t = this;
        int lead = Rank - target.Length;
        for (int i = 0; i < lead; i++) t = t.Sum(0);
        for (int i = 0; i < target.Length; i++)
            if (target[i] == 1 && t.shape[i] != 1) t = t.Sum(i, keepDim: true);
        return t.Reshape(target.ToArray());
    }
}
