using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Optim;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) as <c>torch.optim.AdamW</c>: Adam whose weight decay is
/// decoupled from the gradient — each step first shrinks the parameter, p = p·(1 − lr·λ), then applies
/// the plain Adam update with no L2 term. The decay therefore scales with the learning rate (and
/// follows a scheduler), and its default is 1e-2 rather than Adam's 0.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Builds AdamW over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(OneGroup(parameters), lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true) { }

    /// <summary>Builds AdamW over parameter <paramref name="groups"/>; the other arguments are the defaults of groups that do not set their own.</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true) { }
}
