using Neurone.Autograd;

namespace Neurone.Tensors;

public partial class Tensor
{
    /// <summary>
    /// Elements of <paramref name="input"/> where <paramref name="condition"/> is true and of
    /// <paramref name="other"/> elsewhere (PyTorch's <c>torch.where(condition, input, other)</c>). The three
    /// broadcast together; the condition must be a Bool tensor and the two sources share a dtype. The gradient
    /// flows to <paramref name="input"/> where the condition holds and to <paramref name="other"/> where it
    /// does not, summed back over broadcast dimensions.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(other);
        Tensor[] operands = [condition, input, other];
        string[] names = ["condition", "input", "other"];
        if (condition.DType != DType.Bool)
            throw new ArgumentException($"where: expected a Bool condition, got {BroadcastOffsets.Describe(operands, names)}; make the mask with a comparison or To(DType.Bool).");
        if (input.DType != other.DType)
            throw new ArgumentException($"where: expected input and other of one dtype, got {BroadcastOffsets.Describe(operands, names)}.");
        var outShape = BroadcastOffsets.Shape("where", operands, names);
        var oc = BroadcastOffsets.Of(condition.shape, outShape);
        var oi = BroadcastOffsets.Of(input.shape, outShape);
        var oo = BroadcastOffsets.Of(other.shape, outShape);
        var c = condition.AsBoolSpan();
        var r = Zeros(outShape, input.DType);
        switch (input.DType)
        {
            case DType.Int64: Select(c, oc, input.AsLongSpan(), oi, other.AsLongSpan(), oo, r.AsLongSpan()); return r;
            case DType.Bool: Select(c, oc, input.AsBoolSpan(), oi, other.AsBoolSpan(), oo, r.AsBoolSpan()); return r;
        }
        Select(c, oc, input.AsReadOnlySpan(), oi, other.AsReadOnlySpan(), oo, r.AsSpan());
        return Graph.Record(r, "where", [input, other], g => [
            input.RequiresGrad ? MaskGradient(g, condition.AsBoolSpan(), oc, keepWhere: true).SumTo(input.shape) : null,
            other.RequiresGrad ? MaskGradient(g, condition.AsBoolSpan(), oc, keepWhere: false).SumTo(other.shape) : null]);
    }

    static void Select<T>(ReadOnlySpan<bool> c, int[] oc, ReadOnlySpan<T> a, int[] oa, ReadOnlySpan<T> b, int[] ob, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = c[oc[i]] ? a[oa[i]] : b[ob[i]];
    }

    /// <summary>g where the (broadcast) mask equals <paramref name="keepWhere"/>, 0 elsewhere; the shape of g.</summary>
    static Tensor MaskGradient(Tensor g, ReadOnlySpan<bool> mask, int[] offsets, bool keepWhere)
    {
        var r = Uninitialized(g.shape);
        var gs = g.AsReadOnlySpan();
        var d = r.AsSpan();
        for (int i = 0; i < d.Length; i++) d[i] = mask[offsets[i]] == keepWhere ? gs[i] : 0f;
        return r;
    }

    /// <summary>
    /// A copy with <paramref name="value"/> wherever <paramref name="mask"/> is true (PyTorch's
    /// <c>masked_fill</c>): the mask is a Bool tensor that broadcasts to this tensor's shape. The gradient
    /// passes where the mask is false and is 0 where the value was written.
    /// </summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        Tensor[] operands = [this, mask];
        string[] names = ["input", "mask"];
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"masked_fill: expected a Bool mask, got {BroadcastOffsets.Describe(operands, names)}; make the mask with a comparison or To(DType.Bool).");
        var outShape = BroadcastOffsets.Shape("masked_fill", operands, names);
        if (!Shapes.Equal(outShape, shape))
            throw new ArgumentException($"masked_fill: the mask must broadcast to the input's shape, got {BroadcastOffsets.Describe(operands, names)} (broadcast shape {Shapes.Format(outShape)}).");
        var om = BroadcastOffsets.Of(mask.shape, shape);
        var m = mask.AsBoolSpan();
        switch (DType)
        {
            case DType.Int64:
            {
                var r = Clone();
                var d = r.AsLongSpan();
                long v = ToLong(value, "masked_fill");
                for (int i = 0; i < d.Length; i++) if (m[om[i]]) d[i] = v;
                return r;
            }
            case DType.Bool:
            {
                var r = Clone();
                var d = r.AsBoolSpan();
                for (int i = 0; i < d.Length; i++) if (m[om[i]]) d[i] = value != 0;
                return r;
            }
        }
        var y = Uninitialized(shape);
        var x = AsReadOnlySpan();
        var ys = y.AsSpan();
        float fill = (float)value;
        for (int i = 0; i < ys.Length; i++) ys[i] = m[om[i]] ? fill : x[i];
        var maskCopy = mask;
        return Graph.Record(y, "masked_fill", [this], g => [MaskGradient(g, maskCopy.AsBoolSpan(), om, keepWhere: false)]);
    }
}
