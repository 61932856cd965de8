"""Framework ops at the shapes of a `vidperf.shapes/1` file, run with PyTorch.

Each builder takes the op object of the shapes file and returns a Prepared: the callable to time,
its backend name, the kernel name vidperf uses for it (attention) and extra record fields. Inputs
are allocated (and padded) before timing; only the op itself runs in the timed region.
"""

import contextlib

import torch
import torch.nn.functional as F

from common import Skip

try:
    from torch.nn.attention import SDPBackend, sdpa_kernel
except ImportError:  # torch < 2.3
    SDPBackend = None
    sdpa_kernel = None

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32, "tf32": torch.float32}

# SDPA backend -> (record backend, vidperf kernel name, SDPBackend member name)
ATTENTION_BACKENDS = {
    "flash": ("sdpa-flash", "fa2", "FLASH_ATTENTION"),
    "efficient": ("sdpa-efficient", "sdpa-efficient", "EFFICIENT_ATTENTION"),
    "cudnn": ("sdpa-cudnn", "cudnn", "CUDNN_ATTENTION"),
    "math": ("sdpa-math", "sdpa-math", "MATH"),
}
KERNEL_TO_BACKEND = {v[1]: k for k, v in ATTENTION_BACKENDS.items()}

# 32-bit indexing limit of cuDNN convolutions: larger tensors are convolved in temporal chunks.
CONV_ELEMENT_LIMIT = 2**31 - 1


class Prepared:
    def __init__(self, fn, backend, bytes_needed=0, kernel=None, extra=None, context=None, parts=None):
        self.fn = fn
        self.backend = backend
        self.kernel = kernel
        self.extra = extra or {}
        self.context = context or contextlib.nullcontext
        self.parts = parts  # [(count, fn)] when the op is timed as a sum of parts


def backend_context(*names):
    """A context manager factory that restricts SDPA to the backends `names` (flash, efficient, cudnn,
    math), tried in torch's order."""
    if sdpa_kernel is None:
        raise Skip("torch.nn.attention.sdpa_kernel is not available in this torch")
    members = []
    for name in names:
        member = ATTENTION_BACKENDS[name][2]
        if not hasattr(SDPBackend, member):
            raise Skip("SDPA backend " + member + " is not in this torch")
        members.append(getattr(SDPBackend, member))
    return lambda: sdpa_kernel(members)


def dtype_of(name):
    if name not in DTYPES:
        raise Skip("dtype " + str(name) + " is not measured by this script")
    return DTYPES[name]


def randn(shape, dtype, device):
    return torch.randn(*shape, dtype=dtype, device=device)


def check_memory(need_bytes, free_bytes, what):
    if need_bytes > 0.85 * free_bytes:
        raise Skip("does not fit in memory: %s needs about %.1f GB, %.1f GB free" %
                   (what, need_bytes / 1e9, free_bytes / 1e9))


# ---------------------------------------------------------------------------- gemm


def gemm(op, device, free_bytes):
    m, n, k, b = op["m"], op["n"], op["k"], op.get("batch", 1)
    if op.get("a") != op.get("b") or op.get("a") != op.get("c"):
        raise Skip("mixed GEMM dtypes (%s, %s, %s) are not measured" % (op.get("a"), op.get("b"), op.get("c")))
    dt = dtype_of(op.get("a", "bf16"))
    if op.get("a") == "tf32":
        torch.backends.cuda.matmul.allow_tf32 = True
    elif op.get("a") == "fp32":
        torch.backends.cuda.matmul.allow_tf32 = False
    shared = op.get("shared_b", False)
    es = torch.tensor([], dtype=dt).element_size()
    need = es * (b * m * k + (1 if shared else b) * k * n + b * m * n)
    check_memory(need, free_bytes, "the GEMM's operands")
    a = randn((b, m, k) if b > 1 else (m, k), dt, device)
    if shared:
        w = randn((n, k), dt, device)
        return Prepared(lambda: F.linear(a, w), "torch.matmul", extra={"call": "F.linear"})
    if b > 1:
        bm = randn((b, k, n), dt, device)
        return Prepared(lambda: torch.bmm(a, bm), "torch.matmul", extra={"call": "torch.bmm"})
    bm = randn((k, n), dt, device)
    return Prepared(lambda: torch.matmul(a, bm), "torch.matmul", extra={"call": "torch.matmul"})


# ---------------------------------------------------------------------------- attention


