using System.Text.Json;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Nn;

/// <summary>
/// F.EmbeddingBag against PyTorch (fixture from tests/reference/make_embedding_bag_reference.py), by finite
/// differences, against the composition F.Embedding + sum/mean it fuses, and the Embedding / EmbeddingBag modules'
/// initialisation, freezing and saving.
/// </summary>
public class EmbeddingBagTests
{
    static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Load("embedding_bag_reference.json").GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Fixture.Load("embedding_bag_reference.json").GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        int num = c.GetProperty("num").GetInt32(), dim = c.GetProperty("dim").GetInt32();
        var weight = Tensor.FromArray(Floats(c.GetProperty("weight")), num, dim);
        weight.RequiresGrad = true;
        var shape = c.GetProperty("input_shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var flat = shape.Length == 1 ? c.GetProperty("input").EnumerateArray().Select(v => v.GetInt64()).ToArray()
            : c.GetProperty("input").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetInt64())).ToArray();
        var input = Tensor.FromLongs(flat, shape);
        Tensor? offsets = c.GetProperty("offsets").ValueKind == JsonValueKind.Null ? null : Tensor.FromLongs(c.GetProperty("offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        Tensor? psw = null;
        if (c.GetProperty("per_sample_weights").ValueKind != JsonValueKind.Null)
        {
            psw = Tensor.FromArray(Floats(c.GetProperty("per_sample_weights")), shape);
            psw.RequiresGrad = true;
        }
        int? padding = c.GetProperty("padding_idx").ValueKind == JsonValueKind.Null ? null : c.GetProperty("padding_idx").GetInt32();
        var mode = c.GetProperty("mode").GetString() switch { "sum" => EmbeddingBagMode.Sum, "max" => EmbeddingBagMode.Max, _ => EmbeddingBagMode.Mean };
        var output = F.EmbeddingBag(input, weight, offsets, mode, psw, padding, c.GetProperty("include_last_offset").GetBoolean());
        Assert.Equal(c.GetProperty("output_shape").EnumerateArray().Select(v => v.GetInt32()), output.Shape.ToArray());
        AssertClose(Floats(c.GetProperty("output")), output.ToArray());
        var upstream = Tensor.FromArray(Floats(c.GetProperty("upstream")), output.ShapeArray());
        (output * upstream).Sum().Backward();
        AssertClose(Floats(c.GetProperty("weight_grad")), weight.Grad!.ToArray());
        if (psw is not null) AssertClose(Floats(c.GetProperty("per_sample_weights_grad")), psw.Grad!.ToArray());
    }

    static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f + 1e-5f * Math.Abs(expected[i]), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [InlineData(EmbeddingBagMode.Sum)]
    [InlineData(EmbeddingBagMode.Mean)]
    [InlineData(EmbeddingBagMode.Max)]
    public void GradientsMatchFiniteDifferences(EmbeddingBagMode mode)
    {
        var weight = Gradients.Leaf([6, 3], 31);
        var input = Tensor.FromLongs([1, 2, 1, 5, 3, 0, 4], 7);
        var offsets = Tensor.FromLongs([0, 3, 3, 5], 4);
        var upstream = Tensor.Rand([4, 3], new Rng(32));
        Gradients.Check(() => (F.EmbeddingBag(input, weight, offsets, mode) * upstream).Sum(), weight);
        var rows = Tensor.FromLongs([1, 2, 0, 5, 0, 0], 2, 3);
        Gradients.Check(() => (F.EmbeddingBag(rows, weight, null, mode, paddingIndex: 0) * upstream.Narrow(0, 0, 2)).Sum(), weight);
        if (mode == EmbeddingBagMode.Sum)
        {
            var psw = Gradients.Leaf([7], 33);
            Gradients.Check(() => (F.EmbeddingBag(input, weight, offsets, mode, psw) * upstream).Sum(), weight, psw);
        }
    }

    [Fact]
    public void FusesEmbeddingThenMeanAndAMaskActsAsPadding()
    {
        var weight = Tensor.Randn([8, 4], new Rng(40));
        var ids = Tensor.FromLongs([3, 1, 7, 2, 2, 6], 2, 3);
        var composed = F.Embedding(ids, weight).Mean(1);
        Assert.Equal(composed.ToArray(), F.EmbeddingBag(ids, weight, null, EmbeddingBagMode.Mean).ToArray(), new FloatTolerance(1e-6f));
        var mask = Tensor.FromBools([true, false, true, true, true, false], 2, 3);
        var masked = F.EmbeddingBagMasked(ids, weight, mask, EmbeddingBagMode.Sum).ToArray();
        var expected = F.EmbeddingBag(Tensor.FromLongs([3, 7, 2, 2]), weight, Tensor.FromLongs([0, 2]), EmbeddingBagMode.Sum).ToArray();
        Assert.Equal(expected, masked, new FloatTolerance(1e-6f));
    }

    [Fact]
    public void OnlyTheRowsUsedReceiveGradient()
    {
        var bag = new EmbeddingBag(50, 4, EmbeddingBagMode.Sum, rng: new Rng(1));
        bag.Forward(Tensor.FromLongs([3, 9, 3]), Tensor.FromLongs([0, 2])).Sum().Backward();
        var g = bag.Weight.Grad!.ToArray();
        for (int r = 0; r < 50; r++)
            for (int d = 0; d < 4; d++)
                Assert.Equal(r == 3 ? 2f : r == 9 ? 1f : 0f, g[r * 4 + d]);
    }

    [Fact]
    public void BadInputIsOneClearError()
    {
        var w = Tensor.Randn([5, 2], new Rng(2));
        Assert.Contains("out of range", Assert.Throws<ArgumentOutOfRangeException>(() => F.EmbeddingBag(Tensor.FromLongs([7]), w, Tensor.FromLongs([0]))).Message);
        Assert.Contains("offsets", Assert.Throws<ArgumentException>(() => F.EmbeddingBag(Tensor.FromLongs([1, 2]), w, Tensor.FromLongs([1]))).Message);
        Assert.Contains("needs offsets", Assert.Throws<ArgumentException>(() => F.EmbeddingBag(Tensor.FromLongs([1, 2]), w)).Message);
        Assert.Contains("mode Sum", Assert.Throws<ArgumentException>(() => F.EmbeddingBag(Tensor.FromLongs([1, 2]), w, Tensor.FromLongs([0]), EmbeddingBagMode.Mean, Tensor.Ones([2]))).Message);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => F.EmbeddingBag(Tensor.FromArray([1f, 2f]), w, Tensor.FromLongs([0]))).Message);
    }

    [Fact]
    public void EmbeddingStartsNormalWithThePaddingRowZeroAndFromPretrainedFreezes()
    {
        var e = new Embedding(2000, 8, paddingIndex: -1, rng: new Rng(3));
        Assert.Equal(1999, e.PaddingIndex);
        var w = e.Weight.ToArray();
        Assert.All(w.AsSpan(1999 * 8, 8).ToArray(), v => Assert.Equal(0f, v));
        double mean = w.Average(v => (double)v), var = w.Average(v => (double)v * v) - mean * mean;
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(var, 0.95, 1.05);
        var out1 = e.Forward(Tensor.FromLongs([1, 1999, 5], 3));
        Assert.Equal([3, 8], out1.Shape);

        var table = Tensor.Randn([4, 3], new Rng(4));
        var frozen = Embedding.FromPretrained(table);
        Assert.True(frozen.Frozen);
        Assert.Equal(table.ToArray(), frozen.Weight.ToArray());
        var trainable = Embedding.FromPretrained(table, freeze: false, paddingIndex: 0);
        Assert.Equal(table.ToArray(), trainable.Weight.ToArray()); // the padding row is kept as given
        (trainable.Forward(Tensor.FromLongs([0, 2])) * 3f).Sum().Backward();
        Assert.Equal([0f, 0, 0, 0, 0, 0, 3, 3, 3, 0, 0, 0], trainable.Weight.Grad!.ToArray());
    }

    [Fact]
    public void BothModulesSaveAndLoadWithTheirSettings()
    {
        var model = new Sequential(new EmbeddingBag(30, 4, EmbeddingBagMode.Sum, paddingIndex: 0, rng: new Rng(5)), new Linear(4, 1, rng: new Rng(6)));
        var ids = Tensor.FromLongs([3, 0, 7, 2, 2, 0], 2, 3);
        using var tmp = new TempFolder();
        Model.Save(model, tmp["bag.safetensors"]);
        var back = Model.Load<Sequential>(tmp["bag.safetensors"]);
        Assert.Equal(model.Forward(ids).ToArray(), back.Forward(ids).ToArray());
        var bag = Assert.IsType<EmbeddingBag>(back[0]);
        Assert.Equal((EmbeddingBagMode.Sum, 0), (bag.Mode, bag.PaddingIndex!.Value));

        var emb = new Sequential(Embedding.FromPretrained(Tensor.Randn([10, 3], new Rng(7)), paddingIndex: 1));
        Model.Save(emb, tmp["emb.safetensors"]);
        var e2 = Assert.IsType<Embedding>(Model.Load<Sequential>(tmp["emb.safetensors"])[0]);
        Assert.True(e2.Frozen);
        Assert.Equal(1, e2.PaddingIndex);
        Assert.Equal(((Embedding)emb[0]).Weight.ToArray(), e2.Weight.ToArray());
        Assert.Equal("Embedding(10, 3, padding_idx=1)", e2.Describe());
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
