"""Writes tests/Neurone.Tests/Fixtures/torch_reference.json: losses and activations computed by PyTorch
on fixed inputs, with their gradients, for Neurone's tests to match.

Run with the anchor's torch:  ../../../shared/bench/anchor.sh make_torch_reference.py   (from this folder)
(or any python3 with torch). Inputs are deterministic formulas, so the file is reproducible."""
import json, math, os
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)  # reference values in double; tests compare float32 within tolerance


def values(n, scale=1.0, phase=0.0):
    return [scale * math.sin(1.7 * i + phase) + 0.1 * math.cos(0.3 * i * i + phase) for i in range(n)]


def case(name, fn, x_shape, extra=None, x_scale=2.0):
    x = torch.tensor(values(math.prod(x_shape), x_scale), requires_grad=True).reshape(x_shape)
    x.retain_grad()
    out = fn(x)
    weights = torch.tensor(values(out.numel(), 1.0, 0.5)).reshape(out.shape) if out.dim() > 0 else torch.tensor(1.0)
    (out * weights).sum().backward()
    entry = {"name": name, "x_shape": list(x_shape), "x": x.detach().flatten().tolist(),
             "out_shape": list(out.shape), "out": out.detach().flatten().tolist(),
             "out_weights": weights.flatten().tolist(), "grad": x.grad.flatten().tolist()}
    if extra: entry.update(extra)
    return entry


labels = [3, 0, 4, 4, 1, 2]
label_t = torch.tensor(labels)
soft = torch.softmax(torch.tensor(values(6 * 5, 1.5, 1.0)).reshape(6, 5), dim=1)
probs_target = [0.0, 1.0, 1.0, 0.0, 0.3, 0.9, 0.5, 0.0, 1.0, 0.2, 0.7, 0.1]
bt = torch.tensor(probs_target).reshape(3, 4)

cases = [
    case("cross_entropy_mean", lambda x: F.cross_entropy(x, label_t), (6, 5), {"labels": labels}),
    case("cross_entropy_sum", lambda x: F.cross_entropy(x, label_t, reduction="sum"), (6, 5), {"labels": labels}),
    case("cross_entropy_none", lambda x: F.cross_entropy(x, label_t, reduction="none"), (6, 5), {"labels": labels}),
    case("cross_entropy_smoothing_0.1", lambda x: F.cross_entropy(x, label_t, label_smoothing=0.1), (6, 5), {"labels": labels}),
    case("cross_entropy_soft", lambda x: F.cross_entropy(x, soft), (6, 5), {"soft_target": soft.flatten().tolist()}),
    case("cross_entropy_soft_smoothing_0.2", lambda x: F.cross_entropy(x, soft, label_smoothing=0.2), (6, 5), {"soft_target": soft.flatten().tolist()}),
    case("nll_mean", lambda x: F.nll_loss(F.log_softmax(x, 1), label_t), (6, 5), {"labels": labels}),
    case("multi_margin_p1", lambda x: F.multi_margin_loss(x, label_t), (6, 5), {"labels": labels}, x_scale=0.6),
    case("multi_margin_p2_sum", lambda x: F.multi_margin_loss(x, label_t, p=2, reduction="sum"), (6, 5), {"labels": labels}, x_scale=0.6),
    case("bce_with_logits_mean", lambda x: F.binary_cross_entropy_with_logits(x, bt), (3, 4), {"target": probs_target}, x_scale=4.0),
    case("bce_mean", lambda x: F.binary_cross_entropy(torch.sigmoid(x), bt), (3, 4), {"target": probs_target}),
    case("mse_mean", lambda x: F.mse_loss(x, bt), (3, 4), {"target": probs_target}),
    case("l1_sum", lambda x: F.l1_loss(x, bt, reduction="sum"), (3, 4), {"target": probs_target}),
    case("log_softmax_dim1", lambda x: F.log_softmax(x, 1), (4, 6)),
    case("softmax_dim0", lambda x: F.softmax(x, 0), (4, 6)),
    case("gelu", lambda x: F.gelu(x), (3, 7)),
    case("leaky_relu_0.2", lambda x: F.leaky_relu(x, 0.2), (3, 7)),
    case("var_dim1_unbiased", lambda x: x.var(1), (4, 6)),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "torch_reference.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