def attention(op, device, free_bytes, backend):
    if op.get("direction", "forward") != "forward":
        raise Skip("only forward attention is measured")
    dt = dtype_of(op.get("dtype", "bf16"))
    b, hq, hkv = op["batch"], op["heads_q"], op.get("heads_kv", op["heads_q"])
    sq, skv = op["seq_q"], op.get("seq_kv", op["seq_q"])
    d, dv = op["head_dim"], op.get("head_dim_v", op["head_dim"])
    es = torch.tensor([], dtype=dt).element_size()
    need = es * (2 * b * hq * sq * d + b * hkv * skv * (d + dv)) + es * b * hq * sq * (dv - d if dv > d else 0)
    if backend == "math":
        # the score matrix, its softmax and fp32 intermediates are all materialised
        need += 3 * 4 * b * hq * sq * skv
    check_memory(need, free_bytes, "SDPA-" + backend)
    ctx = backend_context(backend) if device.type == "cuda" or backend in ("math", "flash") else None
    if ctx is None:
        raise Skip("SDPA backend %s does not run on %s" % (backend, device.type))
    q = randn((b, hq, sq, d), dt, device)
    k = randn((b, hkv, skv, d), dt, device)
    v = randn((b, hkv, skv, dv), dt, device)
    causal = bool(op.get("causal", False))
    kwargs = {}
    if hq != hkv:
        kwargs["enable_gqa"] = True
    rec_backend, kernel, _ = ATTENTION_BACKENDS[backend]
    return Prepared(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, **kwargs), rec_backend,
                    kernel=kernel, context=ctx)


# ---------------------------------------------------------------------------- convolution


def _conv_out(i, pb, pa, k, s, dil):
    return (i + pb + pa - dil * (k - 1) - 1) // s + 1


