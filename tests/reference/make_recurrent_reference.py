"""Writes tests/Neurone.Tests/Fixtures/recurrent_reference.json: PyTorch's float64 outputs, final states and
gradients of nn.LSTM, nn.GRU, nn.LSTMCell and nn.GRUCell (issue 20) for Neurone's recurrent layers to match:
one layer and two, one direction and both, sequence-first and batch-first, with and without biases and initial
states, and packed sequences of different lengths (pack_padded_sequence with enforce_sorted=False, padded back to
the full length, so outputs past a row's length are zero and the final state is the row's own last step).

Run with Debian's torch:  /usr/bin/python3 make_recurrent_reference.py   (from this folder; any torch 1.13 works).
Every value is rounded to float32 before use, so Neurone sees exactly what PyTorch differentiated; the loss is
sum(output·R) + sum(h_n·S) (+ sum(c_n·U)) with fixed R, S, U, so every output and state carries gradient."""
import json, os
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(20)


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def rand(*shape, scale=1.0):
    return f32(scale * (2 * torch.rand(*shape, generator=gen) - 1))


def flat(t):
    return [float(f"{v:.10g}") for v in t.detach().flatten().tolist()]


cases = []


def layer_case(name, kind, I, H, T, B, layers=1, bidirectional=False, batch_first=False, bias=True, lengths=None, state=True):
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    m = cls(I, H, num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rand(*p.shape, scale=0.6))
    D = 2 if bidirectional else 1
    x = rand(*((B, T, I) if batch_first else (T, B, I))).requires_grad_(True)
    h0 = rand(layers * D, B, H).requires_grad_(True) if state else None
    c0 = rand(layers * D, B, H).requires_grad_(True) if state and kind == "lstm" else None
    hx = None if not state else ((h0, c0) if kind == "lstm" else h0)
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, st = m(packed, hx)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    else:
        out, st = m(x, hx)
    hn, cn = (st if kind == "lstm" else (st, None))
    R = rand(*out.shape)
    S = rand(*hn.shape)
    loss = (out * R).sum() + (hn * S).sum()
    c = {"name": name, "kind": kind, "input_size": I, "hidden_size": H, "steps": T, "batch": B, "num_layers": layers,
         "bidirectional": bidirectional, "batch_first": batch_first, "bias": bias,
         "x": flat(x), "R": flat(R), "S": flat(S), "out": flat(out), "h_n": flat(hn)}
    if cn is not None:
        U = rand(*cn.shape)
        loss = loss + (cn * U).sum()
        c["U"] = flat(U)
        c["c_n"] = flat(cn)
    loss.backward()
    c["grad_x"] = flat(x.grad)
    if lengths is not None:
        c["lengths"] = lengths
    if h0 is not None:
        c["h0"] = flat(h0)
        c["grad_h0"] = flat(h0.grad)
    if c0 is not None:
        c["c0"] = flat(c0)
        c["grad_c0"] = flat(c0.grad)
    c["params"] = {n: flat(p) for n, p in m.named_parameters()}
    c["grads"] = {n: flat(p.grad) for n, p in m.named_parameters()}
    cases.append(c)


def cell_case(name, kind, I, H, B, bias=True):
    cls = nn.LSTMCell if kind == "lstm_cell" else nn.GRUCell
    m = cls(I, H, bias=bias)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rand(*p.shape, scale=0.6))
    x = rand(B, I).requires_grad_(True)
    h = rand(B, H).requires_grad_(True)
    c = {"name": name, "kind": kind, "input_size": I, "hidden_size": H, "batch": B, "bias": bias, "x": flat(x), "h0": flat(h)}
    if kind == "lstm_cell":
        cc = rand(B, H).requires_grad_(True)
        h1, c1 = m(x, (h, cc))
        S, U = rand(B, H), rand(B, H)
        ((h1 * S).sum() + (c1 * U).sum()).backward()
        c.update({"c0": flat(cc), "S": flat(S), "U": flat(U), "h_n": flat(h1), "c_n": flat(c1), "grad_c0": flat(cc.grad)})
    else:
        h1 = m(x, h)
        S = rand(B, H)
        (h1 * S).sum().backward()
        c.update({"S": flat(S), "h_n": flat(h1)})
    c["grad_x"] = flat(x.grad)
    c["grad_h0"] = flat(h.grad)
    c["params"] = {n: flat(p) for n, p in m.named_parameters()}
    c["grads"] = {n: flat(p.grad) for n, p in m.named_parameters()}
    cases.append(c)


for kind in ("lstm", "gru"):
    layer_case(f"{kind}_one_layer", kind, 3, 5, 4, 2)
    layer_case(f"{kind}_no_state_no_bias", kind, 4, 3, 3, 2, bias=False, state=False)
    layer_case(f"{kind}_two_layers_bidirectional", kind, 3, 4, 5, 3, layers=2, bidirectional=True)
    layer_case(f"{kind}_packed", kind, 3, 4, 6, 4, lengths=[6, 2, 4, 1])
    layer_case(f"{kind}_packed_bidirectional_batch_first", kind, 2, 3, 5, 3, bidirectional=True, batch_first=True, lengths=[3, 5, 1])
    layer_case(f"{kind}_packed_two_layers_bidirectional", kind, 3, 4, 5, 3, layers=2, bidirectional=True, lengths=[2, 5, 4])
    layer_case(f"{kind}_batch_first_wide", kind, 5, 19, 3, 2, batch_first=True)
cell_case("lstm_cell", "lstm_cell", 3, 5, 2)
cell_case("gru_cell", "gru_cell", 3, 5, 2)
cell_case("gru_cell_no_bias", "gru_cell", 4, 17, 3, bias=False)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Neurone.Tests", "Fixtures", "recurrent_reference.json")
with open(out, "w") as f:
    json.dump({"source": "torch " + torch.__version__ + ", float64, tests/reference/make_recurrent_reference.py", "cases": cases}, f)
print(out, len(cases), "cases", os.path.getsize(out), "bytes")
