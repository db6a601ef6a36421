using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// A streaming metric, as Keras' metrics are: <see cref="Update"/> with each batch's model output and
/// target, then <see cref="Result"/> for the whole epoch (weighted by batch size, so the last small batch
/// counts for what it is), then <see cref="Reset"/>. <see cref="Name"/> is the key in <see cref="History"/>
/// ("accuracy", and "val_accuracy" for the validation pass).
/// </summary>
public abstract class Metric
{
    /// <summary>The name used in logs and history.</summary>
    public abstract string Name { get; }

    /// <summary>Adds one batch.</summary>
    public abstract void Update(Tensor output, Tensor target);

    /// <summary>The value over everything since the last <see cref="Reset"/> (NaN before any update).</summary>
    public abstract double Result();

    /// <summary>Forgets every batch seen.</summary>
    public abstract void Reset();

    /// <summary>True when a larger value is better (accuracy), false when smaller is (error).</summary>
    public virtual bool HigherIsBetter => true;

    /// <summary>A fresh metric of the same kind and settings, for the validation pass.</summary>
    public abstract Metric CloneEmpty();

    /// <summary>
    /// Class indices for a batch of targets: N Int64 labels as they are, or the argmax of an [N, C] Float32
    /// one-hot or probability table. Float labels are refused (convert them with <c>Long()</c>).
    /// </summary>
    protected static int[] TargetClasses(Tensor output, Tensor target, string metric)
    {
        int n = output.Size(0);
        if (target.DType == DType.Float32 && target.Rank == 2 && output.Rank == 2 && target.Size(1) == output.Size(1) && output.Size(1) > 1)
            target = target.ArgMax(1);
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{metric}: expected Int64 class labels of shape [{n}] (or an [N, C] Float32 table), got target {Shapes.Format(target.Shape)} of dtype {target.DType} for output {Shapes.Format(output.Shape)}; convert labels with Long().");
        if (target.Count != n)
            throw new ArgumentException($"{metric}: expected {n} targets for output {Shapes.Format(output.Shape)}, got shape {Shapes.Format(target.Shape)} ({target.DType}).");
        var t = target.AsLongSpan();
        int classes = output.Count / Math.Max(1, n);
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            if ((ulong)t[i] >= (ulong)classes)
                throw new ArgumentException($"{metric}: label {t[i]} at sample {i} is not a class in [0, {classes}) for output {Shapes.Format(output.Shape)}.");
            labels[i] = (int)t[i];
        }
        return labels;
    }
}
