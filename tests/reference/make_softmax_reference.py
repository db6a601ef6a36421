"""Writes tests/Neurone.Tests/Fixtures/softmax_reference.json: PyTorch's float64 values and gradients of softmax,
log_softmax, logsumexp and cross_entropy at extreme logits (issue 17, defects 3 and 4): ±100, ±1e4, ±1e30, logits
above 88 (where e^x overflows float32) and rows all below −104 (where it underflows), ties, constant rows, a large
maximum next to small differences (1e6, 1e7, 1e8), along every dimension of a 3-D tensor, with and without keepdim.
Neurone's float32 results are compared with these.

Run with Debian's torch:  /usr/bin/python3 make_softmax_reference.py   (from this folder; any torch 1.13 will do).
Inputs are rounded to float32 before use, so Neurone sees exactly the values PyTorch differentiated. Each case
also holds its exact values ("exact", from mpmath at 50 digits, rounded to float64), which PyTorch's are checked
against; so does each gradient ("grad_exact"), next to PyTorch's ("grad"). Neurone is compared with the exact values."""
import json, math, os
import torch

try:
    import mpmath
except ImportError:
    raise SystemExit("mpmath is needed for the exact values (apt install python3-mpmath)")
mpmath.mp.dps = 50

torch.set_default_dtype(torch.float64)


def f32(t):
    """The values as float32 rounds them, back in float64: the inputs Neurone can hold."""
    return torch.as_tensor(t, dtype=torch.float64).to(torch.float32).to(torch.float64)


def enc(values):
    # JSON has no infinities or NaN: they travel as strings.
    return [v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")) for v in values]


def flat(t):
    return enc(t.detach().flatten().tolist())


def weights_like(t, phase):
    """Upstream gradients: float32 values of varied size and sign, so a wrong factor cannot hide."""
    n = t.numel()
    return f32([0.5 + math.sin(1.3 * i + phase) for i in range(n)]).reshape(t.shape)


def exact_logsumexp(line):
    """ln Σ eˣ of a line of floats, in 50-digit arithmetic."""
    return mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in line))


def exact_values(op, x, dim, keepdim):
    """The op along dim in mpmath, rounded to float64: the reference for Neurone's outputs. PyTorch's own float64
    answer is checked against it: its log_softmax is x − (max + lse), which in float64 rounds lse away next to a max
    as small as 89 (log_softmax([89, 0])[0] is 0, not −2.2e-39), so it is held to an error of 2⁻⁵² of the line's
    largest magnitude rather than of each value."""
    moved = x.movedim(dim, -1)
    lines = moved.reshape(-1, moved.shape[-1]).tolist()
    exact, scale = [], []
    for line in lines:
        lse = exact_logsumexp(line) if line else mpmath.mpf("-inf")
        size = max([abs(v) for v in line] + [1.0])
        if op == "logsumexp":
            exact.append([lse])
            scale.append([size])
        elif op == "log_softmax":
            exact.append([mpmath.mpf(v) - lse for v in line])
            scale.append([size] * len(line))
        else:
            exact.append([mpmath.exp(mpmath.mpf(v) - lse) for v in line])
            scale.append([0.0] * len(line))
    shape = list(moved.shape[:-1]) + ([1] if op == "logsumexp" else [moved.shape[-1]])
    to_tensor = lambda rows: torch.tensor([float(v) for r in rows for v in r]).reshape(shape).movedim(-1, dim)
    result, scales = to_tensor(exact), to_tensor(scale)
    if op == "logsumexp" and not keepdim:
        result, scales = result.squeeze(dim), scales.squeeze(dim)
    return result, scales


