using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>Batch normalisation of N×C×H×W inputs, per channel over the batch and both spatial axes; see <see cref="BatchNorm"/>.</summary>
public sealed class BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats), ISavedModule<BatchNorm2d>
{
    protected override void CheckShape(Tensor input)
    {
        if (input.Rank != 4)
            throw new ArgumentException($"{Describe()}: expected input N×C×H×W, got shape {Shapes.Format(input.Shape)}.");
    }

    public static BatchNorm2d FromConfig(ModuleSettings s) =>
        new(s.Int("num_features"), s.Float("eps", 1e-5f), s.Float("momentum", 0.1f), s.Bool("affine", true), s.Bool("track_running_stats", true));
}
