using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Tests;

/// <summary>The README's first model, line for line, so the front page cannot rot.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void TheFirstModelLearnsTheSignXor()
    {
        var rng = new Rng(seed: 42);
        var x = Tensor.Rand([256, 2], rng, -1f, 1f);
        var labels = Tensor.FromLongs(Enumerable.Range(0, 256)
            .Select(i => x[i, 0] * x[i, 1] > 0 ? 1L : 0L).ToArray());

        var model = new Sequential(
            new Linear(2, 16, rng: rng), new Tanh(),
            new Linear(16, 2, rng: rng));
        var loss = new CrossEntropyLoss();
        var optimizer = new Adam(model.Parameters(), lr: 0.01);

        for (int step = 0; step < 500; step++)
        {
            var l = loss.Forward(model.Forward(x), labels);
            optimizer.ZeroGrad();
            l.Backward();
            optimizer.Step();
        }
        Assert.StartsWith("Sequential(", model.ToString());

        using (GradMode.NoGrad())
        {
            var predicted = model.Forward(x).ArgMax(1);
            float accuracy = Tensor.Eq(predicted, labels).Float().Mean().Item();
            Assert.True(accuracy > 0.95f, $"accuracy {accuracy:P1}");
        }
    }
}
