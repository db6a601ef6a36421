"""Writes tests/Neurone.Tests/Fixtures/index_reference.json: the index, mask and integer-target ops
(where, masked_fill, index_select, gather, scatter_add, embedding, topk, argmax/argmin, cross-entropy and
nll with ignore_index, label smoothing and the [N, C, d1, ...] layout) computed by PyTorch in float64 on
fixed inputs, with the gradients of a weighted sum of each output, for Neurone's tests to match.

Run from this folder with Debian's torch:  /usr/bin/python3 make_index_reference.py
Inputs are deterministic formulas, so the file is reproducible."""
import json, math, os
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def values(n, scale=1.0, phase=0.0):
    return [scale * math.sin(1.7 * i + phase) + 0.1 * math.cos(0.3 * i * i + phase) for i in range(n)]


def floats(shape, phase=0.0, scale=2.0):
    return torch.tensor(values(math.prod(shape), scale, phase)).reshape(shape).requires_grad_(True)


def case(name, fn, floats_in, longs=None, bools=None):
    """fn(**floats, **longs, **bools) -> a tensor; floats get gradients of sum(out * weights)."""
    kwargs = dict(floats_in)
    kwargs.update(longs or {})
    kwargs.update(bools or {})
    out = fn(**kwargs)
    entry = {"name": name,
             "floats": {k: {"shape": list(v.shape), "values": v.detach().flatten().tolist()} for k, v in floats_in.items()},
             "longs": {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in (longs or {}).items()},
             "bools": {k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in (bools or {}).items()},
             "out_shape": list(out.shape)}
    if out.dtype == torch.int64:
        entry["out_long"] = out.flatten().tolist()
        return entry
    weights = torch.tensor(values(out.numel(), 1.0, 0.5)).reshape(out.shape)
    entry["out"] = out.detach().flatten().tolist()
    entry["out_weights"] = weights.flatten().tolist()
    (out * weights).sum().backward()
    entry["grads"] = {k: v.grad.flatten().tolist() for k, v in floats_in.items() if v.grad is not None}
    return entry


def long(data, shape=None):
    t = torch.tensor(data, dtype=torch.int64)
    return t.reshape(shape) if shape else t


def mask(data, shape):
    return torch.tensor(data, dtype=torch.bool).reshape(shape)


