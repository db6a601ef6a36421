using Neurone.Nn;
using Neurone.Tensors;
using static Neurone.Tests.StatsReference;

namespace Neurone.Tests.Nn;

/// <summary>
/// BatchNorm1d and BatchNorm2d against PyTorch's float64 values (Fixtures/stats_reference.json) on channels whose
/// means are 1e6 and 1e7 times their spread, beside an ordinary one: the training output, every gradient, the
/// running statistics after the step and the evaluation output that uses them.
/// </summary>
public class BatchNormReferenceTests
{
    public static TheoryData<string> BatchNormCases => Names("batchnorm");

    [Theory]
    [MemberData(nameof(BatchNormCases))]
    public void BatchNormOfChannelsFarFromZeroMatchesPyTorch(string name)
    {
        var c = Case("batchnorm", name);
        var shape = Ints(c.GetProperty("x_shape"));
        var weight = Floats(c.GetProperty("weight"));
        BatchNorm bn = shape.Length == 4 ? new BatchNorm2d(weight.Length) : new BatchNorm1d(weight.Length);
        weight.CopyTo(bn.Weight!.AsSpan());
        Floats(c.GetProperty("bias")).CopyTo(bn.Bias!.AsSpan());
        var x = Tensor.FromArray(Floats(c.GetProperty("x")), shape);
        x.RequiresGrad = true;

        var y = bn.Forward(x);
        // Outputs are x̂ of order 1 scaled by γ and shifted by β: 1e-5 of the largest is float32's level; before the
        // fix the 1e7 channel was off by 0.2.
        var output = Doubles(c.GetProperty("out"));
        AssertClose(output, y.ToArray(), 1e-5, $"{name}: output", floor: output.Max(Math.Abs));
        y.Backward(Tensor.FromArray(Floats(c.GetProperty("weights")), shape));
        var grad = Doubles(c.GetProperty("grad"));
        AssertClose(grad, x.Grad!.ToArray(), 1e-5, $"{name}: input gradient", floor: grad.Max(Math.Abs));
        // Σg·x̂ and Σg per channel: sums of terms of either sign, so measured against Σ|g| (|x̂| is a few at most).
        var upstream = Doubles(c.GetProperty("weights")).Sum(Math.Abs);
        AssertClose(Doubles(c.GetProperty("grad_weight")), bn.Weight.Grad!.ToArray(), 1e-5, $"{name}: weight gradient", floor: upstream);
        AssertClose(Doubles(c.GetProperty("grad_bias")), bn.Bias.Grad!.ToArray(), 1e-5, $"{name}: bias gradient", floor: upstream);
        AssertClose(Doubles(c.GetProperty("running_mean")), bn.RunningMean!.ToArray(), 1e-6, $"{name}: running mean");
        AssertClose(Doubles(c.GetProperty("running_var")), bn.RunningVar!.ToArray(), 1e-5, $"{name}: running variance");

        bn.Eval();
        var evalOutput = Doubles(c.GetProperty("out_eval"));
        AssertClose(evalOutput, bn.Forward(x).ToArray(), 1e-5, $"{name}: evaluation output", floor: 1);
    }
}
