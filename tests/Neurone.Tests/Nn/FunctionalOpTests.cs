using Neurone.Bench;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// Every F op gives its module's values and gradients bit for bit (a module's Forward is one call to it), the fused
/// ops give those of their parts, and LeNet written as its own Module calling F ops trains to the same bits as the
/// Sequential LeNet from the same seed.
/// </summary>
public class FunctionalOpTests
{
    /// <summary>Runs <paramref name="viaModule"/> and <paramref name="viaOp"/> on the same input and upstream gradient and asserts equal bits for the output and every gradient.</summary>
    static void SameBits(Func<Tensor> viaModule, Func<Tensor> viaOp, params Tensor[] leaves)
    {
        var (y1, g1) = Run(viaModule, leaves);
        var (y2, g2) = Run(viaOp, leaves);
        Assert.Equal(y1, y2);
        for (int i = 0; i < leaves.Length; i++) Assert.Equal(g1[i], g2[i]);
    }

    static (float[] Output, float[][] Grads) Run(Func<Tensor> f, Tensor[] leaves)
    {
        foreach (var t in leaves) t.Grad = null;
        var y = f();
        var upstream = Tensor.Randn(y.ShapeArray(), new Rng(99));
        y.Backward(upstream);
        return (y.ToArray(), leaves.Select(t => t.Grad?.ToArray() ?? []).ToArray());
    }

    static Tensor Input(int[] shape, ulong seed)
    {
        var t = Tensor.Randn(shape, new Rng(seed));
        t.RequiresGrad = true;
        return t;
    }

    [Fact]
    public void LinearAndItsFusedRelu()
    {
        var layer = new Linear(6, 5, rng: new Rng(1));
        var x = Input([3, 2, 6], 2);
        SameBits(() => layer.Forward(x), () => F.Linear(x, layer.Weight, layer.Bias), x, layer.Weight, layer.Bias!);
        SameBits(() => new Sequential(layer, new ReLU()).Forward(x), () => F.Linear(x, layer.Weight, layer.Bias, relu: true), x, layer.Weight, layer.Bias!);
        SameBits(() => layer.Forward(x).Relu(), () => F.Linear(x, layer.Weight, layer.Bias, relu: true), x, layer.Weight, layer.Bias!);
        var noBias = new Linear(6, 4, bias: false, rng: new Rng(3));
        SameBits(() => noBias.Forward(x), () => F.Linear(x, noBias.Weight), x, noBias.Weight);
    }

    [Fact]
    public void ConvolutionsAndTheirFusedRelu()
    {
        var c2 = new Conv2d(2, 3, 3, stride: 2, padding: 1, dilation: 2, rng: new Rng(4));
        var x2 = Input([2, 2, 9, 8], 5);
        SameBits(() => c2.Forward(x2), () => F.Conv2d(x2, c2.Weight, c2.Bias, stride: 2, padding: 1, dilation: 2), x2, c2.Weight, c2.Bias!);
        SameBits(() => c2.Forward(x2).Relu(), () => F.Conv2d(x2, c2.Weight, c2.Bias, stride: 2, padding: 1, dilation: 2, relu: true), x2, c2.Weight, c2.Bias!);
        var same = new Conv2d(2, 4, 2, "same", rng: new Rng(6));
        SameBits(() => same.Forward(x2), () => F.Conv2d(x2, same.Weight, same.Bias, "same"), x2, same.Weight, same.Bias!);
        var c1 = new Conv1d(2, 3, 4, "same", dilation: 2, bias: false, rng: new Rng(7));
        var x1 = Input([3, 2, 11], 8);
        SameBits(() => c1.Forward(x1), () => F.Conv1d(x1, c1.Weight, null, "same", dilation: 2), x1, c1.Weight);
        SameBits(() => new Sequential(c1, new ReLU()).Forward(x1), () => F.Conv1d(x1, c1.Weight, null, "same", dilation: 2, relu: true), x1, c1.Weight);
        // A non-square kernel is the op's own (the layers make square ones).
        var w = Input([3, 2, 2, 3], 9);
        var y = F.Conv2d(x2, w, padding: 1);
        Assert.Equal([2, 3, 10, 8], y.ShapeArray());
    }

