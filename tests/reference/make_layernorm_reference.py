"""Writes tests/Neurone.Tests/Fixtures/layernorm_reference.json: PyTorch's float64 values and gradients of
torch.nn.functional.layer_norm for F.LayerNorm and the LayerNorm module (issue 19): one and two normalised
dimensions, with and without γ and β, rows whose mean is 1e4 times their spread or more, constant rows, rows of one
element, and rows long enough for every vector width and a scalar tail. Neurone's tests compare their float32
results with these.

Run with Debian's torch:  /usr/bin/python3 make_layernorm_reference.py   (from this folder; any torch 1.13 works).
Inputs are rounded to float32 before use, so Neurone sees exactly the values PyTorch differentiated, and come from
a seeded generator, so the file is reproducible."""
import json, math, os
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(19)


def f32(t):
    """The values as float32 rounds them, back in float64: the inputs Neurone can hold."""
    return torch.as_tensor(t, dtype=torch.float64).to(torch.float32).to(torch.float64)


def randn(*shape):
    return torch.randn(*shape, generator=gen)


def flat(t):
    return t.detach().flatten().tolist()


def upstream(shape, phase):
    """The gradient flowing in: float32 values of varied size and sign, so a wrong factor cannot hide."""
    n = math.prod(shape)
    return f32([0.5 + math.sin(1.3 * i + phase) for i in range(n)]).reshape(shape)


cases = []


def case(name, x, normalized_shape, affine=True, bias=True, eps=1e-5):
    x = f32(x).requires_grad_(True)
    w = f32(1 + 0.5 * randn(*normalized_shape)).requires_grad_(True) if affine else None
    b = f32(0.3 * randn(*normalized_shape)).requires_grad_(True) if affine and bias else None
    y = F.layer_norm(x, normalized_shape, w, b, eps)
    g = upstream(list(y.shape), len(cases))
    (y * g).sum().backward()
    c = {"name": name, "shape": list(x.shape), "normalized_shape": list(normalized_shape), "eps": eps,
         "x": flat(x), "upstream": flat(g), "out": flat(y), "grad_x": flat(x.grad)}
    if w is not None:
        c["weight"] = flat(w)
        c["grad_weight"] = flat(w.grad)
    if b is not None:
        c["bias"] = flat(b)
        c["grad_bias"] = flat(b.grad)
    cases.append(c)


case("last_dim", randn(3, 5), [5])
case("two_dims", 2 * randn(2, 3, 4, 6) - 1, [4, 6])
case("no_affine", randn(4, 7), [7], affine=False)
case("weight_no_bias", randn(3, 9), [9], bias=False)
case("eps_1e-3", 0.01 * randn(2, 8), [8], eps=1e-3)
# Long rows: eight AVX-512 vectors and a scalar tail of 3.
case("long_rows", 3 * randn(2, 131) + 0.5, [131])
# Means far from the spread: an offset of 1e4 with spreads 1 and 0.05 (float32 holds 1e4 to 1e-3), and 1e6 with
# spread 1; a float32 one-pass variance (E[x²] − E[x]²) loses every digit here.
case("offset_1e4", 1e4 + randn(4, 33), [33])
case("offset_1e4_small_spread", 1e4 + 0.05 * randn(3, 40), [40])
case("offset_minus_1e6", -1e6 + 8 * randn(2, 17), [17])
# Constant rows (variance exactly 0: x̂ = 0, the gradient is k·(h − mean(h)) with k = 1/√eps) next to ordinary rows.
const = randn(5, 12)
const[0] = 3.7
const[2] = 1e4
const[4] = 0.0
case("constant_rows", const, [12])
# Rows of one element are constant too.
case("one_element_rows", randn(6, 1), [1])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "layernorm_reference.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "layer_norm": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
