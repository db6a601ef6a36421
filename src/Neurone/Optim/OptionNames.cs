namespace Neurone.Optim;

/// <summary>The names of the optimizer options in <see cref="ParamGroup.Options"/>, as PyTorch spells them.</summary>
internal static class OptionNames
{
    public const string WeightDecay = "weight_decay";
    public const string Momentum = "momentum";
    public const string Dampening = "dampening";
    public const string Nesterov = "nesterov";
    public const string Beta1 = "beta1";
    public const string Beta2 = "beta2";
    public const string Eps = "eps";
    public const string Amsgrad = "amsgrad";
    public const string Alpha = "alpha";
    public const string Centered = "centered";
    public const string LrDecay = "lr_decay";
    public const string InitialAccumulatorValue = "initial_accumulator_value";

    /// <summary>Every name, in slot order.</summary>
    public static readonly string[] All =
        [WeightDecay, Momentum, Dampening, Nesterov, Beta1, Beta2, Eps, Amsgrad, Alpha, Centered, LrDecay, InitialAccumulatorValue];

    /// <summary>The slot of <paramref name="name"/> in <see cref="All"/>.</summary>
    public static int Slot(string name) => Array.IndexOf(All, name);
}
