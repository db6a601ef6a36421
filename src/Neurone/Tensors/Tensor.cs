namespace Neurone.Tensors;

/// <summary>
/// An n-dimensional array of float32 in contiguous row-major order. A tensor is a window
/// (offset, shape) on a storage array, so reshaping and slicing rows are free views that share
/// memory with their source; ops that change the layout (transpose, permute, gather) copy.
/// Memory is managed by the garbage collector: tensors need no disposing.
/// </summary>
public partial class Tensor
{
    readonly float[] storage;
    readonly int offset;
    readonly int[] shape;

    /// <summary>Wraps <paramref name="storage"/> without copying; the caller guarantees the window fits.</summary>
    internal Tensor(float[] storage, int offset, int[] shape)
    {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        Count = Shapes.Count(shape);
    }

    /// <summary>
    /// A tensor whose storage is not cleared, for ops that overwrite every element: clearing large
    /// buffers that are written right after is a measurable share of a training step.
    /// </summary>
    internal static Tensor Uninitialized(int[] shape) =>
        new(GC.AllocateUninitializedArray<float>(Shapes.Count(shape)), 0, (int[])shape.Clone());

    /// <summary>A new zero-filled tensor of the given shape.</summary>
    public Tensor(params int[] shape) : this(new float[Shapes.Count(shape)], 0, (int[])shape.Clone()) { }

    /// <summary>The dimensions, outermost first. A scalar has rank 0 and an empty shape.</summary>
    public ReadOnlySpan<int> Shape => shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>The number of elements (PyTorch's <c>numel</c>).</summary>
    public int Count { get; }

    /// <summary>The size of one dimension; negative values count from the end.</summary>
    public int Size(int dim) => shape[Shapes.Axis("size", dim, shape)];

    /// <summary>A copy of the shape, for callers that need an array.</summary>
    public int[] ShapeArray() => (int[])shape.Clone();

    internal int[] ShapeRef => shape;
    internal float[] Storage => storage;
    internal int Offset => offset;

    /// <summary>The elements, writable, in row-major order. Writes are seen by every view of the same storage.</summary>
    public Span<float> AsSpan() => storage.AsSpan(offset, Count);

    /// <summary>The elements, read-only.</summary>
    public ReadOnlySpan<float> AsReadOnlySpan() => new(storage, offset, Count);

    /// <summary>A fresh array holding a copy of the elements.</summary>
    public float[] ToArray() => AsReadOnlySpan().ToArray();

    /// <summary>True when this tensor and <paramref name="other"/> are views on the same storage array.</summary>
    public bool SharesStorageWith(Tensor other) => ReferenceEquals(storage, other.storage);

    /// <summary>The single value of a one-element tensor (PyTorch's <c>item()</c>).</summary>
    public float Item()
    {
        if (Count != 1) throw new InvalidOperationException($"item: expected a tensor with one element, got shape {Shapes.Format(shape)} ({Count} elements).");
        return storage[offset];
    }

    /// <summary>One element, by a full index (one number per dimension; negative counts from the end).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => storage[FlatIndex(index)];
        set => storage[FlatIndex(index)] = value;
    }

    int FlatIndex(int[] index)
    {
        if (index.Length != shape.Length)
            throw new ArgumentException($"index: expected {shape.Length} indices for shape {Shapes.Format(shape)}, got {index.Length}.");
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int v = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (v < 0 || v >= shape[i])
                throw new IndexOutOfRangeException($"index: {index[i]} is out of range for dimension {i} of shape {Shapes.Format(shape)}.");
            flat = flat * shape[i] + v;
        }
        return offset + flat;
    }

    /// <summary>A copy with its own storage; gradients flow through it unchanged.</summary>
    public Tensor Clone()
    {
        var c = new Tensor(AsReadOnlySpan().ToArray(), 0, (int[])shape.Clone());
        return Autograd.Graph.Record(c, "clone", [this], g => [g]);
    }

    /// <summary>Copies <paramref name="source"/>'s elements into this tensor; the shapes must match.</summary>
    public void CopyFrom(Tensor source)
    {
        if (!Shapes.Equal(shape, source.shape))
            throw new ArgumentException($"copy: expected a source of shape {Shapes.Format(shape)}, got {Shapes.Format(source.shape)}.");
        source.AsReadOnlySpan().CopyTo(AsSpan());
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(float value) => AsSpan().Fill(value);

    public override string ToString() => TensorFormatter.Format(this);
}
