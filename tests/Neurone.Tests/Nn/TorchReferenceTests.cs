using System.Text.Json;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// Losses and activations against values PyTorch computed (tests/reference/make_torch_reference.py
/// wrote Fixtures/torch_reference.json): forward outputs and input gradients.
/// </summary>
public class TorchReferenceTests
{
    static readonly JsonElement Cases = LoadCases();

    static JsonElement LoadCases()
    {
        return Fixture.Load("torch_reference.json").GetProperty("cases");
    }

    static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
    static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    static Tensor Target(JsonElement c, int[] xShape)
    {
        if (c.TryGetProperty("labels", out var l)) return Tensor.FromInts(Ints(l));
        if (c.TryGetProperty("soft_target", out var s)) return Tensor.FromArray(Floats(s), xShape);
        return Tensor.FromArray(Floats(c.GetProperty("target")), xShape);
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static Tensor Apply(string name, Tensor x, Tensor? target) => name switch
    {
        "cross_entropy_mean" => new CrossEntropyLoss().Forward(x, target!),
        "cross_entropy_sum" => new CrossEntropyLoss(Reduction.Sum).Forward(x, target!),
        "cross_entropy_none" => new CrossEntropyLoss(Reduction.None).Forward(x, target!),
        "cross_entropy_smoothing_0.1" => new CrossEntropyLoss(labelSmoothing: 0.1f).Forward(x, target!),
        "cross_entropy_soft" => new CrossEntropyLoss().Forward(x, target!),
        "cross_entropy_soft_smoothing_0.2" => new CrossEntropyLoss(labelSmoothing: 0.2f).Forward(x, target!),
        "nll_mean" => new NLLLoss().Forward(new LogSoftmax(1).Forward(x), target!),
        "multi_margin_p1" => new MultiMarginLoss().Forward(x, target!),
        "multi_margin_p2_sum" => new MultiMarginLoss(p: 2, reduction: Reduction.Sum).Forward(x, target!),
        "bce_with_logits_mean" => new BCEWithLogitsLoss().Forward(x, target!),
        "bce_mean" => new BCELoss().Forward(x.Sigmoid(), target!),
        "mse_mean" => new MSELoss().Forward(x, target!),
        "l1_sum" => new L1Loss(Reduction.Sum).Forward(x, target!),
        "log_softmax_dim1" => x.LogSoftmax(1),
        "softmax_dim0" => x.Softmax(0),
        "gelu" => new GELU().Forward(x),
        "leaky_relu_0.2" => new LeakyReLU(0.2f).Forward(x),
        "var_dim1_unbiased" => x.Var(1),
        _ => throw new ArgumentException($"no Neurone counterpart for reference case '{name}'"),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var xShape = Ints(c.GetProperty("x_shape"));
        var x = Tensor.FromArray(Floats(c.GetProperty("x")), xShape);
        x.RequiresGrad = true;
        bool hasTarget = c.TryGetProperty("labels", out _) || c.TryGetProperty("soft_target", out _) || c.TryGetProperty("target", out _);
        var output = Apply(name, x, hasTarget ? Target(c, xShape) : null);

        Assert.Equal(Ints(c.GetProperty("out_shape")), output.ShapeArray());
        AssertClose(Floats(c.GetProperty("out")), output.ToArray(), "output");
        var weights = Tensor.FromArray(Floats(c.GetProperty("out_weights")), output.ShapeArray().Length == 0 ? [] : output.ShapeArray());
        if (output.Rank == 0) output.Backward(weights.Reshape());
        else (output * weights).Sum().Backward();
        AssertClose(Floats(c.GetProperty("grad")), x.Grad!.ToArray(), "gradient");
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 2e-5f + 1e-4f * MathF.Abs(expected[i]),
                $"{what}[{i}]: PyTorch {expected[i]}, Neurone {actual[i]}");
    }
}
