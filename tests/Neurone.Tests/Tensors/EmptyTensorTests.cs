using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>
/// Every elementwise op, activation and reduction on tensors with no elements (issue 17, defect 9: Sigmoid threw
/// "Input span arguments must not be empty"). As in PyTorch: elementwise ops and activations give an empty tensor of
/// the same shape, and their backward an empty gradient; a sum over nothing is 0, a mean NaN, a logsumexp −∞, and
/// max, min and argmax refuse with an error that names the empty shape.
/// </summary>
public class EmptyTensorTests
{
    static readonly Dictionary<string, Func<Tensor, Tensor>> Elementwise = new()
    {
        ["neg"] = x => x.Neg(),
        ["exp"] = x => x.Exp(),
        ["log"] = x => x.Log(),
        ["sqrt"] = x => x.Sqrt(),
        ["abs"] = x => x.Abs(),
        ["tanh"] = x => x.Tanh(),
        ["sigmoid"] = x => x.Sigmoid(),
        ["softplus"] = x => x.Softplus(),
        ["softplus_beta"] = x => x.Softplus(2f, 5f),
        ["relu"] = x => x.Relu(),
        ["leaky_relu"] = x => x.LeakyRelu(),
        ["gelu"] = x => x.Gelu(),
        ["square"] = x => x.Square(),
        ["pow"] = x => x.Pow(2.5f),
        ["maximum"] = x => x.Maximum(0.5f),
        ["minimum"] = x => x.Minimum(0.5f),
        ["clamp"] = x => x.Clamp(-1f, 1f),
        ["softmax"] = x => x.Softmax(-1),
        ["softmax_dim0"] = x => x.Softmax(0),
        ["log_softmax"] = x => x.LogSoftmax(-1),
        ["log_softmax_dim0"] = x => x.LogSoftmax(0),
        ["add_scalar"] = x => x + 1f,
        ["sub_scalar"] = x => 1f - x,
        ["mul_scalar"] = x => x * 3f,
        ["div_scalar"] = x => x / 3f,
        ["rdiv_scalar"] = x => 3f / x,
        ["add"] = x => x + x,
        ["sub"] = x => x - x,
        ["mul"] = x => x * x,
        ["div"] = x => x / x,
        ["pow_tensor"] = x => Tensor.Pow(x, x),
        ["maximum_tensor"] = x => Tensor.Maximum(x, x),
        ["minimum_tensor"] = x => Tensor.Minimum(x, x),
        ["broadcast_scalar"] = x => x * Tensor.Scalar(2f),
    };

    static readonly int[][] Shapes = [[0], [3, 0], [0, 4], [2, 0, 3]];

    public static TheoryData<string, int[]> ElementwiseCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var name in Elementwise.Keys)
            foreach (var shape in Shapes)
                data.Add(name, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(ElementwiseCases))]
    public void ElementwiseOpsGiveEmptyResultsAndGradients(string name, int[] shape)
    {
        var x = Tensor.Zeros(shape);
        x.RequiresGrad = true;
        var y = Elementwise[name](x);
        Assert.Equal(shape, y.ShapeArray());
        y.Sum().Backward();
        Assert.Equal(shape, x.Grad!.ShapeArray());
    }

    [Fact]
    public void WholeTensorReductions()
    {
        var x = Tensor.Zeros(3, 0);
        x.RequiresGrad = true;
        var sum = x.Sum();
        Assert.Equal(0f, sum.Item());
        sum.Backward();
        Assert.Equal([3, 0], x.Grad!.ShapeArray());
        Assert.True(float.IsNaN(x.Mean().Item()));
        Assert.True(float.IsNaN(x.Var().Item()));
        foreach (var op in new Func<Tensor, object>[] { t => t.Max(), t => t.Min(), t => t.ArgMax() })
            Assert.Contains("[3,0]", Assert.Throws<InvalidOperationException>(() => op(x)).Message);
    }

    [Fact]
    public void ReductionsAlongADimension()
    {
        var x = Tensor.Zeros(0, 4);
        x.RequiresGrad = true;
        // Over the empty dimension: one result per remaining position.
        Assert.Equal(new float[4], x.Sum(0).ToArray());
        Assert.All(x.Mean(0).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.All(x.LogSumExp(0).ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.Equal([1, 4], x.LogSumExp(0, keepDim: true).ShapeArray());
        Assert.Throws<InvalidOperationException>(() => x.Max(0));
        Assert.Throws<InvalidOperationException>(() => x.Min(0));
        // Along a full dimension of an empty tensor: an empty result.
        Assert.Equal([0], x.Sum(1).ShapeArray());
        Assert.Equal([0], x.Mean(1).ShapeArray());
        Assert.Equal([0], x.Max(1).ShapeArray());
        Assert.Equal([0, 1], x.LogSumExp(1, keepDim: true).ShapeArray());
        var lse = x.LogSumExp(1);
        Assert.Equal([0], lse.ShapeArray());
        lse.Sum().Backward();
        Assert.Equal([0, 4], x.Grad!.ShapeArray());
    }
}
