using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>How a loss combines the per-element (or per-sample) losses.</summary>
public enum Reduction
{
    /// <summary>The average (PyTorch's default).</summary>
    Mean,
    /// <summary>The sum.</summary>
    Sum,
    /// <summary>No reduction: one loss per element or sample.</summary>
    None,
}

/// <summary>
/// The base of every loss: <c>Forward(input, target)</c> returns a scalar (or, with
/// <see cref="Reduction.None"/>, one value per sample) that <c>Backward()</c> can start from.
/// As in PyTorch, classification losses take Int64 class labels (see <see cref="DType"/>).
/// </summary>
public abstract class Loss(Reduction reduction)
{
    /// <summary>How per-sample losses are combined.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>Computes the loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>Same as <see cref="Forward"/>.</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);

    /// <summary>Applies <see cref="Reduction"/> to per-element losses built from recorded ops.</summary>
    protected Tensor Reduce(Tensor losses) => Reduction switch
    {
        Reduction.Mean => losses.Mean(),
        Reduction.Sum => losses.Sum(),
        _ => losses,
    };

    /// <summary>
    /// Throws unless input and target have the same shape and are Float32 (regression and binary losses take
    /// float targets, as in PyTorch: Int64 class labels need <c>Float()</c> first).
    /// </summary>
    protected void RequireSameShape(Tensor input, Tensor target)
    {
        if (input.DType != DType.Float32 || target.DType != DType.Float32)
            throw new ArgumentException($"{GetType().Name}: expected Float32 input and target, got input {Shapes.Format(input.Shape)} ({input.DType}) and target {Shapes.Format(target.Shape)} ({target.DType}); convert labels with Float().");
        if (!Shapes.Equal(input.Shape, target.Shape))
            throw new ArgumentException($"{GetType().Name}: input shape {Shapes.Format(input.Shape)} and target shape {Shapes.Format(target.Shape)} differ.");
    }

    /// <summary>
    /// Reads class labels for an [N, C] input: an Int64 target of N values, each a class in [0, C).
    /// </summary>
    protected int[] ClassLabels(Tensor input, Tensor target)
    {
        string name = GetType().Name;
        if (input.Rank != 2)
            throw new ArgumentException($"{name}: expected input of shape [batch, classes], got {Shapes.Format(input.Shape)}.");
        // No ignore index here: long.MinValue is refused below like any label out of range.
        var classes = Functional.ClassTargets.Read(name, input, target, ignoreIndex: long.MinValue);
        if (classes.Counted != classes.Labels.Length)
            throw new ArgumentException($"{name}: label {long.MinValue} is not a class in [0, {input.Size(1)}).");
        return classes.Labels;
    }
}
