using System.Text.Json;
using Neurone.Tensors;
using static Neurone.Tests.StatsReference;

namespace Neurone.Tests.Tensors;

/// <summary>
/// Pow, Var and Std against PyTorch's float64 values (Fixtures/stats_reference.json): Pow's gradients at base 0
/// and at negative bases, and variances of data whose mean is 1e6 or 1e7 times its spread.
/// </summary>
public class StatsReferenceTests
{
    public static TheoryData<string> PowCases => Names("pow");
    public static TheoryData<string> VarCases => Names("var");

    static Tensor Leaf(JsonElement c, string values, string shape)
    {
        var t = Shaped(Floats(c.GetProperty(values)), Ints(c.GetProperty(shape)));
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>A tensor of the given shape, 0-d ones included (FromArray makes those 1-d).</summary>
    static Tensor Shaped(float[] values, int[] shape) => Tensor.FromArray(values).Reshape(shape);

    [Theory]
    [MemberData(nameof(PowCases))]
    public void PowAndItsGradientsMatchPyTorch(string name)
    {
        var c = Case("pow", name);
        var a = Leaf(c, "a", "a_shape");
        Tensor? b = null;
        Tensor y;
        if (c.GetProperty("kind").GetString() == "scalar_exponent") y = a.Pow((float)c.GetProperty("exponent").GetDouble());
        else
        {
            b = Leaf(c, "b", "b_shape");
            y = Tensor.Pow(a, b);
        }
        AssertClose(Doubles(c.GetProperty("out")), y.ToArray(), 1e-6, $"{name}: output");
        y.Backward(Shaped(Floats(c.GetProperty("weights")), y.ShapeArray()));
        AssertClose(Doubles(c.GetProperty("grad_a")), a.Grad!.ToArray(), 1e-5, $"{name}: gradient of the base");
        if (b is not null) AssertClose(Doubles(c.GetProperty("grad_b")), b.Grad!.ToArray(), 1e-5, $"{name}: gradient of the exponent");
    }

    // ≤ 1e-5 relative: float32's level for a sum of squares over a thousand values. Before the fix the error was
    // 1.2e-3 at a mean of 1e6 and 1.5e-2 at 1e7.
    [Theory]
    [MemberData(nameof(VarCases))]
    public void VarAndStdOfDataFarFromZeroMatchPyTorch(string name)
    {
        var c = Case("var", name);
        var x = Leaf(c, "x", "x_shape");
        bool std = c.GetProperty("op").GetString() == "std";
        int correction = c.GetProperty("correction").GetInt32();
        bool keepDim = c.GetProperty("keepdim").GetBoolean();
        Tensor y;
        if (c.GetProperty("axis").ValueKind == JsonValueKind.Null)
            // PyTorch's x.var() and x.std() over everything; with correction 0 (population) over the one axis.
            y = correction == 1 ? (std ? x.Std() : x.Var()) : (std ? x.Std(0, correction: 0) : x.Var(0, correction: 0));
        else
        {
            int axis = c.GetProperty("axis").GetInt32();
            y = std ? x.Std(axis, keepDim, correction) : x.Var(axis, keepDim, correction);
        }
        Assert.Equal(Ints(c.GetProperty("out_shape")), y.ShapeArray());
        AssertClose(Doubles(c.GetProperty("out")), y.ToArray(), 1e-5, $"{name}: output");
        y.Backward(Shaped(Floats(c.GetProperty("weights")), y.ShapeArray()));
        // Gradient elements are 2(x − mean)/(n − correction) times the upstream weight: some sit near 0, so
        // their error is measured against the largest.
        var grad = Doubles(c.GetProperty("grad"));
        AssertClose(grad, x.Grad!.ToArray(), 1e-5, $"{name}: gradient", floor: 1e-2 * grad.Max(Math.Abs));
    }

    // Empty tensors, as PyTorch: a variance over an empty axis is NaN (0/0), over a full axis of an empty tensor
    // it is empty, and the backward gives a gradient of the input's shape.
    [Theory]
    [InlineData(new[] { 2, 0, 3 }, 1, new[] { 2, 3 })]
    [InlineData(new[] { 2, 3, 0 }, 1, new[] { 2, 0 })]
    [InlineData(new[] { 0, 4 }, 1, new[] { 0 })]
    public void VarOfEmptyTensors(int[] shape, int axis, int[] outShape)
    {
        var x = new Tensor(shape) { RequiresGrad = true };
        var y = x.Var(axis);
        Assert.Equal(outShape, y.ShapeArray());
        Assert.All(y.ToArray(), v => Assert.True(float.IsNaN(v), $"expected NaN, got {v}"));
        y.Backward(Tensor.Ones(outShape));
        Assert.Equal(shape, x.Grad!.ShapeArray());
    }
}
