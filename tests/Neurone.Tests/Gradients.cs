using Neurone.Autograd;
using Neurone.Tensors;

namespace Neurone.Tests;

/// <summary>The two steps of every gradient test: a seeded leaf that requires grad, and a GradCheck that must pass.</summary>
internal static class Gradients
{
    /// <summary>A uniform random tensor in [low, high) with RequiresGrad set.</summary>
    public static Tensor Leaf(int[] shape, ulong seed, float low = -1f, float high = 1f)
    {
        var t = Tensor.Rand(shape, new Rng(seed), low, high);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Asserts that autograd's gradients of <paramref name="f"/> match finite differences for every input.</summary>
    public static void Check(Func<Tensor> f, params Tensor[] inputs)
    {
        var r = GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.ToString());
    }
}
