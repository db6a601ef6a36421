using System.Text.Json;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using static Neurone.Tests.StatsReference;

namespace Neurone.Tests.Tensors;

/// <summary>
/// Softmax, log-softmax, logsumexp and cross-entropy at extreme logits against Fixtures/softmax_reference.json
/// (tests/reference/make_softmax_reference.py: PyTorch's float64 values, and the exact ones from mpmath that these
/// compare with, since PyTorch's own float64 logsumexp gradient is 5× off on a line of −1e30s): logits
/// above 88 and 1e30, rows all below −104, ties, constant rows and a maximum of 1e7 next to differences of 1, along
/// every dimension (issue 17, defects 3 and 4).
/// </summary>
public class SoftmaxReferenceTests
{
    static readonly JsonElement Root = LoadFixture();

    static JsonElement LoadFixture()
    {
        return Fixture.Load("softmax_reference.json");
    }

    static JsonElement Case(string section, string name) =>
        Root.GetProperty(section).EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    static TheoryData<string> NamesOf(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static TheoryData<string> SoftmaxCases => NamesOf("softmax");
    public static TheoryData<string> CrossEntropyCases => NamesOf("cross_entropy");

    static Tensor Shaped(float[] values, int[] shape) => Tensor.FromArray(values).Reshape(shape);

    static Tensor Input(JsonElement c)
    {
        var x = Shaped(Floats(c.GetProperty("x")), Ints(c.GetProperty("x_shape")));
        x.RequiresGrad = true;
        return x;
    }

    // A float32 softmax is off by a few roundings of each probability; log-softmax and logsumexp by a few roundings
    // of values up to ln n ≤ 2 in size (x − max and ln Σ are rounded separately), hence the floor of 1. Gradients
    // compare to 1e-5 of their O(1) scale.
    const double OutputTolerance = 5e-7;
    const double GradientTolerance = 1e-5;

    [Theory]
    [MemberData(nameof(SoftmaxCases))]
    public void SoftmaxFamilyMatchesExactValuesAndPyTorchGradients(string name)
    {
        var c = Case("softmax", name);
        var x = Input(c);
        int dim = c.GetProperty("dim").GetInt32();
        string op = c.GetProperty("op").GetString()!;
        var y = op switch
        {
            "softmax" => x.Softmax(dim),
            "log_softmax" => x.LogSoftmax(dim),
            _ => x.LogSumExp(dim, c.GetProperty("keepdim").GetBoolean()),
        };
        Assert.Equal(Ints(c.GetProperty("out_shape")), y.ShapeArray());
        AssertClose(Doubles(c.GetProperty("exact")), y.ToArray(), OutputTolerance, $"{name}: output", floor: op == "softmax" ? 1e-38 : 1);
        y.Backward(Shaped(Floats(c.GetProperty("weights")), y.ShapeArray()));
        AssertClose(Doubles(c.GetProperty("grad_exact")), x.Grad!.ToArray(), GradientTolerance, $"{name}: gradient", floor: 1);
    }

    [Theory]
    [MemberData(nameof(CrossEntropyCases))]
    public void CrossEntropyMatchesPyTorch(string name)
    {
        var c = Case("cross_entropy", name);
        var x = Input(c);
        var labels = Tensor.FromInts(Ints(c.GetProperty("labels")));
        bool none = c.GetProperty("reduction").GetString() == "none";
        var loss = new CrossEntropyLoss(none ? Reduction.None : Reduction.Mean).Forward(x, labels);
        AssertClose(Doubles(c.GetProperty("exact")), loss.ToArray(), 1e-6, $"{name}: loss", floor: 1);
        if (none) loss.Backward(Tensor.FromArray(Floats(c.GetProperty("weights"))));
        else loss.Backward();
        AssertClose(Doubles(c.GetProperty("grad_exact")), x.Grad!.ToArray(), GradientTolerance, $"{name}: gradient", floor: 1);
    }

    // The issue's figures: a logit of 89 gave NaN, [1010, 1000] NaN, log-softmax of [1e7] × 4 gave −1 and of
    // [−1e30] × 5 gave 0, cross-entropy of [1e8] × 3 gave 0 with the gradient [0, 1, 1].
    [Fact]
    public void TheIssuesExamples()
    {
        Assert.Equal([1f, 0f], Tensor.FromArray([89f, 0f]).Softmax().ToArray().Select(v => MathF.Round(v, 6)).ToArray());
        var big = Tensor.FromArray([1010f, 1000f]).Softmax().ToArray();
        Assert.Equal(1 / (1 + Math.Exp(-10)), big[0], 1e-7);
        Assert.Equal(0.25f, Tensor.Full([4], -200f).Softmax().ToArray()[0]);
        Assert.Equal(-Math.Log(4), Tensor.Full([4], 1e7f).LogSoftmax().ToArray()[0], 1e-6);
        Assert.Equal(-Math.Log(5), Tensor.Full([5], -1e30f).LogSoftmax().ToArray()[0], 1e-6);
        var x = Tensor.Full([1, 3], 1e8f);
        x.RequiresGrad = true;
        var loss = new CrossEntropyLoss().Forward(x, Tensor.FromLongs([0]));
        Assert.Equal(Math.Log(3), loss.Item(), 1e-6);
        loss.Backward();
        Assert.Equal([-2 / 3.0, 1 / 3.0, 1 / 3.0], x.Grad!.ToArray().Select(v => (double)v), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void SoftmaxModuleAndPredictProbaStayFiniteOnHugeLogits()
    {
        var c = Case("softmax", "softmax_overflow_1010");
        var x = Shaped(Floats(c.GetProperty("x")), Ints(c.GetProperty("x_shape")));
        var exact = Doubles(c.GetProperty("exact"));
        AssertClose(exact, new Neurone.Nn.Softmax(-1).Forward(x).ToArray(), OutputTolerance, "Softmax module", floor: 1e-38);

        // A linear layer that passes its input through, so the trainer's logits are these rows.
        var identity = new Linear(2, 2);
        using (GradMode.NoGrad())
        {
            Tensor.FromArray([1f, 0f, 0f, 1f]).AsReadOnlySpan().CopyTo(identity.Weight.AsSpan());
            identity.Bias!.AsSpan().Clear();
        }
        var trainer = new Trainer(identity, new SGD(identity.Parameters()), new CrossEntropyLoss());
        AssertClose(exact, trainer.PredictProba(x).ToArray(), OutputTolerance, "PredictProba", floor: 1e-38);
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double v) => 0;
    }

    [Fact]
    public void LogSumExpGradientChecks()
    {
        foreach (var (shape, dim) in new[] { (new[] { 3, 5 }, 1), (new[] { 3, 5 }, 0), (new[] { 2, 3, 4 }, 1), (new[] { 2, 3, 4 }, -1), (new[] { 6 }, 0) })
            foreach (bool keepDim in new[] { false, true })
            {
                var a = Gradients.Leaf(shape, (ulong)(dim + 10), -3f, 3f);
                Gradients.Check(() => a.LogSumExp(dim, keepDim), a);
            }
        var s = Gradients.Leaf([4, 3], 21, -3f, 3f);
        Gradients.Check(() => s.Softplus(), s);
        Gradients.Check(() => s.Softplus(2f, 3f), s);
        Gradients.Check(() => new Neurone.Nn.Softplus().Forward(s), s);
    }
}
