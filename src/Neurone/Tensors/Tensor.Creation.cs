namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => new(shape);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1f);

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, float value)
    {
        var t = Uninitialized(shape);
        if (Kernels.LargeElementwise.Worth(t.Count))
            Kernels.LargeElementwise.For(t.Count, (from, to) => t.AsSpan()[from..to].Fill(value));
        else t.AsSpan().Fill(value);
        return t;
    }

    /// <summary>A rank-0 tensor holding one value.</summary>
    public static Tensor Scalar(float value) => new(new[] { value }, 0, Array.Empty<int>());

    /// <summary>A zero tensor of the same shape as <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => new(like.shape);

    /// <summary>Values start, start+step, … up to but excluding end, as a 1-D tensor (PyTorch's <c>arange</c>).</summary>
    public static Tensor Arange(float start, float end, float step = 1f)
    {
        if (step == 0 || float.IsNaN(step) || !float.IsFinite(start) || !float.IsFinite(end))
            throw new ArgumentException($"arange: expected finite bounds and a non-zero step, got start {start}, end {end}, step {step}.");
        double n = Math.Ceiling((end - (double)start) / step);
        if (n > Array.MaxLength) throw new ArgumentException($"arange: {n} elements are too many for one tensor.");
        int count = Math.Max(0, (int)n);
        var t = new Tensor(count);
        var d = t.AsSpan();
        for (int i = 0; i < count; i++) d[i] = (float)(start + (double)i * step);
        return t;
    }

    /// <summary>0, 1, …, end-1.</summary>
    public static Tensor Arange(int end) => Arange(0, end);

    /// <summary>
    /// A tensor over a copy of <paramref name="values"/>; the shape defaults to 1-D and must account for
    /// every value.
    /// </summary>
    public static Tensor FromArray(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (shape.Length == 0) shape = [values.Length]; // no shape: 1-D (use Scalar for rank 0)
        int count = Shapes.Count(shape, "from_array");
        if (count != values.Length)
            throw new ArgumentException($"from_array: shape {Shapes.Format(shape)} holds {count} elements, but {values.Length} values were given.");
        return new Tensor((float[])values.Clone(), 0, (int[])shape.Clone());
    }

    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor FromArray(float[,] values)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var t = new Tensor(rows, cols);
        var d = t.AsSpan();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                d[i * cols + j] = values[i, j];
        return t;
    }

    /// <summary>Uniform random values in [low, high).</summary>
    public static Tensor Rand(int[] shape, Rng rng, float low = 0f, float high = 1f)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = new Tensor(shape);
        rng.FillUniform(t.AsSpan(), low, high);
        return t;
    }

    /// <summary>Normal random values with the given mean and standard deviation.</summary>
    public static Tensor Randn(int[] shape, Rng rng, float mean = 0f, float std = 1f)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = new Tensor(shape);
        rng.FillNormal(t.AsSpan(), mean, std);
        return t;
    }

    /// <summary>Each element independently 1 with probability <paramref name="p"/>, else 0.</summary>
    public static Tensor Bernoulli(int[] shape, float p, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "bernoulli: expected a probability in [0, 1].");
        var t = new Tensor(shape);
        var d = t.AsSpan();
        for (int i = 0; i < d.Length; i++) d[i] = rng.NextFloat() < p ? 1f : 0f;
        return t;
    }
}
