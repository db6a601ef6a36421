using Neurone.Tensors;

namespace Neurone.Training;

// The three regression metrics share one shape: running sums over elements, combined at the end.

/// <summary>Mean squared error over all elements.</summary>
public sealed class MeanSquaredError : Metric
{
    double sum;
    long count;
    public override string Name => "mse";
    public override bool HigherIsBetter => false;
    public override void Update(Tensor output, Tensor target) => RegressionSums.Add(output, target, "mse", (o, t) => (o - t) * (o - t), ref sum, ref count);
    public override double Result() => count == 0 ? double.NaN : sum / count;
    public override void Reset() { sum = 0; count = 0; }
    public override Metric CloneEmpty() => new MeanSquaredError();
}

/// <summary>Mean absolute error over all elements.</summary>
public sealed class MeanAbsoluteError : Metric
{
    double sum;
    long count;
    public override string Name => "mae";
    public override bool HigherIsBetter => false;
    public override void Update(Tensor output, Tensor target) => RegressionSums.Add(output, target, "mae", (o, t) => Math.Abs(o - t), ref sum, ref count);
    public override double Result() => count == 0 ? double.NaN : sum / count;
    public override void Reset() { sum = 0; count = 0; }
    public override Metric CloneEmpty() => new MeanAbsoluteError();
}

/// <summary>
/// The coefficient of determination, 1 − Σ(y − ŷ)² / Σ(y − ȳ)², over all elements seen (one pooled
/// score, as scikit-learn's r2_score on flattened data). 1 is perfect; 0 is no better than the mean.
/// </summary>
public sealed class R2Score : Metric
{
    double residual, sumY, sumY2;
    long count;
    public override string Name => "r2";

    public override void Update(Tensor output, Tensor target)
    {
        RegressionSums.RequireSameCount(output, target, "r2");
        var o = output.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        for (int i = 0; i < o.Length; i++)
        {
            double d = t[i] - (double)o[i];
            residual += d * d;
            sumY += t[i];
            sumY2 += (double)t[i] * t[i];
        }
        count += o.Length;
    }

    public override double Result()
    {
        if (count == 0) return double.NaN;
        double total = sumY2 - sumY * sumY / count;
        return total <= 0 ? double.NaN : 1 - residual / total;
    }

    public override void Reset() { residual = sumY = sumY2 = 0; count = 0; }
    public override Metric CloneEmpty() => new R2Score();
}

internal static class RegressionSums
{
    public static void RequireSameCount(Tensor output, Tensor target, string metric)
    {
        if (output.Count != target.Count)
            throw new ArgumentException($"{metric}: output {Shapes.Format(output.Shape)} and target {Shapes.Format(target.Shape)} have different element counts.");
    }

    public static void Add(Tensor output, Tensor target, string metric, Func<double, double, double> term, ref double sum, ref long count)
    {
        RequireSameCount(output, target, metric);
        var o = output.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        for (int i = 0; i < o.Length; i++) sum += term(o[i], t[i]);
        count += o.Length;
    }
}
