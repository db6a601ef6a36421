using System.Text.Json;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// Convolution and pooling layers against values PyTorch computed in float64 (tests/reference/make_conv_pool_reference.py
/// wrote Fixtures/conv_pool_reference.json): outputs, input gradients and parameter gradients, with the parameters set
/// to the reference's. The cases stress padding: "same" with even kernels (one more at the end), dilation, stride,
/// one-row and one-pixel planes, and the fused convolution + ReLU (+ max pooling) that Sequential runs.
/// </summary>
public class ConvPoolTorchReferenceTests
{
    static readonly JsonElement Cases = LoadCases();

    static JsonElement LoadCases()
    {
        return Fixture.Load("conv_pool_reference.json").GetProperty("cases");
    }

    /// <summary>The reference writes infinities as strings (JSON has none).</summary>
    static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String
        ? v.GetString() switch { "inf" => float.PositiveInfinity, "-inf" => float.NegativeInfinity, _ => float.NaN }
        : (float)v.GetDouble()).ToArray();

    static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static Module Model(string name) => name switch
    {
        "conv1d_same_k2_issue" => new Sequential(new Conv1d(1, 1, 2, "same", bias: false)),
        "conv2d_same_k2_issue" => new Sequential(new Conv2d(1, 1, 2, "same", bias: false)),
        "conv1d_same_k4" => new Sequential(new Conv1d(2, 3, 4, "same")),
        "conv1d_same_k2_c3" => new Sequential(new Conv1d(3, 2, 2, "same")),
        "conv2d_same_k2_d3" => new Sequential(new Conv2d(2, 2, 2, "same", dilation: 3)),
        "conv2d_same_k4_d2" => new Sequential(new Conv2d(1, 2, 4, "same", dilation: 2)),
        "conv2d_same_k4" => new Sequential(new Conv2d(2, 3, 4, "same")),
        "conv2d_same_k2_one_row" => new Sequential(new Conv2d(1, 2, 2, "same")),
        "conv2d_same_k2_one_pixel" => new Sequential(new Conv2d(2, 3, 2, "same")),
        "conv2d_same_k3_one_row" => new Sequential(new Conv2d(3, 2, 3, "same")),
        "conv2d_k2_s2_p1" => new Sequential(new Conv2d(2, 3, 2, stride: 2, padding: 1)),
        "conv2d_k3_p2_d2" => new Sequential(new Conv2d(1, 2, 3, padding: 2, dilation: 2)),
        "conv1d_valid_k5_s3" => new Sequential(new Conv1d(2, 2, 5, stride: 3)),
        "conv1d_k2_s3_p1_d3" => new Sequential(new Conv1d(1, 2, 2, stride: 3, padding: 1, dilation: 3)),
        "conv2d_same_k2_relu" => new Sequential(new Conv2d(2, 3, 2, "same"), new ReLU()),
        "conv2d_same_k2_relu_maxpool2" => new Sequential(new Conv2d(1, 4, 2, "same"), new ReLU(), new MaxPool2d(2)),
        "conv2d_same_k4_relu_maxpool3_s2_p1" => new Sequential(new Conv2d(2, 2, 4, "same"), new ReLU(), new MaxPool2d(3, 2, 1)),
        "maxpool1d_k2_s3_p1_d2" => new Sequential(new MaxPool1d(2, 3, 1, 2)),
        "maxpool1d_k3_s1_p1" => new Sequential(new MaxPool1d(3, 1, 1)),
        "maxpool2d_k3_s2_p1" => new Sequential(new MaxPool2d(3, 2, 1)),
        "maxpool2d_k2_s3_p1_d2_one_pixel" => new Sequential(new MaxPool2d(2, 3, 1, 2)),
        "avgpool2d_k3_s2_p1" => new Sequential(new AvgPool2d(3, 2, 1)),
        "avgpool2d_k2_s1_p1_one_pixel" => new Sequential(new AvgPool2d(2, 1, 1)),
        "adaptive_avgpool2d_3x2" => new Sequential(new AdaptiveAvgPool2d(3, 2)),
        "adaptive_avgpool2d_4x3_from_2x1" => new Sequential(new AdaptiveAvgPool2d(4, 3)),
        _ => throw new ArgumentException($"no Neurone counterpart for reference case '{name}'"),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var model = Model(name);
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var expected = c.GetProperty("params").EnumerateArray().ToList();
        Assert.Equal(expected.Select(p => p.GetProperty("name").GetString()!).Order(), parameters.Keys.Order());
        foreach (var p in expected)
        {
            var target = parameters[p.GetProperty("name").GetString()!];
            Assert.Equal(Ints(p.GetProperty("shape")), target.ShapeArray());
            Floats(p.GetProperty("value")).CopyTo(target.AsSpan());
        }
        var x = Tensor.FromArray(Floats(c.GetProperty("x")), Ints(c.GetProperty("x_shape")));
        x.RequiresGrad = true;

        var output = model.Forward(x);
        Assert.Equal(Ints(c.GetProperty("out_shape")), output.ShapeArray());
        var expectedOut = Floats(c.GetProperty("out"));
        AssertClose(expectedOut, output.ToArray(), "output");
        // As the reference: outputs of −∞ (windows with no input) are left out of the weighted sum. (The sum itself is
        // then NaN, −∞·0; its gradient, the weights, is what flows back.)
        var weights = Floats(c.GetProperty("out_weights"));
        for (int i = 0; i < weights.Length; i++) if (float.IsInfinity(expectedOut[i])) weights[i] = 0f;
        (output * Tensor.FromArray(weights, output.ShapeArray())).Sum().Backward();

        AssertClose(Floats(c.GetProperty("grad")), x.Grad!.ToArray(), "input gradient");
        foreach (var p in expected)
            AssertClose(Floats(p.GetProperty("grad")), parameters[p.GetProperty("name").GetString()!].Grad!.ToArray(),
                $"{p.GetProperty("name").GetString()} gradient");
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i] == actual[i] || MathF.Abs(expected[i] - actual[i]) <= 2e-5f + 1e-4f * MathF.Abs(expected[i]),
                $"{what}[{i}]: PyTorch {expected[i]}, Neurone {actual[i]}");
    }
}
