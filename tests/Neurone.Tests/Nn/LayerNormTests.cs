using System.Text.Json;
using static Neurone.Tests.Gradients;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// F.LayerNorm and the LayerNorm module: PyTorch float64 references (tests/reference/make_layernorm_reference.py) on
/// every SIMD path, finite-difference gradients, constant rows and large offsets, the module against the op, errors.
/// </summary>
public class LayerNormTests
{
    static readonly JsonElement Root = Load();

    static JsonElement Load()
    {
        return Fixture.Load("layernorm_reference.json");
    }

    static JsonElement Case(string name) =>
        Root.GetProperty("layer_norm").EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string, SimdLevel> CasesOnEveryPath()
    {
        var data = new TheoryData<string, SimdLevel>();
        foreach (var c in Root.GetProperty("layer_norm").EnumerateArray())
            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
                if (Simd.IsSupported(level)) data.Add(c.GetProperty("name").GetString()!, level);
        return data;
    }

    static Tensor? Optional(JsonElement c, string key, int[] shape, bool grad)
    {
        if (!c.TryGetProperty(key, out var values)) return null;
        var t = Tensor.FromArray(StatsReference.Floats(values), shape);
        t.RequiresGrad = grad;
        return t;
    }

    // Forward within 2e-6 of PyTorch's double relative to the larger of the element and the output's scale (x̂ is of
    // order 1, so an element that cancels to near 0 is judged against 1); gradients likewise within 2e-5 of their
    // largest magnitude (at least 1e-3: a one-element row's true gradient is 0, which PyTorch's double gives as 1e-14).
    // A one-pass float32 variance would be off by whole units on the offset cases.
    [Theory]
    [MemberData(nameof(CasesOnEveryPath))]
    public void MatchesPyTorchFloat64(string name, SimdLevel level)
    {
        var c = Case(name);
        int[] shape = StatsReference.Ints(c.GetProperty("shape"));
        int[] normalized = StatsReference.Ints(c.GetProperty("normalized_shape"));
        float eps = (float)c.GetProperty("eps").GetDouble();
        var x = Tensor.FromArray(StatsReference.Floats(c.GetProperty("x")), shape);
        x.RequiresGrad = true;
        var w = Optional(c, "weight", normalized, true);
        var b = Optional(c, "bias", normalized, true);
        var y = F.LayerNorm(x, normalized, w, b, eps, level);
        var expected = StatsReference.Doubles(c.GetProperty("out"));
        StatsReference.AssertClose(expected, y.ToArray(), 2e-6, $"{name} output", floor: Math.Max(1, expected.Max(Math.Abs) / 4));
        y.Backward(Tensor.FromArray(StatsReference.Floats(c.GetProperty("upstream")), shape));
        Compare(c, "grad_x", x.Grad!, name);
        if (w is not null) Compare(c, "grad_weight", w.Grad!, name);
        if (b is not null) Compare(c, "grad_bias", b.Grad!, name);
    }

