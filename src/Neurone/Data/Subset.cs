namespace Neurone.Data;

/// <summary>
/// The samples of another data set at a list of indices, in that order, sharing its storage
/// (PyTorch's <c>Subset</c>). Splits return subsets, so a 49,000/1,000/1,000 split of CIFAR-10 costs
/// three index arrays, not three copies of the images.
/// </summary>
public sealed class Subset : Dataset
{
    readonly int[] indices;

    public Subset(Dataset source, int[] indices) : base(source.SampleShape.ToArray(), source.TargetShape.ToArray(), source.TargetDType)
    {
        ArgumentNullException.ThrowIfNull(indices);
        for (int i = 0; i < indices.Length; i++)
            if ((uint)indices[i] >= (uint)source.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"subset: index {indices[i]} at position {i} is out of range for {source.Count} samples.");
        Source = source;
        this.indices = (int[])indices.Clone();
    }

    /// <summary>The data set this subset looks into.</summary>
    public Dataset Source { get; }

    /// <summary>The source indices, in subset order.</summary>
    public ReadOnlySpan<int> Indices => indices;

    public override int Count => indices.Length;

    public override int Classes => Source.Classes;

    protected internal override void FillFeatures(ReadOnlySpan<int> idx, Span<float> destination)
    {
        // A pooled buffer: batches are remapped every step, and a DataLoader may fill on a worker thread.
        var mapped = System.Buffers.ArrayPool<int>.Shared.Rent(idx.Length);
        try { Source.FillFeatures(Map(idx, mapped), destination); }
        finally { System.Buffers.ArrayPool<int>.Shared.Return(mapped); }
    }

    protected internal override void FillTargets(ReadOnlySpan<int> idx, Span<float> destination)
    {
        var mapped = System.Buffers.ArrayPool<int>.Shared.Rent(idx.Length);
        try { Source.FillTargets(Map(idx, mapped), destination); }
        finally { System.Buffers.ArrayPool<int>.Shared.Return(mapped); }
    }

    protected internal override void FillLabels(ReadOnlySpan<int> idx, Span<long> destination)
    {
        var mapped = System.Buffers.ArrayPool<int>.Shared.Rent(idx.Length);
        try { Source.FillLabels(Map(idx, mapped), destination); }
        finally { System.Buffers.ArrayPool<int>.Shared.Return(mapped); }
    }

    ReadOnlySpan<int> Map(ReadOnlySpan<int> idx, int[] mapped)
    {
        for (int i = 0; i < idx.Length; i++) mapped[i] = indices[idx[i]];
        return mapped.AsSpan(0, idx.Length);
    }
}
