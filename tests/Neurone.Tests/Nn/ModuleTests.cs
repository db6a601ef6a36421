using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

public class ModuleTests
{
    static Sequential Mlp(ulong seed) => new(new Linear(4, 8, rng: new Rng(seed)), new ReLU(), new Dropout(0.5f, new Rng(seed)), new Linear(8, 2, rng: new Rng(seed + 1)));

    [Fact]
    public void NamedParametersUseDottedPositionNames()
    {
        var names = Mlp(1).NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "0.weight", "0.bias", "3.weight", "3.bias" }, names);
        Assert.Equal(4 * 8 + 8 + 8 * 2 + 2, Mlp(1).ParameterCount());
        Assert.All(Mlp(1).Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void TrainAndEvalReachEverySubModule()
    {
        var m = Mlp(1);
        Assert.True(m[2].Training);
        m.Eval();
        Assert.All(m.NamedModules(), x => Assert.False(x.Module.Training));
        var x = Tensor.Rand([3, 4], new Rng(2));
        // In eval mode dropout is the identity: two calls agree.
        Assert.Equal(m.Forward(x).ToArray(), m.Forward(x).ToArray());
        m.Train();
        Assert.True(m[2].Training);
    }

    [Fact]
    public void StateDictRoundTripsAndNamesBadKeysAndShapes()
    {
        var a = Mlp(1);
        var b = Mlp(99);
        var x = Tensor.Rand([2, 4], new Rng(3));
        a.Eval(); b.Eval();
        Assert.NotEqual(a.Forward(x).ToArray(), b.Forward(x).ToArray());
        b.LoadStateDict(a.StateDict());
        Assert.Equal(a.Forward(x).ToArray(), b.Forward(x).ToArray());

        var missing = a.StateDict().Where(kv => kv.Key != "3.bias");
        var e = Assert.Throws<ArgumentException>(() => b.LoadStateDict(missing));
        Assert.Contains("3.bias", e.Message);
        b.LoadStateDict(missing, strict: false);

        var extra = a.StateDict().Append(new("9.weight", Tensor.Zeros(1)));
        e = Assert.Throws<ArgumentException>(() => b.LoadStateDict(extra));
        Assert.Contains("9.weight", e.Message);

        var misShaped = a.StateDict().Select(kv => kv.Key == "0.bias" ? new KeyValuePair<string, Tensor>(kv.Key, Tensor.Zeros(7)) : kv).ToList();
        var before = b.Parameters().First().ToArray();
        e = Assert.Throws<ArgumentException>(() => b.LoadStateDict(misShaped));
        Assert.Contains("[7]", e.Message);
        Assert.Contains("[8]", e.Message);
        Assert.Equal(before, b.Parameters().First().ToArray()); // nothing half-loaded
    }

    [Fact]
    public void ZeroGradClearsEveryParameterGradient()
    {
        var m = Mlp(1);
        new CrossEntropyLoss().Forward(m.Forward(Tensor.Rand([3, 4], new Rng(4))), Tensor.FromLongs([0, 1, 1])).Backward();
        Assert.All(m.Parameters(), p => Assert.NotNull(p.Grad));
        m.ZeroGrad();
        Assert.All(m.Parameters(), p => Assert.All(p.Grad!.ToArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void LinearUsesPyTorchsDefaultInitBounds()
    {
        var layer = new Linear(400, 300, rng: new Rng(5));
        float bound = 1f / MathF.Sqrt(400);
        var w = layer.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.InRange(w.Max(), 0.99f * bound, bound);
        Assert.InRange(w.Average(), -0.01f * bound, 0.01f * bound);
        Assert.All(layer.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void LayersNameBadInputShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(784, 10).Forward(Tensor.Zeros(2, 100)));
        Assert.Contains("784", e.Message);
        Assert.Contains("[2,100]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5f));
        var ce = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Forward(Tensor.Zeros(2, 3), Tensor.FromLongs([0, 3])));
        Assert.Contains("target 3", ce.Message);
        var floats = Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Forward(Tensor.Zeros(2, 3), Tensor.FromArray([0.5f, 1f])));
        Assert.Contains("Float32", floats.Message);
        Assert.Throws<ArgumentException>(() => new MSELoss().Forward(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
        Assert.Throws<ArgumentException>(() => new BCELoss().Forward(Tensor.Full([2], 1.5f), Tensor.Zeros(2)));
    }

    [Fact]
    public void DropoutZeroesAboutPAndRescalesTheRest()
    {
        var d = new Dropout(0.3f, new Rng(6));
        var y = d.Forward(Tensor.Ones(100_000)).ToArray();
        double zeros = y.Count(v => v == 0f) / (double)y.Length;
        Assert.InRange(zeros, 0.29, 0.31);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / 0.7f, v, 5));
        d.Eval();
        Assert.All(d.Forward(Tensor.Ones(10)).ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void PrintsLikePyTorch()
    {
        var text = new Sequential(new Linear(2, 3, rng: new Rng(1)), new ReLU()).ToString();
        Assert.Equal("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)", text);
    }
}
