"""Writes tests/Neurone.Tests/Fixtures/parity_reference.json: random op graphs run by PyTorch in float64, with
their outputs and the gradients of every input, for Neurone's parity suite (tests/Neurone.Tests/Parity).

Run from this folder with Debian's torch:  /usr/bin/python3 make_parity_reference.py
Each case is a short program: float inputs (values rounded to float32 first, so both sides start from the same
numbers), then two to five steps, each an op of the catalogue below applied to the running value and, for binary
ops, to a fresh input of a broadcastable shape. The loss is sum(output * cotangent); the gradients are those of
the inputs. A fixed seed makes the file reproducible."""
import json, os, random
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
SEED = 19
CASES = 1000


class Program:
    """Builds one case: inputs, steps, and the torch values that run alongside."""

    def __init__(self, rng):
        self.rng = rng
        self.inputs, self.steps, self.values = [], [], {}
        self.next_value = 0

    def fresh(self, shape, low=-2.0, high=2.0, positive=False):
        data = np.random.default_rng(self.rng.randrange(1 << 30)).uniform(low, high, size=shape)
        if positive:
            data = np.abs(data) + 0.5
        data = data.astype(np.float32).astype(np.float64)
        name = f"x{len(self.inputs)}"
        t = torch.tensor(data, requires_grad=True)
        self.inputs.append((name, t))
        self.values[name] = t
        return name

    def index_input(self, values, shape):
        """An integer input (indices, labels): never differentiated."""
        name = f"i{len(self.inputs)}"
        t = torch.tensor(np.array(values, dtype=np.int64).reshape(shape))
        self.inputs.append((name, t))
        self.values[name] = t
        return name

    def bool_input(self, values, shape):
        name = f"b{len(self.inputs)}"
        t = torch.tensor(np.array(values, dtype=bool).reshape(shape))
        self.inputs.append((name, t))
        self.values[name] = t
        return name

    def step(self, op, args, fn, **attrs):
        out = fn(*[self.values[a] for a in args])
        name = f"v{self.next_value}"
        self.next_value += 1
        self.values[name] = out
        self.steps.append({"out": name, "op": op, "args": args, "attrs": attrs})
        return name


def random_shape(rng, rank=None, low=1, high=4):
    rank = rng.randint(1, 4) if rank is None else rank
    return [rng.randint(low, high) for _ in range(rank)]


def broadcast_partner(rng, shape):
    """A shape that broadcasts against `shape`: some dims set to 1, some leading dims dropped."""
    partner = [1 if rng.random() < 0.3 else d for d in shape]
    drop = rng.randint(0, len(partner) - 1) if len(partner) > 1 and rng.random() < 0.3 else 0
    return partner[drop:] or [1]


def dim_of(rng, t):
    d = rng.randrange(t.dim())
    return d - t.dim() if rng.random() < 0.3 else d  # negative dims too


# ---- the catalogue: each entry adds one step (and any fresh inputs) to the program and returns the new value ----

def unary(op, fn, guard=None):
    def add(p, v):
        if guard and not guard(p.values[v]):
            return None
        return p.step(op, [v], fn)
    return add


def binary(op, fn, positive_right=False):
    def add(p, v):
        shape = list(p.values[v].shape) or [1]
        other = p.fresh(broadcast_partner(p.rng, shape), positive=positive_right)
        args = [v, other] if positive_right or p.rng.random() < 0.5 else [other, v]
        return p.step(op, args, fn)
    return add


def moderate(t):
    return t.numel() == 0 or t.abs().max().item() < 15


def reduction(op, fn_dim, unique=False):
    def add(p, v):
        t = p.values[v]
        if t.dim() == 0:
            return None
        dim, keep = dim_of(p.rng, t), p.rng.random() < 0.5
        # Which of tied extremes receives the gradient is PyTorch's implementation detail: tied rows are skipped.
        if unique and ((t == fn_dim(t, dim, True)).sum(dim) > 1).any():
            return None
        return p.step(op, [v], lambda x: fn_dim(x, dim, keep), dim=dim, keepdim=keep)
    return add


