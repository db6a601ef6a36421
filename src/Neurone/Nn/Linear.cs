using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn;

/// <summary>
/// y = x·Wᵀ + b, with W of shape [out, in] as in PyTorch, initialised as PyTorch does: W and b uniform
/// in ±1/√in (kaiming_uniform with a = √5). The input may have any leading dimensions. Forward is one
/// GEMM that adds onto the broadcast bias; backward is two GEMMs and a column sum, with no transposes
/// materialised.
/// </summary>
public sealed class Linear : Module, IFusedRelu, ISavedModule<Linear>
{
    /// <summary>The weight, [out, in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null without one.</summary>
    public Parameter? Bias { get; }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/>; <paramref name="rng"/> defaults to <see cref="Rng.Default"/>.</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Rng? rng = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: expected positive sizes, got in={inFeatures}, out={outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        rng ??= Rng.Default;
        float bound = 1f / MathF.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Tensor.Rand([outFeatures, inFeatures], rng, -bound, bound));
        if (bias) Bias = RegisterParameter("bias", Tensor.Rand([outFeatures], rng, -bound, bound));
    }

    /// <summary>
    /// The layer followed by a ReLU applied in place: the output is a fresh tensor nothing else holds,
    /// and Linear's backward does not read it, so the ReLU can overwrite it.
    /// </summary>
    public Tensor Forward(Tensor input, bool relu) => relu ? Forward(input).ReluInPlace() : Forward(input);

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank == 0 || input.Size(-1) != InFeatures)
            throw new ArgumentException($"Linear({InFeatures}→{OutFeatures}): expected input with last dimension {InFeatures}, got shape {Shapes.Format(input.Shape)}.");
        int rows = input.Count / InFeatures;
        var outShape = input.ShapeArray();
        outShape[^1] = OutFeatures;
        var y = Tensor.Uninitialized(outShape);
        var ys = y.AsSpan();
        float beta = 0f;
        if (Bias is not null)
        {
            var b = Bias.AsReadOnlySpan();
            for (int r = 0; r < rows; r++) b.CopyTo(ys.Slice(r * OutFeatures, OutFeatures));
            beta = 1f;
        }
        Gemm.Multiply(false, true, rows, OutFeatures, InFeatures, 1f, input.AsReadOnlySpan(), InFeatures, Weight.AsReadOnlySpan(), InFeatures, beta, ys, OutFeatures);

        var inputs = Bias is null ? new[] { input, Weight } : new Tensor[] { input, Weight, Bias };
        return Graph.Record(y, "linear", inputs, g => Backward(input, g, rows));
    }

    Tensor?[] Backward(Tensor input, Tensor g, int rows)
    {
        var gs = g.AsReadOnlySpan();
        Tensor? dx = null, dw = null, db = null;
        if (input.RequiresGrad)
        {
            dx = Tensor.Uninitialized(input.ShapeArray());
            Gemm.Multiply(false, false, rows, InFeatures, OutFeatures, 1f, gs, OutFeatures, Weight.AsReadOnlySpan(), InFeatures, 0f, dx.AsSpan(), InFeatures);
        }
        // Parameters are leaves: their gradients go straight into .Grad (GEMM with beta 0 or 1), which
        // saves allocating and copying a weight-sized tensor every step.
        if (Weight.RequiresGrad)
        {
            if (Weight.IsLeaf)
            {
                var target = Weight.GradAccumulationBuffer(out float beta);
                Gemm.Multiply(true, false, OutFeatures, InFeatures, rows, 1f, gs, OutFeatures, input.AsReadOnlySpan(), InFeatures, beta, target, InFeatures);
            }
            else
            {
                dw = Tensor.Uninitialized([OutFeatures, InFeatures]);
                Gemm.Multiply(true, false, OutFeatures, InFeatures, rows, 1f, gs, OutFeatures, input.AsReadOnlySpan(), InFeatures, 0f, dw.AsSpan(), InFeatures);
            }
        }
        if (Bias is not null && Bias.RequiresGrad)
        {
            Span<float> acc;
            if (Bias.IsLeaf)
            {
                acc = Bias.GradAccumulationBuffer(out float beta);
                if (beta == 0f) acc.Clear();
            }
            else
            {
                db = new Tensor(OutFeatures);
                acc = db.AsSpan();
            }
            for (int r = 0; r < rows; r++) TensorPrimitives.Add(acc, gs.Slice(r * OutFeatures, OutFeatures), acc);
        }
        return Bias is null ? [dx, dw] : [dx, dw, db];
    }

    public override string Describe() => $"Linear(in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")})";

    // Saved architecture: the settings below, under PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) =>
        config.Set("in_features", InFeatures).Set("out_features", OutFeatures).Set("bias", Bias is not null);

    public static Linear FromConfig(ModuleSettings s) => new(s.Int("in_features"), s.Int("out_features"), s.Bool("bias", true), s.Rng);
}