    static void Compare(JsonElement c, string key, Tensor actual, string name)
    {
        var expected = StatsReference.Doubles(c.GetProperty(key));
        StatsReference.AssertClose(expected, actual.ToArray(), 2e-5, $"{name} {key}", floor: Math.Max(1e-3, expected.Max(Math.Abs)));
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 4 }, true, true)]
    [InlineData(new[] { 2, 3, 5 }, new[] { 3, 5 }, true, true)]
    [InlineData(new[] { 2, 2, 6 }, new[] { 6 }, true, false)]
    [InlineData(new[] { 4, 5 }, new[] { 5 }, false, false)]
    [InlineData(new[] { 3, 1 }, new[] { 1 }, true, true)]
    public void GradientsMatchFiniteDifferences(int[] shape, int[] normalized, bool affine, bool bias)
    {
        var x = Leaf(shape, 31, -2f, 2f);
        var w = affine ? Leaf(normalized, 32, 0.5f, 1.5f) : null;
        var b = affine && bias ? Leaf(normalized, 33) : null;
        // A weighted sum, so the gradient reaching the layer is not uniform (a plain sum of a normalised row is constant).
        var r = Tensor.Rand(shape, new Rng(34), -1f, 1f);
        Tensor Loss() => (F.LayerNorm(x, normalized, w, b) * r).Sum();
        Check(Loss, new[] { x, w, b }.OfType<Tensor>().ToArray());
    }

    [Fact]
    public void ConstantRowsGiveTheBiasAndFiniteGradients()
    {
        var x = Tensor.FromArray([5f, 5f, 5f, 5f, 1e4f, 1e4f, 1e4f, 1e4f], 2, 4);
        x.RequiresGrad = true;
        var w = Tensor.FromArray([1f, 2f, 3f, 4f], 4);
        w.RequiresGrad = true;
        var b = Tensor.FromArray([0.5f, -1f, 0f, 2f], 4);
        b.RequiresGrad = true;
        var y = F.LayerNorm(x, [4], w, b);
        Assert.Equal([0.5f, -1f, 0f, 2f, 0.5f, -1f, 0f, 2f], y.ToArray());
        var g = Tensor.FromArray([1f, 0f, -1f, 2f, 1f, 1f, 1f, 1f], 2, 4);
        y.Backward(g);
        // x̂ = 0: dγ = Σ g·x̂ = 0, dβ = Σ g, dx = (γ·g − mean(γ·g))/√eps.
        Assert.All(w.Grad!.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal([2f, 1f, 0f, 3f], b.Grad!.ToArray());
        var dx = x.Grad!.ToArray();
        Assert.All(dx, v => Assert.True(float.IsFinite(v)));
        double k = 1 / Math.Sqrt(1e-5f);
        double[] h0 = [1, 0, -3, 8], h1 = [1, 2, 3, 4];
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(k * (h0[i] - h0.Average()), dx[i], 1e-3 * k);
            Assert.Equal(k * (h1[i] - h1.Average()), dx[4 + i], 1e-3 * k);
        }
    }

    [Fact]
    public void AnOffsetOf1e4ChangesNothingButRounding()
    {
        // Spread 1 around 0 and around 1e4 (where float32 still holds 1e-3): the normalised rows agree to the
        // input's rounding, which a float32 one-pass variance (E[x²] − E[x]², 1e8 against 1) would not.
        var noise = Tensor.Randn([3, 64], new Rng(35));
        var shifted = noise + 1e4f;
        var centred = shifted - 1e4f;
        var a = F.LayerNorm(centred, [64]).ToArray();
        var s = F.LayerNorm(shifted, [64]).ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], s[i], 1e-5f);
    }

    [Fact]
    public void TheModuleIsItsOpBitForBit()
    {
        var ln = new LayerNorm([3, 4], eps: 1e-4f);
        ln.Weight!.CopyFrom(Tensor.Rand([3, 4], new Rng(36), 0.5f, 1.5f));
        ln.Bias!.CopyFrom(Tensor.Rand([3, 4], new Rng(37), -1f, 1f));
        var x = Leaf([2, 3, 4], 38);
        var viaModule = ln.Forward(x);
        var viaOp = F.LayerNorm(x, [3, 4], ln.Weight, ln.Bias, 1e-4f);
        Assert.Equal(viaOp.ToArray(), viaModule.ToArray());
        var g = Tensor.Randn([2, 3, 4], new Rng(39));
        viaModule.Backward(g);
        var grads = new[] { x.Grad!.ToArray(), ln.Weight.Grad!.ToArray(), ln.Bias.Grad!.ToArray() };
        x.Grad = null; ln.ZeroGrad();
        viaOp.Backward(g);
        Assert.Equal(grads[0], x.Grad!.ToArray());
        Assert.Equal(grads[1], ln.Weight.Grad!.ToArray());
        Assert.Equal(grads[2], ln.Bias.Grad!.ToArray());

        Assert.Equal("LayerNorm((3, 4), eps=0.0001, elementwise_affine=True)", ln.Describe());
        Assert.Equal("LayerNorm((8,), eps=1E-05, elementwise_affine=False)", new LayerNorm(8, elementwiseAffine: false).Describe());
        Assert.Equal(["weight", "bias"], ln.NamedParameters().Select(p => p.Name));
        Assert.Empty(new LayerNorm(8, elementwiseAffine: false).Parameters());
        Assert.Single(new LayerNorm(8, bias: false).Parameters());
    }

    [Fact]
    public void TheDescriptionRebuildsTheLayer()
    {
        var model = new Sequential(new LayerNorm([3, 4], eps: 1e-3f), new LayerNorm(4, elementwiseAffine: false), new LayerNorm(4, bias: false));
        var json = Architecture.Describe(model);
        Assert.Contains("\"normalized_shape\":[3,4]", json);
        var rebuilt = Architecture.Build(json);
        Assert.Equal(json, Architecture.Describe(rebuilt));
        Assert.Equal(model.ToString(), rebuilt.ToString());
        var single = (Sequential)Architecture.Build("[{\"type\":\"LayerNorm\",\"normalized_shape\":[5]}]");
        Assert.Equal("LayerNorm((5,), eps=1E-05, elementwise_affine=True)", single[0].Describe());
        Assert.Throws<InvalidDataException>(() => Architecture.Build("[{\"type\":\"LayerNorm\",\"normalized_shape\":[2,\"x\"]}]"));
    }

    [Fact]
    public void ErrorsNameTheOpAndTheShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => F.LayerNorm(new Tensor(2, 5), [4]));
        Assert.Contains("layer_norm", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Contains("[2,5]", e.Message);
        var w = Assert.Throws<ArgumentException>(() => F.LayerNorm(new Tensor(2, 4), [4], weight: new Tensor(5)));
        Assert.Contains("weight of shape [4]", w.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm([]));
        Assert.Throws<ArgumentException>(() => new LayerNorm(3).Forward(new Tensor(2, 4)));
        Assert.Equal([3], new LayerNorm(3).Forward(new Tensor(3)).ShapeArray());
    }
}
