"""Writes tests/Neurone.Tests/Fixtures/conv_pool_reference.json: convolution and pooling layers computed by PyTorch
in float64 on fixed inputs and weights, with the gradients of the input and of every parameter, for
Neurone's ConvPoolTorchReferenceTests to match. Stresses padding: "same" with even kernels (PyTorch pads the extra
one at the end), dilation, stride, one-row and one-pixel planes, pooling windows that reach into the padding.

Run with Debian's torch 1.13 (the anchor's):  /usr/bin/python3 make_conv_pool_reference.py   (from this folder), or any
python3 with torch. (anchor.sh itself forces OpenBLAS's SkylakeX kernels, which stop with an illegal instruction on a
CPU without AVX-512 as soon as a convolution calls BLAS.) Inputs are deterministic formulas, so the file is reproducible."""
import json, math, os
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)  # reference values in double; tests compare float32 within tolerance


def values(n, scale=1.0, phase=0.0):
    return [scale * math.sin(1.7 * i + phase) + 0.1 * math.cos(0.3 * i * i + phase) for i in range(n)]


def number(v):
    """JSON has no infinities: a max pool over a window wholly in the padding gives -inf."""
    return v if math.isfinite(v) else ("inf" if v > 0 else "-inf" if v < 0 else "nan")


def flat(t):
    return [number(v) for v in t.detach().flatten().tolist()]


def case(name, layers, x_shape, x=None, params=None):
    """layers: the torch modules, in a Sequential. params: explicit parameter values (name -> list), else a formula."""
    model = nn.Sequential(*layers)
    named = list(model.named_parameters())
    with torch.no_grad():
        for i, (pname, p) in enumerate(named):
            given = (params or {}).get(pname)
            p.copy_(torch.tensor(given if given is not None else values(p.numel(), 0.5, 0.7 * i + 0.3)).reshape(p.shape))
    x = torch.tensor([float(v) for v in x] if x is not None else values(math.prod(x_shape), 2.0)).reshape(x_shape).requires_grad_()
    out = model(x)
    weights = torch.tensor(values(out.numel(), 1.0, 0.5)).reshape(out.shape)
    # Where the output is -inf (a window with no input), it is left out of the weighted sum: -inf·w would make the sum
    # infinite or NaN. Its gradient is then 0 in PyTorch as in Neurone.
    finite = torch.isfinite(out)
    (torch.where(finite, out, torch.zeros_like(out)) * weights).sum().backward()
    return {"name": name, "x_shape": list(x_shape), "x": flat(x), "out_shape": list(out.shape), "out": flat(out),
            "out_weights": flat(weights), "grad": flat(x.grad),
            "params": [{"name": pname, "shape": list(p.shape), "value": flat(p), "grad": flat(p.grad)} for pname, p in named]}


cases = [
    # The two examples: "same" with a 2-tap kernel pads one at the end only.
    case("conv1d_same_k2_issue", [nn.Conv1d(1, 1, 2, padding="same", bias=False)], (2, 1, 4),
         x=[1, 2, 3, 4, 5, 6, 7, 8], params={"0.weight": [1.0, 1.0]}),
    case("conv2d_same_k2_issue", [nn.Conv2d(1, 1, 2, padding="same", bias=False)], (1, 1, 3, 3),
         x=[1.0] * 9, params={"0.weight": [1.0] * 4}),
    # Even kernels, several channels and images, with bias: padding 1 before and 2 after (k = 4), 1 and 2 (k = 2, d = 3),
    # and an even kernel whose dilated span is odd (k = 4, d = 2: 3 and 3).
    case("conv1d_same_k4", [nn.Conv1d(2, 3, 4, padding="same")], (2, 2, 7)),
    case("conv1d_same_k2_c3", [nn.Conv1d(3, 2, 2, padding="same")], (3, 3, 5)),
    case("conv2d_same_k2_d3", [nn.Conv2d(2, 2, 2, padding="same", dilation=3)], (1, 2, 4, 5)),
    case("conv2d_same_k4_d2", [nn.Conv2d(1, 2, 4, padding="same", dilation=2)], (2, 1, 5, 6)),
    case("conv2d_same_k4", [nn.Conv2d(2, 3, 4, padding="same")], (2, 2, 5, 6)),
    case("conv2d_same_k2_one_row", [nn.Conv2d(1, 2, 2, padding="same")], (2, 1, 1, 5)),
    case("conv2d_same_k2_one_pixel", [nn.Conv2d(2, 3, 2, padding="same")], (2, 2, 1, 1)),
    case("conv2d_same_k3_one_row", [nn.Conv2d(3, 2, 3, padding="same")], (1, 3, 1, 4)),
    # Numeric padding, stride and dilation on tiny planes.
    case("conv2d_k2_s2_p1", [nn.Conv2d(2, 3, 2, stride=2, padding=1)], (2, 2, 3, 5)),
    case("conv2d_k3_p2_d2", [nn.Conv2d(1, 2, 3, padding=2, dilation=2)], (1, 1, 2, 3)),
    case("conv1d_valid_k5_s3", [nn.Conv1d(2, 2, 5, stride=3)], (1, 2, 11)),
    case("conv1d_k2_s3_p1_d3", [nn.Conv1d(1, 2, 2, stride=3, padding=1, dilation=3)], (2, 1, 4)),
    # The fused ops Neurone runs for these sequences: convolution + ReLU, convolution + ReLU + max pooling.
    case("conv2d_same_k2_relu", [nn.Conv2d(2, 3, 2, padding="same"), nn.ReLU()], (2, 2, 4, 5)),
    case("conv2d_same_k2_relu_maxpool2", [nn.Conv2d(1, 4, 2, padding="same"), nn.ReLU(), nn.MaxPool2d(2)], (2, 1, 5, 6)),
    case("conv2d_same_k4_relu_maxpool3_s2_p1", [nn.Conv2d(2, 2, 4, padding="same"), nn.ReLU(), nn.MaxPool2d(3, 2, 1)], (1, 2, 5, 5)),
    # Pooling: windows reaching into the padding; with dilation, a window whose taps straddle a one-pixel plane.
    case("maxpool1d_k2_s3_p1_d2", [nn.MaxPool1d(2, 3, 1, 2)], (1, 2, 4)),
    case("maxpool1d_k3_s1_p1", [nn.MaxPool1d(3, 1, 1)], (2, 1, 1)),
    case("maxpool2d_k3_s2_p1", [nn.MaxPool2d(3, 2, 1)], (1, 2, 3, 5)),
    # One plane only: the window lies wholly in the padding, PyTorch gives -inf. (With several planes PyTorch 1.13 records
    # an index past the plane and its backward adds the gradient to the next plane, so no gradient is taken from it there.)
    case("maxpool2d_k2_s3_p1_d2_one_pixel", [nn.MaxPool2d(2, 3, 1, 2)], (1, 1, 1, 1)),
    case("avgpool2d_k3_s2_p1", [nn.AvgPool2d(3, 2, 1)], (2, 1, 4, 5)),
    case("avgpool2d_k2_s1_p1_one_pixel", [nn.AvgPool2d(2, 1, 1)], (1, 2, 1, 1)),
    case("adaptive_avgpool2d_3x2", [nn.AdaptiveAvgPool2d((3, 2))], (1, 2, 5, 7)),
    case("adaptive_avgpool2d_4x3_from_2x1", [nn.AdaptiveAvgPool2d((4, 3))], (1, 1, 2, 1)),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "conv_pool_reference.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
