using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neurone.Kernels;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Optim;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer, 2011) as <c>torch.optim.Adagrad</c>: with weight decay λ the
/// gradient becomes g + λ·p; the accumulator, which starts at <c>initialAccumulatorValue</c>, grows as
/// S = S + g²; the rate decays as lr / (1 + (t − 1)·lrDecay) with t this parameter's step count; and
/// p = p − rate·g / (√S + ε). PyTorch creates the accumulator in the constructor; we create it on the
/// first step with the same value, which gives the same results. S is float32, as in PyTorch's float32
/// Adagrad: a gradient above about 1.8e19 makes it ∞, and that element stops moving in both.
/// </summary>
public sealed class Adagrad : Optimizer
{
    static readonly string[] Names = ["sum"];

    /// <summary>Builds Adagrad over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, lrDecay, weightDecay, initialAccumulatorValue, eps) { }

    /// <summary>Builds Adagrad over parameter <paramref name="groups"/>; the other arguments are the defaults of groups that do not set their own.</summary>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(groups, lr, new Dictionary<string, double>
        {
            [OptionNames.LrDecay] = lrDecay, [OptionNames.WeightDecay] = weightDecay,
            [OptionNames.InitialAccumulatorValue] = initialAccumulatorValue, [OptionNames.Eps] = eps,
        })
    {
        ForEachGroup((g, where) =>
        {
            RequireNonNegative(g.LrDecay, nameof(lrDecay), where);
            RequireNonNegative(g.WeightDecay, nameof(weightDecay), where);
            RequireNonNegative(g.InitialAccumulatorValue, nameof(initialAccumulatorValue), where);
            RequireNonNegative(g.Eps, nameof(eps), where);
        });
        LrDecay = lrDecay;
        WeightDecay = weightDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Eps = eps;
    }

    /// <summary>The learning-rate decay per step, for groups that do not set their own.</summary>
    public double LrDecay { get; }
    /// <summary>The L2 penalty λ added to the gradient as λ·p, for groups that do not set their own.</summary>
    public double WeightDecay { get; }
    /// <summary>The starting value of every accumulator element, for groups that do not set their own.</summary>
    public double InitialAccumulatorValue { get; }
    /// <summary>The term ε added to the root for numerical stability, for groups that do not set their own.</summary>
    public double Eps { get; }

    protected override IReadOnlyList<string> StateNames(ParamGroup group) => Names;

    protected override float InitialStateValue(int slot, ParamGroup group) => (float)group.InitialAccumulatorValue;

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh, ParamGroup group)
    {
        double rate = group.LearningRate / (1 + (step - 1) * group.LrDecay);
        Kernel(param, grad, buffers[0], (float)rate, (float)group.Eps, (float)group.WeightDecay, Level);
    }

    // One pass; vector bodies and scalar tail do the same float operations in the same order.
    static void Kernel(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum, float rate, float eps,
        float weightDecay, SimdLevel level)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float s = ref MemoryMarshal.GetReference(sum);
        bool decay = weightDecay != 0;
        int n = param.Length, i = 0;
        if (level >= SimdLevel.Vector512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (decay) gv += weightDecay * pv;
                var sv = Vector512.LoadUnsafe(ref s, (nuint)i) + gv * gv;
                sv.StoreUnsafe(ref s, (nuint)i);
                (pv - rate * (gv / (Vector512.Sqrt(sv) + Vector512.Create(eps)))).StoreUnsafe(ref p, (nuint)i);
            }
        }
        if (level >= SimdLevel.Vector256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay) gv += weightDecay * pv;
                var sv = Vector256.LoadUnsafe(ref s, (nuint)i) + gv * gv;
                sv.StoreUnsafe(ref s, (nuint)i);
                (pv - rate * (gv / (Vector256.Sqrt(sv) + Vector256.Create(eps)))).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pv = param[i], gv = grad[i];
            if (decay) gv += weightDecay * pv;
            float sv = sum[i] + gv * gv;
            sum[i] = sv;
            param[i] = pv - rate * (gv / (MathF.Sqrt(sv) + eps));
        }
    }
}
