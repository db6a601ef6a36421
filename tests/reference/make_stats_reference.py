"""Writes tests/Neurone.Tests/Fixtures/stats_reference.json: PyTorch's float64 values for Pow and its gradients
at base 0 and at negative bases, and for Var, Std and BatchNorm on data whose mean is large against its spread
(issue 17, defects 6 and 7). Neurone's tests compare their float32 results with these.

Run with the anchor's torch:  ../../../shared/bench/anchor.sh make_stats_reference.py   (from this folder)
(or any python3 with torch 1.13). Inputs are rounded to float32 before use, so Neurone sees exactly the values
PyTorch differentiated, and come from a seeded generator, so the file is reproducible."""
import json, math, os
from fractions import Fraction
import torch

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(17)


def f32(t):
    """The values as float32 rounds them, back in float64: the inputs Neurone can hold."""
    return torch.as_tensor(t, dtype=torch.float64).to(torch.float32).to(torch.float64)


def enc(values):
    # JSON has no infinities or NaN: they travel as strings.
    return [v if math.isfinite(v) else ("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
            for v in values]


def flat(t):
    return enc(t.detach().flatten().tolist())


def weights_like(t, phase):
    """Upstream gradients: float32 values of varied size and sign, so a wrong factor cannot hide."""
    n = t.numel()
    return f32([0.5 + math.sin(1.3 * i + phase) for i in range(n)]).reshape(t.shape)


# --- Pow (defect 6) ---------------------------------------------------------------------------------------

pow_cases = []

# x.pow(e): d/dx x⁰ is 0 everywhere, 0 included; negative bases with integer exponents are real numbers.
# No −0 here: PyTorch computes some exponents by shortcuts (x^−0.5 as 1/√x) that give −∞ at −0 where IEEE pow
# gives +∞; Neurone follows IEEE pow.
pow_x = f32([0.0, -2.0, 3.0, -1.5, 0.75, 1e-3, -0.5])
for e in [0.0, 1.0, 2.0, 3.0, 0.5, -1.0, -2.0, 2.5, 1.5]:
    x = pow_x.clone().requires_grad_(True)
    y = x.pow(e)
    w = weights_like(y, e)
    (y * w).sum().backward()
    pow_cases.append({"name": f"pow_scalar_exponent_{e}", "kind": "scalar_exponent", "exponent": e,
                      "a_shape": list(x.shape), "a": flat(x), "out": flat(y), "weights": flat(w),
                      "grad_a": flat(x.grad)})


def pow_tensor(name, a_vals, a_shape, b_vals, b_shape):
    a = f32(a_vals).reshape(a_shape).requires_grad_(True)
    b = f32(b_vals).reshape(b_shape).requires_grad_(True)
    y = torch.pow(a, b)
    w = weights_like(y, 0.3)
    (y * w).sum().backward()
    pow_cases.append({"name": name, "kind": "tensor", "a_shape": a_shape, "a": flat(a), "b_shape": b_shape,
                      "b": flat(b), "out_shape": list(y.shape), "out": flat(y), "weights": flat(w),
                      "grad_a": flat(a.grad), "grad_b": flat(b.grad)})


# The case: a = 0, b = [0, 1, 2, 0.5] gives da [0, 1, 0, ∞], db [0, 0, 0, 0]; then b < 0 at 0,
# negative bases with integer exponents (db is NaN there: log of a negative number) and ordinary values.
pow_tensor("pow_tensor_elementwise",
           [0, 0, 0, 0, 0, -0.0, -2, -2, -1.5, -3, 2, 0.5, 1e-3], [13],
           [0, 1, 2, 0.5, -1, 2, 3, 2, 2, 0, 0.5, -1.5, 2.5], [13])
# Broadcast both ways: a column of bases (0 among them) against a row of exponents.
pow_tensor("pow_tensor_broadcast", [0, -2, 1.5, 0.25], [4, 1], [0, 1, 2, 0.5, 3, -1], [1, 6])
# A scalar base: 0 and 2 (as 0-d tensors broadcast against the exponents).
pow_tensor("pow_scalar_base_0", [0], [], [0, 1, 2, 0.5, -1, 3, 0], [7])
pow_tensor("pow_scalar_base_2", [2], [], [0, 1, 2, 0.5, -1, 3, -2.5], [7])
pow_tensor("pow_scalar_exponent_tensor", [0, -0.0, -2, 3, -1.5, 0.75], [6], [0], [])

# --- Var and Std (defect 7) -------------------------------------------------------------------------------

def exact_var(values, correction):
    """Σ(x − mean)² / (n − correction) in exact rational arithmetic, to check torch's float64 answer."""
    fr = [Fraction(v) for v in values]
    m = sum(fr) / len(fr)
    return float(sum((v - m) ** 2 for v in fr) / (len(fr) - correction))


var_cases = []


def var_case(name, x_vals, shape, op, axis=None, keepdim=False, correction=1):
    x = f32(x_vals).reshape(shape).requires_grad_(True)
    unbiased = correction == 1
    if axis is None:
        y = x.var(unbiased=unbiased) if op == "var" else x.std(unbiased=unbiased)
    else:
        y = x.var(axis, unbiased=unbiased, keepdim=keepdim) if op == "var" else x.std(axis, unbiased=unbiased, keepdim=keepdim)
    if axis is None:
        v = exact_var(x.detach().flatten().tolist(), correction)
        check = v if op == "var" else math.sqrt(v)
        assert abs(check - y.item()) <= 1e-12 * check, (name, check, y.item())
    w = weights_like(y, 0.7)
    (y * w).sum().backward()
    var_cases.append({"name": name, "op": op, "axis": axis, "keepdim": keepdim, "correction": correction,
                      "x_shape": list(shape), "x": flat(x), "out_shape": list(y.shape), "out": flat(y),
                      "weights": flat(w), "grad": flat(x.grad)})


for mean in [1e6, 1e7]:
    tag = f"{mean:.0e}".replace("+0", "")
    x = (mean + torch.randn(1000, generator=gen)).tolist()
    var_case(f"var_all_mean_{tag}_population", x, [1000], "var", correction=0)
    var_case(f"var_all_mean_{tag}_unbiased", x, [1000], "var", correction=1)
    var_case(f"std_all_mean_{tag}_unbiased", x, [1000], "std", correction=1)
    # Rows of 40 with their own large means: a contiguous run per result (axis 1) and a strided one (axis 0).
    rows = (mean * (1 + 0.5 * torch.arange(4.0)).unsqueeze(1) + 3 * torch.randn(4, 40, generator=gen)).flatten().tolist()
    var_case(f"var_axis1_mean_{tag}_population", rows, [4, 40], "var", axis=1, correction=0)
    var_case(f"var_axis1_mean_{tag}_unbiased_keepdim", rows, [4, 40], "var", axis=1, keepdim=True)
    var_case(f"std_axis1_mean_{tag}_unbiased", rows, [4, 40], "std", axis=1)
    cols = (mean + 0.25 * torch.randn(24, 3, 4, generator=gen)).flatten().tolist()
    var_case(f"var_axis0_mean_{tag}_unbiased", cols, [24, 3, 4], "var", axis=0)
    var_case(f"var_axis1_of3_mean_{tag}_population", cols, [24, 3, 4], "var", axis=1, correction=0)

# --- BatchNorm (defect 7) ---------------------------------------------------------------------------------

batchnorm_cases = []


def batchnorm_case(name, x, weight, bias):
    c = x.shape[1]
    bn = torch.nn.BatchNorm1d(c) if x.dim() in (2, 3) else torch.nn.BatchNorm2d(c)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(weight))
        bn.bias.copy_(torch.tensor(bias))
    x = f32(x).requires_grad_(True)
    bn.train()
    y = bn(x)
    w = weights_like(y, 1.1)
    (y * w).sum().backward()
    bn.eval()
    with torch.no_grad():
        y_eval = bn(x)
    batchnorm_cases.append({"name": name, "x_shape": list(x.shape), "x": flat(x), "weight": weight, "bias": bias,
                            "out": flat(y), "weights": flat(w), "grad": flat(x.grad),
                            "grad_weight": flat(bn.weight.grad), "grad_bias": flat(bn.bias.grad),
                            "running_mean": flat(bn.running_mean), "running_var": flat(bn.running_var),
                            "out_eval": flat(y_eval)})


# Channels with means of 1e6 and 1e7 against a spread of about 1, and one ordinary channel.
means = torch.tensor([1e6, 1e7, 0.0])
batchnorm_case("batchnorm1d_large_means", means + torch.randn(64, 3, generator=gen), [0.5, 2.0, 1.0], [0.1, -0.3, 0.0])
batchnorm_case("batchnorm2d_large_means", means.reshape(1, 3, 1, 1) + 1.5 * torch.randn(4, 3, 5, 7, generator=gen),
               [1.5, -0.7, 1.0], [0.0, 0.25, -1.0])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "stats_reference.json")
with open(out, "w") as f:
    # One case per line: readable in a diff, without a line per number.
    f.write(json.dumps({"torch": torch.__version__, "pow": pow_cases, "var": var_cases, "batchnorm": batchnorm_cases})
            .replace('{"name"', '\n{"name"'))
print(f"wrote {len(pow_cases)} pow, {len(var_cases)} var and {len(batchnorm_cases)} batchnorm cases to {os.path.normpath(out)}")
