using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Nn;

/// <summary>The attention op's gradients, masks, dropout and numerics, on every SIMD path; the modules' gradients and saving.</summary>
public class AttentionTests
{
    public static TheoryData<SimdLevel> Levels()
    {
        var data = new TheoryData<SimdLevel>();
        foreach (var l in Enum.GetValues<SimdLevel>()) if (Simd.IsSupported(l)) data.Add(l);
        return data;
    }

    /// <summary>
    /// A finite-difference check of a non-scalar output (GradCheck reduces it with random weights in double, so no
    /// float32 sum adds noise), judged at 2e-2: gradients near 1e-3 keep about 1e-5 of float32 noise; a wrong
    /// gradient is off by 1e-1 or more, and the PyTorch reference tests hold the same gradients to 1e-4.
    /// </summary>
    static void Check(Func<Tensor> f, params Tensor[] inputs)
    {
        var r = Neurone.Autograd.GradCheck.Run(f, inputs, tolerance: 2e-2f);
        Assert.True(r.Passed, r.ToString());
    }

    /// <summary>softmax(QKᵀ/√d + mask)·V written with recorded tensor ops, in float: the op's reference.</summary>
    static Tensor Naive(Tensor q, Tensor k, Tensor v, Tensor? allowed, bool causal)
    {
        int tq = q.Shape[^2], tk = k.Shape[^2];
        var s = Tensor.MatMul(q, k, transposeB: true) * (1f / MathF.Sqrt(q.Shape[^1]));
        var keep = new bool[tq * tk];
        for (int i = 0; i < tq; i++)
            for (int j = 0; j < tk; j++)
                keep[i * tk + j] = (!causal || j <= i) && (allowed is null || allowed.AsBoolSpan()[i * tk + j]);
        var blocked = Tensor.FromBools([.. keep.Select(b => !b)], tq, tk);
        return s.MaskedFill(blocked, double.NegativeInfinity).Softmax(-1).MatMul(v);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void MatchesTheComposedOpsAcrossTileEdges(SimdLevel level)
    {
        foreach (int t in new[] { 1, 5, 63, 64, 65, 130 })
            foreach (bool causal in new[] { false, true })
            {
                var rng = new Rng((ulong)(t * 2 + (causal ? 1 : 0)));
                var q = Tensor.Randn([2, 3, t, 8], rng);
                var k = Tensor.Randn([2, 3, t, 8], rng);
                var v = Tensor.Randn([2, 3, t, 5], rng);
                var fast = F.ScaledDotProductAttention(q, k, v, null, causal, null, 0f, true, null, null, level).ToArray();
                var slow = Naive(q, k, v, null, causal).ToArray();
                for (int i = 0; i < fast.Length; i++) Assert.True(Math.Abs(fast[i] - slow[i]) < 2e-5f, $"T={t} causal={causal} [{i}]: {fast[i]} vs {slow[i]}");
            }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void GradientsMatchFiniteDifferences(SimdLevel level)
    {
        foreach (int t in new[] { 1, 3, 66 })
            foreach (bool causal in new[] { false, true })
            {
                var q = Gradients.Leaf([1, 2, t, 3], 10);
                var k = Gradients.Leaf([1, 2, t, 3], 11);
                var v = Gradients.Leaf([1, 2, t, 2], 12);
                Check(() => F.ScaledDotProductAttention(q, k, v, null, causal, null, 0f, true, null, null, level), q, k, v);
            }
    }

    [Fact]
    public void MaskedGradientsMatchFiniteDifferences()
    {
        var q = Gradients.Leaf([2, 2, 4, 3], 20);
        var k = Gradients.Leaf([2, 2, 6, 3], 21);
        var v = Gradients.Leaf([2, 2, 6, 3], 22);
        var allowed = Tensor.FromBools([.. Enumerable.Range(0, 24).Select(i => i % 5 != 1)], 4, 6);
        var padding = Tensor.FromBools([false, false, false, false, false, false, false, false, false, true, true, true], 2, 6);
        Check(() => F.ScaledDotProductAttention(q, k, v, allowed, false, padding), q, k, v);
    }

    [Fact]
    public void FullyMaskedRowsGiveZeroOutputAndZeroGradient()
    {
        var q = Gradients.Leaf([1, 3, 2], 30);
        var k = Gradients.Leaf([1, 4, 2], 31);
        var v = Gradients.Leaf([1, 4, 2], 32);
        var allowed = Tensor.FromBools([true, false, true, false, false, false, false, false, true, true, true, true], 3, 4);
        var o = F.ScaledDotProductAttention(q, k, v, allowed);
        Assert.Equal([0f, 0f], o.ToArray()[2..4]);
        o.Sum().Backward();
        Assert.Equal([0f, 0f], q.Grad!.ToArray()[2..4]);
        Assert.All(o.ToArray(), x => Assert.True(float.IsFinite(x)));
        var allPadded = Tensor.FromBools([true, true, true, true], 1, 4);
        Assert.All(F.ScaledDotProductAttention(q, k, v, keyPaddingMask: allPadded).ToArray(), x => Assert.Equal(0f, x));
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void ExtremeScoresStayFinite(SimdLevel level)
    {
        // Scores of ±1e4: the online softmax subtracts the running maximum, so nothing overflows.
        var q = Tensor.FromArray([100f, 100f, -100f, 100f, 100f, -100f], 1, 3, 2);
        var k = Tensor.FromArray([100f, 0f, -100f, 0f, 0f, 100f, 100f, 100f], 1, 4, 2);
        var v = Tensor.Randn([1, 4, 3], new Rng(40));
        q.RequiresGrad = k.RequiresGrad = v.RequiresGrad = true;
        var o = F.ScaledDotProductAttention(q, k, v, null, false, null, 0f, true, null, 1f, level);
        o.Sum().Backward();
        foreach (var t in new[] { o, q.Grad!, k.Grad!, v.Grad! }) Assert.All(t.ToArray(), x => Assert.True(float.IsFinite(x)));
        // Row 0 (scores 1e4, −1e4, 1e4, 2e4) puts all its weight on key 3.
        Assert.Equal(v.ToArray()[9..12], o.ToArray()[0..3]);
    }

    [Fact]
    public void DropoutIsSeededAndItsBackwardSeesTheSameMask()
    {
        var q = Gradients.Leaf([1, 2, 5, 3], 50);
        var k = Gradients.Leaf([1, 2, 5, 3], 51);
        var v = Gradients.Leaf([1, 2, 5, 3], 52);
        var a = F.ScaledDotProductAttention(q, k, v, dropoutP: 0.3f, rng: new Rng(7)).ToArray();
        var b = F.ScaledDotProductAttention(q, k, v, dropoutP: 0.3f, rng: new Rng(7)).ToArray();
        var c = F.ScaledDotProductAttention(q, k, v, dropoutP: 0.3f, rng: new Rng(8)).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(F.ScaledDotProductAttention(q, k, v).ToArray(), F.ScaledDotProductAttention(q, k, v, dropoutP: 0.3f, training: false).ToArray());
        // A fresh generator of the same seed per evaluation: finite differences see one fixed mask.
        Check(() => F.ScaledDotProductAttention(q, k, v, dropoutP: 0.3f, rng: new Rng(7)), q, k, v);
    }

    [Fact]
    public void WrongShapesAndMasksAreRefusedByName()
    {
        var q = Tensor.Randn([2, 4, 3], new Rng(1));
        var ex = Assert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, Tensor.Randn([2, 4, 2], new Rng(2)), q));
        Assert.Contains("scaled_dot_product_attention", ex.Message);
        Assert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, q, q, attnMask: Tensor.Ones(4, 4)));
        Assert.Throws<ArgumentException>(() => F.ScaledDotProductAttention(q, q, q, keyPaddingMask: Tensor.FromBools(new bool[4], 1, 4)));
    }

    [Fact]
    public void ModulesGradientsMatchFiniteDifferences()
    {
        var mha = new MultiheadAttention(4, 2, batchFirst: true, rng: new Rng(60));
        var x = Gradients.Leaf([2, 3, 4], 61);
        Check(() => mha.Forward(x, x, x, isCausal: true), [x, .. mha.Parameters()]);
        var kv = Gradients.Leaf([2, 5, 4], 63);
        Check(() => mha.Forward(x, kv, kv), [x, kv, mha.InProjWeight]);
        foreach (bool pre in new[] { false, true })
        {
            var layer = new TransformerEncoderLayer(4, 2, 6, 0f, "gelu", batchFirst: true, normFirst: pre, rng: new Rng(64));
            Check(() => layer.Forward(x, null, null, true), [x, .. layer.Parameters()]);
        }
    }

    [Fact]
    public void GeluTanhMatchesTheFormulaAndItsGradient()
    {
        var x = Gradients.Leaf([9], 70, -5f, 5f);
        var y = F.Gelu(x, "tanh").ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double xi = xs[i], expected = 0.5 * xi * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (xi + 0.044715 * xi * xi * xi)));
            Assert.Equal(expected, y[i], 1e-6);
        }
        Check(() => F.Gelu(x, "tanh").Square().Sum(), x);
        Assert.Equal([0f, 1e6f], F.Gelu(Tensor.FromArray([-1e6f, 1e6f]), "tanh").ToArray());
        Assert.Equal(F.Gelu(x).ToArray(), new GELU().Forward(x).ToArray());
        Assert.Throws<ArgumentException>(() => new GELU("fast"));
    }

    [Fact]
    public void PositionalEncodings()
    {
        var pe = new SinusoidalPositionalEncoding(10, 6);
        Assert.Equal(Math.Sin(3 / Math.Pow(10000, 2.0 / 6)), pe.Table[3, 2], 1e-6);
        Assert.Equal(Math.Cos(3 / Math.Pow(10000, 2.0 / 6)), pe.Table[3, 3], 1e-6);
        Assert.Empty(pe.Parameters());
        var learned = new LearnedPositionalEmbedding(10, 6, new Rng(1));
        var x = Gradients.Leaf([2, 4, 6], 80);
        Check(() => learned.Forward(x).Square().Sum(), x, learned.Weight);
        Assert.Throws<ArgumentException>(() => learned.Forward(Tensor.Zeros(2, 11, 6)));
    }

    [Fact]
    public void TiedHeadGradientIsTheSumOfBothUses()
    {
        var gpt = new GPT(7, 5, 8, 1, 2, rng: new Rng(90));
        // GPT-2's σ = 0.02 leaves LayerNorm's input so small that its curvature defeats finite differences: scale up.
        foreach (var p in new[] { gpt.TokenEmbedding, gpt.PositionEmbedding }) Neurone.Tensors.Tensor.FromArray([.. p.ToArray().Select(v => v * 30f)], p.ShapeArray()).AsReadOnlySpan().CopyTo(p.AsSpan());
        var ids = Tensor.FromLongs([1, 2, 3, 6, 0, 2], 2, 3);
        var target = Tensor.FromLongs([2, 3, 6, 0, 2, 1], 6);
        Check(() => F.CrossEntropy(gpt.Forward(ids).Reshape(6, 7), target), [gpt.TokenEmbedding, gpt.PositionEmbedding]);
        Assert.Equal(gpt.Parameters().Count(), gpt.NamedParameters().Count());
    }

    [Fact]
    public void GenerateIsSeededAndCropsToTheBlock()
    {
        var gpt = new GPT(5, 4, 8, 1, 2, rng: new Rng(91));
        var a = gpt.Generate([1, 2], 10, 0.8f, 3, seed: 5);
        var b = gpt.Generate([1, 2], 10, 0.8f, 3, seed: 5);
        Assert.Equal(a, b);
        Assert.Equal(12, a.Length);
        Assert.Equal([1L, 2L], a[..2]);
        Assert.All(a, id => Assert.InRange(id, 0, 4));
        Assert.True(gpt.Training);
        var greedy = gpt.Generate([1], 6, 1f, 1, seed: 1);
        Assert.Equal(greedy, gpt.Generate([1], 6, 1f, 1, seed: 2));
    }

    [Fact]
    public void EveryNewModuleSavesAndLoadsWithTheSameOutputs()
    {
        using var folder = new TempFolder();
        var x = Tensor.Randn([2, 5, 8], new Rng(100));
        var ids = Tensor.FromLongs([1, 2, 3, 4, 0, 1, 2, 3], 2, 4);
        var cases = new (Module Model, Tensor Input)[]
        {
            (new MultiheadAttention(8, 2, 0.1f, batchFirst: true, rng: new Rng(101)), x),
            (new TransformerEncoderLayer(8, 2, 16, 0.1f, "gelu", normFirst: true, rng: new Rng(102)), x),
            (new TransformerEncoder(() => new TransformerEncoderLayer(8, 4, 12, 0f, rng: new Rng(103)), 2, new LayerNorm(8)), x),
            (new Sequential(new LearnedPositionalEmbedding(6, 8, new Rng(104)), new SinusoidalPositionalEncoding(6, 8), new GELU("tanh")), x),
            (new GPT(5, 4, 8, 2, 2, rng: new Rng(105)), ids),
        };
        int n = 0;
        foreach (var (model, input) in cases)
        {
            model.Eval();
            var path = folder.File($"m{n++}.safetensors");
            Model.Save(model, path);
            var loaded = Model.Load(path);
            loaded.Eval();
            Assert.Equal(model.Forward(input).ToArray(), loaded.Forward(input).ToArray());
            Assert.Equal(model.ToString(), loaded.ToString());
        }
    }
}
