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
        double weightDecay = 0, double momentum = 0, bool centered = false) : base(parameters, lr)
    {
        if (!(alpha >= 0 && alpha <= 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "RMSprop: expected alpha in [0, 1].");
        RequireNonNegative(eps, nameof(eps));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        RequireNonNegative(momentum, nameof(momentum));
        Alpha = alpha;
        Eps = eps;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
    }

    /// <summary>The smoothing constant α of the squared-gradient average.</summary>
    public double Alpha { get; }
    /// <summary>The term ε added to the root for numerical stability.</summary>
    public double Eps { get; }
    /// <summary>The L2 penalty λ added to the gradient as λ·p.</summary>
    public double WeightDecay { get; }
    /// <summary>The momentum factor μ (0: no momentum buffer).</summary>
    public double Momentum { get; }
    /// <summary>Whether the gradient is normalised by an estimate of its variance rather than its raw second moment.</summary>
    public bool Centered { get; }

    protected override IReadOnlyList<string> StateNames => Names[(Momentum > 0 ? 1 : 0) + (Centered ? 2 : 0)];

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh)
    {
        bool useMomentum = Momentum > 0;
        Span<float> buf = useMomentum ? buffers[1] : default;
        Span<float> gradAvg = Centered ? buffers[useMomentum ? 2 : 1] : default;
        Kernel(param, grad, buffers[0], buf, gradAvg, (float)LearningRate, (float)Alpha, (float)(1 - Alpha),
            (float)Eps, (float)WeightDecay, (float)Momentum, useMomentum, Centered, Level);
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
