using System.Numerics.Tensors;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Autograd;

/// <summary>
/// Reverse-mode differentiation: orders the graph under a root topologically, then hands each node the
/// sum of the gradients that reached its output, accumulating into <see cref="Tensor.Grad"/> of the
/// leaves that require one. Runs without recording (no higher-order gradients) and frees the graph
/// unless asked to keep it.
/// </summary>
internal static class BackwardEngine
{
    public static void Run(Tensor root, Tensor gradient, bool retainGraph)
    {
        var order = TopologicalOrder(root);
        var pending = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [root] = gradient };
        using (GradMode.NoGrad())
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                if (!pending.Remove(t, out var g)) continue;
                var node = t.GradFn;
                if (node is null)
                {
                    t.AccumulateGrad(g);
                    continue;
                }
                if (t.RetainsGrad) t.AccumulateGrad(g);
                var fn = node.BackwardFn ?? throw new InvalidOperationException(
                    $"backward: the graph through '{node.Name}' was already freed by an earlier Backward(); pass retainGraph: true to the first call to go through it twice.");
                var inputGrads = fn(g);
                var inputs = node.Inputs;
                if (inputGrads.Length != inputs.Length)
                    throw new InvalidOperationException($"backward: '{node.Name}' returned {inputGrads.Length} gradients for {inputs.Length} inputs.");
                for (int k = 0; k < inputs.Length; k++)
                {
                    var input = inputs[k];
                    var ig = inputGrads[k];
                    if (ig is null || !input.RequiresGrad) continue;
                    if (!Shapes.Equal(ig.Shape, input.Shape))
                        throw new InvalidOperationException($"backward: '{node.Name}' returned a gradient of shape {Shapes.Format(ig.Shape)} for input {k} of shape {Shapes.Format(input.Shape)}.");
                    if (pending.TryGetValue(input, out var existing)) pending[input] = Sum(existing, ig);
                    else pending[input] = ig;
                }
                if (!retainGraph) node.Free();
            }
        }
    }

    /// <summary>Iterative depth-first post-order, so deep graphs (long unrolled loops) cannot overflow the stack.</summary>
    static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor t, int next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs ?? [];
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else order.Add(t);
        }
        return order;
    }

    /// <summary>A fresh sum: neither addend may be modified, since either can be referenced elsewhere.</summary>
    static Tensor Sum(Tensor a, Tensor b)
    {
        var r = Tensor.ZerosLike(a);
        TensorPrimitives.Add(a.AsReadOnlySpan(), b.AsReadOnlySpan(), r.AsSpan());
        return r;
    }
}
