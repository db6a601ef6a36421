using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Bench;

/// <summary>
/// LeNet as a user writes a model of their own: a Module with its layers as fields and a Forward that calls the F
/// ops, the fused ones included (convolution + ReLU + pooling, linear + ReLU). It holds the same layers as
/// the Sequential LeNet of the CNN benchmark (CnnBench.LeNetModel), created in the same order from the same generator, so from one seed both
/// start from the same weights, and it must train exactly as fast and to the same bits (tests check the bits).
/// </summary>
public sealed class LeNetModule : Module
{
    readonly Conv2d conv1, conv2;
    readonly Linear fc1, fc2;

    public LeNetModule(Rng rng)
    {
        conv1 = RegisterModule("conv1", new Conv2d(1, 32, 3, rng: rng));
        conv2 = RegisterModule("conv2", new Conv2d(32, 64, 3, rng: rng));
        fc1 = RegisterModule("fc1", new Linear(1600, 128, rng: rng));
        fc2 = RegisterModule("fc2", new Linear(128, 10, rng: rng));
    }

    public override Tensor Forward(Tensor input)
    {
        var x = F.Conv2dReluMaxPool2d(input, conv1.Weight, conv1.Bias, poolKernelSize: 2);
        x = F.Conv2dReluMaxPool2d(x, conv2.Weight, conv2.Bias, poolKernelSize: 2);
        x = F.Linear(x.Flatten(1), fc1.Weight, fc1.Bias, relu: true);
        return F.Linear(x, fc2.Weight, fc2.Bias);
    }
}
