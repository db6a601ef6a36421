using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neurone.Kernels;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, exactly as <c>torch.optim.SGD</c>: with weight
/// decay λ the gradient becomes g + λ·p (L2, added to the gradient); with momentum μ the buffer is
/// b = μ·b + (1 − dampening)·g, except on a parameter's first step where b = g (no dampening — PyTorch's
/// rule, which surprises people who expect b to start at zero); Nesterov uses g + μ·b instead of b; then
/// p = p − lr·(that). Nesterov needs a positive momentum and zero dampening, as in PyTorch.
/// </summary>
public sealed class SGD : Optimizer
{
    static readonly string[] MomentumNames = ["momentum_buffer"];

    /// <summary>Builds SGD over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
        bool nesterov = false, double weightDecay = 0)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], lr, momentum, dampening, nesterov, weightDecay) { }

    /// <summary>Builds SGD over parameter <paramref name="groups"/>; the other arguments are the defaults of groups that do not set their own.</summary>
    public SGD(IEnumerable<ParamGroup> groups, double lr = 1e-3, double momentum = 0, double dampening = 0,
        bool nesterov = false, double weightDecay = 0)
        : base(groups, lr, new Dictionary<string, double>
        {
            [OptionNames.Momentum] = momentum, [OptionNames.Dampening] = dampening,
            [OptionNames.Nesterov] = nesterov ? 1 : 0, [OptionNames.WeightDecay] = weightDecay,
        })
    {
        ForEachGroup((g, where) =>
        {
            RequireNonNegative(g.Momentum, nameof(momentum), where);
            if (!double.IsFinite(g.Dampening))
                throw new ArgumentOutOfRangeException(nameof(dampening), g.Dampening, $"SGD: expected a finite dampening{where}.");
            RequireNonNegative(g.WeightDecay, nameof(weightDecay), where);
            if (g.Nesterov && (g.Momentum <= 0 || g.Dampening != 0))
                throw new ArgumentException($"SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum = {g.Momentum}, dampening = {g.Dampening}{where}.", nameof(nesterov));
        });
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <summary>The momentum factor μ of groups that do not set their own (0: plain SGD, no buffer kept).</summary>
    public double Momentum { get; }
    /// <summary>The dampening applied to the gradient in the momentum update (not on the first step), for groups that do not set their own.</summary>
    public double Dampening { get; }
    /// <summary>Whether the step uses Nesterov momentum, for groups that do not set their own.</summary>
    public bool Nesterov { get; }
    /// <summary>The L2 penalty λ added to the gradient as λ·p, for groups that do not set their own.</summary>
    public double WeightDecay { get; }

    protected override IReadOnlyList<string> StateNames(ParamGroup group) => group.Momentum != 0 ? MomentumNames : [];

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh, ParamGroup group)
    {
        double momentum = group.Momentum;
        Span<float> buf = momentum != 0 ? buffers[0] : default;
        Kernel(param, grad, buf, (float)group.LearningRate, (float)momentum, (float)(1 - group.Dampening), group.Nesterov,
            (float)group.WeightDecay, fresh, Level);
    }

    // One pass: read p, g (and b), write p (and b). The vector bodies and the scalar tail do the same
    // float operations in the same order, so every element's result is independent of its position.
    static void Kernel(Span<float> param, ReadOnlySpan<float> grad, Span<float> buf, float lr, float momentum,
        float oneMinusDampening, bool nesterov, float weightDecay, bool fresh, SimdLevel level)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float b = ref MemoryMarshal.GetReference(buf);
        bool useMomentum = momentum != 0, decay = weightDecay != 0;
        int n = param.Length, i = 0;
        if (level >= SimdLevel.Vector512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (decay) gv += weightDecay * pv;
                if (useMomentum)
                {
                    var bv = fresh ? gv : momentum * Vector512.LoadUnsafe(ref b, (nuint)i) + oneMinusDampening * gv;
                    bv.StoreUnsafe(ref b, (nuint)i);
                    gv = nesterov ? gv + momentum * bv : bv;
                }
                (pv - lr * gv).StoreUnsafe(ref p, (nuint)i);
            }
        }
        if (level >= SimdLevel.Vector256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay) gv += weightDecay * pv;
                if (useMomentum)
                {
                    var bv = fresh ? gv : momentum * Vector256.LoadUnsafe(ref b, (nuint)i) + oneMinusDampening * gv;
                    bv.StoreUnsafe(ref b, (nuint)i);
                    gv = nesterov ? gv + momentum * bv : bv;
                }
                (pv - lr * gv).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pv = param[i], gv = grad[i];
            if (decay) gv += weightDecay * pv;
            if (useMomentum)
            {
                float bv = fresh ? gv : momentum * buf[i] + oneMinusDampening * gv;
                buf[i] = bv;
                gv = nesterov ? gv + momentum * bv : bv;
            }
            param[i] = pv - lr * gv;
        }
    }
}
