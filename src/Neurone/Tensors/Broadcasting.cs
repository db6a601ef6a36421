namespace Neurone.Tensors;

/// <summary>
/// Runs a binary operator over two tensors under NumPy broadcasting. Adjacent dimensions that are laid
/// out compatibly in both operands are merged first, so the common cases ([N,D]+[D], [N,C,H,W]+[C,1,1])
/// become a short outer loop around one SIMD call per row.
/// </summary>
internal static class Broadcasting
{
    public static Tensor Apply<TOp>(string op, Tensor a, Tensor b) where TOp : IBinaryOp
    {
        var outShape = Shapes.Equal(a.Shape, b.Shape) ? a.ShapeArray() : Shapes.Broadcast(op, a.Shape, b.Shape);
        var result = Tensor.Uninitialized(outShape);
        Apply<TOp>(op, a, b, result);
        return result;
    }

    /// <summary>Writes op(a, b) into <paramref name="result"/>, whose shape must be the broadcast shape.</summary>
    public static void Apply<TOp>(string op, Tensor a, Tensor b, Tensor result) where TOp : IBinaryOp
    {
        var x = a.AsReadOnlySpan();
        var y = b.AsReadOnlySpan();
        var d = result.AsSpan();
        if (Shapes.Equal(a.Shape, b.Shape)) { TOp.Apply(x, y, d); return; }
        if (d.Length == 0) return;
        if (b.Count == 1 && a.Count == result.Count) { TOp.Apply(x, y[0], d); return; }
        if (a.Count == 1 && b.Count == result.Count) { TOp.Apply(x[0], y, d); return; }

        var shape = result.ShapeRef;
        var (dims, sa, sb) = Coalesce(shape, Shapes.BroadcastStrides(a.Shape, shape), Shapes.BroadcastStrides(b.Shape, shape));
        int rank = dims.Length;
        int inner = dims[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1];
        var index = new int[rank];
        int at = 0;
        while (true)
        {
            int oa = 0, ob = 0;
            for (int i = 0; i < rank - 1; i++) { oa += index[i] * sa[i]; ob += index[i] * sb[i]; }
            var dst = d.Slice(at, inner);
            if (ia == 1 && ib == 1) TOp.Apply(x.Slice(oa, inner), y.Slice(ob, inner), dst);
            else if (ia == 1) TOp.Apply(x.Slice(oa, inner), y[ob], dst);
            else if (ib == 1) TOp.Apply(x[oa], y.Slice(ob, inner), dst);
            else dst.Fill(TOp.Apply(x[oa], y[ob]));
            at += inner;
            int k = rank - 2;
            while (k >= 0 && ++index[k] == dims[k]) index[k--] = 0;
            if (k < 0) return;
        }
    }

    /// <summary>
    /// Merges dimension i into i+1 wherever both operands step through them as one run
    /// (stride[i] == stride[i+1]·size[i+1], which also holds when both strides are 0); drops size-1 dimensions.
    /// </summary>
    static (int[] dims, int[] sa, int[] sb) Coalesce(int[] shape, int[] sa, int[] sb)
    {
        var dims = new List<int>();
        var la = new List<int>();
        var lb = new List<int>();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            int n = dims.Count;
            if (n > 0 && la[n - 1] == sa[i] * shape[i] && lb[n - 1] == sb[i] * shape[i])
            {
                dims[n - 1] *= shape[i];
                la[n - 1] = sa[i];
                lb[n - 1] = sb[i];
            }
            else
            {
                dims.Add(shape[i]);
                la.Add(sa[i]);
                lb.Add(sb[i]);
            }
        }
        if (dims.Count == 0) { dims.Add(1); la.Add(0); lb.Add(0); }
        return (dims.ToArray(), la.ToArray(), lb.ToArray());
    }
}
