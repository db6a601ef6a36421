using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Experiments;

/// <summary>
/// The depth × width studies on 2-D two-class data (perceptron-xor, flower): a net of
/// <c>depth</c> tanh layers of <c>width</c> units ending in one logit (depth 0 is the single-layer
/// perceptron, a logistic unit), trained with BCEWithLogitsLoss and Adam, and its train/test accuracy.
/// </summary>
public static class PlanarNets
{
    /// <summary>Linear(2, w)-Tanh repeated <paramref name="depth"/> times, then Linear(·, 1) to a logit.</summary>
    public static Sequential Build(int depth, int width, Rng rng)
    {
        var net = new Sequential();
        int inputs = 2;
        for (int d = 0; d < depth; d++)
        {
            net.Add(new Linear(inputs, width, rng: rng)).Add(new Tanh());
            inputs = width;
        }
        return net.Add(new Linear(inputs, 1, rng: rng));
    }

    /// <summary>Targets as a column [n, 1], the shape of the logit BCEWithLogitsLoss compares them with.</summary>
    public static TensorDataset AsColumn(TensorDataset d) => new(d.X, d.Y.Float().Reshape(d.Count, 1)); // BCE takes float targets

    /// <summary>Trains <paramref name="net"/> and returns its trainer with the train and test accuracies.</summary>
    public static (Trainer Trainer, double Train, double Test) Fit(Sequential net, TensorDataset train, TensorDataset test,
        int epochs, int batchSize, double lr, Rng rng)
    {
        var trainer = new Trainer(net, new Adam(net.Parameters(), lr: lr), new BCEWithLogitsLoss(), new Accuracy());
        trainer.Fit(AsColumn(train), epochs: epochs, batchSize: batchSize, rng: rng, verbose: 0,
            callbacks: [new LearningRateSchedule((epoch, rate) => epoch == epochs * 3 / 4 + 1 ? rate * 0.1 : rate)]);
        return (trainer, trainer.Evaluate(AsColumn(train))["accuracy"], trainer.Evaluate(AsColumn(test))["accuracy"]);
    }

    /// <summary>Predicted classes (logit above zero means class 1).</summary>
    public static int[] Classes(Trainer trainer, Tensor x) => trainer.PredictClasses(x, threshold: 0f);
}
