"""Denoiser blocks and whole denoisers in PyTorch, with random weights, built from the "denoiser"
and "latent" objects of a `vidperf.shapes/1` file so that they have the structure vidperf lowers
(include/vidperf/models/denoiser.hpp):

  dit-cross          one block: adaLN-modulated self-attention (q/k RMSNorm over the attention width,
                     3-D RoPE), cross-attention to the text tokens (affine LayerNorm before it, q/k
                     RMSNorm), GELU-tanh MLP; a per-block modulation table added to the timestep's six
                     modulation vectors. The whole denoiser adds the patch embedding, the timestep MLP
                     and its projection to 6 D, the text MLP and the modulated output head.
  mmdit-joint        one block: two LayerNormZero (a linear of the timestep embedding to 6 D, affine
                     LayerNorm) around joint attention over [text; video] with shared weights,
                     per-head LayerNorm on q and k, RoPE on the video part, and a GELU-tanh MLP on the
                     joint stream. The whole denoiser adds the patch embedding, the text projection,
                     the timestep MLP and the adaLN output head.
  mmdit-dual-single  a dual-stream block: separate video and text weights (modulation linear to 6 D,
                     qkv, q/k RMSNorm per head, projection, MLP) with joint attention; a single-stream
                     block: one linear to qkv and the MLP input, joint attention, one linear from the
                     attention output and the MLP activation back to D.

Activations are (batch, tokens, width); attention runs in the (batch, heads, tokens, head_dim)
layout of scaled_dot_product_attention. The SDPA backend is chosen by the caller's sdpa_kernel
context.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6, affine=True, device=None, dtype=None):
        super().__init__()
        self.dim = dim
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim, device=device, dtype=dtype)) if affine else None

    def forward(self, x):
        if hasattr(F, "rms_norm"):
            return F.rms_norm(x, (self.dim,), self.weight, self.eps)
        y = x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps).to(x.dtype)
        return y * self.weight if self.weight is not None else y


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


def apply_rope(x, cos, sin):
    """x: (B, N, H, hd); cos, sin: (1, N, 1, hd)."""
    return x * cos + rotate_half(x) * sin


def rope_tables(grid, n, head_dim, device, dtype):
    """cos and sin of a 3-D rotary embedding over the (frames, height, width) token grid: the head
    dimension is split into a temporal part and two spatial parts (hd - 4 (hd // 6), 2 (hd // 6),
    2 (hd // 6)); falls back to 1-D positions when the grid does not give `n` tokens."""
    f, h, w = grid
    half = head_dim // 2
    if f * h * w == n:
        s = 2 * (head_dim // 6)
        dims = [head_dim - 2 * s, s, s]
        axes = [torch.arange(f, device=device), torch.arange(h, device=device), torch.arange(w, device=device)]
        pos = torch.stack(torch.meshgrid(*axes, indexing="ij"), dim=-1).reshape(n, 3).float()
    else:
        dims = [head_dim]
        pos = torch.arange(n, device=device).float()[:, None]
    angles = []
    for i, d in enumerate(dims):
        inv = 1.0 / (10000 ** (torch.arange(0, d, 2, device=device).float() / d))
        angles.append(pos[:, i:i + 1] * inv[None, :])
    ang = torch.cat(angles, dim=-1)[:, :half]
    ang = torch.cat((ang, ang), dim=-1)
    return ang.cos().to(dtype)[None, :, None, :], ang.sin().to(dtype)[None, :, None, :]


def sdpa(q, k, v):
    """(B, N, H, hd) in and out; attention in (B, H, N, hd)."""
    o = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
    return o.transpose(1, 2)


def sinusoid(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat((args.cos(), args.sin()), dim=-1)


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())


class Spec:
    """The denoiser and latent of a shapes file, with defaults for absent fields."""

    def __init__(self, doc):
        d = doc["denoiser"]
        lat = doc["latent"]
        self.family = d["family"]
        self.layers = d["layers"]
        self.single_layers = d.get("single_layers", 0)
        self.D = d["hidden"]
        self.T = d.get("text_hidden", self.D) or self.D
        self.H = d["heads"]
        self.hd = d.get("head_dim") or self.D // self.H
        self.A = self.H * self.hd
        self.ffn = d["ffn"]
        self.text_ffn = d.get("text_ffn", self.ffn) or self.ffn
        self.mlp = d.get("mlp", "gelu")
        self.cin = d.get("in_channels", 16)
        self.cout = d.get("out_channels", 16)
        self.patch = tuple(d.get("patch", [1, 2, 2]))
        self.text_dim = d.get("text_dim", 4096)
        self.L = d.get("text_tokens", 512)
        self.qk_norm = d.get("qk_norm", True)
        self.freq = d.get("time_freq_dim", 256)
        self.te = d.get("time_embed_dim") or self.D
        self.videos = d.get("calls_batch", 1)
        self.N = lat["tokens"]
        self.lat = (lat["channels"], lat["frames"], lat["height"], lat["width"])
        pt, ph, pw = self.patch
        self.grid = (-(-lat["frames"] // pt), lat["height"] // ph, lat["width"] // pw)
        if self.D % self.H and not d.get("head_dim"):
            raise ValueError("hidden is not a multiple of heads")


class MLP(nn.Module):
    def __init__(self, dim, inner, kind, **kw):
        super().__init__()
        self.kind = kind
        if kind == "swiglu":
            self.gate = nn.Linear(dim, inner, bias=False, **kw)
            self.up = nn.Linear(dim, inner, bias=False, **kw)
            self.down = nn.Linear(inner, dim, bias=False, **kw)
        else:
            self.up = nn.Linear(dim, inner, **kw)
            self.down = nn.Linear(inner, dim, **kw)

    def forward(self, x):
        if self.kind == "swiglu":
            return self.down(F.silu(self.gate(x)) * self.up(x))
        return self.down(gelu_tanh(self.up(x)))


# ---------------------------------------------------------------------------- dit-cross (Wan-style)


class CrossBlock(nn.Module):
    def __init__(self, s, **kw):
        super().__init__()
        D, A = s.D, s.A
        self.s = s
        self.modulation = nn.Parameter(torch.randn(1, 6, D, **kw) / D ** 0.5)
        self.norm1 = nn.LayerNorm(D, eps=1e-6, elementwise_affine=False, **kw)
        self.q, self.k, self.v, self.o = (nn.Linear(D, A, **kw) for _ in range(4))
        self.norm_q = RMSNorm(A, **kw) if s.qk_norm else nn.Identity()
        self.norm_k = RMSNorm(A, **kw) if s.qk_norm else nn.Identity()
        self.norm3 = nn.LayerNorm(D, eps=1e-6, elementwise_affine=True, **kw)
        self.cq, self.ck, self.cv, self.co = (nn.Linear(D, A, **kw) for _ in range(4))
        self.cnorm_q = RMSNorm(A, **kw) if s.qk_norm else nn.Identity()
        self.cnorm_k = RMSNorm(A, **kw) if s.qk_norm else nn.Identity()
        self.norm2 = nn.LayerNorm(D, eps=1e-6, elementwise_affine=False, **kw)
        self.ffn = MLP(D, s.ffn, s.mlp, **kw)

    def forward(self, x, e, ctx, cos, sin):
        B, N, _ = x.shape
        H, hd = self.s.H, self.s.hd
        e = (self.modulation + e).chunk(6, dim=1)
        y = self.norm1(x) * (1 + e[1]) + e[0]
        q = apply_rope(self.norm_q(self.q(y)).view(B, N, H, hd), cos, sin)
        k = apply_rope(self.norm_k(self.k(y)).view(B, N, H, hd), cos, sin)
        v = self.v(y).view(B, N, H, hd)
        x = x + self.o(sdpa(q, k, v).reshape(B, N, -1)) * e[2]
        y = self.norm3(x)
        Lc = ctx.shape[1]
        q = self.cnorm_q(self.cq(y)).view(B, N, H, hd)
        k = self.cnorm_k(self.ck(ctx)).view(B, Lc, H, hd)
        v = self.cv(ctx).view(B, Lc, H, hd)
        x = x + self.co(sdpa(q, k, v).reshape(B, N, -1))
        y = self.norm2(x) * (1 + e[4]) + e[3]
        return x + self.ffn(y) * e[5]


# ---------------------------------------------------------------------------- mmdit-joint (CogVideoX-style)


class JointBlock(nn.Module):
    def __init__(self, s, **kw):
        super().__init__()
        D, A = s.D, s.A
        self.s = s
        self.mod1 = nn.Linear(s.te, 6 * D, **kw)
        self.norm1 = nn.LayerNorm(D, eps=1e-5, elementwise_affine=True, **kw)
        self.q, self.k, self.v = (nn.Linear(D, A, **kw) for _ in range(3))
        self.norm_q = nn.LayerNorm(s.hd, eps=1e-6, **kw) if s.qk_norm else nn.Identity()
        self.norm_k = nn.LayerNorm(s.hd, eps=1e-6, **kw) if s.qk_norm else nn.Identity()
        self.o = nn.Linear(A, D, **kw)
        self.mod2 = nn.Linear(s.te, 6 * D, **kw)
        self.norm2 = nn.LayerNorm(D, eps=1e-5, elementwise_affine=True, **kw)
        self.ff = MLP(D, s.ffn, s.mlp, **kw)

    def forward(self, x, c, temb, cos, sin):
        B, N, _ = x.shape
        L = c.shape[1]
        H, hd = self.s.H, self.s.hd
        t = F.silu(temb)
        sh, sc, g, csh, csc, cg = self.mod1(t)[:, None].chunk(6, dim=-1)
        j = torch.cat((self.norm1(c) * (1 + csc) + csh, self.norm1(x) * (1 + sc) + sh), dim=1)
        q = self.norm_q(self.q(j).view(B, L + N, H, hd))
        k = self.norm_k(self.k(j).view(B, L + N, H, hd))
        v = self.v(j).view(B, L + N, H, hd)
        q[:, L:] = apply_rope(q[:, L:], cos, sin)
        k[:, L:] = apply_rope(k[:, L:], cos, sin)
        a = self.o(sdpa(q, k, v).reshape(B, L + N, -1))
        x = x + g * a[:, L:]
        c = c + cg * a[:, :L]
        sh, sc, g, csh, csc, cg = self.mod2(t)[:, None].chunk(6, dim=-1)
        j = torch.cat((self.norm2(c) * (1 + csc) + csh, self.norm2(x) * (1 + sc) + sh), dim=1)
        f = self.ff(j)
        return x + g * f[:, L:], c + cg * f[:, :L]


# ---------------------------------------------------------------------------- mmdit-dual-single (HunyuanVideo-style)


class Stream(nn.Module):
    """The weights of one stream of a dual-stream block."""

    def __init__(self, s, width, ffn, **kw):
        super().__init__()
        self.mod = nn.Linear(s.te, 6 * width, **kw)
        self.norm1 = nn.LayerNorm(width, eps=1e-6, elementwise_affine=False, **kw)
        self.qkv = nn.Linear(width, 3 * s.A, **kw)
        self.norm_q = RMSNorm(s.hd, **kw) if s.qk_norm else nn.Identity()
        self.norm_k = RMSNorm(s.hd, **kw) if s.qk_norm else nn.Identity()
        self.proj = nn.Linear(s.A, width, **kw)
        self.norm2 = nn.LayerNorm(width, eps=1e-6, elementwise_affine=False, **kw)
        self.mlp = MLP(width, ffn, s.mlp, **kw)


class DualBlock(nn.Module):
    def __init__(self, s, **kw):
        super().__init__()
        self.s = s
        self.img = Stream(s, s.D, s.ffn, **kw)
        self.txt = Stream(s, s.T, s.text_ffn, **kw)

    def _qkv(self, st, x, m, cos=None, sin=None):
        B, n, _ = x.shape
        H, hd = self.s.H, self.s.hd
        y = st.norm1(x) * (1 + m[1]) + m[0]
        q, k, v = st.qkv(y).view(B, n, 3, H, hd).unbind(2)
        q, k = st.norm_q(q), st.norm_k(k)
        if cos is not None:
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        return q, k, v

    def forward(self, x, c, vec, cos, sin):
        B, N, _ = x.shape
        L = c.shape[1]
        t = F.silu(vec)
        im = self.img.mod(t)[:, None].chunk(6, dim=-1)
        tm = self.txt.mod(t)[:, None].chunk(6, dim=-1)
        iq, ik, iv = self._qkv(self.img, x, im, cos, sin)
        tq, tk, tv = self._qkv(self.txt, c, tm)
        a = sdpa(torch.cat((iq, tq), 1), torch.cat((ik, tk), 1), torch.cat((iv, tv), 1)).reshape(B, N + L, -1)
        x = x + im[2] * self.img.proj(a[:, :N])
        x = x + im[5] * self.img.mlp(self.img.norm2(x) * (1 + im[4]) + im[3])
        c = c + tm[2] * self.txt.proj(a[:, N:])
        c = c + tm[5] * self.txt.mlp(self.txt.norm2(c) * (1 + tm[4]) + tm[3])
        return x, c


class SingleBlock(nn.Module):
    def __init__(self, s, **kw):
        super().__init__()
        self.s = s
        self.mod = nn.Linear(s.te, 3 * s.D, **kw)
        self.norm = nn.LayerNorm(s.D, eps=1e-6, elementwise_affine=False, **kw)
        self.linear1 = nn.Linear(s.D, 3 * s.A + s.ffn, **kw)
        self.norm_q = RMSNorm(s.hd, **kw) if s.qk_norm else nn.Identity()
        self.norm_k = RMSNorm(s.hd, **kw) if s.qk_norm else nn.Identity()
        self.linear2 = nn.Linear(s.A + s.ffn, s.D, **kw)

    def forward(self, xj, n_video, vec, cos, sin):
        B, J, _ = xj.shape
        H, hd, A = self.s.H, self.s.hd, self.s.A
        sh, sc, g = self.mod(F.silu(vec))[:, None].chunk(3, dim=-1)
        y = self.norm(xj) * (1 + sc) + sh
        qkv, m = self.linear1(y).split((3 * A, self.s.ffn), dim=-1)
        q, k, v = qkv.reshape(B, J, 3, H, hd).unbind(2)
        q, k = self.norm_q(q), self.norm_k(k)
        q = torch.cat((apply_rope(q[:, :n_video], cos, sin), q[:, n_video:]), 1)
        k = torch.cat((apply_rope(k[:, :n_video], cos, sin), k[:, n_video:]), 1)
        a = sdpa(q, k, v).reshape(B, J, A)
        return xj + g * self.linear2(torch.cat((a, gelu_tanh(m)), dim=-1))


# ---------------------------------------------------------------------------- whole denoisers


class CrossDenoiser(nn.Module):
    """dit-cross: one call of the whole denoiser."""

    def __init__(self, s, **kw):
        super().__init__()
        D = s.D
        self.s = s
        self.patch_embedding = nn.Conv3d(s.cin, D, kernel_size=s.patch, stride=s.patch, **kw)
        self.text_embedding = nn.Sequential(nn.Linear(s.text_dim, D, **kw), nn.GELU(approximate="tanh"),
                                            nn.Linear(D, D, **kw))
        self.time_embedding = nn.Sequential(nn.Linear(s.freq, s.te, **kw), nn.SiLU(), nn.Linear(s.te, s.te, **kw))
        self.time_projection = nn.Sequential(nn.SiLU(), nn.Linear(s.te, 6 * D, **kw))
        self.blocks = nn.ModuleList(CrossBlock(s, **kw) for _ in range(s.layers))
        self.head_modulation = nn.Parameter(torch.randn(1, 2, D, **kw) / D ** 0.5)
        self.head_norm = nn.LayerNorm(D, eps=1e-6, elementwise_affine=False, **kw)
        self.head = nn.Linear(D, s.cout * math.prod(s.patch), **kw)

    def forward(self, latent, t, context, cos, sin):
        s = self.s
        B = latent.shape[0]
        x = self.patch_embedding(latent)
        f, h, w = x.shape[2:]
        x = x.flatten(2).transpose(1, 2)
        e = self.time_embedding(sinusoid(t, s.freq).to(x.dtype))
        e0 = self.time_projection(e).unflatten(1, (6, s.D))
        ctx = self.text_embedding(context)
        for blk in self.blocks:
            x = blk(x, e0, ctx, cos, sin)
        sh, sc = (self.head_modulation + e[:, None]).chunk(2, dim=1)
        x = self.head(self.head_norm(x) * (1 + sc) + sh)
        pt, ph, pw = s.patch
        x = x.view(B, f, h, w, pt, ph, pw, s.cout).permute(0, 7, 1, 4, 2, 5, 3, 6)
        return x.reshape(B, s.cout, f * pt, h * ph, w * pw)


class JointDenoiser(nn.Module):
    """mmdit-joint: one call of the whole denoiser."""

    def __init__(self, s, **kw):
        super().__init__()
        D = s.D
        self.s = s
        self.patch_embed = nn.Conv3d(s.cin, D, kernel_size=s.patch, stride=s.patch, **kw)
        self.text_proj = nn.Linear(s.text_dim, D, **kw)
        self.time_embedding = nn.Sequential(nn.Linear(s.freq, s.te, **kw), nn.SiLU(), nn.Linear(s.te, s.te, **kw))
        self.blocks = nn.ModuleList(JointBlock(s, **kw) for _ in range(s.layers))
        self.norm_out_linear = nn.Linear(s.te, 2 * D, **kw)
        self.norm_out = nn.LayerNorm(D, eps=1e-5, elementwise_affine=True, **kw)
        self.proj_out = nn.Linear(D, s.cout * math.prod(s.patch), **kw)

    def forward(self, latent, t, context, cos, sin):
        s = self.s
        B = latent.shape[0]
        x = self.patch_embed(latent)
        f, h, w = x.shape[2:]
        x = x.flatten(2).transpose(1, 2)
        c = self.text_proj(context)
        temb = self.time_embedding(sinusoid(t, s.freq).to(x.dtype))
        for blk in self.blocks:
            x, c = blk(x, c, temb, cos, sin)
        sh, sc = self.norm_out_linear(F.silu(temb))[:, None].chunk(2, dim=-1)
        x = self.proj_out(self.norm_out(x) * (1 + sc) + sh)
        pt, ph, pw = s.patch
        x = x.view(B, f, h, w, pt, ph, pw, s.cout).permute(0, 7, 1, 4, 2, 5, 3, 6)
        return x.reshape(B, s.cout, f * pt, h * ph, w * pw)


# ---------------------------------------------------------------------------- what the caller runs


def make_rope(s, device, dtype):
    return rope_tables(s.grid, s.N, s.hd, device, dtype)


def build(kind, s, device, dtype, videos=1):
    """(module, fn, inputs) for one measured unit: kind is denoiser_block, denoiser_single_block or
    denoiser_step; fn() runs it once on the inputs (created here, random)."""
    kw = {"device": device, "dtype": dtype}
    B = videos
    cos, sin = make_rope(s, device, dtype)

    def rnd(*shape):
        return torch.randn(*shape, device=device, dtype=dtype)

    if kind == "denoiser_step":
        if s.family in ("dit-cross",):
            m = CrossDenoiser(s, **kw).eval()
        elif s.family == "mmdit-joint":
            m = JointDenoiser(s, **kw).eval()
        else:
            raise ValueError("whole-denoiser steps are built for dit-cross and mmdit-joint only, not " + s.family)
        latent = rnd(B, s.cin, s.lat[1], s.lat[2], s.lat[3])
        t = torch.full((B,), 500.0, device=device)
        context = rnd(B, s.L, s.text_dim)
        return m, (lambda: m(latent, t, context, cos, sin)), (latent, t, context, cos, sin)
    x = rnd(B, s.N, s.D)
    if s.family == "dit-cross" and kind == "denoiser_block":
        m = CrossBlock(s, **kw).eval()
        e = rnd(B, 6, s.D)
        ctx = rnd(B, s.L, s.D)
        return m, (lambda: m(x, e, ctx, cos, sin)), (x, e, ctx, cos, sin)
    if s.family == "mmdit-joint" and kind == "denoiser_block":
        m = JointBlock(s, **kw).eval()
        c = rnd(B, s.L, s.D)
        temb = rnd(B, s.te)
        return m, (lambda: m(x, c, temb, cos, sin)), (x, c, temb, cos, sin)
    if s.family == "mmdit-dual-single" and kind == "denoiser_block":
        m = DualBlock(s, **kw).eval()
        c = rnd(B, s.L, s.T)
        vec = rnd(B, s.te)
        return m, (lambda: m(x, c, vec, cos, sin)), (x, c, vec, cos, sin)
    if s.family == "mmdit-dual-single" and kind == "denoiser_single_block":
        m = SingleBlock(s, **kw).eval()
        xj = rnd(B, s.N + s.L, s.D)
        vec = rnd(B, s.te)
        n = s.N
        del x
        return m, (lambda: m(xj, n, vec, cos, sin)), (xj, vec, cos, sin)
    raise ValueError("no %s is built for family %s" % (kind, s.family))


def estimate_flops(kind, s, videos=1):
    """Forward FLOPs of one unit (GEMMs and attention), for time-budget checks."""
    N, L, D, A, Fn = s.N, s.L, s.D, s.A, s.ffn
    mlp = (3 if s.mlp == "swiglu" else 2) * D * Fn
    if s.family == "dit-cross":
        block = 2 * N * (6 * D * A + mlp) + 2 * L * 2 * D * A + 4 * N * N * A + 4 * N * L * A
    elif s.family == "mmdit-joint":
        J = N + L
        block = 2 * J * (4 * D * A + mlp) + 4 * J * J * A
    else:
        J = N + L
        if kind == "denoiser_single_block":
            block = 2 * J * (D * (3 * A + Fn) + (A + Fn) * D) + 4 * J * J * A
        else:
            block = 2 * J * (4 * D * A + mlp) + 4 * J * J * A
    if kind == "denoiser_step":
        return videos * (s.layers * block + 2 * N * D * (s.cin + s.cout) * math.prod(s.patch) + 2 * L * s.text_dim * D)
    return videos * block
