using Neurone.Autograd;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    // The regression and binary losses, as PyTorch's F.mse_loss, F.l1_loss, F.binary_cross_entropy and
    // F.binary_cross_entropy_with_logits: input and target of the same shape, per-element losses combined by
    // the reduction (the mean by default). The classification losses live with the integer tensors.

    /// <summary>Mean squared error, (input − target)².</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("mse_loss", input, target);
        return Reduce((input - target).Square(), reduction);
    }

    /// <summary>Mean absolute error, |input − target|.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("l1_loss", input, target);
        return Reduce((input - target).Abs(), reduction);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities: −[t·log p + (1−t)·log(1−p)]. As in PyTorch the logarithms are clamped
    /// at −100, so p = 0 or 1 gives a large finite loss, not infinity. Prefer <see cref="BinaryCrossEntropyWithLogits"/>,
    /// which is stabler. The gradient flows to the input only, as PyTorch's.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("binary_cross_entropy", input, target);
        var x = input.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        var losses = new Tensor(input.ShapeArray());
        var l = losses.AsSpan();
        for (int i = 0; i < l.Length; i++)
        {
            if (!(x[i] >= 0f && x[i] <= 1f))
                throw new ArgumentException($"binary_cross_entropy: input {x[i]} at element {i} is not a probability in [0, 1]; use BinaryCrossEntropyWithLogits (BCEWithLogitsLoss) for logits.");
            l[i] = -(t[i] * MathF.Max(MathF.Log(x[i]), -100f) + (1f - t[i]) * MathF.Max(MathF.Log(1f - x[i]), -100f));
        }
        Graph.Record(losses, "binary_cross_entropy", [input], g =>
        {
            // d/dp = (p − t) / (p(1 − p)), with the product kept away from 0 as PyTorch does (eps 1e-12).
            var r = new Tensor(input.ShapeArray());
            var gs = g.AsReadOnlySpan();
            var rs = r.AsSpan();
            var xs = input.AsReadOnlySpan();
            var ts = target.AsReadOnlySpan();
            for (int i = 0; i < rs.Length; i++) rs[i] = gs[i] * (xs[i] - ts[i]) / MathF.Max(xs[i] * (1f - xs[i]), 1e-12f);
            return [r];
        });
        return Reduce(losses, reduction);
    }

    /// <summary>
    /// Sigmoid and binary cross-entropy in one stable step: max(x, 0) − x·t + log(1 + e^−|x|). Backward: σ(x) − t,
    /// to the input only.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("binary_cross_entropy_with_logits", input, target);
        var x = input.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        var losses = new Tensor(input.ShapeArray());
        var l = losses.AsSpan();
        // log(1 + e^−|x|) through the softplus kernel: computed as 1 + e in float, it rounds to 0 once e^−|x| is below
        // float's resolution (|x| > 17), where the true value is e^−|x| itself.
        for (int i = 0; i < l.Length; i++) l[i] = -MathF.Abs(x[i]);
        Kernels.ElementwiseMath.Softplus(l, l);
        for (int i = 0; i < l.Length; i++)
            l[i] += MathF.Max(x[i], 0f) - x[i] * t[i];
        Graph.Record(losses, "binary_cross_entropy_with_logits", [input], g => [g * (input.Detach().Sigmoid() - target)]);
        return Reduce(losses, reduction);
    }

    /// <summary>Applies <paramref name="reduction"/> to per-element losses built from recorded ops.</summary>
    static Tensor Reduce(Tensor losses, Reduction reduction) => reduction switch
    {
        Reduction.Mean => losses.Mean(),
        Reduction.Sum => losses.Sum(),
        _ => losses,
    };

    static void RequireSameShape(string op, Tensor input, Tensor target)
    {
        // Regression and binary losses take float targets, as in PyTorch: Int64 class labels need Float() first.
        if (input.DType != DType.Float32 || target.DType != DType.Float32)
            throw new ArgumentException($"{op}: expected Float32 input and target, got input {Shapes.Format(input.Shape)} ({input.DType}) and target {Shapes.Format(target.Shape)} ({target.DType}); convert labels with Float().");
        if (!Shapes.Equal(input.Shape, target.Shape))
            throw new ArgumentException($"{op}: input shape {Shapes.Format(input.Shape)} and target shape {Shapes.Format(target.Shape)} differ.");
    }
}