def exact_gradient(op, x, dim, keepdim, w):
    """The gradient of Σ w·op(x) along dim in 50-digit arithmetic, rounded to float64. PyTorch's float64 gradient
    of logsumexp is w·e^(x − result), which is w itself on a line of −1e30s (result = x once ln 5 is rounded away)
    where the exact answer is w/5; such cases are listed when this script runs."""
    if op == "logsumexp" and not keepdim:
        w = w.unsqueeze(dim if dim >= 0 else x.dim() + dim)
    xm, wm = x.movedim(dim, -1), w.movedim(dim, -1)
    xl = xm.reshape(-1, xm.shape[-1]).tolist()
    wl = wm.reshape(-1, wm.shape[-1]).tolist()
    grads = []
    for line, weights in zip(xl, wl):
        lse = exact_logsumexp(line)
        p = [mpmath.exp(mpmath.mpf(v) - lse) for v in line]
        if op == "softmax":
            dot = mpmath.fsum(mpmath.mpf(a) * b for a, b in zip(weights, p))
            grads.append([pi * (mpmath.mpf(wi) - dot) for pi, wi in zip(p, weights)])
        elif op == "log_softmax":
            total = mpmath.fsum(mpmath.mpf(a) for a in weights)
            grads.append([mpmath.mpf(wi) - pi * total for pi, wi in zip(p, weights)])
        else:
            grads.append([mpmath.mpf(weights[0]) * pi for pi in p])
    return torch.tensor([float(v) for r in grads for v in r]).reshape(xm.shape).movedim(-1, dim)


def differs(a, b, scale):
    return any(not (u == v or abs(u - v) <= 1e-12 * max(abs(u), s)) for u, v, s in
               zip(a.flatten().tolist(), b.flatten().tolist(), scale.flatten().tolist()))


torch_departures = []


def check_torch(name, expected, scales, y):
    for e, s, g in zip(expected.flatten().tolist(), scales.flatten().tolist(), y.flatten().tolist()):
        assert e == g or abs(e - g) <= 1e-14 * abs(e) + 2.3e-16 * s, (name, e, g)


# Rows of logits (2-D, one row per case) and what each stresses.
rows = {
    "above_88": [[89.0, 0.0], [100.0, -100.0]],
    "overflow_1010": [[1010.0, 1000.0], [1e4, -1e4]],
    "all_below_104": [[-200.0, -200.0, -200.0, -200.0], [-1000.0, -1001.0, -1002.0, -1003.0]],
    "near_minus_100": [[-100.0, -100.5, -101.0, -103.0], [-100.0, -100.0, -100.0, -100.0]],
    "huge_1e30": [[1e30, -1e30, 0.0], [-1e30, -1e30, -1e30]],
    "ties": [[3.0, 3.0, 1.0], [1e4, 1e4, 9999.0]],
    "large_max_1e6": [[1e6, 1e6, 1e6], [1e6, 1e6 + 1, 1e6 - 1]],
    "large_max_1e7": [[1e7, 1e7, 1e7, 1e7], [1e7, 1e7 + 1, 1e7 - 1, 1e7]],
    "large_max_1e8": [[1e8, 1e8, 1e8, 1e8], [1e8, 1e8 + 8, 1e8 - 8, 1e8]],
    "minus_1e30_five": [[-1e30] * 5, [1e30] * 5],
    "single": [[7.5], [-1e30]],
    "ordinary": [[0.5, -1.25, 2.0, 0.0, 3.5], [-0.75, 0.25, 1.5, -2.0, 0.125]],
}

cases = []
phase = 0.0


def case(name, op, x, dim, keepdim=False):
    global phase
    phase += 0.37
    x = f32(x).requires_grad_(True)
    if op == "softmax":
        y = torch.softmax(x, dim)
    elif op == "log_softmax":
        y = torch.log_softmax(x, dim)
    else:
        y = torch.logsumexp(x, dim, keepdim=keepdim)
    exact, scales = exact_values(op, x.detach(), dim, keepdim)
    check_torch(name, exact, scales, y.detach())
    w = weights_like(y, phase)
    (y * w).sum().backward()
    grad_exact = exact_gradient(op, x.detach(), dim, keepdim, w)
    if differs(grad_exact, x.grad, torch.ones_like(grad_exact)):
        torch_departures.append(name)
    cases.append({"name": name, "op": op, "dim": dim, "keepdim": keepdim, "x_shape": list(x.shape), "x": flat(x),
                  "out_shape": list(y.shape), "out": flat(y), "exact": flat(exact), "weights": flat(w), "grad": flat(x.grad),
                  "grad_exact": flat(grad_exact)})


