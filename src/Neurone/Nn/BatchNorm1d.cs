using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>Batch normalisation of N×C (features) or N×C×L (channels of a sequence) inputs; see <see cref="BatchNorm"/>.</summary>
public sealed class BatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats), ISavedModule<BatchNorm1d>
{
    protected override void CheckShape(Tensor input)
    {
        if (input.Rank is not (2 or 3))
            throw new ArgumentException($"{Describe()}: expected input N×C or N×C×L, got shape {Shapes.Format(input.Shape)}.");
    }

    public static BatchNorm1d FromConfig(ModuleSettings s) =>
        new(s.Int("num_features"), s.Float("eps", 1e-5f), s.Float("momentum", 0.1f), s.Bool("affine", true), s.Bool("track_running_stats", true));
}
