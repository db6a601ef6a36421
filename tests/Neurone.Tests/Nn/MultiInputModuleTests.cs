using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Nn;

/// <summary>Two inputs (values and a 0/1 mask) and two outputs (the masked projection and the masked mean).</summary>
sealed class MaskedProjection : Module<Tensor, Tensor, (Tensor Output, Tensor Mean)>
{
    readonly Linear linear;

    public MaskedProjection(int features, Rng rng) => linear = RegisterModule("linear", new Linear(features, features, rng: rng));

    public override (Tensor Output, Tensor Mean) Forward(Tensor input, Tensor mask)
    {
        if (mask.Rank == 0 || mask.Size(-1) != input.Size(-1))
            throw new ArgumentException($"MaskedProjection: the mask has shape {Shapes.Format(mask.Shape)}, the input {Shapes.Format(input.Shape)}.");
        var output = linear.Call(input) * mask;
        return (output, output.Mean());
    }
}

/// <summary>A parent that calls the two-input child and uses both its outputs.</summary>
sealed class MaskedNet : Module
{
    public readonly MaskedProjection Projection;
    readonly Linear head;
    readonly Tensor mask;

    public MaskedNet(Rng rng)
    {
        Projection = RegisterModule("projection", new MaskedProjection(4, rng));
        head = RegisterModule("head", new Linear(4, 2, rng: rng));
        mask = Tensor.FromArray([1f, 0f, 1f, 1f]);
    }

    public override Tensor Forward(Tensor input)
    {
        var (output, mean) = Projection.Call(input, mask);
        return head.Call(output) + mean;
    }
}

public class MultiInputModuleTests
{
    [Fact]
    public void ATwoInputModuleHasATypedForwardAndNamedOutputs()
    {
        var m = new MaskedProjection(3, new Rng(1));
        var x = Tensor.Randn([2, 3], new Rng(2));
        x.RequiresGrad = true;
        var mask = Tensor.FromArray([1f, 0f, 1f, 1f, 1f, 0f], 2, 3);
        var (output, mean) = m.Call(x, mask);
        Assert.Equal(0f, output.ToArray()[1]);
        Assert.Equal(output.ToArray().Average(), mean.Item(), 6);
        mean.Backward();
        // d mean / d bias_j = (number of unmasked rows in column j) / 6.
        var biasGrad = m.NamedParameters().Single(p => p.Name == "linear.bias").Parameter.Grad!.ToArray();
        Assert.Equal([2f / 6, 1f / 6, 1f / 6], biasGrad.Select(v => MathF.Round(v, 6)), (a, b) => MathF.Abs(a - b) < 1e-6f);
        Assert.NotNull(x.Grad);

        var e = Assert.Throws<NotSupportedException>(() => m.Forward(x));
        Assert.Contains("MaskedProjection takes two inputs (Tensor, Tensor)", e.Message);
        Assert.Contains("the mask has shape [4]", Assert.Throws<ArgumentException>(() => m.Call(x, Tensor.Ones(4))).Message);
    }

    [Fact]
    public void TheSummaryShowsEveryOutputOfASeveralOutputModule()
    {
        var net = new MaskedNet(new Rng(1));
        string s = ModelSummary.Of(net, 4);
        Assert.Contains("projection (MaskedProjection)", s);
        Assert.Contains("([N,4], [])", s);
        Assert.Contains("  head (Linear)", s);
        Assert.Contains("[N,2]", s);

        // A several-input root is summarised by running it as the caller says.
        var projection = new MaskedProjection(4, new Rng(1));
        string p = ModelSummary.Of(projection, m => ((MaskedProjection)m).Call(Tensor.Zeros(3, 4), Tensor.Ones(3, 4)));
        Assert.Contains("MaskedProjection", p);
        Assert.Contains("  linear (Linear)", p);
        Assert.Contains("[N,4]", p);
        var bad = Assert.Throws<ArgumentException>(() => ModelSummary.Of(projection, m => ((MaskedProjection)m).Call(Tensor.Zeros(3, 4), Tensor.Ones(5))));
        Assert.Contains("module '' (MaskedProjection)", bad.Message);
    }

    [Fact]
    public void AnUncalledChildShowsAQuestionMarkAndAFailingChildIsNamed()
    {
        var model = new Sequential(new Flatten(), new Linear(784, 10, rng: new Rng(1)));
        var e = Assert.Throws<ArgumentException>(() => ModelSummary.Of(model, 1, 20, 20));
        Assert.Contains("module '1' (Linear)", e.Message);
        string s = ModelSummary.Of(model, (Action<Module>?)null);
        Assert.Contains("1 (Linear)", s);
        Assert.Contains("7,850", s);
    }
}
