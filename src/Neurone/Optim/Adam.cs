using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neurone.Kernels;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Optim;

/// <summary>
/// Adam (Kingma and Ba, 2015) as <c>torch.optim.Adam</c>: with weight decay λ the gradient becomes
/// g + λ·p (L2 — use <see cref="AdamW"/> for decoupled decay); m = β₁·m + (1 − β₁)·g;
/// v = β₂·v + (1 − β₂)·g²; with AMSGrad v̂ = max(v̂, v) replaces v below; then
/// p = p − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε), where t counts this parameter's steps. Note that
/// ε is added after the bias correction of √v, as in PyTorch (not to √v̂ of the paper's hatted v).
/// </summary>
public class Adam : Optimizer
{
    static readonly string[] PlainNames = ["exp_avg", "exp_avg_sq"];
    static readonly string[] AmsgradNames = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];
    readonly bool decoupled;

    /// <summary>Builds Adam over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(OneGroup(parameters), lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false) { }

    /// <summary>Builds Adam over parameter <paramref name="groups"/>; the other arguments are the defaults of groups that do not set their own.</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false) { }

    private protected static ParamGroup[] OneGroup(IEnumerable<Tensor> parameters) =>
        [new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))];

    private protected Adam(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps,
        double weightDecay, bool amsgrad, bool decoupled)
        : base(groups, lr, new Dictionary<string, double>
        {
            [OptionNames.Beta1] = beta1, [OptionNames.Beta2] = beta2, [OptionNames.Eps] = eps,
            [OptionNames.WeightDecay] = weightDecay, [OptionNames.Amsgrad] = amsgrad ? 1 : 0,
        })
    {
        ForEachGroup((g, where) =>
        {
            RequireUnitInterval(g.Beta1, nameof(beta1), where);
            RequireUnitInterval(g.Beta2, nameof(beta2), where);
            RequireNonNegative(g.Eps, nameof(eps), where);
            RequireNonNegative(g.WeightDecay, nameof(weightDecay), where);
        });
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Amsgrad = amsgrad;
        this.decoupled = decoupled;
    }

    /// <summary>The decay rate β₁ of the first-moment average, for groups that do not set their own.</summary>
    public double Beta1 { get; }
    /// <summary>The decay rate β₂ of the second-moment average, for groups that do not set their own.</summary>
    public double Beta2 { get; }
    /// <summary>The term ε added to the denominator for numerical stability, for groups that do not set their own.</summary>
    public double Eps { get; }
    /// <summary>The weight decay λ (an L2 term on the gradient for Adam, a decoupled shrink for AdamW), for groups that do not set their own.</summary>
    public double WeightDecay { get; }
    /// <summary>Whether the AMSGrad variant (maximum of past second moments) is used, for groups that do not set their own.</summary>
    public bool Amsgrad { get; }

    protected override IReadOnlyList<string> StateNames(ParamGroup group) => group.Amsgrad ? AmsgradNames : PlainNames;

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh, ParamGroup group)
    {
        double lr = group.LearningRate, beta1 = group.Beta1, beta2 = group.Beta2, weightDecay = group.WeightDecay;
        bool amsgrad = group.Amsgrad;
        // Bias corrections in double, once per parameter per step, as PyTorch computes them in Python floats.
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
        float shrink = decoupled ? (float)(1 - lr * weightDecay) : 1f;
        float l2 = decoupled ? 0f : (float)weightDecay;
        Span<float> maxSq = amsgrad ? buffers[2] : default;
        Kernel(param, grad, buffers[0], buffers[1], maxSq, shrink, l2, (float)beta1, (float)(1 - beta1),
            (float)beta2, (float)(1 - beta2), (float)biasCorrection2Sqrt, (float)group.Eps,
            (float)(lr / biasCorrection1), amsgrad, Level);
    }

    // One pass over p, g, m, v (and v̂). Vector bodies and scalar tail do the same float operations in
    // the same order, so results do not depend on an element's position or the SIMD width. The second
    // moment takes ((1 − β₂)·g)·g, as PyTorch: g·g alone overflows float32 for |g| above 1.8e19, and an
    // infinite v would freeze that element for good.
    static void Kernel(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, float shrink, float l2, float beta1, float oneMinusBeta1, float beta2,
        float oneMinusBeta2, float biasCorrection2Sqrt, float eps, float stepSize, bool amsgrad, SimdLevel level)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float m = ref MemoryMarshal.GetReference(expAvg);
        ref float v = ref MemoryMarshal.GetReference(expAvgSq);
        ref float vmax = ref MemoryMarshal.GetReference(maxExpAvgSq);
        bool doShrink = shrink != 1f, doL2 = l2 != 0f;
        int n = param.Length, i = 0;
        if (level >= SimdLevel.Vector512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (doShrink) pv *= shrink;
                if (doL2) gv += l2 * pv;
                var mv = beta1 * Vector512.LoadUnsafe(ref m, (nuint)i) + oneMinusBeta1 * gv;
                var vv = beta2 * Vector512.LoadUnsafe(ref v, (nuint)i) + oneMinusBeta2 * gv * gv;
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                if (amsgrad)
                {
                    vv = Vector512.Max(Vector512.LoadUnsafe(ref vmax, (nuint)i), vv);
                    vv.StoreUnsafe(ref vmax, (nuint)i);
                }
                var denom = Vector512.Sqrt(vv) / biasCorrection2Sqrt + Vector512.Create(eps);
                (pv - stepSize * (mv / denom)).StoreUnsafe(ref p, (nuint)i);
            }
        }
        if (level >= SimdLevel.Vector256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (doShrink) pv *= shrink;
                if (doL2) gv += l2 * pv;
                var mv = beta1 * Vector256.LoadUnsafe(ref m, (nuint)i) + oneMinusBeta1 * gv;
                var vv = beta2 * Vector256.LoadUnsafe(ref v, (nuint)i) + oneMinusBeta2 * gv * gv;
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                if (amsgrad)
                {
                    vv = Vector256.Max(Vector256.LoadUnsafe(ref vmax, (nuint)i), vv);
                    vv.StoreUnsafe(ref vmax, (nuint)i);
                }
                var denom = Vector256.Sqrt(vv) / biasCorrection2Sqrt + Vector256.Create(eps);
                (pv - stepSize * (mv / denom)).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pv = param[i], gv = grad[i];
            if (doShrink) pv *= shrink;
            if (doL2) gv += l2 * pv;
            float mv = beta1 * expAvg[i] + oneMinusBeta1 * gv;
            float vv = beta2 * expAvgSq[i] + oneMinusBeta2 * gv * gv;
            expAvg[i] = mv;
            expAvgSq[i] = vv;
            if (amsgrad)
            {
                vv = MathF.Max(maxExpAvgSq[i], vv);
                maxExpAvgSq[i] = vv;
            }
            float denom = MathF.Sqrt(vv) / biasCorrection2Sqrt + eps;
            param[i] = pv - stepSize * (mv / denom);
        }
    }
}
