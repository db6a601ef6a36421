using Neurone.Tensors;

namespace Neurone.Nn.Functional;

/// <summary>
/// The class-index targets of a classification loss, read and checked once: scores of shape [N, C] or
/// [N, C, d1, …] (classes on dimension 1, as PyTorch) or [C] for one sample, and an Int64 target of the
/// scores' shape without dimension 1, each value a class in [0, C) or the ignore index.
/// </summary>
internal sealed class ClassTargets
{
    /// <summary>Samples (N), classes (C) and positions per sample (d1·d2·…, 1 for [N, C]).</summary>
    public int N { get; }
    public int C { get; }
    public int Inner { get; }

    /// <summary>Label per (sample, position), row-major over the target's shape; -1 where ignored.</summary>
    public int[] Labels { get; }

    /// <summary>How many targets are not ignored (the divisor of a mean).</summary>
    public int Counted { get; }

    /// <summary>The shape of one loss per target (Reduction.None).</summary>
    public int[] TargetShape { get; }

    ClassTargets(int n, int c, int inner, int[] labels, int counted, int[] targetShape)
    {
        N = n; C = c; Inner = inner; Labels = labels; Counted = counted; TargetShape = targetShape;
    }

    /// <summary>The layout of scores of shape [N, C, d…] (or [C]); the error names <paramref name="op"/>.</summary>
    public static (int N, int C, int Inner, int[] TargetShape) Layout(string op, Tensor input)
    {
        if (input.DType != DType.Float32)
            throw new ArgumentException($"{op}: expected Float32 scores, got input {Shapes.Format(input.Shape)} of dtype {input.DType}.");
        if (input.Rank == 0)
            throw new ArgumentException($"{op}: expected scores of shape [N, C] or [N, C, d1, ...] (or [C]), got a scalar.");
        if (input.Rank == 1) return (1, input.Size(0), 1, []);
        var shape = input.Shape;
        int inner = 1;
        for (int i = 2; i < shape.Length; i++) inner *= shape[i];
        var targetShape = new int[shape.Length - 1];
        targetShape[0] = shape[0];
        for (int i = 2; i < shape.Length; i++) targetShape[i - 1] = shape[i];
        return (shape[0], shape[1], inner, targetShape);
    }

    /// <summary>Reads and checks the Int64 <paramref name="target"/> for <paramref name="input"/>.</summary>
    public static ClassTargets Read(string op, Tensor input, Tensor target, long ignoreIndex)
    {
        var (n, c, inner, targetShape) = Layout(op, input);
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: expected Int64 class indices of shape {Shapes.Format(targetShape)}, got target {Shapes.Format(target.Shape)} of dtype {target.DType} for input {Shapes.Format(input.Shape)} (Float32)" +
                (target.DType == DType.Float32 ? "; convert float labels with Long(), or pass class probabilities of the input's shape." : "."));
        if (!Shapes.Equal(target.Shape, targetShape))
            throw new ArgumentException($"{op}: expected a target of shape {Shapes.Format(targetShape)} for input {Shapes.Format(input.Shape)} (Float32), got target {Shapes.Format(target.Shape)} (Int64).");
        var t = target.AsLongSpan();
        var labels = new int[t.Length];
        int counted = 0;
        for (int i = 0; i < t.Length; i++)
        {
            long v = t[i];
            if (v == ignoreIndex) { labels[i] = -1; continue; }
            if ((ulong)v >= (ulong)c)
                throw new ArgumentException($"{op}: target {v} at position {i} is not a class in [0, {c}) (nor the ignore index {ignoreIndex}); input {Shapes.Format(input.Shape)} (Float32), target {Shapes.Format(target.Shape)} (Int64).");
            labels[i] = (int)v;
            counted++;
        }
        return new ClassTargets(n, c, inner, labels, counted, targetShape);
    }
}
