using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// Inverted dropout (PyTorch's <c>F.dropout</c>): with <paramref name="training"/> each element is zeroed with
    /// probability <paramref name="p"/> and the survivors are scaled by 1/(1−p), so evaluation (where it is the
    /// identity) needs no rescaling. The mask draws one number per element from <paramref name="rng"/> (default
    /// <see cref="Rng.Default"/>), in order, so the same generator state gives the same mask.
    /// </summary>
    public static Tensor Dropout(Tensor input, float p = 0.5f, bool training = true, Rng? rng = null)
    {
        CheckProbability("dropout", p);
        if (!training || p == 0f) return input;
        if (p == 1f) return input * 0f;
        rng ??= Rng.Default;
        float scale = 1f / (1f - p);
        var mask = new Tensor(input.ShapeArray());
        var m = mask.AsSpan();
        for (int i = 0; i < m.Length; i++) m[i] = rng.NextFloat() >= p ? scale : 0f;
        var y = new Tensor(input.ShapeArray());
        TensorPrimitives.Multiply(input.AsReadOnlySpan(), m, y.AsSpan());
        return Graph.Record(y, "dropout", [input], g => [g * mask]);
    }

    /// <summary>
    /// Channel dropout (PyTorch's <c>F.dropout2d</c>): with <paramref name="training"/> each whole channel plane of
    /// an N×C×H×W (or N×C×L) input is zeroed with probability <paramref name="p"/> and the kept ones are scaled by
    /// 1/(1−p); the identity otherwise. One number per plane is drawn from <paramref name="rng"/>, in order.
    /// </summary>
    public static Tensor Dropout2d(Tensor input, float p = 0.5f, bool training = true, Rng? rng = null)
    {
        CheckProbability("dropout2d", p);
        if (input.Rank is not (3 or 4))
            throw new ArgumentException($"Dropout2d(p={p}): expected input N×C×H×W or N×C×L, got shape {Shapes.Format(input.Shape)}.");
        if (!training || p == 0f) return input;
        rng ??= Rng.Default;
        int planes = input.Size(0) * input.Size(1), plane = input.Count / Math.Max(1, planes);
        float scale = p == 1f ? 0f : 1f / (1f - p);
        var keep = new float[planes];
        for (int i = 0; i < planes; i++) keep[i] = rng.NextFloat() >= p ? scale : 0f;
        var y = Tensor.Uninitialized(input.ShapeArray());
        ScalePlanes(input.AsReadOnlySpan(), keep, plane, y.AsSpan());
        return Graph.Record(y, "dropout2d", [input], g =>
        {
            var dx = Tensor.Uninitialized(g.ShapeArray());
            ScalePlanes(g.AsReadOnlySpan(), keep, plane, dx.AsSpan());
            return [dx];
        });
    }

    static void ScalePlanes(ReadOnlySpan<float> x, float[] keep, int plane, Span<float> y)
    {
        for (int i = 0; i < keep.Length; i++)
            TensorPrimitives.Multiply(x.Slice(i * plane, plane), keep[i], y.Slice(i * plane, plane));
    }

    static void CheckProbability(string op, float p)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, $"{op}: expected a probability in [0, 1].");
    }
}
