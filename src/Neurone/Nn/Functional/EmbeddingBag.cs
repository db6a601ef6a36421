using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Nn.Functional;

/// <summary>How <see cref="F.EmbeddingBag(Tensor, Tensor, Tensor?, EmbeddingBagMode, Tensor?, int?, bool)"/> reduces the rows of one bag.</summary>
public enum EmbeddingBagMode
{
    /// <summary>The sum of the bag's rows (each times its per-sample weight, when given).</summary>
    Sum,

    /// <summary>The mean of the bag's rows (PyTorch's default).</summary>
    Mean,

    /// <summary>The elementwise maximum of the bag's rows.</summary>
    Max,
}

public static partial class F
{
    /// <summary>
    /// Sums, means or maxima of bags of embedding rows without building the [.., L, dim] tensor of
    /// <see cref="Embedding"/> first (<c>torch.nn.functional.embedding_bag</c>), in PyTorch's two forms:
    /// a 1-D Int64 <paramref name="input"/> of all bags' indices one after another with <paramref name="offsets"/>
    /// [B] (Int64) where each bag starts (with <paramref name="includeLastOffset"/>, B + 1 offsets whose last is
    /// the end), or a 2-D [B, L] <paramref name="input"/> of one bag per row and no offsets. Indices equal to
    /// <paramref name="paddingIndex"/> are left out of their bag (and of a mean's count); an empty bag gives a
    /// row of zeros. <paramref name="perSampleWeights"/> (Float32, the input's shape; mode Sum only, as in
    /// PyTorch) scales each row before the sum and receives its gradient. Gives Float32 [B, dim]. The backward
    /// adds into only the rows used (straight into a parameter's .Grad, as <see cref="Embedding"/>); in Max mode
    /// each output element's gradient goes to the row that held the maximum (the first on ties).
    /// </summary>
    public static Tensor EmbeddingBag(Tensor input, Tensor weight, Tensor? offsets = null, EmbeddingBagMode mode = EmbeddingBagMode.Mean,
        Tensor? perSampleWeights = null, int? paddingIndex = null, bool includeLastOffset = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        CheckWeight(weight);
        Tensor.RequireIndexTensor("embedding_bag", input, "input", weight);
        int n = input.Count;
        int[] starts;
        if (input.Rank == 2)
        {
            if (offsets is not null)
                throw new ArgumentException($"embedding_bag: offsets are for a 1-D input; a 2-D input {Shapes.Format(input.Shape)} has one bag per row, so pass no offsets.");
            int b = input.Size(0), l = input.Size(1);
            starts = new int[b + 1];
            for (int i = 0; i <= b; i++) starts[i] = i * l;
        }
        else if (input.Rank == 1)
        {
            if (offsets is null) throw new ArgumentException($"embedding_bag: a 1-D input {Shapes.Format(input.Shape)} needs offsets saying where each bag starts.");
            starts = Starts(offsets, n, includeLastOffset);
        }
        else throw new ArgumentException($"embedding_bag: expected a 1-D input with offsets or a 2-D input [B, L], got {Shapes.Format(input.Shape)}.");
        return Bags(input, weight, starts, null, mode, perSampleWeights, Padding(paddingIndex, weight));
    }

    /// <summary>
    /// <see cref="EmbeddingBag(Tensor, Tensor, Tensor?, EmbeddingBagMode, Tensor?, int?, bool)"/> over a 2-D
    /// [B, L] <paramref name="input"/> whose Bool <paramref name="mask"/> [B, L] says which positions belong to
    /// each bag (true) and which are padding (false), as the mask <c>Sequences.Mask</c> makes.
    /// </summary>
    public static Tensor EmbeddingBagMasked(Tensor input, Tensor weight, Tensor mask, EmbeddingBagMode mode = EmbeddingBagMode.Mean, Tensor? perSampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(mask);
        CheckWeight(weight);
        Tensor.RequireIndexTensor("embedding_bag", input, "input", weight);
        if (input.Rank != 2 || mask.DType != DType.Bool || !mask.Shape.SequenceEqual(input.Shape))
            throw new ArgumentException($"embedding_bag: expected a 2-D input [B, L] and a Bool mask of its shape, got input {Shapes.Format(input.Shape)} and mask {Shapes.Format(mask.Shape)} ({mask.DType}).");
        int b = input.Size(0), l = input.Size(1);
        var starts = new int[b + 1];
        for (int i = 0; i <= b; i++) starts[i] = i * l;
        return Bags(input, weight, starts, mask.AsBoolSpan().ToArray(), mode, perSampleWeights, null);
    }

    static void CheckWeight(Tensor weight)
    {
        if (weight.DType != DType.Float32 || weight.Rank != 2)
            throw new ArgumentException($"embedding_bag: expected a Float32 weight of shape [num_embeddings, dim], got weight {Shapes.Format(weight.Shape)} ({weight.DType}).");
    }

