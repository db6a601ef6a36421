using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// BCE with logits far from the decision: log(1 + e^−|x|) must keep e^−|x| where 1 + e^−|x| rounds to 1 in float
/// (the loss of logit 30 with target 1 is 9.3576e-14, not 0).
/// </summary>
public class BceWithLogitsTailTests
{
    [Theory]
    [InlineData(30f, 1f)]
    [InlineData(-30f, 0f)]
    [InlineData(50f, 1f)]
    public void ConfidentRightAnswersKeepTheirTinyLoss(float logit, float target)
    {
        var loss = F.BinaryCrossEntropyWithLogits(Tensor.FromArray([logit]), Tensor.FromArray([target]), Reduction.Sum).Item();
        double e = Math.Exp(-Math.Abs(logit));
        double exact = e - e * e / 2; // log(1 + e) to double precision for e < 1e-13 (1 + e itself would round)
        Assert.Equal(exact, loss, exact * 1e-6);
        Assert.True(loss > 0);
    }

    [Fact]
    public void ModerateLogitsAreUnchanged()
    {
        float[] x = [-3f, -0.5f, 0f, 0.7f, 4f];
        float[] t = [0f, 1f, 0.5f, 1f, 0f];
        var losses = F.BinaryCrossEntropyWithLogits(Tensor.FromArray(x), Tensor.FromArray(t), Reduction.None).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Max(x[i], 0) - x[i] * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(x[i])));
            Assert.Equal(exact, losses[i], 2e-6);
        }
    }
}
