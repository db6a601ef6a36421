using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neurone.Kernels;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Optim;

/// <summary>
/// RMSprop (Hinton's lecture 6e) as <c>torch.optim.RMSprop</c>: with weight decay λ the gradient becomes
/// g + λ·p; s = α·s + (1 − α)·g²; centered keeps ḡ = α·ḡ + (1 − α)·g and uses s − ḡ² in place of s;
/// d = √(s) + ε (ε outside the root, as PyTorch, unlike Keras); with momentum μ, b = μ·b + g/d and
/// p = p − lr·b, otherwise p = p − lr·g/d. All buffers start at zero. One deviation: in the centered
/// form s − ḡ² is clamped at 0 before the root, since rounding can make it a hair negative where
/// PyTorch would produce NaN; elsewhere the results are the same.
/// </summary>
public sealed class RMSprop : Optimizer
{
    static readonly string[][] Names =
    [
        ["square_avg"],
        ["square_avg", "momentum_buffer"],
        ["square_avg", "grad_avg"],
        ["square_avg", "momentum_buffer", "grad_avg"],
    ];

    /// <summary>Builds RMSprop over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, alpha, eps, weightDecay, momentum, centered) { }

    /// <summary>Builds RMSprop over parameter <paramref name="groups"/>; the other arguments are the defaults of groups that do not set their own.</summary>
    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(groups, lr, new Dictionary<string, double>
        {
            [OptionNames.Alpha] = alpha, [OptionNames.Eps] = eps, [OptionNames.WeightDecay] = weightDecay,
            [OptionNames.Momentum] = momentum, [OptionNames.Centered] = centered ? 1 : 0,
        })
    {
        ForEachGroup((g, where) =>
        {
            if (!(g.Alpha >= 0 && g.Alpha <= 1))
                throw new ArgumentOutOfRangeException(nameof(alpha), g.Alpha, $"RMSprop: expected alpha in [0, 1]{where}.");
            RequireNonNegative(g.Eps, nameof(eps), where);
            RequireNonNegative(g.WeightDecay, nameof(weightDecay), where);
            RequireNonNegative(g.Momentum, nameof(momentum), where);
        });
        Alpha = alpha;
        Eps = eps;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
    }

    /// <summary>The smoothing constant α of the squared-gradient average, for groups that do not set their own.</summary>
    public double Alpha { get; }
    /// <summary>The term ε added to the root for numerical stability, for groups that do not set their own.</summary>
    public double Eps { get; }
    /// <summary>The L2 penalty λ added to the gradient as λ·p, for groups that do not set their own.</summary>
    public double WeightDecay { get; }
    /// <summary>The momentum factor μ (0: no momentum buffer), for groups that do not set their own.</summary>
    public double Momentum { get; }
    /// <summary>Whether the gradient is normalised by an estimate of its variance rather than its raw second moment, for groups that do not set their own.</summary>
    public bool Centered { get; }

    protected override IReadOnlyList<string> StateNames(ParamGroup group) => Names[(group.Momentum > 0 ? 1 : 0) + (group.Centered ? 2 : 0)];

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh, ParamGroup group)
    {
        double alpha = group.Alpha, momentum = group.Momentum;
        bool useMomentum = momentum > 0, centered = group.Centered;
        Span<float> buf = useMomentum ? buffers[1] : default;
        Span<float> gradAvg = centered ? buffers[useMomentum ? 2 : 1] : default;
        Kernel(param, grad, buffers[0], buf, gradAvg, (float)group.LearningRate, (float)alpha, (float)(1 - alpha),
            (float)group.Eps, (float)group.WeightDecay, (float)momentum, useMomentum, centered, Level);
    }

    // One pass; vector bodies and scalar tail do the same float operations in the same order. The square
    // average takes ((1 − α)·g)·g, as PyTorch: g·g alone overflows float32 for |g| above 1.8e19.
    static void Kernel(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> buf,
        Span<float> gradAvg, float lr, float alpha, float oneMinusAlpha, float eps, float weightDecay,
        float momentum, bool useMomentum, bool centered, SimdLevel level)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float s = ref MemoryMarshal.GetReference(squareAvg);
        ref float b = ref MemoryMarshal.GetReference(buf);
        ref float a = ref MemoryMarshal.GetReference(gradAvg);
        bool decay = weightDecay != 0;
        int n = param.Length, i = 0;
        if (level >= SimdLevel.Vector512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (decay) gv += weightDecay * pv;
                var sv = alpha * Vector512.LoadUnsafe(ref s, (nuint)i) + oneMinusAlpha * gv * gv;
                sv.StoreUnsafe(ref s, (nuint)i);
                if (centered)
                {
                    var av = alpha * Vector512.LoadUnsafe(ref a, (nuint)i) + oneMinusAlpha * gv;
                    av.StoreUnsafe(ref a, (nuint)i);
                    sv = Vector512.Max(sv - av * av, Vector512<float>.Zero);
                }
                var d = Vector512.Sqrt(sv) + Vector512.Create(eps);
                if (useMomentum)
                {
                    var bv = momentum * Vector512.LoadUnsafe(ref b, (nuint)i) + gv / d;
                    bv.StoreUnsafe(ref b, (nuint)i);
                    (pv - lr * bv).StoreUnsafe(ref p, (nuint)i);
                }
                else (pv - lr * (gv / d)).StoreUnsafe(ref p, (nuint)i);
            }
        }
        if (level >= SimdLevel.Vector256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay) gv += weightDecay * pv;
                var sv = alpha * Vector256.LoadUnsafe(ref s, (nuint)i) + oneMinusAlpha * gv * gv;
                sv.StoreUnsafe(ref s, (nuint)i);
                if (centered)
                {
                    var av = alpha * Vector256.LoadUnsafe(ref a, (nuint)i) + oneMinusAlpha * gv;
                    av.StoreUnsafe(ref a, (nuint)i);
                    sv = Vector256.Max(sv - av * av, Vector256<float>.Zero);
                }
                var d = Vector256.Sqrt(sv) + Vector256.Create(eps);
                if (useMomentum)
                {
                    var bv = momentum * Vector256.LoadUnsafe(ref b, (nuint)i) + gv / d;
                    bv.StoreUnsafe(ref b, (nuint)i);
                    (pv - lr * bv).StoreUnsafe(ref p, (nuint)i);
                }
                else (pv - lr * (gv / d)).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pv = param[i], gv = grad[i];
            if (decay) gv += weightDecay * pv;
            float sv = alpha * squareAvg[i] + oneMinusAlpha * gv * gv;
            squareAvg[i] = sv;
            if (centered)
            {
                float av = alpha * gradAvg[i] + oneMinusAlpha * gv;
                gradAvg[i] = av;
                sv = MathF.Max(sv - av * av, 0f);
            }
            float d = MathF.Sqrt(sv) + eps;
            if (useMomentum)
            {
                float bv = momentum * buf[i] + gv / d;
                buf[i] = bv;
                param[i] = pv - lr * bv;
            }
            else param[i] = pv - lr * (gv / d);
        }
    }
}
