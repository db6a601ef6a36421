using System.Numerics.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Optim;

/// <summary>
/// Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>, applied in
/// place to the <see cref="Tensor.Grad"/> of each parameter between <c>Backward</c> and
/// <see cref="Optimizer.Step"/>. Parameters with a null gradient are ignored. The norm is taken over
/// all gradients together, as if they were one vector; it is summed in float over short blocks
/// (vectorised) and the blocks in double, which is more accurate than PyTorch's float sum.
/// </summary>
public static class ClipGrad
{
    // Float partial sums over blocks this short stay accurate; the blocks are added in double.
    const int Block = 4096;

    /// <summary>
    /// Scales all gradients by maxNorm / (total + 1e-6) when that factor is below 1, where total is the
    /// p-norm (<paramref name="normType"/> &gt; 0, or +∞ for the largest magnitude) of all gradients
    /// together; returns the total norm before clipping. As in PyTorch, the 1e-6 keeps the division
    /// finite, so gradients whose norm is within 1e-6 below maxNorm are also scaled by a hair. A NaN or
    /// infinite total makes every gradient NaN unless <paramref name="errorIfNonfinite"/> throws first.
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2,
        bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "ClipGradNorm: expected maxNorm ≥ 0.");
        if (!(normType > 0))
            throw new ArgumentOutOfRangeException(nameof(normType), normType, "ClipGradNorm: expected normType > 0 (or +∞).");
        var grads = new List<Tensor>();
        foreach (var p in parameters)
            if (p?.Grad is { } g) grads.Add(g);
        if (grads.Count == 0) return 0;

        double total = Norm(grads, normType);
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new InvalidOperationException($"ClipGradNorm: the total {normType}-norm of the gradients is {total}; expected a finite value (set errorIfNonfinite to false to clip anyway).");
        double coef = maxNorm / (total + 1e-6);
        // PyTorch multiplies by min(coef, 1); multiplying by exactly 1 changes nothing, so skip that pass.
        if (!(coef >= 1))
        {
            float c = (float)coef;
            foreach (var g in grads) TensorPrimitives.Multiply(g.AsSpan(), c, g.AsSpan());
        }
        return total;
    }

    /// <summary>
    /// <see cref="ClipGradNorm(IEnumerable{Tensor}, double, double, bool)"/> over every parameter of every
    /// group of <paramref name="optimizer"/>, as one vector.
    /// </summary>
    public static double ClipGradNorm(Optimizer optimizer, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return ClipGradNorm(optimizer.Parameters, maxNorm, normType, errorIfNonfinite);
    }

    /// <summary><see cref="ClipGradValue(IEnumerable{Tensor}, double)"/> over every parameter of every group of <paramref name="optimizer"/>.</summary>
    public static void ClipGradValue(Optimizer optimizer, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ClipGradValue(optimizer.Parameters, clipValue);
    }

    static double Norm(List<Tensor> grads, double normType)
    {
        if (double.IsPositiveInfinity(normType))
        {
            double max = 0;
            foreach (var g in grads)
            {
                if (g.Count == 0) continue;
                double m = Math.Abs(TensorPrimitives.MaxMagnitude(g.AsReadOnlySpan()));
                if (double.IsNaN(m)) return double.NaN;
                max = Math.Max(max, m);
            }
            return max;
        }
        double sum = 0;
        foreach (var g in grads)
        {
            var span = g.AsReadOnlySpan();
            for (int start = 0; start < span.Length; start += Block)
            {
                var block = span.Slice(start, Math.Min(Block, span.Length - start));
                if (normType == 2) sum += TensorPrimitives.SumOfSquares(block);
                else if (normType == 1) sum += TensorPrimitives.SumOfMagnitudes(block);
                else foreach (float x in block) sum += Math.Pow(Math.Abs((double)x), normType);
            }
        }
        return normType == 2 ? Math.Sqrt(sum) : normType == 1 ? sum : Math.Pow(sum, 1 / normType);
    }

    /// <summary>Clamps every gradient element into [−clipValue, clipValue] in place (clipValue ≥ 0).</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0))
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "ClipGradValue: expected clipValue ≥ 0.");
        float c = (float)clipValue;
        foreach (var p in parameters)
        {
            if (p?.Grad is not { } g) continue;
            var span = g.AsSpan();
            TensorPrimitives.Clamp(span, -c, c, span);
        }
    }
}
