"""Writes tests/Neurone.Tests/Fixtures/optimizer_reference.json: PyTorch's float64 trajectories of Adam, AdamW,
RMSprop, Adagrad and SGD in several configurations, over gradients of four sizes: near 0 (1e-12), near Adam's
and RMSprop's ε (1e-8), of order 1, and huge (3e19, whose square overflows float32; issue 17, defect 8).
Tiny gradients are where ε decides the step, so a misplaced ε shows; huge ones are where (1 − β₂)·(g·g) overflows.

Run with the anchor's torch:  ../../../shared/bench/anchor.sh make_optimizer_reference.py   (from this folder)
(or any python3 with torch 1.13). Parameters and gradients are float32 values (Neurone's tensors hold float32)
made by formulas, so the file is reproducible."""
import json, math, os
import torch

torch.set_default_dtype(torch.float64)

LENGTH = 29  # one 16-wide block, one 8-wide block and a 5-element scalar tail
STEPS = 5
SCALES = {"tiny": 1e-12, "eps": 1e-8, "unit": 1.0, "huge": 3e19}


def f32(values):
    return torch.tensor(values, dtype=torch.float64).to(torch.float32).to(torch.float64)


def initial():
    # Zeros (where a step's size is the whole value, so ε's effect cannot hide in a parameter's rounding), ones,
    # and values of either sign.
    return f32([[0.0, 1.0, -0.5, 2.0, 0.0, -1.25][i % 6] + 0.01 * i for i in range(LENGTH)])


def gradient(scale, step):
    # Sizes within a factor of 2 of the scale, of both signs, changing from step to step; one exact zero.
    g = [scale * (0.6 + 0.4 * math.sin(0.9 * i + 1.3 * step + 0.2)) * (1 if (i + step) % 3 else -1) for i in range(LENGTH)]
    g[(7 * step + 3) % LENGTH] = 0.0
    return f32(g)


CONFIGS = [
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.01, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
]


def encode(values):
    assert all(math.isfinite(v) for v in values), "a reference trajectory left the finite numbers"
    return values


cases = []
for kind, options in CONFIGS:
    for regime, scale in SCALES.items():
        if kind == "Adagrad" and regime == "huge":
            # Adagrad's accumulator is Σg² itself, a float32 buffer in Neurone as in PyTorch: 3e19² does not fit in
            # float32 whatever the order of the products, and PyTorch's float32 Adagrad stops moving there too.
            # The largest gradient whose square (summed over these steps) fits is used instead.
            scale = 5e18
        p = initial().clone().requires_grad_(True)
        opt = getattr(torch.optim, kind)([p], **options)
        grads, trajectory = [], []
        for step in range(STEPS):
            g = gradient(scale, step)
            p.grad = g.clone()
            opt.step()
            grads.append(g.tolist())
            trajectory.append(encode(p.detach().tolist()))
        label = "_".join(f"{k}={v}" for k, v in options.items())
        cases.append({"name": f"{kind}_{label}_{regime}", "optimizer": kind,
                      "options": options, "regime": regime, "scale": scale, "initial": initial().tolist(),
                      "gradients": grads, "parameters": trajectory})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "optimizer_reference.json")
with open(out, "w") as f:
    # One case per line: readable in a diff, without a line per number.
    f.write(json.dumps({"torch": torch.__version__, "cases": cases}).replace('{"name"', '\n{"name"'))
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