def var_like(op, fn):
    def add(p, v):
        t = p.values[v]
        if t.dim() == 0:
            return None
        dim, keep = dim_of(p.rng, t), p.rng.random() < 0.5
        if t.shape[dim] < 2:
            return None
        correction = p.rng.choice([0, 1])
        return p.step(op, [v], lambda x: fn(x, dim, keep, correction), dim=dim, keepdim=keep, correction=correction)
    return add


def softmax_like(op, fn):
    def add(p, v):
        t = p.values[v]
        if t.dim() == 0:
            return None
        dim = dim_of(p.rng, t)
        return p.step(op, [v], lambda x: fn(x, dim), dim=dim)
    return add


def positive_then(op, fn):
    """Ops defined on positive numbers (log, sqrt, fractional powers): applied to |x| + 0.5, written as steps."""
    def add(p, v):
        a = p.step("abs", [v], torch.abs)
        b = p.step("add_scalar", [a], lambda x: x + 0.5, value=0.5)
        return p.step(op, [b], fn)
    return add


def transpose(p, v):
    t = p.values[v]
    if t.dim() < 2:
        return None
    d0, d1 = dim_of(p.rng, t), dim_of(p.rng, t)
    return p.step("transpose", [v], lambda x: x.transpose(d0, d1), dim0=d0, dim1=d1)


def permute(p, v):
    t = p.values[v]
    if t.dim() < 2:
        return None
    dims = list(range(t.dim()))
    p.rng.shuffle(dims)
    return p.step("permute", [v], lambda x: x.permute(*dims), dims=dims)


def reshape(p, v):
    t = p.values[v]
    n = t.numel()
    factors, rest = [], n
    for _ in range(p.rng.randint(0, 2)):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        f = p.rng.choice(divisors)
        factors.append(f)
        rest //= f
    shape = factors + [rest]
    if p.rng.random() < 0.3:
        shape[p.rng.randrange(len(shape))] = -1
    return p.step("reshape", [v], lambda x: x.reshape(shape), shape=shape)


def unsqueeze(p, v):
    t = p.values[v]
    if t.dim() >= 5:
        return None
    dim = p.rng.randint(-(t.dim() + 1), t.dim())
    return p.step("unsqueeze", [v], lambda x: x.unsqueeze(dim), dim=dim)


def flatten(p, v):
    t = p.values[v]
    if t.dim() < 2:
        return None
    start = p.rng.randrange(t.dim())
    end = p.rng.randrange(start, t.dim())
    return p.step("flatten", [v], lambda x: x.flatten(start, end), start_dim=start, end_dim=end)


