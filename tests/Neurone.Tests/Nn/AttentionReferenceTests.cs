using System.Text.Json;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// Attention against PyTorch 1.13 in float64 (tests/reference/make_attention_reference.py): the op with causal,
/// boolean and key-padding masks, MultiheadAttention and TransformerEncoderLayer (pre/post-norm, relu/gelu) with
/// torch's weights copied in; outputs and the gradients of Σ out·w for the inputs and every parameter.
/// </summary>
public class AttentionReferenceTests
{
    static readonly JsonElement Root = Fixture.Load("attention_reference.json");

    public static TheoryData<string> SdpaCases() => Names("sdpa");
    public static TheoryData<string> MhaCases() => Names("mha");
    public static TheoryData<string> EncoderCases() => Names("encoder");

    static TheoryData<string> Names(string group)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty(group).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static JsonElement Case(string group, string name) =>
        Root.GetProperty(group).EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => (float)v.GetDouble())];
    static bool[] Bools(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetBoolean())];
    static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetInt32())];

    static Tensor Leaf(JsonElement c, string values, string shape)
    {
        var t = Tensor.FromArray(Floats(c.GetProperty(values)), Ints(c.GetProperty(shape)));
        t.RequiresGrad = true;
        return t;
    }

    static void Close(JsonElement expected, Tensor? actual, string what, double tolerance)
    {
        Assert.NotNull(actual);
        var e = Floats(expected);
        var a = actual!.ToArray();
        Assert.Equal(e.Length, a.Length);
        double scale = Math.Max(1e-3, e.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= tolerance * scale, $"{what}[{i}]: expected {e[i]}, got {a[i]} (scale {scale})");
    }

    [Theory]
    [MemberData(nameof(SdpaCases))]
    public void ScaledDotProductAttentionMatchesTorch(string name)
    {
        var c = Case("sdpa", name);
        var q = Leaf(c, "q", "q_shape");
        var k = Leaf(c, "k", "k_shape");
        var v = Leaf(c, "v", "v_shape");
        int tq = q.Shape[^2], tk = k.Shape[^2];
        var allowed = c.TryGetProperty("allowed", out var a) ? Tensor.FromBools(Bools(a), tq, tk) : null;
        var padding = c.TryGetProperty("key_padding", out var p) ? Tensor.FromBools(Bools(p), q.Size(0), tk) : null;
        var o = F.ScaledDotProductAttention(q, k, v, allowed, c.GetProperty("causal").GetBoolean(), padding);
        Close(c.GetProperty("out"), o, "out", 1e-5);
        (o * Tensor.FromArray(Floats(c.GetProperty("w")), o.ShapeArray())).Sum().Backward();
        Close(c.GetProperty("dq"), q.Grad, "dq", 1e-4);
        Close(c.GetProperty("dk"), k.Grad, "dk", 1e-4);
        Close(c.GetProperty("dv"), v.Grad, "dv", 1e-4);
    }

    static void CopyParameters(Module m, JsonElement c)
    {
        var given = c.GetProperty("params");
        int count = 0;
        foreach (var (n, prm) in m.NamedParameters())
        {
            var values = Floats(given.GetProperty(n));
            Assert.Equal(prm.Count, values.Length);
            values.CopyTo(prm.AsSpan());
            count++;
        }
        Assert.Equal(given.EnumerateObject().Count(), count);
    }

    static void CheckModule(Module m, JsonElement c, Func<Tensor, Tensor> run)
    {
        CopyParameters(m, c);
        m.Eval();
        var x = Leaf(c, "x", "x_shape");
        var y = run(x);
        Close(c.GetProperty("out"), y, "out", 1e-5);
        (y * Tensor.FromArray(Floats(c.GetProperty("w")), y.ShapeArray())).Sum().Backward();
        Close(c.GetProperty("dx"), x.Grad, "dx", 1e-4);
        foreach (var (n, prm) in m.NamedParameters()) Close(c.GetProperty("grads").GetProperty(n), prm.Grad, n, 1e-4);
    }

    [Theory]
    [MemberData(nameof(MhaCases))]
    public void MultiheadAttentionMatchesTorch(string name)
    {
        var c = Case("mha", name);
        bool batchFirst = c.GetProperty("batch_first").GetBoolean();
        var shape = Ints(c.GetProperty("x_shape"));
        var mha = new MultiheadAttention(shape[2], c.GetProperty("heads").GetInt32(), batchFirst: batchFirst, rng: new Rng(1));
        int n = batchFirst ? shape[0] : shape[1], t = batchFirst ? shape[1] : shape[0];
        var padding = c.TryGetProperty("key_padding", out var p) ? Tensor.FromBools(Bools(p), n, t) : null;
        var mask = c.TryGetProperty("attn_mask", out var a) ? Tensor.FromBools(Bools(a), t, t) : null;
        CheckModule(mha, c, x => mha.Forward(x, x, x, padding, mask));
    }

    [Fact]
    public void CausalFlagEqualsTheTriangularMask()
    {
        var c = Case("mha", "mha_causal_seqfirst");
        var shape = Ints(c.GetProperty("x_shape"));
        var mha = new MultiheadAttention(shape[2], c.GetProperty("heads").GetInt32(), rng: new Rng(1));
        CheckModule(mha, c, x => mha.Forward(x, x, x, isCausal: true));
    }

    [Theory]
    [MemberData(nameof(EncoderCases))]
    public void TransformerEncoderLayerMatchesTorch(string name)
    {
        var c = Case("encoder", name);
        var shape = Ints(c.GetProperty("x_shape"));
        var layer = new TransformerEncoderLayer(shape[2], 2, 16, 0f, c.GetProperty("activation").GetString()!, batchFirst: true,
            normFirst: c.GetProperty("norm_first").GetBoolean(), rng: new Rng(2));
        var padding = Tensor.FromBools(Bools(c.GetProperty("key_padding")), shape[0], shape[1]);
        CheckModule(layer, c, x => layer.Forward(x, null, padding));
    }
}
