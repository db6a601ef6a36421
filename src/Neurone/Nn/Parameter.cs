using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A tensor a module learns: a leaf that requires grad and that <see cref="Module.Parameters"/> finds.
/// It shares storage with the tensor it was made from.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (no copy) as a trainable leaf.</summary>
    public Parameter(Tensor data) : base(data.Storage, data.Offset, data.ShapeArray())
    {
        if (!data.IsLeaf) throw new ArgumentException("parameter: expected a leaf tensor, got the result of an op; Detach() it first.");
        RequiresGrad = true;
    }
}
