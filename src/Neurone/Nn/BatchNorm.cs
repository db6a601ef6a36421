using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Batch normalisation over the channel dimension (dim 1) of an N×C×… input, as PyTorch: in training mode
/// each channel is normalised with the batch mean and biased variance, and the running statistics move by
/// <see cref="Momentum"/> towards the batch mean and the unbiased variance (n/(n−1) times the biased one); in
/// evaluation mode the running statistics are used instead. Then y = γ·x̂ + β with γ = 1, β = 0 initially.
/// Without running statistics (trackRunningStats false) the batch statistics are used in both modes.
/// <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> only differ in the shapes they accept.
/// </summary>
public abstract class BatchNorm : Module
{
    /// <summary>γ, [C], or null without affine.</summary>
    public Parameter? Weight { get; }
    /// <summary>β, [C], or null without affine.</summary>
    public Parameter? Bias { get; }
    /// <summary>The running mean, [C] (a buffer: saved, not trained), or null.</summary>
    public Tensor? RunningMean { get; }
    /// <summary>The running (unbiased) variance, [C], or null.</summary>
    public Tensor? RunningVar { get; }

    public int NumFeatures { get; }
    public float Eps { get; }
    public float Momentum { get; }
    public bool Affine => Weight is not null;
    public bool TrackRunningStats => RunningMean is not null;

    /// <summary>Normalisation of <paramref name="numFeatures"/> channels with PyTorch's defaults.</summary>
    protected BatchNorm(int numFeatures, float eps, float momentum, bool affine, bool trackRunningStats)
    {
        if (numFeatures < 1) throw new ArgumentOutOfRangeException(nameof(numFeatures), $"{GetType().Name}: expected num_features ≥ 1, got {numFeatures}.");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{GetType().Name}: expected eps > 0, got {eps}.");
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"{GetType().Name}: expected momentum in [0, 1], got {momentum}.");
        NumFeatures = numFeatures; Eps = eps; Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numFeatures]));
            Bias = RegisterParameter("bias", new Tensor(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", new Tensor(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
        }
    }

    /// <summary>Throws unless the input has a shape this layer takes.</summary>
    protected abstract void CheckShape(Tensor input);

    public override Tensor Forward(Tensor input)
    {
        CheckShape(input);
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{Describe()}: expected {NumFeatures} channels in dimension 1, got shape {Shapes.Format(input.Shape)}.");
        // As PyTorch: without running statistics the batch's are used in evaluation too.
        return F.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, training: Training || !TrackRunningStats, Momentum, Eps);
    }

    public override string Describe() =>
        $"{GetType().Name}({NumFeatures}, eps={Eps}, momentum={Momentum}, affine={(Affine ? "True" : "False")}, track_running_stats={(TrackRunningStats ? "True" : "False")})";

    // Saved architecture: PyTorch's argument names.
    public override void GetConfig(ModuleConfig config) =>
        config.Set("num_features", NumFeatures).Set("eps", Eps).Set("momentum", Momentum).Set("affine", Affine).Set("track_running_stats", TrackRunningStats);
}
