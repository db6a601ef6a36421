"""Reference values for attention (tests/Neurone.Tests/Nn/AttentionReferenceTests.cs), from Debian's torch 1.13 in
float64: scaled dot-product attention written out (torch 1.13 has no public F.scaled_dot_product_attention) with
causal, boolean and key-padding masks, its output and input gradients; nn.MultiheadAttention and
nn.TransformerEncoderLayer (post- and pre-norm, relu and gelu) seeded by torch, their weights, outputs and the
gradients of sum(output * w) for a fixed random w with respect to the input and every parameter.
Run from tests/reference with /usr/bin/python3; writes ../Neurone.Tests/Fixtures/attention_reference.json."""
import json, math, os
import torch

torch.manual_seed(20)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def sdpa(q, k, v, allowed=None, causal=False, key_padding=None):
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    tq, tk = s.shape[-2], s.shape[-1]
    keep = torch.ones(s.shape, dtype=torch.bool)
    if causal: keep = keep & torch.ones(tq, tk, dtype=torch.bool).tril()
    if allowed is not None: keep = keep & allowed
    if key_padding is not None: keep = keep & ~key_padding.view(key_padding.shape[0], *([1] * (s.dim() - 3)), 1, tk)
    return torch.softmax(s.masked_fill(~keep, float("-inf")), dim=-1) @ v


def sdpa_case(name, shape_q, tk, dv, causal=False, mask=False, padding=False):
    *lead, tq, d = shape_q
    q = torch.randn(*shape_q, requires_grad=True)
    k = torch.randn(*lead, tk, d, requires_grad=True)
    v = torch.randn(*lead, tk, dv, requires_grad=True)
    allowed = None
    if mask:
        allowed = torch.rand(tq, tk) > 0.3
        allowed[:, 0] = True                                    # no fully masked rows: torch gives NaN there
    key_padding = None
    if padding:
        key_padding = torch.zeros(lead[0], tk, dtype=torch.bool)
        for b in range(lead[0]): key_padding[b, tk - b:] = True   # batch b has its last b keys padded
    o = sdpa(q, k, v, allowed, causal, key_padding)
    w = torch.randn(o.shape)
    (o * w).sum().backward()
    case = {"name": name, "q_shape": list(q.shape), "k_shape": list(k.shape), "v_shape": list(v.shape), "causal": causal,
            "q": flat(q), "k": flat(k), "v": flat(v), "w": flat(w), "out": flat(o),
            "dq": flat(q.grad), "dk": flat(k.grad), "dv": flat(v.grad)}
    if allowed is not None: case["allowed"] = [bool(b) for b in allowed.reshape(-1).tolist()]
    if key_padding is not None: case["key_padding"] = [bool(b) for b in key_padding.reshape(-1).tolist()]
    return case


cases = {"sdpa": [
    sdpa_case("plain", [2, 3, 5, 4], 7, 3),
    sdpa_case("causal", [2, 2, 6, 4], 6, 4, causal=True),
    sdpa_case("mask", [1, 2, 5, 3], 6, 2, mask=True),
    sdpa_case("padding", [3, 2, 4, 4], 5, 4, padding=True),
    sdpa_case("causal_padding_long", [2, 1, 67, 4], 67, 3, causal=True, padding=True),
    sdpa_case("t1", [2, 1, 1, 4], 1, 4),
]}

mha_cases = []
m = torch.nn.MultiheadAttention(8, 2, batch_first=True)
x = torch.randn(3, 5, 8)
kp = torch.zeros(3, 5, dtype=torch.bool); kp[1, 4] = True; kp[2, 3:] = True
# torch's MHA takes (query, key, value): self-attention passes x three times.
for name, mha, x, kw in [
    ("mha_padding", torch.nn.MultiheadAttention(8, 2, batch_first=True), torch.randn(3, 5, 8), {"key_padding_mask": kp}),
    ("mha_causal_seqfirst", torch.nn.MultiheadAttention(8, 4), torch.randn(6, 2, 8), {"attn_mask": torch.ones(6, 6, dtype=torch.bool).triu(1)}),
]:
    mha.train(False)
    xx = x.clone().requires_grad_(True)
    out, _ = mha(xx, xx, xx, need_weights=False, **kw)
    w = torch.randn(out.shape)
    (out * w).sum().backward()
    case = {"name": name, "x_shape": list(x.shape), "x": flat(xx), "w": flat(w), "out": flat(out), "dx": flat(xx.grad),
            "batch_first": mha.batch_first, "heads": mha.num_heads,
            "params": {n: flat(p) for n, p in mha.named_parameters()}, "grads": {n: flat(p.grad) for n, p in mha.named_parameters()}}
    if "key_padding_mask" in kw: case["key_padding"] = [bool(b) for b in kw["key_padding_mask"].reshape(-1).tolist()]
    if "attn_mask" in kw: case["attn_mask"] = [bool(b) for b in kw["attn_mask"].reshape(-1).tolist()]
    mha_cases.append(case)
cases["mha"] = mha_cases

enc_cases = []
for norm_first in (False, True):
    for act in ("relu", "gelu"):
        layer = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=act, batch_first=True, norm_first=norm_first)
        layer.train(False)
        x = torch.randn(2, 5, 8, requires_grad=True)
        kp = torch.zeros(2, 5, dtype=torch.bool); kp[1, 3:] = True
        out = layer(x, src_key_padding_mask=kp)
        w = torch.randn(out.shape)
        (out * w).sum().backward()
        enc_cases.append({"name": f"encoder_{'pre' if norm_first else 'post'}_{act}", "norm_first": norm_first, "activation": act,
                          "x_shape": list(x.shape), "x": flat(x), "w": flat(w), "out": flat(out), "dx": flat(x.grad),
                          "key_padding": [bool(b) for b in kp.reshape(-1).tolist()],
                          "params": {n: flat(p) for n, p in layer.named_parameters()}, "grads": {n: flat(p.grad) for n, p in layer.named_parameters()}})
cases["encoder"] = enc_cases

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "attention_reference.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, **cases}, f, separators=(",", ":"))
print("wrote", out, os.path.getsize(out), "bytes")
