using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Negative log-likelihood of Int64 class targets given log-probabilities (for example a log-softmax
    /// output), as <c>torch.nn.functional.nll_loss</c>: −input[i, target_i] per target, for input [N, C],
    /// [N, C, d1, …] or [C] and target [N, d1, …]. Targets equal to <paramref name="ignoreIndex"/> contribute
    /// nothing and the mean divides by the number of the others.
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        var classes = ClassTargets.Read("nll_loss", input, target, ignoreIndex);
        int c = classes.C, inner = classes.Inner;
        var labels = classes.Labels;
        var x = input.AsReadOnlySpan();
        var losses = new Tensor(classes.TargetShape);
        var l = losses.AsSpan();
        for (int s = 0; s < labels.Length; s++)
            if (labels[s] >= 0) l[s] = -x[Position(s, labels[s], c, inner)];
        Tensor result = reduction switch
        {
            Reduction.Mean => Tensor.Scalar((float)(SumInDouble(l) / classes.Counted)),
            Reduction.Sum => Tensor.Scalar((float)SumInDouble(l)),
            _ => losses,
        };
        int divisor = classes.Counted;
        return Graph.Record(result, "nll_loss", [input], g =>
        {
            var r = new Tensor(input.ShapeArray());
            var rs = r.AsSpan();
            var gs = g.AsReadOnlySpan();
            for (int s = 0; s < labels.Length; s++)
                if (labels[s] >= 0) rs[Position(s, labels[s], c, inner)] = -Scale(reduction, gs, s, divisor);
            return [r];
        });
    }

    /// <summary>The flat index of class <paramref name="k"/> at target position <paramref name="s"/> in [N, C, inner].</summary>
    static int Position(int s, int k, int c, int inner) => (s / inner * c + k) * inner + s % inner;
}
