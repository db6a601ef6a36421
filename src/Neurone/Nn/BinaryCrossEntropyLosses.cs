using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Binary cross-entropy on probabilities: −[t·log p + (1−t)·log(1−p)]. As in PyTorch the logarithms are
/// clamped at −100 so p = 0 or 1 gives a large finite loss, not infinity. Prefer
/// <see cref="BCEWithLogitsLoss"/>, which is stabler.
/// </summary>
public sealed class BCELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target)
    {
        RequireSameShape(input, target);
        var x = input.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        var losses = new Tensor(input.ShapeArray());
        var l = losses.AsSpan();
        for (int i = 0; i < l.Length; i++)
        {
            if (!(x[i] >= 0f && x[i] <= 1f))
                throw new ArgumentException($"BCELoss: input {x[i]} at element {i} is not a probability in [0, 1]; use BCEWithLogitsLoss for logits.");
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
        return Reduce(losses);
    }
}

/// <summary>
/// Sigmoid and binary cross-entropy in one stable step: max(x, 0) − x·t + log(1 + e^−|x|).
/// Backward: σ(x) − t.
/// </summary>
public sealed class BCEWithLogitsLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target)
    {
        RequireSameShape(input, target);
        var x = input.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        var losses = new Tensor(input.ShapeArray());
        var l = losses.AsSpan();
        for (int i = 0; i < l.Length; i++)
            l[i] = MathF.Max(x[i], 0f) - x[i] * t[i] + MathF.Log(1f + MathF.Exp(-MathF.Abs(x[i])));
        Graph.Record(losses, "binary_cross_entropy_with_logits", [input], g => [g * (input.Detach().Sigmoid() - target)]);
        return Reduce(losses);
    }
}
