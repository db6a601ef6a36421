namespace Neurone.Tensors;

/// <summary>
/// The element type of a tensor, as PyTorch's <c>dtype</c>: float32 for values (everything that is
/// differentiated), int64 for indices and class labels, bool for masks. Integer and boolean tensors never
/// require gradients.
/// </summary>
public enum DType
{
    /// <summary>32-bit floats (<c>torch.float32</c>), the default and the only differentiable dtype.</summary>
    Float32,
    /// <summary>64-bit signed integers (<c>torch.int64</c>, <c>torch.long</c>): indices and class labels.</summary>
    Int64,
    /// <summary>Booleans (<c>torch.bool</c>): masks, the results of comparisons.</summary>
    Bool,
}
