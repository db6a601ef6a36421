using static Neurone.Tests.Gradients;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>Every layer and loss, checked against finite differences (inputs and parameters).</summary>
public class LayerGradientTests
{


    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void LinearWithAndWithoutBias(int batch)
    {
        var layer = new Linear(4, 3, rng: new Rng(1));
        var x = Leaf([batch, 4], 2);
        Check(() => layer.Forward(x), x, layer.Weight, layer.Bias!);
        var noBias = new Linear(4, 3, bias: false, rng: new Rng(3));
        Check(() => noBias.Forward(x), x, noBias.Weight);
        var x3 = Leaf([2, batch, 4], 4);
        Check(() => layer.Forward(x3), x3, layer.Weight, layer.Bias!);
    }

    [Fact]
    public void Activations()
    {
        var x = Tensor.FromArray([-1.5f, -0.7f, -0.2f, 0.15f, 0.4f, 0.9f, 1.3f, 2.1f], 2, 4);
        x.RequiresGrad = true;
        foreach (var m in new Module[] { new ReLU(), new LeakyReLU(0.1f), new Tanh(), new Sigmoid(), new GELU(), new Softmax(), new Softmax(0), new LogSoftmax(), new LogSoftmax(0), new Identity(), new Flatten(0) })
            Check(() => m.Forward(x), x);
    }

    [Fact]
    public void DropoutBackwardUsesTheSameMask()
    {
        var x = Leaf([4, 6], 6);
        // Finite differences need the same mask on every evaluation: a fresh layer with the same seed gives it.
        Check(() => new Dropout(0.5f, new Rng(5)).Forward(x), x);
    }

    public static TheoryData<int> Batches => new() { 1, 4 };

    [Theory]
    [MemberData(nameof(Batches))]
    public void ClassificationLosses(int batch)
    {
        var logits = Leaf([batch, 5], 7, -2f, 2f);
        var labels = Tensor.FromLongs(Enumerable.Range(0, batch).Select(i => (long)(i * 3 % 5)).ToArray());
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            Check(() => new CrossEntropyLoss(reduction).Forward(logits, labels), logits);
            Check(() => new CrossEntropyLoss(reduction, labelSmoothing: 0.2f).Forward(logits, labels), logits);
            Check(() => new NLLLoss(reduction).Forward(logits.LogSoftmax(), labels), logits);
        }
        var soft = Tensor.Rand([batch, 5], new Rng(8)).Softmax();
        Check(() => new CrossEntropyLoss().Forward(logits, soft), logits);
        var margins = Leaf([batch, 5], 9, -0.3f, 0.3f);
        Check(() => new MultiMarginLoss().Forward(margins, labels), margins);
        Check(() => new MultiMarginLoss(p: 2, margin: 0.5f).Forward(margins, labels), margins);
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void RegressionAndBinaryLosses(int batch)
    {
        var x = Leaf([batch, 3], 10);
        var target = Tensor.Rand([batch, 3], new Rng(11), 0.05f, 0.95f);
        // Keep |x − target| away from 0 for L1's kink.
        var away = Tensor.FromArray(Enumerable.Range(0, batch * 3).Select(i => (i % 2 == 0 ? 0.5f : -0.5f)).ToArray(), batch, 3);
        var l1Input = Tensor.FromArray((target + away).ToArray(), batch, 3);
        l1Input.RequiresGrad = true;
        Check(() => new MSELoss().Forward(x, target), x);
        Check(() => new L1Loss(Reduction.Sum).Forward(l1Input, target), l1Input);
        Check(() => new BCEWithLogitsLoss().Forward(x, target), x);
        var p = Leaf([batch, 3], 12, 0.1f, 0.9f);
        Check(() => new BCELoss().Forward(p, target), p);
    }
}
