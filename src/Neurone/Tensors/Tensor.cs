namespace Neurone.Tensors;

/// <summary>
/// An n-dimensional array in contiguous row-major order, of one <see cref="Tensors.DType"/>: float32 values
/// (the default), int64 indices and labels, or bool masks. A tensor is a window (offset, shape) on a storage
/// array, so reshaping and slicing rows are free views that share memory with their source; ops that change
/// the layout (transpose, permute, gather) copy. Memory is managed by the garbage collector: tensors need
/// no disposing.
/// </summary>
public partial class Tensor
{
    // A float32 tensor keeps its elements in `storage`, exactly as before dtypes existed, so the float
    // path costs one predictable dtype test in AsSpan and nothing else. Int64 and bool tensors keep
    // theirs in `longs` or `bools` and leave `storage` empty.
    readonly float[] storage;
    readonly long[]? longs;
    readonly bool[]? bools;
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

    /// <summary>Wraps int64 storage without copying.</summary>
    internal Tensor(long[] longs, int offset, int[] shape)
    {
        storage = [];
        this.longs = longs;
        this.offset = offset;
        this.shape = shape;
        Count = Shapes.Count(shape);
        DType = DType.Int64;
    }

    /// <summary>Wraps bool storage without copying.</summary>
    internal Tensor(bool[] bools, int offset, int[] shape)
    {
        storage = [];
        this.bools = bools;
        this.offset = offset;
        this.shape = shape;
        Count = Shapes.Count(shape);
        DType = DType.Bool;
    }

    /// <summary>The element type: <see cref="DType.Float32"/> unless made as an integer or boolean tensor.</summary>
    public DType DType { get; }

    /// <summary>A view of the same storage (any dtype) with another offset and shape.</summary>
    internal Tensor SameStorage(int newOffset, int[] newShape) => DType switch
    {
        DType.Int64 => new Tensor(longs!, newOffset, newShape),
        DType.Bool => new Tensor(bools!, newOffset, newShape),
        _ => new Tensor(storage, newOffset, newShape),
    };

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
    /// <summary>The float32 storage array (a Parameter wraps it); other dtypes have none to share.</summary>
    internal float[] Storage
    {
        get
        {
            if (DType != DType.Float32) ThrowNotFloat("storage (parameters and float views)");
            return storage;
        }
    }
    internal int Offset => offset;

    /// <summary>
    /// The elements of a float32 tensor, writable, in row-major order. Writes are seen by every view of the
    /// same storage. Int64 and bool tensors throw: use <see cref="AsLongSpan"/>, <see cref="AsBoolSpan"/> or
    /// <see cref="Float"/>.
    /// </summary>
    public Span<float> AsSpan()
    {
        if (DType != DType.Float32) ThrowNotFloat("as_span");
        return storage.AsSpan(offset, Count);
    }

    /// <summary>The elements of a float32 tensor, read-only.</summary>
    public ReadOnlySpan<float> AsReadOnlySpan()
    {
        if (DType != DType.Float32) ThrowNotFloat("as_span");
        return new(storage, offset, Count);
    }

    /// <summary>A fresh array holding a copy of the elements of a float32 tensor.</summary>
    public float[] ToArray() => AsReadOnlySpan().ToArray();

    /// <summary>True when this tensor and <paramref name="other"/> are views on the same storage array.</summary>
    public bool SharesStorageWith(Tensor other) =>
        other.DType == DType && DType switch
        {
            DType.Int64 => ReferenceEquals(longs, other.longs),
            DType.Bool => ReferenceEquals(bools, other.bools),
            _ => ReferenceEquals(storage, other.storage),
        };

    /// <summary>
    /// The single value of a one-element tensor (PyTorch's <c>item()</c>), as a float: a bool gives 1 or 0;
    /// an int64 tensor throws, as a float cannot hold every int64 — use <see cref="LongItem"/>.
    /// </summary>
    public float Item()
    {
        if (Count != 1) throw new InvalidOperationException($"item: expected a tensor with one element, got shape {Shapes.Format(shape)} ({Count} elements).");
        return DType switch
        {
            DType.Bool => bools![offset] ? 1f : 0f,
            DType.Int64 => throw new InvalidOperationException("item: this tensor has dtype Int64, which a float cannot hold exactly; use LongItem()."),
            _ => storage[offset],
        };
    }

    /// <summary>One element of a float32 tensor, by a full index (one number per dimension; negative counts from the end).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get { if (DType != DType.Float32) ThrowNotFloat("index"); return storage[FlatIndex(index)]; }
        set { if (DType != DType.Float32) ThrowNotFloat("index"); storage[FlatIndex(index)] = value; }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void ThrowNotFloat(string op) =>
        throw new InvalidOperationException($"{op}: expected a Float32 tensor, got dtype {DType} (shape {Shapes.Format(shape)}); " +
            (DType == DType.Int64 ? "use AsLongSpan()/LongAt() or Float()." : "use AsBoolSpan()/BoolAt() or Float()."));

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

    /// <summary>A copy with its own storage, of the same dtype; gradients flow through it unchanged.</summary>
    public Tensor Clone()
    {
        switch (DType)
        {
            case DType.Int64: return new Tensor(AsLongSpan().ToArray(), 0, (int[])shape.Clone());
            case DType.Bool: return new Tensor(AsBoolSpan().ToArray(), 0, (int[])shape.Clone());
        }
        var c = new Tensor(AsReadOnlySpan().ToArray(), 0, (int[])shape.Clone());
        return Autograd.Graph.Record(c, "clone", [this], g => [g]);
    }

    /// <summary>
    /// Copies <paramref name="source"/>'s elements into this tensor; the shapes must match, and the dtypes
    /// too (convert with <see cref="To"/> first: a silent conversion would hide a label-versus-value mix-up).
    /// </summary>
    public void CopyFrom(Tensor source)
    {
        if (!Shapes.Equal(shape, source.shape))
            throw new ArgumentException($"copy: expected a source of shape {Shapes.Format(shape)}, got {Shapes.Format(source.shape)}.");
        if (source.DType != DType)
            throw new ArgumentException($"copy: expected a source of dtype {DType}, got {source.DType} (shape {Shapes.Format(source.shape)}); convert it with To(DType.{DType}).");
        switch (DType)
        {
            case DType.Int64: source.AsLongSpan().CopyTo(AsLongSpan()); break;
            case DType.Bool: source.AsBoolSpan().CopyTo(AsBoolSpan()); break;
            default: source.AsReadOnlySpan().CopyTo(AsSpan()); break;
        }
    }

    /// <summary>Sets every element of a float32 tensor to <paramref name="value"/>.</summary>
    public void Fill(float value) => AsSpan().Fill(value);

    public override string ToString() => TensorFormatter.Format(this);
}