for key, values in rows.items():
    for op in ["softmax", "log_softmax", "logsumexp"]:
        case(f"{op}_{key}", op, values, -1)
    case(f"logsumexp_{key}_keepdim", "logsumexp", values, 1, keepdim=True)

# Every dimension of a 3-D tensor whose lines mix the extremes above.
cube = f32([[[89.0, -200.0, 1e4, 0.5], [1e30, -1e30, 1e7, -100.0], [1e7, 1e7 + 1, -104.5, 3.0]],
            [[-1e4, 100.0, 1e7, -0.25], [0.0, 1e8, -1e30, 88.5], [2.0, 2.0, -88.0, 1010.0]]])
for dim in [0, 1, 2, -1, -2]:
    for op in ["softmax", "log_softmax", "logsumexp"]:
        case(f"{op}_cube_dim{dim}", op, cube, dim)
    case(f"logsumexp_cube_dim{dim}_keepdim", "logsumexp", cube, dim, keepdim=True)

# Cross-entropy with class labels (mean over the batch), the issue's [m, m, m] with label 0 among them.
ce_cases = []


def ce_case(name, logits, labels, reduction="mean"):
    x = f32(logits).requires_grad_(True)
    t = torch.tensor(labels)
    loss = torch.nn.functional.cross_entropy(x, t, reduction=reduction)
    w = weights_like(loss, 0.9) if reduction == "none" else torch.tensor(1.0)
    (loss * w).sum().backward()
    # Exactly: the loss of row i is lse_i − x[i, label_i], its gradient (softmax_i − one-hot) times its weight
    # (1/N for the mean).
    n = x.shape[0]
    weights = w.reshape(-1).tolist() if reduction == "none" else [1.0 / n] * n
    losses, grads = [], []
    for i, row in enumerate(x.detach().tolist()):
        lse = exact_logsumexp(row)
        losses.append(lse - mpmath.mpf(row[labels[i]]))
        grads += [float(weights[i] * (mpmath.exp(mpmath.mpf(v) - lse) - (1 if j == labels[i] else 0))) for j, v in enumerate(row)]
    exact = [float(v) for v in losses] if reduction == "none" else [float(mpmath.fsum(losses) / n)]
    if differs(torch.tensor(grads), x.grad, torch.ones(len(grads))):
        torch_departures.append(name)
    ce_cases.append({"name": name, "reduction": reduction, "x_shape": list(x.shape), "x": flat(x), "labels": labels,
                     "out": flat(loss.reshape(-1)), "exact": enc(exact), "weights": flat(w.reshape(-1)), "grad": flat(x.grad),
                     "grad_exact": enc(grads)})


for m in [1e6, 1e7, 1e8]:
    ce_case(f"cross_entropy_constant_{m:.0e}".replace("+0", ""), [[m, m, m]], [0])
ce_case("cross_entropy_extremes", [[89.0, 0.0, -1.0], [1010.0, 1000.0, 990.0], [-200.0, -200.0, -201.0],
                                   [1e30, -1e30, 0.0], [1e4, -1e4, 1e4], [1e7, 1e7 + 1, 1e7 - 1]],
        [1, 1, 2, 0, 2, 1])
ce_case("cross_entropy_extremes_none", [[89.0, 0.0, -1.0], [1010.0, 1000.0, 990.0], [-200.0, -200.0, -201.0],
                                        [-1e30, -1e30, -1e30], [100.0, -100.0, 0.0]],
        [0, 2, 0, 1, 1], reduction="none")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "softmax_reference.json")
with open(out, "w") as f:
    # One case per line: readable in a diff, without a line per number.
    f.write(json.dumps({"torch": torch.__version__, "mpmath": mpmath.__version__, "softmax": cases,
                        "cross_entropy": ce_cases}).replace('{"name"', '\n{"name"'))
print("PyTorch's float64 gradients depart from the exact ones in:", ", ".join(torch_departures) or "none")
print(f"wrote {len(cases)} softmax-family and {len(ce_cases)} cross-entropy cases to {os.path.normpath(out)}")
