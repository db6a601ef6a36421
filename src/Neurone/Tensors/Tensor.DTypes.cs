namespace Neurone.Tensors;

public partial class Tensor
{
    // Int64 and bool tensors: creation, element access, conversion. Their elements are read and written
    // through typed spans, as float32 elements are through AsSpan.

    /// <summary>The elements of an int64 tensor, writable, in row-major order.</summary>
    public Span<long> AsLongSpan()
    {
        if (DType != DType.Int64) ThrowWrongDType("as_long_span", DType.Int64);
        return longs.AsSpan(offset, Count);
    }

    /// <summary>The elements of a bool tensor, writable, in row-major order.</summary>
    public Span<bool> AsBoolSpan()
    {
        if (DType != DType.Bool) ThrowWrongDType("as_bool_span", DType.Bool);
        return bools.AsSpan(offset, Count);
    }

    /// <summary>
    /// The elements as a span of <typeparamref name="T"/> (float, long or bool, matching <see cref="DType"/>), for ops
    /// that only move elements and so are written once for every dtype.
    /// </summary>
    internal Span<T> Elements<T>()
    {
        Array array = DType switch { DType.Int64 => longs!, DType.Bool => bools!, _ => storage };
        if (array is not T[] typed)
            throw new InvalidOperationException($"elements: a {DType} tensor's elements are not {typeof(T).Name}.");
        return new Span<T>(typed, offset, Count);
    }

    /// <summary>A fresh tensor of <paramref name="dtype"/> whose elements are not cleared, for ops that write every one.</summary>
    internal static Tensor Uninitialized(int[] shape, DType dtype) => dtype switch
    {
        DType.Int64 => new Tensor(GC.AllocateUninitializedArray<long>(Shapes.Count(shape)), 0, (int[])shape.Clone()),
        DType.Bool => new Tensor(GC.AllocateUninitializedArray<bool>(Shapes.Count(shape)), 0, (int[])shape.Clone()),
        _ => Uninitialized(shape),
    };

    /// <summary>A fresh array holding a copy of the elements of an int64 tensor.</summary>
    public long[] ToLongArray() => AsLongSpan().ToArray();

    /// <summary>
    /// The elements of an int64 tensor narrowed to int (for APIs that index with int, such as label arrays
    /// of plots); a value outside int's range is an error, never a wrapped number.
    /// </summary>
    public int[] ToIntArray()
    {
        var x = AsLongSpan();
        var r = new int[x.Length];
        for (int i = 0; i < r.Length; i++)
        {
            if (x[i] < int.MinValue || x[i] > int.MaxValue)
                throw new OverflowException($"to_int_array: element {i} is {x[i]}, outside int's range (shape {Shapes.Format(shape)}).");
            r[i] = (int)x[i];
        }
        return r;
    }

    /// <summary>A fresh array holding a copy of the elements of a bool tensor.</summary>
    public bool[] ToBoolArray() => AsBoolSpan().ToArray();

    /// <summary>The single value of a one-element int64 tensor (PyTorch's <c>item()</c>).</summary>
    public long LongItem()
    {
        if (Count != 1) throw new InvalidOperationException($"item: expected a tensor with one element, got shape {Shapes.Format(shape)} ({Count} elements).");
        return AsLongSpan()[0];
    }

    /// <summary>The single value of a one-element bool tensor.</summary>
    public bool BoolItem()
    {
        if (Count != 1) throw new InvalidOperationException($"item: expected a tensor with one element, got shape {Shapes.Format(shape)} ({Count} elements).");
        return AsBoolSpan()[0];
    }

    /// <summary>One element of an int64 tensor, by a full index (negative counts from the end).</summary>
    public long LongAt(params int[] index)
    {
        if (DType != DType.Int64) ThrowWrongDType("long_at", DType.Int64);
        return longs![FlatIndex(index)];
    }

    /// <summary>Sets one element of an int64 tensor.</summary>
    public void SetLongAt(long value, params int[] index)
    {
        if (DType != DType.Int64) ThrowWrongDType("set_long_at", DType.Int64);
        longs![FlatIndex(index)] = value;
    }

