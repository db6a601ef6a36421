"""Writes tests/Neurone.Tests/Fixtures/shape_reference.json: PyTorch's float64 values and gradients of torch.matmul
with broadcast batch dimensions, vectors and transposed operands, and of the shape ops at any dimension (narrow,
chunk, split, cat, stack, expand, permute, transpose, squeeze, flatten, tril, triu) and reductions along
dimensions (sum, mean, var, std over one or several dims, max, min), for issue 19. Neurone's tests run the same
op, named by each case, in float32 and compare.

Run:  /usr/bin/python3 make_shape_reference.py   (from this folder; Debian's torch 1.13)
Inputs come from a seeded generator and are rounded to float32 first, so Neurone sees exactly the values PyTorch
used; each output is weighted by fixed values before the backward, so a misplaced gradient cannot hide."""
import json, math, os
import torch

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(19)


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def leaf(shape):
    return f32(torch.randn(tuple(shape), generator=gen)).requires_grad_(True)


def flat(t):
    return t.detach().flatten().tolist()


cases = []


def case(name, fn, *shapes):
    inputs = [leaf(s) for s in shapes]
    out = fn(*inputs)
    weights = f32(torch.randn(tuple(out.shape), generator=gen))
    (out * weights).sum().backward()
    cases.append({"name": name,
                  "inputs": [{"shape": list(x.shape), "values": flat(x)} for x in inputs],
                  "out_shape": list(out.shape), "out": flat(out), "weights": flat(weights),
                  "grads": [flat(x.grad) for x in inputs]})


mT = lambda t: t.transpose(-1, -2)

# torch.matmul: batch dimensions broadcast, 1-D operands promoted and dropped; transposes as Neurone's flags.
case("matmul_broadcast_4d", lambda a, b: a @ b, (2, 1, 3, 4), (5, 4, 2))
case("matmul_broadcast_5d", lambda a, b: a @ b, (2, 1, 2, 3, 4), (1, 3, 1, 4, 2))
case("matmul_shared_right", lambda a, b: a @ b, (2, 3, 4, 5), (5, 3))
case("matmul_shared_right_ones", lambda a, b: a @ b, (2, 3, 4, 5), (1, 1, 5, 3))
case("matmul_shared_left", lambda a, b: a @ b, (4, 5), (2, 3, 5, 3))
case("matmul_vector_left", lambda a, b: a @ b, (4,), (2, 3, 4, 5))
case("matmul_vector_right", lambda a, b: a @ b, (2, 3, 4, 5), (5,))
case("matmul_dot", lambda a, b: a @ b, (5,), (5,))
case("matmul_transpose_a", lambda a, b: mT(a) @ b, (2, 1, 5, 4), (3, 5, 2))
case("matmul_transpose_b", lambda a, b: a @ mT(b), (2, 3, 4, 5), (3, 6, 5))
case("matmul_transpose_both", lambda a, b: mT(a) @ mT(b), (3, 1, 5, 4), (2, 6, 5))

# Shape ops.
case("narrow_middle", lambda x: x.narrow(1, 1, 3), (3, 5, 2))
case("narrow_leading", lambda x: x.narrow(0, 2, 2), (5, 3))
case("chunk_last", lambda x: torch.cat([p * (i + 1) for i, p in enumerate(x.chunk(3, dim=-1))], dim=-1), (2, 3, 7))
case("split_sizes", lambda x: torch.cat(list(reversed(x.split([1, 3, 1], dim=1))), dim=1), (2, 5, 3))
case("split_size", lambda x: torch.stack(x.split(2, dim=0)[:2], dim=1), (5, 3))
case("cat_middle", lambda x, y: torch.cat([x, y, x], dim=1), (2, 3, 4), (2, 1, 4))
case("stack_last", lambda x, y: torch.stack([x, y], dim=-1), (3, 4), (3, 4))
case("expand", lambda x: x.expand(2, 3, 4, 2), (3, 1, 2))
case("permute", lambda x: x.permute(3, 1, 0, 2), (2, 3, 4, 5))
case("transpose", lambda x: x.transpose(0, 2), (2, 3, 4))
case("squeeze_flatten", lambda x: x.squeeze().unsqueeze(0).flatten(1, 2), (2, 1, 3, 1, 4))
case("tril", lambda x: x.tril(-1), (2, 4, 5))
case("triu", lambda x: x.triu(1), (2, 4, 5))

# Reductions along dimensions (random values have no ties, so max/min's gradient is PyTorch's too).
case("sum_dims_keepdim", lambda x: x.sum(dim=[1, 3], keepdim=True), (2, 3, 4, 5))
case("mean_dims", lambda x: x.mean(dim=[0, 2]), (2, 3, 4, 5))
case("var_dims", lambda x: x.var(dim=[1, 2]), (2, 3, 4, 5))
case("std_dim_keepdim", lambda x: x.std(dim=-1, keepdim=True), (3, 4, 5))
case("var_dim_population", lambda x: x.var(dim=0, unbiased=False), (4, 5))
case("max_dim", lambda x: x.max(dim=1).values, (3, 4, 5))
case("min_dim_keepdim", lambda x: x.min(dim=-1, keepdim=True).values, (3, 4, 5))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "shape_reference.json")
with open(path, "w") as f:
    json.dump({"cases": cases}, f)
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")
