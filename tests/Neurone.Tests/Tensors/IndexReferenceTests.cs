using System.Text.Json;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>
/// The index, mask and integer-target ops against PyTorch float64 (tests/reference/make_index_reference.py
/// wrote Fixtures/index_reference.json): forward within 1e-5 relative, the gradients of a weighted sum of the
/// output within 1e-4, integer outputs exactly.
/// </summary>
public class IndexReferenceTests
{
    static readonly JsonElement Cases = LoadCases();

    static JsonElement LoadCases()
    {
        return Fixture.Load("index_reference.json").GetProperty("cases");
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static int[] Shape(JsonElement e) => e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();

    static Dictionary<string, Tensor> Inputs(JsonElement c)
    {
        var inputs = new Dictionary<string, Tensor>();
        foreach (var p in c.GetProperty("floats").EnumerateObject())
        {
            var t = Tensor.FromArray(p.Value.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), Shape(p.Value));
            t.RequiresGrad = true;
            inputs[p.Name] = t;
        }
        foreach (var p in c.GetProperty("longs").EnumerateObject())
            inputs[p.Name] = Tensor.FromLongs(p.Value.GetProperty("values").EnumerateArray().Select(v => v.GetInt64()).ToArray(), Shape(p.Value));
        foreach (var p in c.GetProperty("bools").EnumerateObject())
            inputs[p.Name] = Tensor.FromBools(p.Value.GetProperty("values").EnumerateArray().Select(v => v.GetBoolean()).ToArray(), Shape(p.Value));
        return inputs;
    }

    static Tensor Apply(string name, Dictionary<string, Tensor> t) => name switch
    {
        "where" or "where_broadcast" => Tensor.Where(t["condition"], t["input"], t["other"]),
        "masked_fill" => t["input"].MaskedFill(t["mask"], -1.5),
        "masked_fill_softmax" => t["input"].MaskedFill(t["mask"], double.NegativeInfinity).Softmax(1),
        "index_select_0" => t["input"].IndexSelect(0, t["index"]),
        "index_select_1" => t["input"].IndexSelect(1, t["index"]),
        "index_select_2" => t["input"].IndexSelect(2, t["index"]),
        "gather_0" => t["input"].Gather(0, t["index"]),
        "gather_1_smaller" => t["input"].Gather(1, t["index"]),
        "gather_last" => t["input"].Gather(-1, t["index"]),
        "scatter_add_0" => t["input"].ScatterAdd(0, t["index"], t["source"]),
        "scatter_add_1" => t["input"].ScatterAdd(1, t["index"], t["source"]),
        "embedding_padding" => F.Embedding(t["index"], t["weight"], paddingIndex: 2),
        "embedding" => F.Embedding(t["index"], t["weight"]),
        "topk_values" => t["input"].TopK(3, dim: 1).Values,
        "topk_indices" => t["input"].TopK(3, dim: 1).Indices,
        "topk_smallest_dim0" => t["input"].TopK(2, dim: 0, largest: false).Values,
        "topk_smallest_dim0_indices" => t["input"].TopK(2, dim: 0, largest: false).Indices,
        "argmax_1_keepdim" => t["input"].ArgMax(1, keepDim: true),
        "argmin_last" => t["input"].ArgMin(-1),
        "cross_entropy_ignore" => F.CrossEntropy(t["input"], t["target"]),
        "cross_entropy_ignore_smoothing" => new CrossEntropyLoss(labelSmoothing: 0.15f, ignoreIndex: 1).Forward(t["input"], t["target"]),
        "cross_entropy_nd_mean" => F.CrossEntropy(t["input"], t["target"], labelSmoothing: 0.1f),
        "cross_entropy_nd_sum" => F.CrossEntropy(t["input"], t["target"], ignoreIndex: 2, reduction: Reduction.Sum),
        "cross_entropy_nd_none" => F.CrossEntropy(t["input"], t["target"], reduction: Reduction.None, labelSmoothing: 0.2f),
        "cross_entropy_nd_soft" => F.CrossEntropy(t["input"], t["probabilities"].Detach().Softmax(1), labelSmoothing: 0.1f),
        "nll_loss_nd_ignore" => new NLLLoss(ignoreIndex: 0).Forward(t["input"].LogSoftmax(1), t["target"]),
        _ => throw new ArgumentException($"no Neurone op for reference case '{name}'"),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var inputs = Inputs(c);
        var output = Apply(name, inputs);
        var outShape = c.GetProperty("out_shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(outShape, output.ShapeArray());
        if (c.TryGetProperty("out_long", out var longs))
        {
            Assert.Equal(DType.Int64, output.DType);
            Assert.Equal(longs.EnumerateArray().Select(v => v.GetInt64()).ToArray(), output.ToLongArray());
            return;
        }
        var expected = c.GetProperty("out").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Near(expected, output.ToArray(), 1e-5, $"{name} forward");

        var weights = Tensor.FromArray(c.GetProperty("out_weights").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), outShape);
        (output * weights).Sum().Backward();
        foreach (var g in c.GetProperty("grads").EnumerateObject())
        {
            var grad = inputs[g.Name].Grad;
            Assert.NotNull(grad);
            Near(g.Value.EnumerateArray().Select(v => v.GetDouble()).ToArray(), grad!.ToArray(), 1e-4, $"{name} gradient of {g.Name}");
        }
    }

    static void Near(double[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what}, element {i}: PyTorch {expected[i]}, Neurone {actual[i]}");
    }
}
