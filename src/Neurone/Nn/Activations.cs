using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Nn;

// Stateless activation layers: each forwards to its F op (the tensor op, which records its own backward).

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module, ISavedModule<ReLU>
{
    public static ReLU FromConfig(ModuleSettings s) => new();
    public override Tensor Forward(Tensor input) => F.Relu(input);
}

/// <summary>max(x, 0) + slope·min(x, 0); PyTorch's default slope 0.01.</summary>
public sealed class LeakyReLU(float negativeSlope = 0.01f) : Module, ISavedModule<LeakyReLU>
{
    public float NegativeSlope { get; } = negativeSlope;
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope);
    public override string Describe() => $"LeakyReLU(negative_slope={NegativeSlope})";
    public override void GetConfig(ModuleConfig config) => config.Set("negative_slope", NegativeSlope);
    public static LeakyReLU FromConfig(ModuleSettings s) => new(s.Float("negative_slope", 0.01f));
}

/// <summary>Hyperbolic tangent.</summary>
public sealed class Tanh : Module, ISavedModule<Tanh>
{
    public static Tanh FromConfig(ModuleSettings s) => new();
    public override Tensor Forward(Tensor input) => F.Tanh(input);
}

/// <summary>Logistic sigmoid.</summary>
public sealed class Sigmoid : Module, ISavedModule<Sigmoid>
{
    public static Sigmoid FromConfig(ModuleSettings s) => new();
    public override Tensor Forward(Tensor input) => F.Sigmoid(input);
}

/// <summary>ln(1 + e^(βx))/β, and x where βx exceeds the threshold (PyTorch's defaults: β = 1, threshold 20).</summary>
public sealed class Softplus(float beta = 1f, float threshold = 20f) : Module, ISavedModule<Softplus>
{
    public float Beta { get; } = beta;
    public float Threshold { get; } = threshold;
    public override Tensor Forward(Tensor input) => F.Softplus(input, Beta, Threshold);
    public override string Describe() => $"Softplus(beta={Beta}, threshold={Threshold})";
    public override void GetConfig(ModuleConfig config) => config.Set("beta", Beta).Set("threshold", Threshold);
    public static Softplus FromConfig(ModuleSettings s) => new(s.Float("beta", 1f), s.Float("threshold", 20f));
}

/// <summary>GELU, exact x·Φ(x) by default or its tanh approximation with <c>approximate: "tanh"</c> (PyTorch's <c>nn.GELU</c>).</summary>
public sealed class GELU(string approximate = "none") : Module, ISavedModule<GELU>
{
    /// <summary>"none" (exact) or "tanh".</summary>
    public string Approximate { get; } = approximate is "none" or "tanh" ? approximate
        : throw new ArgumentException($"GELU: expected approximate \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate));
    public static GELU FromConfig(ModuleSettings s) => new(s.Has("approximate") ? s.String("approximate") : "none");
    public override void GetConfig(ModuleConfig config) { if (Approximate != "none") config.Set("approximate", Approximate); }
    public override string Describe() => Approximate == "none" ? "GELU()" : $"GELU(approximate='{Approximate}')";
    public override Tensor Forward(Tensor input) => Approximate == "none" ? F.Gelu(input) : F.Gelu(input, Approximate);
}

/// <summary>Softmax along <see cref="Dim"/> (default: the last dimension).</summary>
public sealed class Softmax(int dim = -1) : Module, ISavedModule<Softmax>
{
    public int Dim { get; } = dim;
    public override Tensor Forward(Tensor input) => F.Softmax(input, Dim);
    public override string Describe() => $"Softmax(dim={Dim})";
    public override void GetConfig(ModuleConfig config) => config.Set("dim", Dim);
    public static Softmax FromConfig(ModuleSettings s) => new(s.Int("dim", -1));
}

/// <summary>Log-softmax along <see cref="Dim"/> (default: the last dimension); pair it with <see cref="NLLLoss"/>.</summary>
public sealed class LogSoftmax(int dim = -1) : Module, ISavedModule<LogSoftmax>
{
    public int Dim { get; } = dim;
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Dim);
    public override string Describe() => $"LogSoftmax(dim={Dim})";
    public override void GetConfig(ModuleConfig config) => config.Set("dim", Dim);
    public static LogSoftmax FromConfig(ModuleSettings s) => new(s.Int("dim", -1));
}

/// <summary>Returns its input unchanged.</summary>
public sealed class Identity : Module, ISavedModule<Identity>
{
    public static Identity FromConfig(ModuleSettings s) => new();
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>Flattens dimensions <see cref="StartDim"/>..<see cref="EndDim"/> (by default all but the batch dimension).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module, ISavedModule<Flatten>
{
    public int StartDim { get; } = startDim;
    public int EndDim { get; } = endDim;
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
    public override string Describe() => $"Flatten(start_dim={StartDim}, end_dim={EndDim})";
    public override void GetConfig(ModuleConfig config) => config.Set("start_dim", StartDim).Set("end_dim", EndDim);
    public static Flatten FromConfig(ModuleSettings s) => new(s.Int("start_dim", 1), s.Int("end_dim", -1));
}
