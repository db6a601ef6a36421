using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// The fraction of samples whose predicted class is the target class. The prediction is the argmax of
/// an [N, C] output (logits or probabilities alike); for a single output column it is output &gt;
/// <see cref="Threshold"/> (use 0 for logits, 0.5 for probabilities — the default assumes logits when
/// the model ends without a sigmoid, so pass the threshold that fits).
/// </summary>
public sealed class Accuracy(float threshold = 0f) : Metric
{
    long correct, total;

    /// <summary>The decision threshold for single-column outputs.</summary>
    public float Threshold { get; } = threshold;

    public override string Name => "accuracy";

    public override void Update(Tensor output, Tensor target)
    {
        if (output.Rank == 0) throw new ArgumentException("accuracy: expected a batch of outputs, got a scalar.");
        int n = output.Size(0);
        if (output.Rank == 1 || output.Count == n)
        {
            var o = output.AsReadOnlySpan();
            if (target.Count != n) throw new ArgumentException($"accuracy: expected {n} targets, got shape {Shapes.Format(target.Shape)} ({target.DType}).");
            // Binary targets: Float32 probabilities (as BCE takes them, true above 0.5) or Int64 labels 0/1.
            var positive = target.DType == DType.Float32 ? target.Gt(0.5) : target.Ne(0);
            var t = positive.AsBoolSpan();
            for (int i = 0; i < n; i++) if ((o[i] > Threshold) == t[i]) correct++;
        }
        else
        {
            var labels = TargetClasses(output, target, "accuracy");
            var predicted = output.Reshape(n, -1).ArgMax(1).AsLongSpan();
            for (int i = 0; i < n; i++) if (predicted[i] == labels[i]) correct++;
        }
        total += n;
    }

    public override double Result() => total == 0 ? double.NaN : correct / (double)total;
    public override void Reset() => correct = total = 0;
    public override Metric CloneEmpty() => new Accuracy(Threshold);
}
