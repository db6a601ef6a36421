namespace Neurone.Classic;

/// <summary>The loss a <see cref="LinearSvc"/> puts on a margin violation ξ = max(0, 1 − y·f(x)).</summary>
public enum LinearSvmLoss
{
    /// <summary>C·ξ, the classic soft margin (the dual's α is boxed in [0, C]).</summary>
    Hinge,
    /// <summary>C·ξ², scikit-learn's default: smooth, and the dual's α has no upper bound.</summary>
    SquaredHinge,
}