def conv(op, device, free_bytes):
    if op.get("direction", "forward") != "forward":
        raise Skip("only forward convolutions are measured")
    dt = dtype_of(op.get("dtype", "bf16"))
    b, cin, cout, g = op["batch"], op["c_in"], op["c_out"], op.get("groups", 1)
    inp, ker = list(op["input"]), list(op["kernel"])
    stride = list(op.get("stride", [1, 1, 1]))
    pb = list(op.get("pad_before", [0, 0, 0]))
    pa = list(op.get("pad_after", [0, 0, 0]))
    dil = list(op.get("dilation", [1, 1, 1]))
    out = [_conv_out(inp[i], pb[i], pa[i], ker[i], stride[i], dil[i]) for i in range(3)]
    if min(out) <= 0:
        raise Skip("empty convolution output")
    symmetric = pb == pa
    es = torch.tensor([], dtype=dt).element_size()
    padded = [inp[i] + pb[i] + pa[i] for i in range(3)]
    in_el = b * cin * (inp[0] if symmetric else padded[0]) * (inp[1] if symmetric else padded[1]) * \
        (inp[2] if symmetric else padded[2])
    out_el = b * cout * out[0] * out[1] * out[2]

    def build(frames_out):
        """The convolution producing `frames_out` output frames (a temporal chunk when smaller than out[0])."""
        if frames_out == out[0]:
            t_in, t_pb, t_pa = inp[0], pb[0], pa[0]
        else:  # a chunk: its input frames carry the halo; padding is that of the op's first chunk
            t_in = (frames_out - 1) * stride[0] + dil[0] * (ker[0] - 1) + 1 - pb[0]
            t_pb, t_pa = pb[0], 0
        weight = randn((cout, cin // g) + tuple(ker), dt, device)
        bias = randn((cout,), dt, device)
        x = randn((b, cin, t_in, inp[1], inp[2]), dt, device)
        if symmetric and frames_out == out[0]:
            pad = tuple(pb)
        else:
            x = F.pad(x, (pb[2], pa[2], pb[1], pa[1], t_pb, t_pa)).contiguous()
            pad = 0
        return lambda: F.conv3d(x, weight, bias, stride=tuple(stride), padding=pad, dilation=tuple(dil), groups=g)

    need = es * (in_el + out_el + cout * (cin // g) * ker[0] * ker[1] * ker[2]) + (1 << 30)  # + workspace
    padded_el = b * cin * padded[0] * padded[1] * padded[2]
    if max(padded_el, out_el) <= CONV_ELEMENT_LIMIT:
        check_memory(need, free_bytes, "the convolution")
        return Prepared(build(out[0]), "conv3d")
    # beyond 32-bit indexing: temporal chunks, each within the limit, timed one by one and summed
    if stride[0] != 1 or dil[0] != 1:
        raise Skip("convolution beyond 32-bit indexing with a temporal stride or dilation is not chunked")
    per_frame = max(b * cin * padded[1] * padded[2], b * cout * out[1] * out[2])
    chunk = (CONV_ELEMENT_LIMIT // per_frame) - (ker[0] - 1)
    if chunk < 1:
        raise Skip("one frame of this convolution is beyond 32-bit indexing")
    chunk = min(chunk, out[0])
    n_full, rest = divmod(out[0], chunk)
    chunk_need = es * (per_frame * (chunk + ker[0] - 1) * 2 + cout * (cin // g) * ker[0] * ker[1] * ker[2]) + (1 << 30)
    check_memory(chunk_need, free_bytes, "one temporal chunk of the convolution")
    parts = [(n_full, lambda: build(chunk))]
    if rest:
        parts.append((1, lambda: build(rest)))
    return Prepared(None, "conv3d", parts=parts,
                    extra={"chunks": n_full + (1 if rest else 0), "chunk_frames": chunk,
                           "note": "beyond 32-bit indexing: timed as temporal chunks (halo included), summed"})


# ---------------------------------------------------------------------------- pointwise


def _norm_dim(op, hints):
    """Row length of a normalisation or softmax: the op's own `row_length` when it carries one (a
    GroupNorm's group, a softmax's keys), else from its parameters when it has them (a LayerNorm's are
    weight and bias, an RMSNorm's a weight), else the first hint (denoiser width, head dim) that divides
    the element count."""
    e = op["elements"]
    r = op.get("row_length", 0)
    if r > 0 and e % r == 0:
        return r
    p = op.get("param_elements", 0)
    if p > 0:
        d = p // 2 if op["pointwise"] == "layernorm" and p % 2 == 0 else p
        if e % d == 0:
            return d
    for h in list(hints) + [1024, 512, 256, 128, 64]:
        if h and e % h == 0:
            return h
    return e


def pointwise(op, device, free_bytes, hints):
    dt = dtype_of(op.get("dtype", "bf16"))
    kind = op["pointwise"]
    e = op["elements"]
    nin, nout = op.get("inputs", 1), op.get("outputs", 1)
    fpe = op.get("flops_per_element", 1)
    es = torch.tensor([], dtype=dt).element_size()
    check_memory(es * e * (nin + nout), free_bytes, "the pointwise op's tensors")
    if kind in ("rmsnorm", "layernorm", "softmax", "reduction"):
        d = _norm_dim(op, hints)
        x = randn((e // d, d), dt, device)
        extra = {"row": d}
        if kind == "rmsnorm":
            w = randn((d,), dt, device) if op.get("param_elements", 0) > 0 else None
            if hasattr(F, "rms_norm"):
                return Prepared(lambda: F.rms_norm(x, (d,), w, 1e-6), "rms_norm", extra=extra)
            extra["call"] = "unfused"

            def rms():
                y = x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-6).to(x.dtype)
                return y * w if w is not None else y
            return Prepared(rms, "rms_norm", extra=extra)
        if kind == "layernorm":
            affine = op.get("param_elements", 0) > 0
            w = randn((d,), dt, device) if affine else None
            bias = randn((d,), dt, device) if affine else None
            return Prepared(lambda: F.layer_norm(x, (d,), w, bias, 1e-6), "layer_norm", extra=extra)
        if kind == "softmax":
            return Prepared(lambda: torch.softmax(x, dim=-1), "softmax", extra=extra)
        return Prepared(lambda: x.sum(dim=-1), "reduction", extra=extra)
    if kind != "elementwise":
        raise Skip("pointwise kind " + kind + " is not measured")
    ins = [randn((e,), dt, device) for _ in range(max(1, nin))]
    a = ins[0]
    if nin <= 1:
        if fpe == 0:
            out = torch.empty_like(a)
            return Prepared(lambda: out.copy_(a), "elementwise", extra={"call": "copy"})
        if fpe >= 8:
            return Prepared(lambda: F.gelu(a, approximate="tanh"), "elementwise", extra={"call": "gelu-tanh"})
        if fpe >= 4:
            return Prepared(lambda: F.silu(a), "elementwise", extra={"call": "silu"})
        return Prepared(lambda: a * 0.5, "elementwise", extra={"call": "mul-scalar"})
    b = ins[1]
    if nin == 2:
        if fpe >= 5:
            return Prepared(lambda: F.silu(a) * b, "elementwise", extra={"call": "silu-mul"})
        if fpe >= 2:
            return Prepared(lambda: torch.addcmul(a, a, b), "elementwise", extra={"call": "addcmul"})
        return Prepared(lambda: a + b, "elementwise", extra={"call": "add"})
    c = ins[2]
    return Prepared(lambda: torch.addcmul(a, b, c), "elementwise", extra={"call": "addcmul"})


def estimate_seconds(entry, device):
    """Rough lower bound of one call from the shapes file's flops and bytes (for budget checks)."""
    if device.type != "cuda":
        return entry.get("flops", 0) / 5e10 + entry.get("bytes", 0) / 5e9
    return max(entry.get("flops", 0) / 8e14, entry.get("bytes", 0) / 3e12)


def math_fits(op):
    """Whether SDPA-math is worth trying: its fp32 scores, softmax and a copy (12 bytes per score)
    under 40 GB (checked again against free memory when it runs)."""
    scores = op["batch"] * op["heads_q"] * op["seq_q"] * op.get("seq_kv", op["seq_q"])
    return scores * 12 <= 40e9


def math_too_large_reason(op):
    scores = op["batch"] * op["heads_q"] * op["seq_q"] * op.get("seq_kv", op["seq_q"])
    return "SDPA-math not run: its %.0f GB of fp32 scores and softmax do not fit" % (scores * 12 / 1e9)
