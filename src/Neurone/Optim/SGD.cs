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
        bool nesterov = false, double weightDecay = 0) : base(parameters, lr)
    {
        RequireNonNegative(momentum, nameof(momentum));
        if (!double.IsFinite(dampening))
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "SGD: expected a finite dampening.");
        RequireNonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got momentum = {momentum}, dampening = {dampening}.", nameof(nesterov));
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <summary>The momentum factor μ (0: plain SGD, no buffer kept).</summary>
    public double Momentum { get; }
    /// <summary>The dampening applied to the gradient in the momentum update (not on the first step).</summary>
    public double Dampening { get; }
    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }
    /// <summary>The L2 penalty λ added to the gradient as λ·p.</summary>
    public double WeightDecay { get; }

    protected override IReadOnlyList<string> StateNames => Momentum != 0 ? MomentumNames : [];

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, StateSlice buffers, long step, bool fresh)
    {
        Span<float> buf = Momentum != 0 ? buffers[0] : default;
        Kernel(param, grad, buf, (float)LearningRate, (float)Momentum, (float)(1 - Dampening), Nesterov,
            (float)WeightDecay, fresh, Level);
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
