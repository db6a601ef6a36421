using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Optim;

/// <summary>
/// A set of parameters with its own hyperparameters, as an entry of PyTorch's
/// <c>optimizer.param_groups</c>: each option left null here takes the optimizer's constructor value,
/// so <c>new AdamW([new(weights, weightDecay: 0.05), new(biases, weightDecay: 0)], lr: 1e-3)</c>
/// decays the weights only, both groups at lr 1e-3. Options are PyTorch's, in .NET spelling; an option
/// the optimizer does not have (beta1 for SGD) is refused when the optimizer is built. After that,
/// <see cref="LearningRate"/> may change (schedulers set it on every group); the other options are
/// fixed. A group belongs to one optimizer.
/// </summary>
public sealed class ParamGroup
{
    readonly Tensor[] parameters;
    readonly Dictionary<string, double> options = new(StringComparer.Ordinal);
    readonly double? givenLearningRate;
    double learningRate;

    /// <summary>A group of <paramref name="parameters"/>; every option not given comes from the optimizer.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, double? lr = null, double? weightDecay = null,
        double? momentum = null, double? dampening = null, bool? nesterov = null,
        double? beta1 = null, double? beta2 = null, double? eps = null, bool? amsgrad = null,
        double? alpha = null, bool? centered = null, double? lrDecay = null, double? initialAccumulatorValue = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        this.parameters = parameters.ToArray();
        givenLearningRate = lr;
        Given(OptionNames.WeightDecay, weightDecay);
        Given(OptionNames.Momentum, momentum);
        Given(OptionNames.Dampening, dampening);
        Given(OptionNames.Nesterov, nesterov is { } n ? (n ? 1 : 0) : null);
        Given(OptionNames.Beta1, beta1);
        Given(OptionNames.Beta2, beta2);
        Given(OptionNames.Eps, eps);
        Given(OptionNames.Amsgrad, amsgrad is { } a ? (a ? 1 : 0) : null);
        Given(OptionNames.Alpha, alpha);
        Given(OptionNames.Centered, centered is { } c ? (c ? 1 : 0) : null);
        Given(OptionNames.LrDecay, lrDecay);
        Given(OptionNames.InitialAccumulatorValue, initialAccumulatorValue);

        void Given(string name, double? value)
        {
            if (value is { } v) options[name] = v;
        }
    }

    /// <summary>The parameters of this group, in order.</summary>
    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>The optimizer this group belongs to, once one is built over it.</summary>
    public Optimizer? Owner { get; private set; }

    /// <summary>The learning rate of this group's next step; schedulers set it. Must be finite and ≥ 0.</summary>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, $"{Owner?.GetType().Name ?? "ParamGroup"}: expected a finite learning rate ≥ 0.");
            learningRate = value;
        }
    }

    /// <summary>Every option of this group by PyTorch's name ("weight_decay", "momentum", "beta1", …; booleans as 0 and 1), the learning rate as "lr".</summary>
    public IReadOnlyDictionary<string, double> Options =>
        new Dictionary<string, double>(options, StringComparer.Ordinal) { ["lr"] = learningRate };

    /// <summary>The weight decay λ of this group.</summary>
    public double WeightDecay => Get(0);
    /// <summary>SGD's and RMSprop's momentum factor.</summary>
    public double Momentum => Get(1);
    /// <summary>SGD's dampening.</summary>
    public double Dampening => Get(2);
    /// <summary>Whether SGD uses Nesterov momentum.</summary>
    public bool Nesterov => Get(3) != 0;
    /// <summary>Adam's β₁.</summary>
    public double Beta1 => Get(4);
    /// <summary>Adam's β₂.</summary>
    public double Beta2 => Get(5);
    /// <summary>The ε of Adam, RMSprop and Adagrad.</summary>
    public double Eps => Get(6);
    /// <summary>Whether Adam uses AMSGrad.</summary>
    public bool Amsgrad => Get(7) != 0;
    /// <summary>RMSprop's smoothing constant α.</summary>
    public double Alpha => Get(8);
    /// <summary>Whether RMSprop is centered.</summary>
    public bool Centered => Get(9) != 0;
    /// <summary>Adagrad's learning-rate decay.</summary>
    public double LrDecay => Get(10);
    /// <summary>Adagrad's initial accumulator value.</summary>
    public double InitialAccumulatorValue => Get(11);

    // The options by slot (the order of OptionNames.All), filled by Resolve: optimizers read them on
    // every step of every parameter, and a dictionary lookup there cost about 20 ns a parameter.
    readonly double[] resolved = new double[OptionNames.All.Length];
    readonly bool[] present = new bool[OptionNames.All.Length];

    double Get(int slot) => present[slot] ? resolved[slot]
        : throw new InvalidOperationException($"ParamGroup: this group has no '{OptionNames.All[slot]}' ({(Owner is null ? "it belongs to no optimizer yet" : $"{Owner.GetType().Name} does not take it")}).");

    /// <summary>Fills the options not given from <paramref name="defaults"/> and claims the group for <paramref name="owner"/>.</summary>
    internal void Resolve(Optimizer owner, int index, double defaultLearningRate, IReadOnlyDictionary<string, double> defaults)
    {
        string name = owner.GetType().Name;
        if (Owner is not null && !ReferenceEquals(Owner, owner))
            throw new ArgumentException($"{name}: parameter group {index} already belongs to a {Owner.GetType().Name}; build a new ParamGroup for each optimizer.");
        var unknown = options.Keys.Where(k => !defaults.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"{name}: parameter group {index} sets {string.Join(", ", unknown)}, which {name} does not take (it takes lr, {string.Join(", ", defaults.Keys)}).");
        foreach (var (key, value) in defaults) options.TryAdd(key, value);
        foreach (var (key, value) in options) (resolved[OptionNames.Slot(key)], present[OptionNames.Slot(key)]) = (value, true);
        Owner = owner;
        LearningRate = givenLearningRate ?? defaultLearningRate;
    }

    /// <summary>
    /// Two groups over <paramref name="model"/>'s parameters for the common case of weight decay on weights
    /// only: the first holds every parameter of rank 2 or more (the weights of Linear, Conv and Embedding
    /// layers) with <paramref name="weightDecay"/>, the second every vector (biases, and the scales and
    /// shifts of normalisation layers) with no decay — the rule of nanoGPT and most transformer recipes.
    /// Either group may be empty.
    /// </summary>
    public static ParamGroup[] DecayWeightsOnly(Module model, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(model);
        var all = model.Parameters().ToList();
        return
        [
            new ParamGroup(all.Where(p => p.Rank >= 2), weightDecay: weightDecay),
            new ParamGroup(all.Where(p => p.Rank < 2), weightDecay: 0),
        ];
    }
}