    static int? Padding(int? paddingIndex, Tensor weight)
    {
        if (paddingIndex is not int pi) return null;
        int num = weight.Size(0);
        if (pi < -num || pi >= num)
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), pi, $"embedding_bag: padding index must be in [{-num}, {num}) for weight {Shapes.Format(weight.Shape)}.");
        return pi < 0 ? pi + num : pi;
    }

    static int[] Starts(Tensor offsets, int n, bool includeLast)
    {
        if (offsets.DType != DType.Int64 || offsets.Rank != 1)
            throw new ArgumentException($"embedding_bag: expected Int64 offsets [B], got {Shapes.Format(offsets.Shape)} ({offsets.DType}).");
        var o = offsets.AsLongSpan();
        if (includeLast && o.Length == 0) throw new ArgumentException("embedding_bag: with includeLastOffset the offsets need at least one entry (the end).");
        int bags = includeLast ? o.Length - 1 : o.Length;
        var starts = new int[bags + 1];
        for (int i = 0; i < bags; i++)
        {
            long prev = i == 0 ? 0 : o[i - 1];
            if (o[i] < prev || o[i] > n || (i == 0 && o[0] != 0))
                throw new ArgumentException($"embedding_bag: offsets must start at 0 and not decrease within [0, {n}] (the input's length); offset {i} is {o[i]}{(i > 0 ? $" after {prev}" : "")}.");
            starts[i] = (int)o[i];
        }
        long end = includeLast ? o[^1] : n;
        if (bags > 0 && (end < starts[bags - 1] || end > n))
            throw new ArgumentException($"embedding_bag: the last offset {end} must lie between the last bag's start {starts[bags - 1]} and the input's length {n}.");
        starts[bags] = (int)end;
        return starts;
    }

    // The fused forward: bag b takes input positions [starts[b], starts[b+1]), skipping padding and masked-out
    // positions; kept[b] counts what a mean divides by; in Max mode argmax records each element's winning position.
    static Tensor Bags(Tensor input, Tensor weight, int[] starts, bool[]? mask, EmbeddingBagMode mode, Tensor? perSampleWeights, int? padding)
    {
        int num = weight.Size(0), dim = weight.Size(1), bags = starts.Length - 1;
        var idx = input.AsLongSpan();
        if (perSampleWeights is not null)
        {
            if (mode != EmbeddingBagMode.Sum)
                throw new ArgumentException($"embedding_bag: per-sample weights need mode Sum (as in PyTorch), got {mode}.");
            if (perSampleWeights.DType != DType.Float32 || !perSampleWeights.Shape.SequenceEqual(input.Shape))
                throw new ArgumentException($"embedding_bag: expected Float32 per-sample weights of the input's shape {Shapes.Format(input.Shape)}, got {Shapes.Format(perSampleWeights.Shape)} ({perSampleWeights.DType}).");
        }
        var rows = new int[idx.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((ulong)idx[i] >= (ulong)num)
                throw new ArgumentOutOfRangeException(nameof(input), $"embedding_bag: index {idx[i]} at position {i} is out of range for {num} embeddings (weight {Shapes.Format(weight.Shape)}, input {Shapes.Format(input.Shape)}).");
            bool skip = (padding is int p && idx[i] == p) || (mask is not null && !mask[i]);
            rows[i] = skip ? -1 : (int)idx[i];
        }
        var psw = perSampleWeights?.AsReadOnlySpan().ToArray();
        var result = new Tensor(bags, dim);
        var o = result.AsSpan();
        var w = weight.AsReadOnlySpan();
        var kept = new int[bags];
        int[]? argmax = mode == EmbeddingBagMode.Max ? new int[bags * dim] : null;
        for (int b = 0; b < bags; b++)
        {
            var row = o.Slice(b * dim, dim);
            int count = 0;
            for (int k = starts[b]; k < starts[b + 1]; k++)
            {
                int r = rows[k];
                if (r < 0) continue;
                var src = w.Slice(r * dim, dim);
                if (mode == EmbeddingBagMode.Max)
                {
                    var am = argmax.AsSpan(b * dim, dim);
                    if (count == 0) { src.CopyTo(row); am.Fill(k); }
                    else
                        for (int d = 0; d < dim; d++)
                            if (src[d] > row[d]) { row[d] = src[d]; am[d] = k; }
                }
                else if (psw is not null) TensorPrimitives.MultiplyAdd(src, psw[k], row, row);
                else TensorPrimitives.Add(row, src, row);
                count++;
            }
            kept[b] = count;
            if (mode == EmbeddingBagMode.Mean && count > 1) TensorPrimitives.Multiply(row, 1f / count, row);
        }
        Tensor[] inputs = perSampleWeights is null ? [weight] : [weight, perSampleWeights];
        return Graph.Record(result, "embedding_bag", inputs, g =>
        {
            var gs = g.AsReadOnlySpan();
            Tensor? grad = null;
            Tensor? gradPsw = null;
            if (weight.RequiresGrad || !weight.IsLeaf)
            {
                Span<float> gw;
                if (weight.IsLeaf) gw = weight.GradAccumulator();
                else
                {
                    grad = new Tensor(num, dim);
                    gw = grad.AsSpan();
                }
                for (int b = 0; b < bags; b++)
                {
                    if (kept[b] == 0) continue;
                    var gb = gs.Slice(b * dim, dim);
                    if (mode == EmbeddingBagMode.Max)
                    {
                        var am = argmax.AsSpan(b * dim, dim);
                        for (int d = 0; d < dim; d++) gw[rows[am[d]] * dim + d] += gb[d];
                        continue;
                    }
                    float scale = mode == EmbeddingBagMode.Mean ? 1f / kept[b] : 1f;
                    for (int k = starts[b]; k < starts[b + 1]; k++)
                    {
                        int r = rows[k];
                        if (r < 0) continue;
                        var target = gw.Slice(r * dim, dim);
                        TensorPrimitives.MultiplyAdd(gb, psw is not null ? psw[k] : scale, target, target);
                    }
                }
            }
            if (perSampleWeights is not null && perSampleWeights.RequiresGrad)
            {
                gradPsw = new Tensor(perSampleWeights.ShapeArray());
                var gp = gradPsw.AsSpan();
                for (int b = 0; b < bags; b++)
                    for (int k = starts[b]; k < starts[b + 1]; k++)
                        if (rows[k] >= 0) gp[k] = TensorPrimitives.Dot(gs.Slice(b * dim, dim), weight.AsReadOnlySpan().Slice(rows[k] * dim, dim));
            }
            return perSampleWeights is null ? [grad] : [grad, gradPsw];
        });
    }
}