cases = [
    case("where", lambda condition, input, other: torch.where(condition, input, other),
         {"input": floats((3, 4)), "other": floats((4,), 1.0)}, bools={"condition": mask([1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1], (3, 4))}),
    case("where_broadcast", lambda condition, input, other: torch.where(condition, input, other),
         {"input": floats((1, 3, 1)), "other": floats((3, 4), 2.0)}, bools={"condition": mask([1, 0, 1, 1, 0, 0, 1, 0], (2, 1, 4))}),
    case("masked_fill", lambda input, mask: input.masked_fill(mask, -1.5),
         {"input": floats((3, 4))}, bools={"mask": mask([0, 1, 1, 0], (4,))}),
    case("masked_fill_softmax", lambda input, mask: torch.softmax(input.masked_fill(mask, float("-inf")), dim=1),
         {"input": floats((2, 3, 4))}, bools={"mask": mask([0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0], (1, 3, 4))}),
    case("index_select_0", lambda input, index: input.index_select(0, index),
         {"input": floats((3, 4, 5))}, {"index": long([2, 0, 2, 1])}),
    case("index_select_1", lambda input, index: input.index_select(1, index),
         {"input": floats((3, 4, 5))}, {"index": long([3, 3, 0])}),
    case("index_select_2", lambda input, index: input.index_select(2, index),
         {"input": floats((3, 4, 5))}, {"index": long([4, 1])}),
    case("gather_0", lambda input, index: input.gather(0, index),
         {"input": floats((3, 4))}, {"index": long([2, 0, 1, 1, 0, 0, 2, 2], (2, 4))}),
    case("gather_1_smaller", lambda input, index: input.gather(1, index),
         {"input": floats((3, 4, 5))}, {"index": long([(7 * i) % 4 for i in range(2 * 6 * 3)], (2, 6, 3))}),
    case("gather_last", lambda input, index: input.gather(-1, index),
         {"input": floats((2, 5))}, {"index": long([4, 4, 0, 1, 2, 3], (2, 3))}),
    case("scatter_add_0", lambda input, source, index: input.scatter_add(0, index, source),
         {"input": floats((3, 5)), "source": floats((2, 5), 1.0)}, {"index": long([0, 1, 2, 0, 0, 2, 0, 1, 2, 2], (2, 5))}),
    # PyTorch 1.13's backward refuses an index smaller than the source, so here they have one shape
    # (smaller than the input outside dim 1); Neurone's own tests cover the smaller index.
    case("scatter_add_1", lambda input, source, index: input.scatter_add(1, index, source),
         {"input": floats((3, 5)), "source": floats((2, 3), 1.0)}, {"index": long([4, 4, 0, 1, 2, 4], (2, 3))}),
    case("embedding_padding", lambda weight, index: F.embedding(index, weight, padding_idx=2),
         {"weight": floats((6, 3))}, {"index": long([1, 2, 5, 1, 0, 2, 2, 4], (2, 4))}),
    case("embedding", lambda weight, index: F.embedding(index, weight),
         {"weight": floats((4, 5))}, {"index": long([3, 3, 0])}),
    case("topk_values", lambda input: torch.topk(input, 3, dim=1).values, {"input": floats((3, 6))}),
    case("topk_indices", lambda input: torch.topk(input, 3, dim=1).indices, {"input": floats((3, 6))}),
    case("topk_smallest_dim0", lambda input: torch.topk(input, 2, dim=0, largest=False).values, {"input": floats((4, 3))}),
    case("topk_smallest_dim0_indices", lambda input: torch.topk(input, 2, dim=0, largest=False).indices, {"input": floats((4, 3))}),
    case("argmax_1_keepdim", lambda input: input.argmax(1, keepdim=True), {"input": floats((3, 4, 5))}),
    case("argmin_last", lambda input: input.argmin(-1), {"input": floats((3, 4, 5))}),
    case("cross_entropy_ignore", lambda input, target: F.cross_entropy(input, target, ignore_index=-100),
         {"input": floats((5, 4))}, {"target": long([3, -100, 0, 2, -100])}),
    case("cross_entropy_ignore_smoothing", lambda input, target: F.cross_entropy(input, target, ignore_index=1, label_smoothing=0.15),
         {"input": floats((5, 4))}, {"target": long([3, 1, 0, 2, 1])}),
    case("cross_entropy_nd_mean", lambda input, target: F.cross_entropy(input, target, ignore_index=-100, label_smoothing=0.1),
         {"input": floats((2, 3, 2, 3))}, {"target": long([0, 2, -100, 1, 1, 0, 2, -100, 0, 1, 2, 2], (2, 2, 3))}),
    case("cross_entropy_nd_sum", lambda input, target: F.cross_entropy(input, target, reduction="sum", ignore_index=2),
         {"input": floats((2, 3, 4))}, {"target": long([0, 2, 1, 1, 2, 0, 0, 1], (2, 4))}),
    case("cross_entropy_nd_none", lambda input, target: F.cross_entropy(input, target, reduction="none", ignore_index=-100, label_smoothing=0.2),
         {"input": floats((2, 3, 4))}, {"target": long([0, -100, 1, 1, 2, 0, 0, 1], (2, 4))}),
    case("cross_entropy_nd_soft", lambda input, probabilities: F.cross_entropy(input, torch.softmax(probabilities.detach(), 1), label_smoothing=0.1),
         {"input": floats((2, 3, 4)), "probabilities": floats((2, 3, 4), 0.7)}),
    case("nll_loss_nd_ignore", lambda input, target: F.nll_loss(F.log_softmax(input, 1), target, ignore_index=0),
         {"input": floats((2, 3, 5))}, {"target": long([0, 2, 1, 1, 0, 2, 2, 1, 0, 0], (2, 5))}),
]

out = {"torch": torch.__version__, "cases": cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "index_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")