    [Theory]
    [InlineData(1, 4, 28, 3, 0, 2, 2, 0)]
    [InlineData(2, 3, 9, 3, 1, 3, 2, 1)]
    [InlineData(3, 2, 13, 3, 0, 2, 2, 0)]
    public void Conv2dReluMaxPool2dIsTheThreeLayers(int batch, int outC, int size, int k, int pad, int poolK, int poolStride, int poolPad)
    {
        var conv = new Conv2d(2, outC, k, padding: pad, rng: new Rng(10));
        var pool = new MaxPool2d(poolK, poolStride, poolPad);
        var x = Input([batch, 2, size, size], 11);
        var sequential = new Sequential(conv, new ReLU(), pool);
        SameBits(() => sequential.Forward(x),
            () => F.Conv2dReluMaxPool2d(x, conv.Weight, conv.Bias, poolK, poolStride, poolPad, padding: pad), x, conv.Weight, conv.Bias!);
        Assert.Equal("conv2d_relu_max_pool", F.Conv2dReluMaxPool2d(x, conv.Weight, conv.Bias, poolK, poolStride, poolPad, padding: pad).GradFn!.Name);
        // Against the unfused ops: the same values, input and weight gradients (the bias gradient is a sum over
        // fewer zero terms when the pooling skips a border; ConvLayerTests covers it to rounding).
        var fused = F.Conv2dReluMaxPool2d(x, conv.Weight, conv.Bias, poolK, poolStride, poolPad, padding: pad);
        var plain = F.MaxPool2d(F.Conv2d(x, conv.Weight, conv.Bias, padding: pad).Relu(), poolK, poolStride, poolPad);
        Assert.Equal(plain.ToArray(), fused.ToArray());
    }

    [Fact]
    public void Pooling()
    {
        var x2 = Input([2, 3, 7, 6], 12);
        SameBits(() => new MaxPool2d(3, 2, 1).Forward(x2), () => F.MaxPool2d(x2, 3, 2, 1), x2);
        SameBits(() => new MaxPool2d(2, dilation: 2).Forward(x2), () => F.MaxPool2d(x2, 2, dilation: 2), x2);
        SameBits(() => new AvgPool2d(3, 2, 1).Forward(x2), () => F.AvgPool2d(x2, 3, 2, 1), x2);
        SameBits(() => new AdaptiveAvgPool2d(3, 4).Forward(x2), () => F.AdaptiveAvgPool2d(x2, 3, 4), x2);
        var x1 = Input([2, 3, 10], 13);
        SameBits(() => new MaxPool1d(3, 2, 1, 2).Forward(x1), () => F.MaxPool1d(x1, 3, 2, 1, 2), x1);
    }

    [Fact]
    public void BatchNormInTrainingAndEvaluation()
    {
        var bn = new BatchNorm2d(3, momentum: 0.2f);
        bn.Weight!.CopyFrom(Tensor.Rand([3], new Rng(14), 0.5f, 1.5f));
        bn.Bias!.CopyFrom(Tensor.Rand([3], new Rng(15), -1f, 1f));
        var x = Input([4, 3, 5, 5], 16);
        var mean = bn.RunningMean!.Clone().Detach();
        var variance = bn.RunningVar!.Clone().Detach();
        SameBits(() => bn.Forward(x), () => F.BatchNorm(x, mean, variance, bn.Weight, bn.Bias, training: true, momentum: 0.2f), x, bn.Weight, bn.Bias!);
        // Both ran twice (SameBits runs each once more for nothing but the assertion): the running statistics moved alike.
        Assert.Equal(bn.RunningMean.ToArray(), mean.ToArray());
        Assert.Equal(bn.RunningVar.ToArray(), variance.ToArray());
        bn.Eval();
        SameBits(() => bn.Forward(x), () => F.BatchNorm(x, mean, variance, bn.Weight, bn.Bias), x, bn.Weight, bn.Bias!);
        var untracked = new BatchNorm1d(3, affine: false, trackRunningStats: false).Eval();
        var x1 = Input([5, 3], 17);
        SameBits(() => untracked.Forward(x1), () => F.BatchNorm(x1, null, null, training: true), x1);
        Assert.Contains("running_mean", Assert.Throws<ArgumentException>(() => F.BatchNorm(x1, null, null)).Message);
    }

    [Fact]
    public void DropoutDrawsTheSameMaskFromTheSameGenerator()
    {
        var x = Input([4, 3, 5], 18);
        SameBits(() => new Dropout(0.3f, new Rng(19)).Forward(x), () => F.Dropout(x, 0.3f, training: true, new Rng(19).Fork()), x);
        SameBits(() => new Dropout2d(0.4f, new Rng(20)).Forward(x), () => F.Dropout2d(x, 0.4f, training: true, new Rng(20).Fork()), x);
        Assert.Same(x, F.Dropout(x, 0.3f, training: false));
        Assert.Same(x, F.Dropout2d(x, 0.3f, training: false));
    }

