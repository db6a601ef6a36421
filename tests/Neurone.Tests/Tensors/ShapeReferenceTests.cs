using System.Text.Json;
using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>
/// Batched MatMul with broadcast batch dimensions and the shape ops at any dimension against PyTorch's float64
/// values and gradients (Fixtures/shape_reference.json, written by tests/reference/make_shape_reference.py).
/// Each case names the op; <see cref="Ops"/> runs the same op in Neurone.
/// </summary>
public class ShapeReferenceTests
{
    static readonly JsonElement Root = Load();

    static JsonElement Load()
    {
        return Fixture.Load("shape_reference.json");
    }

    static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["matmul_broadcast_4d"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_broadcast_5d"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_shared_right"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_shared_right_ones"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_shared_left"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_vector_left"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_vector_right"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_dot"] = x => Tensor.MatMul(x[0], x[1]),
        ["matmul_transpose_a"] = x => Tensor.MatMul(x[0], x[1], transposeA: true),
        ["matmul_transpose_b"] = x => Tensor.MatMul(x[0], x[1], transposeB: true),
        ["matmul_transpose_both"] = x => Tensor.MatMul(x[0], x[1], transposeA: true, transposeB: true),
        ["narrow_middle"] = x => x[0].Narrow(1, 1, 3),
        ["narrow_leading"] = x => x[0].Narrow(0, 2, 2),
        ["chunk_last"] = x => Tensor.Cat(x[0].Chunk(3, -1).Select((p, i) => p * (i + 1f)).ToArray(), -1),
        ["split_sizes"] = x => Tensor.Cat(x[0].Split([1, 3, 1], 1).Reverse().ToArray(), 1),
        ["split_size"] = x => Tensor.Stack(x[0].Split(2, 0)[..2], 1),
        ["cat_middle"] = x => Tensor.Cat([x[0], x[1], x[0]], 1),
        ["stack_last"] = x => Tensor.Stack([x[0], x[1]], -1),
        ["expand"] = x => x[0].Expand(2, 3, 4, 2),
        ["permute"] = x => x[0].Permute(3, 1, 0, 2),
        ["transpose"] = x => x[0].Transpose(0, 2),
        ["squeeze_flatten"] = x => x[0].Squeeze().Unsqueeze(0).Flatten(1, 2),
        ["tril"] = x => x[0].Tril(-1),
        ["triu"] = x => x[0].Triu(1),
        ["sum_dims_keepdim"] = x => x[0].Sum([1, 3], keepDim: true),
        ["mean_dims"] = x => x[0].Mean([0, 2]),
        ["var_dims"] = x => x[0].Var([1, 2]),
        ["std_dim_keepdim"] = x => x[0].Std(-1, keepDim: true),
        ["var_dim_population"] = x => x[0].Var(0, correction: 0),
        ["max_dim"] = x => x[0].Max(1),
        ["min_dim_keepdim"] = x => x[0].Min(-1, keepDim: true),
    };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>Every element within <paramref name="rtol"/> of PyTorch's, relative to the larger of its own size and the array's largest.</summary>
    static void AssertClose(double[] expected, float[] actual, double rtol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}.");
        double scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= rtol * Math.Max(Math.Abs(expected[i]), scale),
                $"{what}[{i}]: PyTorch (float64) {expected[i]:R}, Neurone {actual[i]:R}.");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValuesAndGradientsMatchPyTorch(string name)
    {
        var c = Root.GetProperty("cases").EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(i =>
        {
            var t = Tensor.FromArray(Doubles(i.GetProperty("values")).Select(v => (float)v).ToArray()).Reshape(Ints(i.GetProperty("shape")));
            t.RequiresGrad = true;
            return t;
        }).ToArray();
        var y = Ops[name](inputs);
        Assert.Equal(Ints(c.GetProperty("out_shape")), y.ShapeArray());
        AssertClose(Doubles(c.GetProperty("out")), y.ToArray(), 1e-5, $"{name}: output");

        var weights = Tensor.FromArray(Doubles(c.GetProperty("weights")).Select(v => (float)v).ToArray()).Reshape(y.ShapeArray());
        (y * weights).Sum().Backward();
        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < inputs.Length; i++)
            AssertClose(Doubles(grads[i]), inputs[i].Grad!.ToArray(), 1e-4, $"{name}: gradient of input {i}");
    }

    [Fact]
    public void EveryCaseHasAnOp() => Assert.Equal(Ops.Keys.Order(), Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order());
}
