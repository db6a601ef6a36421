using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Layer normalisation (PyTorch's <c>F.layer_norm</c>): each row of the trailing dimensions
    /// <paramref name="normalizedShape"/> is normalised with its own mean and biased variance,
    /// x̂ = (x − mean)/√(var + eps), then y = γ·x̂ + β elementwise, γ = <paramref name="weight"/> and
    /// β = <paramref name="bias"/> (each of shape <paramref name="normalizedShape"/>, or null for 1 and 0). The same in
    /// training and evaluation. Statistics in double and in two passes (the mean, then Σ(x − mean)²), and the mean
    /// subtracted before scaling, so a row whose mean is large against its spread (an offset of 1e4) keeps its
    /// digits; a constant row gives x̂ = 0 and finite gradients.
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
        => LayerNorm(input, normalizedShape, weight, bias, eps, Simd.Best);

    /// <summary>As the public overload, on the kernels' <paramref name="level"/> path (tests run every path).</summary>
    internal static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias, float eps, SimdLevel level)
    {
        int d = CheckLayerNorm(input, normalizedShape, weight, bias, eps);
        int rows = input.Count / d;
        var x = input.AsReadOnlySpan();
        var y = Tensor.Uninitialized(input.ShapeArray());
        var ys = y.AsSpan();
        var mean = new double[rows];
        var invStd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * d, d);
            double m = Moments.Sum(row, level) / d;
            double v = Moments.SumOfSquaredDeviations(row, m, level) / d;
            mean[r] = m;
            invStd[r] = 1.0 / Math.Sqrt(v + eps);
            // x̂ = (x − meanHigh)·invStd + shift, the mean split into a float part and the rest as in F.BatchNorm:
            // x − meanHigh is exact near the mean, the rest folds into the shift.
            var target = ys.Slice(r * d, d);
            float meanHigh = (float)m;
            Standardize.Apply(row, meanHigh, (float)invStd[r], (float)(-(m - meanHigh) * invStd[r]), target, level);
            if (weight is not null) TensorPrimitives.Multiply(target, weight.AsReadOnlySpan(), target);
            if (bias is not null) TensorPrimitives.Add(target, bias.AsReadOnlySpan(), target);
        }
        var inputs = new List<Tensor>(3) { input };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        return Graph.Record(y, "layer_norm", [.. inputs], g => LayerNormBackward(input, weight, bias, g, mean, invStd, d, level));
    }

    /// <summary>Checks the shapes and returns the number of elements in one normalised row.</summary>
    static int CheckLayerNorm(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias, float eps)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s < 1))
            throw new ArgumentException($"layer_norm: expected a normalized shape of positive sizes, got {Shapes.Format(normalizedShape)}.");
        if (!(eps > 0))
            throw new ArgumentOutOfRangeException(nameof(eps), $"layer_norm: expected eps > 0, got {eps}.");
        int k = normalizedShape.Length;
        if (input.Rank < k || !Shapes.Equal(input.Shape[^k..], normalizedShape))
            throw new ArgumentException($"layer_norm: expected input whose trailing dimensions are {Shapes.Format(normalizedShape)}, got shape {Shapes.Format(input.Shape)}.");
        foreach (var (what, t) in new[] { ("weight", weight), ("bias", bias) })
            if (t is not null && !Shapes.Equal(t.Shape, normalizedShape))
                throw new ArgumentException($"layer_norm: expected {what} of shape {Shapes.Format(normalizedShape)}, got {Shapes.Format(t.Shape)}.");
        return Shapes.Count(normalizedShape);
    }

    static Tensor?[] LayerNormBackward(Tensor input, Tensor? weight, Tensor? bias, Tensor grad, double[] mean, double[] invStd, int d, SimdLevel level)
    {
        int rows = mean.Length;
        var x = input.AsReadOnlySpan();
        var g = grad.AsReadOnlySpan();
        var dx = input.RequiresGrad ? Tensor.Uninitialized(input.ShapeArray()) : null;
        bool wantGamma = weight is not null && weight.RequiresGrad, wantBeta = bias is not null && bias.RequiresGrad;
        // γ's and β's gradients sum over every row: kept in double, so many rows do not drown a small one.
        var dGamma = wantGamma ? new double[d] : null;
        var dBeta = wantBeta ? new double[d] : null;
        var centredGrad = new float[d];
        var normalized = wantGamma ? new float[d] : null;
        for (int r = 0; r < rows; r++)
        {
            var gr = g.Slice(r * d, d);
            var xr = x.Slice(r * d, d);
            float meanHigh = (float)mean[r];
            if (normalized is not null)
            {
                Standardize.Apply(xr, meanHigh, (float)invStd[r], (float)(-(mean[r] - meanHigh) * invStd[r]), normalized, level);
                for (int i = 0; i < d; i++) dGamma![i] += (double)gr[i] * normalized[i];
            }
            if (dBeta is not null)
                for (int i = 0; i < d; i++) dBeta[i] += gr[i];
            if (dx is null) continue;
            // With h = γ·g: dx = k·(h − mean(h)) − k·x̂·mean(h·x̂), k = 1/σ. Both means are centred in float first
            // (h − meanH with meanH rounded to float, x − meanHigh exact near the mean) and their rounded-off parts
            // fold into one shift, with Σh and Σh·(x − mean) in double: a constant row, where the true result is
            // k·(h − mean(h)) and a one-element row's is 0, keeps its digits despite k = 1/√eps.
            ReadOnlySpan<float> h = gr;
            if (weight is not null)
            {
                TensorPrimitives.Multiply(gr, weight.AsReadOnlySpan(), centredGrad);
                h = centredGrad;
            }
            double k = invStd[r];
            double meanH = Moments.Sum(h, level) / d;
            double b = k * k * k * Moments.SumOfWeightedDeviations(h, xr, mean[r], level) / d;
            float meanHLow = (float)meanH;
            float shift = (float)(b * (mean[r] - meanHigh) - k * (meanH - meanHLow));
            TensorPrimitives.Subtract(h, meanHLow, centredGrad);
            var target = dx.AsSpan().Slice(r * d, d);
            Standardize.Apply(xr, meanHigh, (float)-b, shift, target, level);
            TensorPrimitives.MultiplyAdd(centredGrad, (float)k, target, target);
        }
        var grads = new List<Tensor?>(3) { dx };
        if (weight is not null) grads.Add(dGamma is null ? null : ToTensor(dGamma, weight.ShapeArray()));
        if (bias is not null) grads.Add(dBeta is null ? null : ToTensor(dBeta, bias.ShapeArray()));
        return [.. grads];
    }

    static Tensor ToTensor(double[] values, int[] shape)
    {
        var t = Tensor.Uninitialized(shape);
        var s = t.AsSpan();
        for (int i = 0; i < s.Length; i++) s[i] = (float)values[i];
        return t;
    }
}
