using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>The fraction of samples whose target class is among the <see cref="K"/> highest outputs (ties count against).</summary>
public sealed class TopKAccuracy : Metric
{
    long correct, total;

    public TopKAccuracy(int k = 5)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "top_k_accuracy: expected k ≥ 1.");
        K = k;
    }

    public int K { get; }
    public override string Name => $"top_{K}_accuracy";

    public override void Update(Tensor output, Tensor target)
    {
        if (output.Rank != 2) throw new ArgumentException($"top_k_accuracy: expected output [batch, classes], got {Shapes.Format(output.Shape)}.");
        var labels = TargetClasses(output, target, "top_k_accuracy");
        int n = output.Size(0), c = output.Size(1);
        var o = output.AsReadOnlySpan();
        for (int i = 0; i < n; i++)
        {
            var row = o.Slice(i * c, c);
            float truth = row[labels[i]];
            int above = 0;
            for (int j = 0; j < c; j++) if (j != labels[i] && row[j] >= truth) above++;
            if (above < K) correct++;
        }
        total += n;
    }

    public override double Result() => total == 0 ? double.NaN : correct / (double)total;
    public override void Reset() => correct = total = 0;
    public override Metric CloneEmpty() => new TopKAccuracy(K);
}
