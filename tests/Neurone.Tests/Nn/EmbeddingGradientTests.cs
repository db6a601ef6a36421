using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// F.Embedding's backward into a parameter: rows used get their summed gradient straight in .Grad (the same buffer
/// from step to step), rows unused and the padding row stay 0, and steps accumulate until ZeroGrad, as PyTorch.
/// </summary>
public class EmbeddingGradientTests
{
    [Fact]
    public void RowsUsedAccumulateInPlaceAndTheRestStayZero()
    {
        var weight = Gradients.Leaf([5, 3], 11);
        var indices = Tensor.FromLongs([1, 3, 1, 0], 2, 2);
        var upstream = Tensor.Rand([2, 2, 3], new Rng(12));

        (F.Embedding(indices, weight, paddingIndex: 0) * upstream).Sum().Backward();
        var first = weight.Grad!;
        var g = first.ToArray();
        var u = upstream.ToArray();
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(0f, g[0 * 3 + c]);                        // padding row
            Assert.Equal(u[0 * 3 + c] + u[2 * 3 + c], g[1 * 3 + c]); // row 1, used twice
            Assert.Equal(0f, g[2 * 3 + c]);                        // unused
            Assert.Equal(u[1 * 3 + c], g[3 * 3 + c]);              // row 3
            Assert.Equal(0f, g[4 * 3 + c]);
        }

        (F.Embedding(indices, weight, paddingIndex: 0) * upstream).Sum().Backward();
        Assert.Same(first, weight.Grad);
        Assert.Equal(2 * (u[0] + u[6]), weight.Grad!.ToArray()[3], 1e-6f);

        weight.Grad = null;
        (F.Embedding(indices, weight) * upstream).Sum().Backward();
        Assert.Equal(u[9], weight.Grad!.ToArray()[0]); // no padding index: row 0 gets its gradient
    }

    [Fact]
    public void AWeightMadeByAnOpStillGetsItsGradient()
    {
        var table = Gradients.Leaf([4, 2], 13);
        var indices = Tensor.FromLongs([2, 0, 2]);
        Gradients.Check(() => F.Embedding(indices, table * 2f).Square().Sum(), table);
    }
}