def concat(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    dim = dim_of(p.rng, t)
    shape = list(t.shape)
    shape[dim] = p.rng.randint(1, 3)
    other = p.fresh(shape)
    args = [v, other] if p.rng.random() < 0.5 else [other, v]
    return p.step("cat", args, lambda a, b: torch.cat([a, b], dim), dim=dim)


def stack(p, v):
    t = p.values[v]
    if t.dim() >= 4:
        return None
    other = p.fresh(list(t.shape))
    dim = p.rng.randint(0, t.dim())
    return p.step("stack", [v, other], lambda a, b: torch.stack([a, b], dim), dim=dim)


def slice_rows(p, v):
    t = p.values[v]
    if t.dim() == 0 or t.shape[0] < 2:
        return None
    start = p.rng.randrange(t.shape[0])
    count = p.rng.randint(1, t.shape[0] - start)
    return p.step("slice", [v], lambda x: x[start:start + count], start=start, count=count)


def matmul(p, v):
    t = p.values[v]
    if t.dim() not in (2, 3):
        return None
    k, n = t.shape[-1], p.rng.randint(1, 5)
    other = p.fresh(list(t.shape[:-2]) + [k, n])
    return p.step("matmul", [v, other], torch.matmul)


def pow_scalar(p, v):
    e = p.rng.choice([2.0, 3.0])
    return p.step("pow_scalar", [v], lambda x: x.pow(e), exponent=e)


def clamp(p, v):
    lo = p.rng.choice([-1.5, -0.5])
    hi = p.rng.choice([0.5, 1.5])
    return p.step("clamp", [v], lambda x: x.clamp(lo, hi), min=lo, max=hi)


def leaky_relu(p, v):
    return p.step("leaky_relu", [v], lambda x: torch.nn.functional.leaky_relu(x, 0.1), slope=0.1)


def narrow(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    dim = dim_of(p.rng, t)
    size = t.shape[dim]
    start = p.rng.randrange(size)
    length = p.rng.randint(0 if size > 1 else 1, size - start)
    return p.step("narrow", [v], lambda x: x.narrow(dim, start, length), dim=dim, start=start, length=length)


def chunk(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    dim = dim_of(p.rng, t)
    chunks = p.rng.randint(1, 3)
    count = len(t.chunk(chunks, dim))
    index = p.rng.randrange(count)
    return p.step("chunk", [v], lambda x: x.chunk(chunks, dim)[index], chunks=chunks, dim=dim, index=index)


def split_sizes(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    dim = dim_of(p.rng, t)
    size, sizes = t.shape[dim], []
    while sum(sizes) < size:
        sizes.append(p.rng.randint(1, size - sum(sizes)))
    index = p.rng.randrange(len(sizes))
    return p.step("split", [v], lambda x: x.split(sizes, dim)[index], sizes=sizes, dim=dim, index=index)


def expand(p, v):
    t = p.values[v]
    if t.dim() == 0 or t.dim() >= 4 or 1 not in t.shape:
        return None
    sizes = [p.rng.randint(2, 3) if d == 1 else d for d in t.shape]
    if p.rng.random() < 0.3:
        sizes = [2] + sizes
    return p.step("expand", [v], lambda x: x.expand(*sizes), sizes=sizes)


def triangle(op, fn):
    def add(p, v):
        t = p.values[v]
        if t.dim() < 2:
            return None
        diagonal = p.rng.randint(-1, 1)
        return p.step(op, [v], lambda x: fn(x, diagonal), diagonal=diagonal)
    return add


def multi_dim(op, fn):
    def add(p, v):
        t = p.values[v]
        if t.dim() < 2:
            return None
        dims = sorted(p.rng.sample(range(t.dim()), p.rng.randint(1, t.dim())))
        keep = p.rng.random() < 0.5
        if op in ("var_dims", "std_dims") and np.prod([t.shape[d] for d in dims]) < 2:
            return None
        return p.step(op, [v], lambda x: fn(x, dims, keep), dims=dims, keepdim=keep)
    return add


def batched_matmul(p, v):
    """torch.matmul at any rank: the running value against a fresh operand with broadcast batch dimensions."""
    t = p.values[v]
    if t.dim() == 0:
        return None
    k = t.shape[-1]
    if t.dim() == 1:
        other_shape = random_shape(p.rng, p.rng.randint(0, 2)) + [k, p.rng.randint(1, 3)]
    else:
        batch = broadcast_partner(p.rng, list(t.shape[:-2])) if t.dim() > 2 and p.rng.random() < 0.7 else []
        if p.rng.random() < 0.3 and len(batch) == t.dim() - 2:
            batch = [p.rng.randint(1, 3)] + batch  # a new leading batch dimension
        other_shape = batch + [k, p.rng.randint(1, 3)] if p.rng.random() < 0.8 else [k]
    other = p.fresh(other_shape)
    return p.step("batched_matmul", [v, other], torch.matmul)


def logsumexp(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    dim, keep = dim_of(p.rng, t), p.rng.random() < 0.5
    return p.step("logsumexp", [v], lambda x: torch.logsumexp(x, dim, keepdim=keep), dim=dim, keepdim=keep)


# ---- layer ops (torch.nn.functional): they start their own chain on an input of the layout they need ----

IMAGE_OPS = {"conv2d", "conv1d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm2d"}


def image_shape(rng, rank=4):
    return [rng.randint(1, 3), rng.randint(1, 3)] + [rng.randint(3, 7) for _ in range(rank - 2)]


def linear(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    n_in, n_out = t.shape[-1], p.rng.randint(1, 5)
    w = p.fresh([n_out, n_in])
    if p.rng.random() < 0.7:
        b = p.fresh([n_out])
        return p.step("linear", [v, w, b], torch.nn.functional.linear)
    return p.step("linear", [v, w], torch.nn.functional.linear)


def conv(op, rank):
    def add(p, v):
        t = p.values[v]
        if t.dim() != rank:
            return None
        c_in, c_out = t.shape[1], p.rng.randint(1, 3)
        k = p.rng.randint(1, 3)
        stride, padding, dilation = p.rng.randint(1, 2), p.rng.randint(0, 1), p.rng.randint(1, 2)
        if any((size + 2 * padding - dilation * (k - 1) - 1) < 0 for size in t.shape[2:]):
            return None
        w = p.fresh([c_out, c_in] + [k] * (rank - 2))
        fn = torch.nn.functional.conv2d if rank == 4 else torch.nn.functional.conv1d
        args = [v, w] + ([p.fresh([c_out])] if p.rng.random() < 0.7 else [])
        return p.step(op, args, lambda x, w, b=None: fn(x, w, b, stride=stride, padding=padding, dilation=dilation),
                      stride=stride, padding=padding, dilation=dilation)
    return add


def pool(op, fn):
    def add(p, v):
        t = p.values[v]
        if t.dim() != 4:
            return None
        k = p.rng.randint(1, 3)
        stride, padding = p.rng.randint(1, 2), p.rng.randint(0, k // 2)
        if min(t.shape[2:]) + 2 * padding < k:
            return None
        if op == "max_pool2d":  # windows with tied maxima would make the winner PyTorch's choice
            windows = torch.nn.functional.unfold(t.detach().reshape(-1, 1, *t.shape[2:]), k, padding=padding, stride=stride)
            if padding == 0 and any(len(set(col.tolist())) < len(col) for col in windows[0].T):
                return None
        return p.step(op, [v], lambda x: fn(x, k, stride, padding), kernel_size=k, stride=stride, padding=padding)
    return add


def adaptive_avg_pool2d(p, v):
    t = p.values[v]
    if t.dim() != 4:
        return None
    oh, ow = p.rng.randint(1, t.shape[2]), p.rng.randint(1, t.shape[3])
    return p.step("adaptive_avg_pool2d", [v], lambda x: torch.nn.functional.adaptive_avg_pool2d(x, (oh, ow)),
                  output_height=oh, output_width=ow)


def layer_norm(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    shape = list(t.shape[-p.rng.randint(1, min(2, t.dim())):])
    if int(np.prod(shape)) < 2 or t.detach().reshape(-1, int(np.prod(shape))).var(1, unbiased=False).min() < 1e-2:
        return None  # a constant row is ill-conditioned as in batch_norm below; LayerNorm's own tests cover it
    args = [v, p.fresh(shape), p.fresh(shape)] if p.rng.random() < 0.7 else [v]
    return p.step("layer_norm", args, lambda x, w=None, b=None: torch.nn.functional.layer_norm(x, shape, w, b),
                  normalized_shape=shape)


def batch_norm(op):
    def add(p, v):
        t = p.values[v]
        if t.dim() < 2 or t.numel() // t.shape[1] < 2:
            return None
        c = t.shape[1]
        # A constant channel multiplies float32's rounding by 1/√eps ≈ 316 in the backward: ill-conditioned for any
        # float32 library (BatchNorm's own tests cover that case); drawn again.
        if t.detach().transpose(0, 1).reshape(c, -1).var(1, unbiased=False).min() < 1e-2:
            return None
        args = [v, p.fresh([c]), p.fresh([c])]
        return p.step(op, args, lambda x, w, b: torch.nn.functional.batch_norm(x, None, None, w, b, training=True))
    return add


def loss(op, fn, target_low=-2.0):
    def add(p, v):
        t = p.values[v]
        target = p.fresh(list(t.shape), low=target_low)
        p.values[target].requires_grad_(False)
        return p.step(op, [v, target], fn)
    return add


# ---- ops with integer and boolean inputs ----

def where(p, v):
    t = p.values[v]
    shape = list(t.shape) or [1]
    mask_shape = broadcast_partner(p.rng, shape)
    mask = p.bool_input(np.random.default_rng(p.rng.randrange(1 << 30)).random(mask_shape) < 0.5, mask_shape)
    other = p.fresh(broadcast_partner(p.rng, shape))
    args = [mask, v, other] if p.rng.random() < 0.5 else [mask, other, v]
    return p.step("where", args, torch.where)


def masked_fill(p, v):
    t = p.values[v]
    if t.dim() == 0:
        return None
    shape = broadcast_partner(p.rng, list(t.shape))
    mask = p.bool_input(np.random.default_rng(p.rng.randrange(1 << 30)).random(shape) < 0.4, shape)
    value = p.rng.choice([-1.5, 0.0, 2.0])
    return p.step("masked_fill", [v, mask], lambda x, m: x.masked_fill(m, value), value=value)


def index_select(p, v):
    t = p.values[v]
    if t.dim() == 0 or 0 in t.shape:
        return None
    dim = dim_of(p.rng, t)
    count = p.rng.randint(1, 5)
    idx = p.index_input([p.rng.randrange(t.shape[dim]) for _ in range(count)], [count])
    return p.step("index_select", [v, idx], lambda x, i: x.index_select(dim, i), dim=dim)


def gather(p, v):
    t = p.values[v]
    if t.dim() == 0 or 0 in t.shape:
        return None
    dim = dim_of(p.rng, t)
    shape = [p.rng.randint(1, d) for d in t.shape]
    shape[dim] = p.rng.randint(1, 4)
    values = [p.rng.randrange(t.shape[dim]) for _ in range(int(np.prod(shape)))]
    idx = p.index_input(values, shape)
    return p.step("gather", [v, idx], lambda x, i: x.gather(dim, i), dim=dim)


def scatter_add(p, v):
    """PyTorch 1.13 differentiates scatter_add only when the index has the source's shape: so it has here."""
    t = p.values[v]
    if t.dim() == 0 or 0 in t.shape:
        return None
    dim = dim_of(p.rng, t)
    shape = list(t.shape)
    shape[dim] = p.rng.randint(1, 4)
    idx = p.index_input([p.rng.randrange(t.shape[dim]) for _ in range(int(np.prod(shape)))], shape)
    src = p.fresh(shape)
    return p.step("scatter_add", [v, idx, src], lambda x, i, s: x.scatter_add(dim, i, s), dim=dim)


def cross_entropy(p, v):
    """Logits [N, C] or [N, C, d] from the running value; Int64 targets, some ignored, with label smoothing."""
    t = p.values[v]
    if t.dim() not in (2, 3) or t.shape[1] < 2 or 0 in t.shape:
        return None
    target_shape = [t.shape[0]] + list(t.shape[2:])
    count = int(np.prod(target_shape))
    labels = [p.rng.randrange(t.shape[1]) if p.rng.random() > 0.2 else -100 for _ in range(count)]
    if all(l == -100 for l in labels):
        labels[0] = 0
    target = p.index_input(labels, target_shape)
    smoothing = p.rng.choice([0.0, 0.0, 0.1])
    return p.step("cross_entropy", [v, target],
                  lambda x, y: torch.nn.functional.cross_entropy(x, y, ignore_index=-100, label_smoothing=smoothing),
                  label_smoothing=smoothing)


def nll_loss(p, v):
    t = p.values[v]
    if t.dim() != 2 or t.shape[1] < 2 or t.shape[0] == 0:
        return None
    target = p.index_input([p.rng.randrange(t.shape[1]) for _ in range(t.shape[0])], [t.shape[0]])
    return p.step("nll_loss", [v, target], torch.nn.functional.nll_loss)


def embedding(p, v):
    """The running value's rows as an embedding table, looked up by Int64 indices of rank 1 or 2."""
    t = p.values[v]
    if t.dim() != 2 or t.shape[0] == 0:
        return None
    shape = random_shape(p.rng, p.rng.randint(1, 2))
    idx = p.index_input([p.rng.randrange(t.shape[0]) for _ in range(int(np.prod(shape)))], shape)
    return p.step("embedding", [idx, v], torch.nn.functional.embedding)


def topk_values(p, v):
    t = p.values[v]
    if t.dim() == 0 or 0 in t.shape:
        return None
    dim = dim_of(p.rng, t)
    k = p.rng.randint(1, t.shape[dim])
    largest = p.rng.random() < 0.7
    sorted_values = t.detach().sort(dim).values  # ties would make the picked element PyTorch's choice
    if (sorted_values.diff(dim=dim) == 0).any():
        return None
    return p.step("topk", [v], lambda x: x.topk(k, dim, largest).values, k=k, dim=dim, largest=largest)


CATALOGUE = {
    "neg": unary("neg", torch.neg),
    "abs": unary("abs", torch.abs),
    "exp": unary("exp", torch.exp, moderate),
    "tanh": unary("tanh", torch.tanh),
    "sigmoid": unary("sigmoid", torch.sigmoid),
    "relu": unary("relu", torch.relu),
    "gelu": unary("gelu", torch.nn.functional.gelu),
    "silu": unary("silu", torch.nn.functional.silu),
    "square": unary("square", torch.square, moderate),
    "leaky_relu": leaky_relu,
    "clamp": clamp,
    "pow_scalar": pow_scalar,
    "log": positive_then("log", torch.log),
    "sqrt": positive_then("sqrt", torch.sqrt),
    "add": binary("add", torch.add),
    "sub": binary("sub", torch.sub),
    "mul": binary("mul", torch.mul),
    "div": binary("div", torch.div, positive_right=True),
    "maximum": binary("maximum", torch.maximum),
    "minimum": binary("minimum", torch.minimum),
    "sum_dim": reduction("sum_dim", lambda x, d, k: x.sum(d, keepdim=k)),
    "mean_dim": reduction("mean_dim", lambda x, d, k: x.mean(d, keepdim=k)),
    "max_dim": reduction("max_dim", lambda x, d, k: x.max(d, keepdim=k).values, unique=True),
    "min_dim": reduction("min_dim", lambda x, d, k: x.min(d, keepdim=k).values, unique=True),
    "var_dim": var_like("var_dim", lambda x, d, k, c: x.var(d, keepdim=k, unbiased=bool(c))),
    "std_dim": var_like("std_dim", lambda x, d, k, c: x.std(d, keepdim=k, unbiased=bool(c))),
    "softmax": softmax_like("softmax", lambda x, d: torch.softmax(x, d)),
    "log_softmax": softmax_like("log_softmax", lambda x, d: torch.log_softmax(x, d)),
    "transpose": transpose,
    "permute": permute,
    "reshape": reshape,
    "unsqueeze": unsqueeze,
    "flatten": flatten,
    "cat": concat,
    "stack": stack,
    "slice": slice_rows,
    "matmul": matmul,
    "batched_matmul": batched_matmul,
    "softplus": unary("softplus", torch.nn.functional.softplus),
    "logsumexp": logsumexp,
    "narrow": narrow,
    "chunk": chunk,
    "split": split_sizes,
    "expand": expand,
    "tril": triangle("tril", torch.tril),
    "triu": triangle("triu", torch.triu),
    "sum_dims": multi_dim("sum_dims", lambda x, d, k: x.sum(d, keepdim=k)),
    "mean_dims": multi_dim("mean_dims", lambda x, d, k: x.mean(d, keepdim=k)),
    "linear": linear,
    "conv2d": conv("conv2d", 4),
    "conv1d": conv("conv1d", 3),
    "max_pool2d": pool("max_pool2d", torch.nn.functional.max_pool2d),
    "avg_pool2d": pool("avg_pool2d", torch.nn.functional.avg_pool2d),
    "adaptive_avg_pool2d": adaptive_avg_pool2d,
    "layer_norm": layer_norm,
    "batch_norm2d": batch_norm("batch_norm2d"),
    "mse_loss": loss("mse_loss", torch.nn.functional.mse_loss),
    "l1_loss": loss("l1_loss", torch.nn.functional.l1_loss),
    "bce_with_logits": loss("bce_with_logits", torch.nn.functional.binary_cross_entropy_with_logits, target_low=0.0),
    "where": where,
    "masked_fill": masked_fill,
    "index_select": index_select,
    "gather": gather,
    "scatter_add": scatter_add,
    "cross_entropy": cross_entropy,
    "nll_loss": nll_loss,
    "embedding": embedding,
    "topk": topk_values,
    "var_dims": multi_dim("var_dims", lambda x, d, k: x.var(d, keepdim=k)),
}


def make_case(index, rng):
    p = Program(rng)
    names = sorted(CATALOGUE)
    # Every op leads at least a few cases (round robin on the first op), then the rest of the chain is random.
    first = names[index % len(names)]
    wanted = [first] + [rng.choice(names) for _ in range(rng.randint(1, 4))]
    v = p.fresh(image_shape(rng, 3 if first == "conv1d" else 4) if first in IMAGE_OPS else random_shape(rng))
    for op in wanted:
        for _ in range(8):
            out = CATALOGUE[op](p, v)
            if out is not None:
                v = out
                break
            op = rng.choice(names)
        if p.values[v].numel() > 512:
            break
    out = p.values[v]
    if not torch.isfinite(out).all():
        return None  # e.g. the deviation of one element: drawn again
    cot = torch.tensor(np.random.default_rng(rng.randrange(1 << 30)).uniform(-1, 1, size=tuple(out.shape)))
    (out * cot).sum().backward()
    floats = [(n, t) for n, t in p.inputs if t.requires_grad]
    if any(t.grad is not None and not torch.isfinite(t.grad).all() for _, t in floats):
        return None
    return {
        "name": f"case{index:03d}-" + "-".join(s["op"] for s in p.steps),
        "inputs": [{"name": n, "dtype": str(t.dtype).replace("torch.", ""), "requires_grad": t.requires_grad, "shape": list(t.shape),
                    "data": t.detach().flatten().tolist()} for n, t in p.inputs],
        "steps": p.steps,
        "output": v,
        "output_shape": list(out.shape),
        "output_data": out.detach().flatten().tolist(),
        "cotangent": cot.flatten().tolist(),
        "grads": {n: (t.grad.flatten().tolist() if t.grad is not None else [0.0] * t.numel()) for n, t in floats},
    }


def main():
    rng = random.Random(SEED)
    cases = []
    while len(cases) < CASES:
        case = make_case(len(cases), rng)
        if case is not None:
            cases.append(case)
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "Neurone.Tests", "Fixtures", "parity_reference.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "seed": SEED, "ops": sorted(CATALOGUE), "cases": cases}, f,
                  separators=(",", ":"), allow_nan=False)
    print(f"wrote {len(cases)} cases over {len(CATALOGUE)} ops to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
