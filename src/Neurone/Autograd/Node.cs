using Neurone.Tensors;

namespace Neurone.Autograd;

/// <summary>
/// One recorded operation of the graph: which tensors went in and how to turn the gradient of the
/// output into gradients of those inputs. Made by <see cref="Graph.Record"/>; walked by
/// <see cref="Tensor.Backward"/>; emptied after the walk so the saved tensors can be collected.
/// </summary>
public sealed class Node
{
    internal Node(string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, Action? release = null)
    {
        Name = name;
        Inputs = inputs;
        BackwardFn = backward;
        this.release = release;
    }

    /// <summary>Hands back what only the backward used (a pooled buffer); run once, when the node is freed.</summary>
    Action? release;

    /// <summary>The op's name, as errors and graph dumps show it ("matmul", "add", "cross_entropy").</summary>
    public string Name { get; }

    internal Tensor[] Inputs { get; private set; }

    /// <summary>Null once the graph has been freed by a backward pass.</summary>
    internal Func<Tensor, Tensor?[]>? BackwardFn { get; private set; }

    internal void Free()
    {
        BackwardFn = null;
        Inputs = [];
        var r = release;
        release = null;
        r?.Invoke();
    }

    public override string ToString() => Name;
}