    /// <summary>One element of a bool tensor, by a full index (negative counts from the end).</summary>
    public bool BoolAt(params int[] index)
    {
        if (DType != DType.Bool) ThrowWrongDType("bool_at", DType.Bool);
        return bools![FlatIndex(index)];
    }

    /// <summary>Sets one element of a bool tensor.</summary>
    public void SetBoolAt(bool value, params int[] index)
    {
        if (DType != DType.Bool) ThrowWrongDType("set_bool_at", DType.Bool);
        bools![FlatIndex(index)] = value;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    void ThrowWrongDType(string op, DType expected) =>
        throw new InvalidOperationException($"{op}: expected a {expected} tensor, got dtype {DType} (shape {Shapes.Format(shape)}); convert it with To(DType.{expected}).");

    /// <summary>
    /// An int64 tensor over a copy of <paramref name="values"/> (PyTorch's <c>torch.tensor(values)</c> of
    /// integers); the shape defaults to 1-D and must account for every value.
    /// </summary>
    public static Tensor FromLongs(long[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        var s = CheckedShape(values.Length, shape, "from_longs");
        return new Tensor((long[])values.Clone(), 0, s);
    }

    /// <summary>An int64 tensor from <paramref name="values"/> widened to 64 bits (labels held as int[]).</summary>
    public static Tensor FromInts(int[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        var s = CheckedShape(values.Length, shape, "from_ints");
        var data = new long[values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = values[i];
        return new Tensor(data, 0, s);
    }

    /// <summary>A bool tensor over a copy of <paramref name="values"/>.</summary>
    public static Tensor FromBools(bool[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        var s = CheckedShape(values.Length, shape, "from_bools");
        return new Tensor((bool[])values.Clone(), 0, s);
    }

    static int[] CheckedShape(int length, int[] shape, string op)
    {
        if (shape.Length == 0) return [length]; // no shape: 1-D
        int count = Shapes.Count(shape, op);
        if (count != length)
            throw new ArgumentException($"{op}: shape {Shapes.Format(shape)} holds {count} elements, but {length} values were given.");
        return (int[])shape.Clone();
    }

    /// <summary>A zero (or false) tensor of the given shape and dtype.</summary>
    public static Tensor Zeros(int[] shape, DType dtype) => dtype switch
    {
        DType.Int64 => new Tensor(new long[Shapes.Count(shape)], 0, (int[])shape.Clone()),
        DType.Bool => new Tensor(new bool[Shapes.Count(shape)], 0, (int[])shape.Clone()),
        _ => new Tensor(shape),
    };

    /// <summary>
    /// A tensor of the given dtype with every element <paramref name="value"/>: an int64 tensor needs a whole
    /// number in its range, a bool tensor takes value ≠ 0.
    /// </summary>
    public static Tensor Full(int[] shape, double value, DType dtype)
    {
        switch (dtype)
        {
            case DType.Int64:
                var t = Zeros(shape, dtype);
                t.AsLongSpan().Fill(ToLong(value, "full"));
                return t;
            case DType.Bool:
                var b = Zeros(shape, dtype);
                b.AsBoolSpan().Fill(value != 0);
                return b;
            default:
                return Full(shape, (float)value);
        }
    }

    /// <summary>0, 1, …, end-1 in the given dtype (PyTorch's <c>arange(end)</c> gives int64).</summary>
    public static Tensor Arange(int end, DType dtype) => Arange(0, end, 1, dtype);

    /// <summary>start, start+step, … up to but excluding end, in the given dtype (int64 or float32).</summary>
    public static Tensor Arange(long start, long end, long step, DType dtype)
    {
        if (step == 0) throw new ArgumentException($"arange: expected a non-zero step, got start {start}, end {end}, step {step}.");
        if (dtype == DType.Bool) throw new ArgumentException("arange: expected dtype Float32 or Int64, got Bool.");
        long n = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
        if (n > Array.MaxLength) throw new ArgumentException($"arange: {n} elements are too many for one tensor.");
        int count = (int)Math.Max(0, n);
        if (dtype == DType.Float32) return Arange((float)start, (float)end, step);
        var t = Zeros([count], DType.Int64);
        var d = t.AsLongSpan();
        for (int i = 0; i < count; i++) d[i] = start + i * step;
        return t;
    }

    /// <summary>
    /// The same elements in <paramref name="dtype"/> (PyTorch's <c>to(dtype)</c>); this tensor itself when it
    /// already has that dtype. Float to int64 truncates toward zero, as PyTorch, and refuses NaN, infinities and
    /// values outside int64's range; anything to bool is "≠ 0"; bool to a number is 1 or 0. Only float32 to
    /// float32 keeps a gradient: the others leave the graph, as integers carry none.
    /// </summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var s = (int[])shape.Clone();
        switch (dtype)
        {
            case DType.Float32:
            {
                var r = Uninitialized(s);
                var d = r.AsSpan();
                if (DType == DType.Int64) { var x = AsLongSpan(); for (int i = 0; i < d.Length; i++) d[i] = x[i]; }
                else { var x = AsBoolSpan(); for (int i = 0; i < d.Length; i++) d[i] = x[i] ? 1f : 0f; }
                return r;
            }
            case DType.Int64:
            {
                var r = Zeros(s, DType.Int64);
                var d = r.AsLongSpan();
                if (DType == DType.Float32)
                {
                    var x = AsReadOnlySpan();
                    for (int i = 0; i < d.Length; i++) d[i] = ToLong(x[i], "to(Int64)", i);
                }
                else { var x = AsBoolSpan(); for (int i = 0; i < d.Length; i++) d[i] = x[i] ? 1 : 0; }
                return r;
            }
            default:
            {
                var r = Zeros(s, DType.Bool);
                var d = r.AsBoolSpan();
                if (DType == DType.Float32) { var x = AsReadOnlySpan(); for (int i = 0; i < d.Length; i++) d[i] = x[i] != 0f; }
                else { var x = AsLongSpan(); for (int i = 0; i < d.Length; i++) d[i] = x[i] != 0; }
                return r;
            }
        }
    }

    /// <summary>This tensor as float32 (PyTorch's <c>float()</c>).</summary>
    public Tensor Float() => To(DType.Float32);

    /// <summary>This tensor as int64 (PyTorch's <c>long()</c>).</summary>
    public Tensor Long() => To(DType.Int64);

    /// <summary>This tensor as bool (PyTorch's <c>bool()</c>).</summary>
    public Tensor Bool() => To(DType.Bool);

    static long ToLong(double v, string op, int at = 0)
    {
        // 2^63 is exactly representable; anything at or above it (or below −2^63) does not fit.
        if (!double.IsFinite(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0)
            throw new ArgumentException($"{op}: element {at} is {v}, which no int64 holds.");
        return (long)v;
    }

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> have the same dtype, shape and elements
    /// (PyTorch's <c>torch.equal</c>); NaN equals nothing, as there.
    /// </summary>
    public static bool Equal(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.DType != b.DType || !Shapes.Equal(a.shape, b.shape)) return false;
        return a.DType switch
        {
            DType.Int64 => a.AsLongSpan().SequenceEqual(b.AsLongSpan()),
            DType.Bool => a.AsBoolSpan().SequenceEqual(b.AsBoolSpan()),
            _ => FloatsEqual(a.AsReadOnlySpan(), b.AsReadOnlySpan()),
        };
    }

    static bool FloatsEqual(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
        return true;
    }

    /// <summary>The sum of an int64 or bool tensor as an Int64 scalar (PyTorch sums both to int64).</summary>
    Tensor IntegerSum()
    {
        long sum = 0;
        if (DType == DType.Int64) foreach (long v in AsLongSpan()) sum += v;
        else foreach (bool v in AsBoolSpan()) if (v) sum++;
        return new Tensor(new[] { sum }, 0, []);
    }

    /// <summary>Element i (row-major) as a double, for any dtype: the common form of mixed-dtype comparisons.</summary>
    internal double ElementAsDouble(int i) => DType switch
    {
        DType.Int64 => longs![offset + i],
        DType.Bool => bools![offset + i] ? 1 : 0,
        _ => storage[offset + i],
    };
}
