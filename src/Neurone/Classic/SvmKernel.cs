namespace Neurone.Classic;

/// <summary>
/// The kernel k(a, b) of a <see cref="Svc"/>, with scikit-learn's definitions: linear a·b; RBF
/// exp(−γ‖a − b‖²); polynomial (γ a·b + coef0)^degree; sigmoid tanh(γ a·b + coef0).
/// </summary>
public enum SvmKernel
{
    /// <summary>a·b.</summary>
    Linear,
    /// <summary>exp(−γ‖a − b‖²), the Gaussian radial basis function.</summary>
    Rbf,
    /// <summary>(γ a·b + coef0)^degree.</summary>
    Poly,
    /// <summary>tanh(γ a·b + coef0); not positive semi-definite for every γ, coef0.</summary>
    Sigmoid,
}
