"""Reference values for F.EmbeddingBag / nn.EmbeddingBag (tests/Neurone.Tests/Nn/EmbeddingBagTests.cs).

Run with Debian's torch: /usr/bin/python3 tests/reference/make_embedding_bag_reference.py
Writes tests/Neurone.Tests/Fixtures/embedding_bag_reference.json: for each case, the weight, the input,
offsets / per-sample weights, the output, an upstream gradient, and the gradients torch computes for the
weight and the per-sample weights. Inputs are drawn from a seeded generator, so the file is reproducible.
"""
import json
import os
import torch

torch.manual_seed(20)
cases = []


def case(name, num, dim, inp, offsets=None, mode="mean", psw=False, padding_idx=None, include_last_offset=False):
    weight = torch.randn(num, dim, dtype=torch.float64, requires_grad=True)
    inp_t = torch.tensor(inp, dtype=torch.long)
    off_t = torch.tensor(offsets, dtype=torch.long) if offsets is not None else None
    psw_t = torch.rand(inp_t.shape, dtype=torch.float64, requires_grad=True) if psw else None
    out = torch.nn.functional.embedding_bag(inp_t, weight, off_t, mode=mode, per_sample_weights=psw_t,
                                            padding_idx=padding_idx, include_last_offset=include_last_offset)
    upstream = torch.randn(out.shape, dtype=torch.float64)
    out.backward(upstream)
    cases.append({
        "name": name, "num": num, "dim": dim, "mode": mode,
        "input": inp, "input_shape": list(inp_t.shape),
        "offsets": offsets, "padding_idx": padding_idx, "include_last_offset": include_last_offset,
        "weight": weight.detach().flatten().tolist(),
        "per_sample_weights": psw_t.detach().flatten().tolist() if psw else None,
        "output": out.detach().flatten().tolist(), "output_shape": list(out.shape),
        "upstream": upstream.flatten().tolist(),
        "weight_grad": weight.grad.flatten().tolist(),
        "per_sample_weights_grad": psw_t.grad.flatten().tolist() if psw else None,
    })


case("offsets_mean", 10, 4, [1, 2, 4, 5, 4, 3, 2, 9], [0, 4], "mean")
case("offsets_sum_empty_bag", 10, 3, [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 3, 6], "sum")
case("offsets_max", 8, 5, [1, 2, 4, 5, 4, 3, 2, 7], [0, 2, 5], "max")
case("offsets_sum_weighted", 10, 4, [1, 2, 4, 5, 4, 3, 2, 9], [0, 4], "sum", psw=True)
case("include_last_offset", 10, 3, [1, 2, 4, 5, 4, 3, 2, 9], [0, 2, 5, 8], "mean", include_last_offset=True)
case("rows_mean_padding", 9, 4, [[0, 2, 3, 0], [4, 4, 0, 0], [0, 0, 0, 0]], None, "mean", padding_idx=0)
case("rows_sum_padding_weighted", 9, 3, [[1, 2, 0], [5, 0, 0]], None, "sum", psw=True, padding_idx=0)
case("rows_max_padding", 7, 3, [[1, 6, 0], [0, 3, 3]], None, "max", padding_idx=0)

out = os.path.join(os.path.dirname(__file__), "..", "Neurone.Tests", "Fixtures", "embedding_bag_reference.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=None, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {out}")
