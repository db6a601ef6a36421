using Neurone.Tensors;

namespace Neurone.Autograd;

/// <summary>
/// Records ops into the autograd graph. Every differentiable op computes its value and then, right
/// beneath, calls <see cref="Record"/> with the function that maps the output's gradient to its inputs'
/// gradients. Layers with a fused backward (Linear, cross-entropy) and user-defined ops use it too.
/// </summary>
public static class Graph
{
    /// <summary>True when grad mode is on and any input requires a gradient.</summary>
    public static bool Needs(Tensor a) => GradMode.IsEnabled && a.RequiresGrad;

    /// <inheritdoc cref="Needs(Tensor)"/>
    public static bool Needs(Tensor a, Tensor b) => GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad);

    /// <inheritdoc cref="Needs(Tensor)"/>
    public static bool Needs(IReadOnlyList<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return false;
        foreach (var t in inputs) if (t.RequiresGrad) return true;
        return false;
    }

    /// <summary>
    /// Makes <paramref name="output"/> the result of op <paramref name="name"/> on
    /// <paramref name="inputs"/>, if any input requires a gradient and grad mode is on; returns the
    /// output either way. <paramref name="backward"/> receives the gradient of the output and returns one
    /// gradient per input, shaped like that input (null where none is needed).
    /// </summary>
    public static Tensor Record(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (!Needs(inputs)) return output;
        output.SetGradFn(new Node(name, inputs, backward));
        return output;
    }

    /// <summary>
    /// As <see cref="Record"/>, with <paramref name="release"/>
    /// run once the graph is freed after a backward pass, or at once when nothing is recorded: for buffers
    /// that only the backward reads, such as max pooling's winner indices, so they can go back to a pool.
    /// </summary>
    internal static Tensor RecordWithRelease(Tensor output, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, Action release)
    {
        if (!Needs(inputs)) { release(); return output; }
        output.SetGradFn(new Node(name, inputs, backward, release));
        return output;
    }
}
