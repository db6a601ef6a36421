using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Nn;

/// <summary>SiLU, the worked example of docs/architecture.md: value, gradient, module, save and load.</summary>
public class SiLUTests
{
    [Fact]
    public void ValuesAreXTimesSigmoidOfX()
    {
        var x = Tensor.FromArray([-100f, -2f, 0f, 0.5f, 3f, 100f]);
        var y = F.Silu(x).ToArray();
        float[] expected = [-100f * 3.7200760e-44f, (float)(-2 / (1 + Math.Exp(2))), 0f, (float)(0.5 / (1 + Math.Exp(-0.5))), (float)(3 / (1 + Math.Exp(-3))), 100f];
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], Math.Abs(expected[i]) * 1e-6f + 1e-45f);
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var x = Gradients.Leaf([3, 5], 41, -4f, 4f);
        Gradients.Check(() => F.Silu(x).Square().Sum(), x);
    }

    [Fact]
    public void ModuleGivesTheOpsBitsAndSavesAndLoads()
    {
        var model = new Sequential(new Linear(3, 4, rng: new Rng(5)), new SiLU(), new Linear(4, 2, rng: new Rng(6)));
        var x = Tensor.Randn([6, 3], new Rng(7));
        Assert.Equal(F.Silu(x).ToArray(), new SiLU().Forward(x).ToArray());
        using var folder = new TempFolder();
        var path = folder.File("silu.safetensors");
        Model.Save(model, path);
        var loaded = Model.Load(path);
        Assert.Equal(model.Forward(x).ToArray(), loaded.Forward(x).ToArray());
        Assert.Contains("SiLU", loaded.ToString());
    }

    [Fact]
    public void NullInputIsRefusedByName()
    {
        Assert.Throws<ArgumentNullException>(() => F.Silu(null!));
    }
}
