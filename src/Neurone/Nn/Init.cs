using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Weight initialisation in place, as <c>torch.nn.init</c>: gains, fans, Xavier (Glorot and Bengio,
/// 2010) and Kaiming (He et al., 2015) schemes and plain fills. Fans follow PyTorch: for a tensor of
/// shape [out, in, k₁, k₂, …] fan_in = in·k₁·k₂·… and fan_out = out·k₁·k₂·…, so a Linear weight
/// [out, in] and a Conv2d weight [out, in/groups, kh, kw] both work; tensors of rank &lt; 2 have no fans.
/// Every random fill draws from an explicit <see cref="Rng"/>, so the same seed gives the same weights.
/// Each method returns the tensor it filled. Filling a tensor with no elements does nothing.
/// </summary>
public static class Init
{
    /// <summary>
    /// The recommended gain for <paramref name="nonlinearity"/>; <paramref name="param"/> is the negative
    /// slope of <see cref="Nonlinearity.LeakyRelu"/> (0.01 when null) and is ignored by the others.
    /// </summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Conv1d or Nonlinearity.Conv2d or Nonlinearity.Conv3d
            or Nonlinearity.ConvTranspose1d or Nonlinearity.ConvTranspose2d or Nonlinearity.ConvTranspose3d
            or Nonlinearity.Sigmoid => 1.0,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => LeakyReluGain(param ?? 0.01),
        Nonlinearity.Selu => 3.0 / 4,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "calculate_gain: unknown nonlinearity."),
    };

    /// <summary>Same, by PyTorch's name ("relu", "leaky_relu", "conv_transpose2d", …).</summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        ArgumentNullException.ThrowIfNull(nonlinearity);
        Nonlinearity? parsed = nonlinearity switch
        {
            "linear" => Nonlinearity.Linear,
            "conv1d" => Nonlinearity.Conv1d,
            "conv2d" => Nonlinearity.Conv2d,
            "conv3d" => Nonlinearity.Conv3d,
            "conv_transpose1d" => Nonlinearity.ConvTranspose1d,
            "conv_transpose2d" => Nonlinearity.ConvTranspose2d,
            "conv_transpose3d" => Nonlinearity.ConvTranspose3d,
            "sigmoid" => Nonlinearity.Sigmoid,
            "tanh" => Nonlinearity.Tanh,
            "relu" => Nonlinearity.Relu,
            "leaky_relu" => Nonlinearity.LeakyRelu,
            "selu" => Nonlinearity.Selu,
            _ => null,
        };
        if (parsed is null)
            throw new ArgumentException($"calculate_gain: expected one of linear, conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, sigmoid, tanh, relu, leaky_relu, selu; got '{nonlinearity}'.", nameof(nonlinearity));
        return CalculateGain(parsed.Value, param);
    }

    static double LeakyReluGain(double slope)
    {
        if (!double.IsFinite(slope))
            throw new ArgumentOutOfRangeException(nameof(slope), slope, "calculate_gain: expected a finite negative slope for leaky_relu.");
        return Math.Sqrt(2.0 / (1 + slope * slope));
    }

    /// <summary>fan_in and fan_out of a weight of rank ≥ 2, as PyTorch computes them (see the class remarks).</summary>
    public static (int FanIn, int FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"init: fan in and fan out need a tensor of rank ≥ 2 ([out, in, …]), got shape {Shapes.Format(tensor.Shape)}.", nameof(tensor));
        int receptiveField = 1;
        for (int d = 2; d < tensor.Rank; d++) receptiveField *= tensor.Size(d);
        return (tensor.Size(1) * receptiveField, tensor.Size(0) * receptiveField);
    }

    /// <summary>Xavier/Glorot uniform with gain 1: U(−a, a), a = √(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, Rng rng) => XavierUniform(tensor, 1.0, rng);

    /// <summary>Xavier/Glorot uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain, Rng rng)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        CheckGain(gain);
        if (tensor.Count == 0) return tensor;
        double a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, -a, a, rng);
    }

    /// <summary>Xavier/Glorot normal with gain 1: N(0, σ²), σ = √(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, Rng rng) => XavierNormal(tensor, 1.0, rng);

    /// <summary>Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain, Rng rng)
    {
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        CheckGain(gain);
        if (tensor.Count == 0) return tensor;
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), rng);
    }

    static void CheckGain(double gain)
    {
        if (!(gain >= 0) || double.IsInfinity(gain))
            throw new ArgumentOutOfRangeException(nameof(gain), gain, "xavier: expected a finite gain ≥ 0.");
    }

    /// <summary>Kaiming/He uniform with PyTorch's defaults (a = 0, fan_in, leaky_relu — gain √2).</summary>
    public static Tensor KaimingUniform(Tensor tensor, Rng rng) =>
        KaimingUniform(tensor, 0, FanMode.FanIn, Nonlinearity.LeakyRelu, rng);

    /// <summary>
    /// Kaiming/He uniform: U(−b, b) with b = √3·gain / √fan, gain from <see cref="CalculateGain(Nonlinearity, double?)"/>
    /// with <paramref name="a"/> as the leaky-relu slope, fan chosen by <paramref name="mode"/>.
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity, Rng rng)
    {
        double std = KaimingStd(tensor, a, mode, nonlinearity);
        if (tensor.Count == 0) return tensor;
        double bound = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -bound, bound, rng);
    }

    /// <summary>Kaiming/He normal with PyTorch's defaults (a = 0, fan_in, leaky_relu — gain √2).</summary>
    public static Tensor KaimingNormal(Tensor tensor, Rng rng) =>
        KaimingNormal(tensor, 0, FanMode.FanIn, Nonlinearity.LeakyRelu, rng);

    /// <summary>Kaiming/He normal: N(0, σ²) with σ = gain / √fan (see <see cref="KaimingUniform(Tensor, double, FanMode, Nonlinearity, Rng)"/>).</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity, Rng rng)
    {
        double std = KaimingStd(tensor, a, mode, nonlinearity);
        if (tensor.Count == 0) return tensor;
        return Normal(tensor, 0, std, rng);
    }

    static double KaimingStd(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity)
    {
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "kaiming: expected mode FanIn or FanOut.");
        var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    /// <summary>Fills with numbers uniform in [low, high).</summary>
    public static Tensor Uniform(Tensor tensor, double low, double high, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(rng);
        if (!double.IsFinite(low) || !double.IsFinite(high) || !(low <= high))
            throw new ArgumentOutOfRangeException(nameof(high), $"uniform: expected finite bounds with low ≤ high, got [{low}, {high}).");
        rng.FillUniform(tensor.AsSpan(), (float)low, (float)high);
        return tensor;
    }

    /// <summary>Fills with normal numbers of the given mean and standard deviation (std ≥ 0).</summary>
    public static Tensor Normal(Tensor tensor, double mean, double std, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(rng);
        if (!double.IsFinite(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "normal: expected a finite mean.");
        if (!(std >= 0) || double.IsInfinity(std))
            throw new ArgumentOutOfRangeException(nameof(std), std, "normal: expected a finite std ≥ 0.");
        rng.FillNormal(tensor.AsSpan(), (float)mean, (float)std);
        return tensor;
    }

    /// <summary>Fills every element with <paramref name="value"/>.</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor.Fill((float)value);
        return tensor;
    }

    /// <summary>Fills with zeros.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with ones.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);
}
