using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

public class ContainerTests
{
    /// <summary>A user module holding a list and a dictionary, as a PyTorch user would write it.</summary>
    sealed class TwoHeads : Module
    {
        public readonly ModuleList<Linear> Layers;
        public readonly ModuleDict Heads;

        public TwoHeads(Rng rng)
        {
            Layers = RegisterModule("layers", new ModuleList<Linear>(new Linear(4, 8, rng: rng), new Linear(8, 8, rng: rng)));
            Heads = RegisterModule("heads", new ModuleDict(("digit", new Linear(8, 10, rng: rng)), ("parity", new Sequential(new Linear(8, 2, rng: rng), new LogSoftmax()))));
        }

        public override Tensor Forward(Tensor input)
        {
            var x = input;
            foreach (var layer in Layers) x = layer.Call(x).Relu();
            return Heads["digit"].Call(x);
        }
    }

    [Fact]
    public void ListsAndDictionariesNameTheirChildrenAsPyTorchDoes()
    {
        var model = new TwoHeads(new Rng(1));
        Assert.Equal(
            ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "heads.digit.weight", "heads.digit.bias", "heads.parity.0.weight", "heads.parity.0.bias"],
            model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["", "layers", "layers.0", "layers.1", "heads", "heads.digit", "heads.parity", "heads.parity.0", "heads.parity.1"], model.NamedModules().Select(m => m.Name));
        Assert.Equal(8, model.Layers[1].InFeatures);          // typed: a Linear comes back
        Assert.Same(model.Layers[1], model.Layers[-1]);        // Python's negative index
        Assert.Equal(["digit", "parity"], model.Heads.Keys);
        Assert.True(model.Heads.ContainsKey("parity"));
        Assert.Equal([2, 10], model.Call(Tensor.Zeros(2, 4)).ShapeArray());
        Assert.Contains("(heads): ModuleDict(", model.ToString());
        Assert.Contains("(parity): Sequential(", model.ToString());
    }

    [Fact]
    public void ContainersRefuseMisuseWithClearMessages()
    {
        var list = new ModuleList(new ReLU());
        Assert.Contains("index 3 is out of range for 1", Assert.Throws<ArgumentOutOfRangeException>(() => list[3]).Message);
        Assert.Contains("container, not a layer", Assert.Throws<NotSupportedException>(() => list.Forward(Tensor.Zeros(1))).Message);
        var dict = new ModuleDict(("a", new ReLU()));
        Assert.Contains("keys are [a]", Assert.Throws<KeyNotFoundException>(() => dict["b"]).Message);
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => dict.Add("a", new Tanh())).Message);
        Assert.Contains("without dots", Assert.Throws<ArgumentException>(() => dict.Add("a.b", new Tanh())).Message);
        Assert.Contains("container, not a layer", Assert.Throws<NotSupportedException>(() => dict.Forward(Tensor.Zeros(1))).Message);
        Assert.Equal(2, list.Add(new Tanh()).AddRange([]).Count);
    }
}
