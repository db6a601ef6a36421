using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Tests.Autograd;

public class GradCheckTests
{
    /// <summary>x³ whose recorded backward forgets the factor 3: a deliberately wrong gradient.</summary>
    static Tensor BrokenCube(Tensor x)
    {
        Tensor y;
        using (GradMode.NoGrad()) y = x * x * x;
        return Graph.Record(y, "broken_cube", [x], g => [g * x * x]);
    }

    /// <summary>Same op with the right gradient, so the check is shown to tell the two apart.</summary>
    static Tensor Cube(Tensor x)
    {
        Tensor y;
        using (GradMode.NoGrad()) y = x * x * x;
        return Graph.Record(y, "cube", [x], g => [g * x * x * 3f]);
    }

    [Fact]
    public void CatchesADeliberatelyWrongGradient()
    {
        var x = Tensor.Rand([3, 4], new Rng(1), 0.5f, 1.5f);
        x.RequiresGrad = true;
        var broken = GradCheck.Run(() => BrokenCube(x), x);
        Assert.False(broken.Passed, broken.ToString());
        Assert.True(broken.WorstError > 0.5);
        Assert.Contains("FAILED", broken.ToString());
        var correct = GradCheck.Run(() => Cube(x), x);
        Assert.True(correct.Passed, correct.ToString());
    }

    [Fact]
    public void CatchesAGradientMissingForOneInputOnly()
    {
        var a = Tensor.Rand([2, 2], new Rng(2), 0.5f, 1.5f);
        var b = Tensor.Rand([2, 2], new Rng(3), 0.5f, 1.5f);
        a.RequiresGrad = b.RequiresGrad = true;
        Tensor Product()
        {
            Tensor y;
            using (GradMode.NoGrad()) y = a * b;
            return Graph.Record(y, "mul_without_b", [a, b], g => [g * b, null]);
        }
        var r = GradCheck.Run(Product, a, b);
        Assert.False(r.Passed);
        Assert.True(r.Errors[0].RelativeError < 1e-2);
        Assert.True(r.Errors[1].RelativeError > 0.5);
    }

    [Fact]
    public void RestoresTheInputsAndRejectsNonLeaves()
    {
        var x = Tensor.Rand([5], new Rng(4));
        x.RequiresGrad = true;
        var before = x.ToArray();
        GradCheck.Run(() => x.Exp(), x);
        Assert.Equal(before, x.ToArray());
        Assert.Throws<ArgumentException>(() => GradCheck.Run(() => x, x * 2f));
        Assert.Throws<ArgumentException>(() => GradCheck.Run(() => x, Tensor.Zeros(2)));
    }
}