    [Fact]
    public void ActivationsAndLosses()
    {
        var x = Input([3, 4], 21);
        SameBits(() => new ReLU().Forward(x), () => F.Relu(x), x);
        SameBits(() => new LeakyReLU(0.2f).Forward(x), () => F.LeakyRelu(x, 0.2f), x);
        SameBits(() => new GELU().Forward(x), () => F.Gelu(x), x);
        SameBits(() => new Softplus(2f, 1f).Forward(x), () => F.Softplus(x, 2f, 1f), x);
        SameBits(() => new Tanh().Forward(x), () => F.Tanh(x), x);
        SameBits(() => new Sigmoid().Forward(x), () => F.Sigmoid(x), x);
        SameBits(() => new Softmax(0).Forward(x), () => F.Softmax(x, 0), x);
        SameBits(() => new LogSoftmax().Forward(x), () => F.LogSoftmax(x), x);
        var t = Tensor.Rand([3, 4], new Rng(22));
        foreach (var r in Enum.GetValues<Reduction>())
        {
            SameBits(() => new MSELoss(r).Forward(x, t), () => F.MseLoss(x, t, r), x);
            SameBits(() => new L1Loss(r).Forward(x, t), () => F.L1Loss(x, t, r), x);
            SameBits(() => new BCEWithLogitsLoss(r).Forward(x, t), () => F.BinaryCrossEntropyWithLogits(x, t, r), x);
            var p = Tensor.Rand([3, 4], new Rng(23), 0.05f, 0.95f);
            p.RequiresGrad = true;
            SameBits(() => new BCELoss(r).Forward(p, t), () => F.BinaryCrossEntropy(p, t, r), p);
        }
        Assert.Contains("mse_loss", Assert.Throws<ArgumentException>(() => F.MseLoss(x, new Tensor(4, 3))).Message);
    }

    [Fact]
    public void WeightsThatAreResultsOfOpsGetTheirGradientsReturned()
    {
        // A module's weights are leaves, whose gradients the ops write straight into .Grad; a user may pass weights
        // computed by other ops (shared, scaled, reshaped), whose gradients the ops return instead.
        var w0 = Gradients.Leaf([4, 6], 40);
        var b0 = Gradients.Leaf([4], 41);
        var x = Gradients.Leaf([3, 6], 42);
        Gradients.Check(() => F.Linear(x, w0 * 2f, b0 * 0.5f), x, w0, b0);
        var k0 = Gradients.Leaf([3, 2, 3, 3], 43);
        var c0 = Gradients.Leaf([3], 44);
        var image = Gradients.Leaf([2, 2, 6, 7], 45);
        Gradients.Check(() => F.Conv2d(image, k0 * 1.5f, c0 * 2f, padding: 1), image, k0, c0);
        var k1 = Gradients.Leaf([3, 2, 3], 46);
        var signal = Gradients.Leaf([2, 2, 9], 47);
        Gradients.Check(() => F.Conv1d(signal, k1 * 1.5f, c0 * 2f, "same"), signal, k1, c0);
        // The fused op with a non-leaf weight: the same gradients as its parts (finite differences would straddle
        // the ReLU's kink and the pooling's ties).
        var fusedX = Input([2, 2, 8, 8], 48);
        var k2 = Input([4, 2, 3, 3], 49);
        var c2 = Input([4], 50);
        SameBits(() => F.MaxPool2d(F.Conv2d(fusedX, k2 * 1.5f, c2 * 2f, padding: 1).Relu(), 2),
            () => F.Conv2dReluMaxPool2d(fusedX, k2 * 1.5f, c2 * 2f, poolKernelSize: 2, padding: 1), fusedX, k2);
    }

    [Fact]
    public void LeNetAsItsOwnModuleTrainsToTheSequentialOnesBits()
    {
        const ulong seed = 7;
        // Built exactly as the benchmark's Sequential LeNet, from one generator in layer order.
        var rng = new Rng(seed);
        var sequential = new Sequential(
            new Conv2d(1, 32, 3, rng: rng), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, rng: rng), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(1600, 128, rng: rng), new ReLU(), new Linear(128, 10, rng: rng));
        var custom = new LeNetModule(new Rng(seed));
        Assert.Equal(sequential.Parameters().Select(p => p.ToArray()), custom.Parameters().Select(p => p.ToArray()));
        Assert.Equal(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"],
            custom.NamedParameters().Select(p => p.Name));

        var data = new Rng(8);
        var x = Tensor.Randn([8, 1, 28, 28], data);
        var target = Tensor.Randn([8, 10], data);
        var loss = new MSELoss();
        float[] Train(Module model)
        {
            var optimizer = new Adam(model.Parameters(), lr: 1e-3);
            var losses = new float[5];
            for (int step = 0; step < losses.Length; step++)
            {
                var l = loss.Forward(model.Forward(x), target);
                optimizer.ZeroGrad();
                l.Backward();
                optimizer.Step();
                losses[step] = l.Item();
            }
            return losses;
        }
        var expected = Train(sequential);
        var actual = Train(custom);
        Assert.Equal(expected, actual);
        Assert.True(expected[^1] < expected[0], $"the loss on the one batch should fall: {string.Join(", ", expected)}");
        Assert.Equal(sequential.Parameters().Select(p => p.ToArray()), custom.Parameters().Select(p => p.ToArray()));
    }
}
