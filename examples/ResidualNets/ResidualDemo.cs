using Neurone.Autograd;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Examples.ResidualNets;

/// <summary>The pieces the program and the tests share: registration, data, a training loop, prediction.</summary>
public static class ResidualDemo
{
    /// <summary>
    /// Makes the user modules loadable: Model.Load rebuilds only registered types, so every process that
    /// loads these models calls this first (registering again is harmless).
    /// </summary>
    public static void Register()
    {
        ModuleRegistry.Register<ResidualBlock>();
        ModuleRegistry.Register<ResidualMlp>();
        ModuleRegistry.Register<ConvBlock>();
        ModuleRegistry.Register<ResidualCnn>();
    }

    /// <summary>Three spiral arms in the plane (CS231n's data): points [3·perArm, 2] and their arm as the label.</summary>
    public static (Tensor X, Tensor Y) Spirals(int perArm, ulong seed)
    {
        var data = Synthetic.Spirals(perArm, 3, new Rng(seed));
        return (data.X, data.Y);
    }

    /// <summary>
    /// 8×8 one-channel images of a horizontal (label 0), vertical (1) or diagonal (2) bar at a random
    /// place, plus Gaussian noise: [n, 1, 8, 8] and the labels.
    /// </summary>
    public static (Tensor X, Tensor Y) Bars(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 64];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % 3, at = (int)(rng.NextFloat() * 8) % 8;
            y[i] = label;
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                {
                    bool on = label switch { 0 => r == at, 1 => c == at, _ => (r + c + at) % 8 == 0 };
                    x[i * 64 + r * 8 + c] = (on ? 1f : 0f) + 0.3f * (float)rng.NextGaussian();
                }
        }
        return (Tensor.FromArray(x, n, 1, 8, 8), Tensor.FromArray(y, n));
    }

    /// <summary>Full-batch training for <paramref name="steps"/> steps; returns the loss before the first step and after the last.</summary>
    public static (float First, float Last) Train(Module model, Optimizer optimizer, Tensor x, Tensor y, int steps, LRScheduler? scheduler = null)
    {
        var loss = new CrossEntropyLoss();
        model.Train();
        float first = float.NaN;
        for (int step = 0; step < steps; step++)
        {
            optimizer.ZeroGrad();
            var value = loss.Call(model.Call(x), y);
            if (step == 0) first = value.Item();
            value.Backward();
            ClipGrad.ClipGradNorm(optimizer, maxNorm: 5);
            optimizer.Step();
            scheduler?.Step();
        }
        model.Eval();
        using (GradMode.NoGrad()) return (first, loss.Call(model.Call(x), y).Item());
    }

    /// <summary>The logits of <paramref name="x"/> in evaluation mode.</summary>
    public static Tensor Predict(Module model, Tensor x)
    {
        model.Eval();
        using (GradMode.NoGrad()) return model.Call(x);
    }
}
