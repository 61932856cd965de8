"""A video VAE decoder in PyTorch with random weights, built block by block from the decoder tower that
`vidperf shapes` exports (the "vae" object of a shapes file: include/vidperf/models/vae.hpp lowers the
same list), so the structure measured here is the structure vidperf predicts.

The tower's style says which norm (group, gain-only RMS, parameter-free RMS, CogVideoX's spatial norm),
which resnet convolutions (causal 3x3x3, per-frame 3x3, per-frame 3x3 with a temporal resnet as SVD),
which up-sampler (Wan's time conv + nearest + 3x3, interpolation + 3x3, nearest + causal 3x3x3, conv or
linear to ft*fs^2 times the channels + depth-to-space) and whether time padding is causal. Blocks:
conv, linear, resnet (repeat, optional attention after each), attention (per frame over h x w, or with
`attention_all_frames` over every frame of the chunk under a frame-causal mask as HunyuanVideo), up,
norm_act, act, unpatchify, trim (drops leading frames: Mochi's up-samplers expand every frame, `trim_after`,
and the decoder keeps (T - 1) * t_c + 1 at the end).

The latent is decoded `temporal_chunk` latent frames at a time (0 = all at once). With a causal style
each convolution keeps the last (kernel_t - 1) frames of its input for the next chunk, so the result
equals one causal pass over the whole video; the first chunk's up-samplers drop the ft - 1 leading
frames (the first frame is not repeated). Without a causal style the chunks are decoded independently
(SVD's decode_chunk_size).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def vae_of(doc, scale=1):
    """The "vae" object of a shapes document, channel widths divided by `scale` (smoke runs)."""
    vae = doc.get("vae")
    if not vae:
        raise KeyError("shapes file for %s has no \"vae\" object (written by an older vidperf shapes?)" % doc["model"])
    if scale == 1:
        return vae
    vae = dict(vae)
    dec = dict(vae["decoder"])
    blocks = [dict(b) for b in dec["blocks"]]
    # the latent going in and the pixels coming out keep their channels; hidden widths shrink
    def shrink(c):
        return max(4, c // scale)
    last = max(i for i, b in enumerate(blocks) if b["kind"] in ("conv", "linear"))
    for i, b in enumerate(blocks):
        if i > 0:
            b["c_in"] = shrink(b["c_in"])
        if i != last and b["kind"] != "unpatchify":
            b["c_out"] = shrink(b["c_out"])
        if b["kind"] == "unpatchify":
            b["c_in"] = blocks[last]["c_out"]
    dec["blocks"] = blocks
    vae["decoder"] = dec
    if dec["style"].get("head_dim"):
        dec["style"] = dict(dec["style"], head_dim=max(1, dec["style"]["head_dim"] // scale))
    return vae


class Context:
    """What a chunk's modules share: the causal cache and the chunk's latent (for spatial norms)."""

    def __init__(self):
        self.cache = {}
        self.z = None
        self.first = True


class Conv(nn.Conv3d):
    """A 3-D convolution with vidperf's padding: causal (or symmetric) in time, 'same' in space, or, when
    strided, only what the kernel needs past the end. Causal time padding comes from the cache."""

    def __init__(self, cin, cout, kernel, stride=(1, 1, 1), causal=True, bias=True, **kw):
        super().__init__(cin, cout, kernel, stride=stride, bias=bias, **kw)
        kt, ks = kernel[0], kernel[1]
        self.causal = causal
        if stride[1] > 1:
            self.space = (0, max(0, ks - stride[1]), 0, max(0, ks - stride[2]))
        else:
            self.space = (ks // 2, ks // 2, ks // 2, ks // 2)
        self.kt = kt

    def forward(self, x, ctx):
        if self.kt > 1:
            if self.causal:
                prev = ctx.cache.get(id(self))
                if prev is None:
                    prev = x.new_zeros(x.shape[0], x.shape[1], self.kt - 1, x.shape[3], x.shape[4])
                x = torch.cat((prev, x), dim=2)
                ctx.cache[id(self)] = x[:, :, -(self.kt - 1):].clone()
            else:
                x = F.pad(x, (0, 0, 0, 0, self.kt // 2, self.kt // 2), mode="replicate")
        if any(self.space):
            x = F.pad(x, self.space)
        return super().forward(x)


class ChannelRMSNorm(nn.Module):
    def __init__(self, c, gain=True, **kw):
        super().__init__()
        self.scale = c ** 0.5
        self.weight = nn.Parameter(torch.ones(c, **kw)) if gain else None

    def forward(self, x, ctx=None):
        y = F.normalize(x, dim=1) * self.scale
        if self.weight is not None:
            y = y * self.weight.view((1, -1) + (1,) * (x.dim() - 2))
        return y


class GroupNorm(nn.GroupNorm):
    def __init__(self, c, **kw):
        super().__init__(math.gcd(32, c), c, **kw)

    def forward(self, x, ctx=None):
        return super().forward(x)


class SpatialNorm(nn.Module):
    """CogVideoX's SpatialNorm3D: a group norm modulated by two 1x1x1 convs of the (resized) latent."""

    def __init__(self, c, z, **kw):
        super().__init__()
        self.norm = GroupNorm(c, **kw)
        self.conv_y = nn.Conv3d(z, c, 1, **kw)
        self.conv_b = nn.Conv3d(z, c, 1, **kw)

    def forward(self, x, ctx):
        zq = F.interpolate(ctx.z, size=x.shape[2:], mode="nearest")
        return self.norm(x) * self.conv_y(zq) + self.conv_b(zq)


def make_norm(style, c, z, **kw):
    kind = style["norm"]
    if kind == "group":
        return GroupNorm(c, **kw)
    if kind == "rms_gain":
        return ChannelRMSNorm(c, True, **kw)
    if kind == "rms_plain":
        return ChannelRMSNorm(c, False, **kw)
    if kind == "spatial":
        return SpatialNorm(c, z, **kw)
    raise ValueError("unknown VAE norm '%s'" % kind)


class ResNet(nn.Module):
    def __init__(self, style, cin, cout, z, **kw):
        super().__init__()
        kt = 3 if style["conv"] == "causal_3d" else 1
        causal = style["causal"]
        self.norm1 = make_norm(style, cin, z, **kw)
        self.conv1 = Conv(cin, cout, (kt, 3, 3), causal=causal, **kw)
        self.norm2 = make_norm(style, cout, z, **kw)
        self.conv2 = Conv(cout, cout, (kt, 3, 3), causal=causal, **kw)
        self.short_norm = None
        self.shortcut = None
        if cin != cout:
            if style.get("layernorm_shortcut"):
                self.short_norm = nn.LayerNorm(cin, **kw)
            self.shortcut = Conv(cin, cout, (1, 1, 1), causal=causal, **kw)
        self.temporal = None
        if style["conv"] == "frame_temporal":  # SVD: a temporal resnet and a learned mix
            self.temporal = nn.ModuleList([make_norm(style, cout, z, **kw),
                                           Conv(cout, cout, (3, 1, 1), causal=causal, **kw),
                                           make_norm(style, cout, z, **kw),
                                           Conv(cout, cout, (3, 1, 1), causal=causal, **kw)])
            self.mix = nn.Parameter(torch.zeros((), **kw))

    def forward(self, x, ctx):
        h = self.conv1(F.silu(self.norm1(x, ctx)), ctx)
        h = self.conv2(F.silu(self.norm2(h, ctx)), ctx)
        s = x
        if self.short_norm is not None:
            s = self.short_norm(s.movedim(1, -1)).movedim(-1, 1)
        if self.shortcut is not None:
            s = self.shortcut(s, ctx)
        x = s + h
        if self.temporal is not None:
            n1, c1, n2, c2 = self.temporal
            t = c2(F.silu(n2(c1(F.silu(n1(x, ctx)), ctx), ctx)), ctx)
            a = torch.sigmoid(self.mix)
            x = a * x + (1 - a) * (x + t)
        return x


class FrameAttention(nn.Module):
    """Attention within each frame over its h x w positions, with a residual; with the style's
    `attention_all_frames`, over all frames of the chunk at once, frame i attending to frames <= i."""

    def __init__(self, style, c, z, **kw):
        super().__init__()
        self.all_frames = style.get("attention_all_frames", False)
        self.norm = make_norm(style, c, z, **kw)
        hd = style.get("head_dim") or 0
        self.heads = c // hd if hd and c % hd == 0 else 1
        self.qkv = nn.Linear(c, 3 * c, bias=style.get("qkv_bias", True), **kw)
        self.proj = nn.Linear(c, c, **kw)

    def forward(self, x, ctx):
        b, c, t, h, w = x.shape
        n, s = (b, t * h * w) if self.all_frames else (b * t, h * w)
        y = self.norm(x, ctx).permute(0, 2, 3, 4, 1).reshape(n, s, c)
        q, k, v = self.qkv(y).reshape(n, s, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        mask = None
        if self.all_frames:  # additive frame-causal mask, materialised as the reference code does
            frame = torch.arange(t, device=x.device).repeat_interleave(h * w)
            mask = torch.where(frame[None, :] <= frame[:, None], 0.0, float("-inf")).to(q.dtype)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (n, heads, s, d)
        o = self.proj(o.transpose(1, 2).reshape(n, s, c))
        return x + o.reshape(b, t, h, w, c).permute(0, 4, 1, 2, 3)


def depth_to_space(x, ft, fs, c):
    b, _, t, h, w = x.shape
    x = x.reshape(b, c, ft, fs, fs, t, h, w).permute(0, 1, 5, 2, 6, 3, 7, 4)
    return x.reshape(b, c, t * ft, h * fs, w * fs)


def repeat_frames(x, ft, first):
    """Nearest up-sampling in time; the first chunk's first frame is not repeated."""
    if ft == 1:
        return x
    y = x.repeat_interleave(ft, dim=2)
    return y[:, :, ft - 1:] if first else y


class Up(nn.Module):
    def __init__(self, style, cin, cout, ft, fs, **kw):
        super().__init__()
        self.kind, self.ft, self.fs, self.cout = style["resample"], ft, fs, cout
        self.trim_after = style.get("trim_after", False)
        causal = style["causal"]
        if self.kind == "wan":
            self.time = Conv(cin, ft * cin, (3, 1, 1), causal=causal, **kw) if ft > 1 else None
            self.conv = nn.Conv2d(cin, cout, 3, padding=1, **kw)
        elif self.kind == "frame_2d":
            self.conv = nn.Conv2d(cin, cout, 3, padding=1, **kw)
        elif self.kind == "causal_3d":
            self.conv = Conv(cin, cout, (3, 3, 3), causal=causal, **kw)
        elif self.kind == "conv_d2s":
            self.conv = Conv(cin, cout * ft * fs * fs, (3, 3, 3), causal=causal, **kw)
        elif self.kind == "linear_d2s":
            self.conv = nn.Conv3d(cin, cout * ft * fs * fs, 1, **kw)
        else:
            raise ValueError("unknown VAE up-sampler '%s'" % self.kind)

    def per_frame(self, x):
        b, c, t, h, w = x.shape
        y = F.interpolate(x.transpose(1, 2).reshape(b * t, c, h, w), scale_factor=float(self.fs), mode="nearest")
        y = self.conv(y)
        return y.reshape(b, t, -1, h * self.fs, w * self.fs).transpose(1, 2)

    def forward(self, x, ctx):
        ft = self.ft
        if self.kind == "wan":
            if self.time is not None:
                b, c, t, h, w = x.shape
                y = self.time(x, ctx).reshape(b, ft, c, t, h, w)
                x = y.permute(0, 2, 3, 1, 4, 5).reshape(b, c, t * ft, h, w)
                if ctx.first:
                    x = x[:, :, ft - 1:]
            return self.per_frame(x)
        if self.kind == "frame_2d":
            return self.per_frame(repeat_frames(x, ft, ctx.first))
        if self.kind == "causal_3d":
            x = repeat_frames(x, ft, ctx.first)
            x = x.repeat_interleave(self.fs, dim=3).repeat_interleave(self.fs, dim=4)
            return self.conv(x, ctx)
        y = self.conv(x, ctx) if self.kind == "conv_d2s" else self.conv(x)
        y = depth_to_space(y, ft, self.fs, self.cout)
        return y[:, :, ft - 1:] if ctx.first and ft > 1 and not self.trim_after else y


class NormAct(nn.Module):
    def __init__(self, style, c, z, norm=True, **kw):
        super().__init__()
        self.norm = make_norm(style, c, z, **kw) if norm else None

    def forward(self, x, ctx):
        return F.silu(self.norm(x, ctx) if self.norm is not None else x)


class Unpatchify(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x, ctx):
        b, c, t, h, w = x.shape
        y = F.pixel_shuffle(x.transpose(1, 2).reshape(b * t, c, h, w), self.p)
        return y.reshape(b, t, -1, h * self.p, w * self.p).transpose(1, 2)


class Linear3d(nn.Conv3d):
    def __init__(self, cin, cout, bias=True, **kw):
        super().__init__(cin, cout, 1, bias=bias, **kw)

    def forward(self, x, ctx):
        return super().forward(x)


class Trim(nn.Module):
    """Drops the first `frames` frames of the first chunk (Mochi's drop_last_temporal_frames)."""

    def __init__(self, frames):
        super().__init__()
        self.frames = frames

    def forward(self, x, ctx):
        return x[:, :, self.frames:] if ctx.first else x


class Decoder(nn.Module):
    def __init__(self, vae, **kw):
        super().__init__()
        tower = vae["decoder"]
        style = tower["style"]
        z = vae["latent_channels"]
        self.latent_channels = z
        self.chunk = vae.get("temporal_chunk", 0)
        self.causal = style["causal"]
        mods = []
        for b in tower["blocks"]:
            k, cin, cout = b["kind"], b["c_in"], b["c_out"]
            kt, ks = b["kernel"]
            ft, fs = b["factor"]
            if k == "conv":
                mods.append(Conv(cin, cout, (kt, ks, ks), (ft, fs, fs), causal=self.causal, bias=b["bias"], **kw))
            elif k == "linear":
                mods.append(Linear3d(cin, cout, bias=b["bias"], **kw))
            elif k == "resnet":
                for _ in range(b["repeat"]):
                    mods.append(ResNet(style, cin, cout, z, **kw))
                    if b["attention"]:
                        mods.append(FrameAttention(style, cout, z, **kw))
                    cin = cout
            elif k == "attention":
                mods.append(FrameAttention(style, cin, z, **kw))
            elif k == "up":
                mods.append(Up(style, cin, cout, ft, fs, **kw))
            elif k in ("norm_act", "act"):
                mods.append(NormAct(style, cin, z, norm=k == "norm_act", **kw))
            elif k == "unpatchify":
                mods.append(Unpatchify(fs))
            elif k == "trim":
                mods.append(Trim(ft))
            else:
                raise ValueError("decoder block kind '%s' is not built here" % k)
        self.blocks = nn.ModuleList(mods)

    def _chunk(self, z, ctx):
        ctx.z = z
        x = z
        for m in self.blocks:
            x = m(x, ctx)
        return x

    def forward(self, z):
        t = z.shape[2]
        step = self.chunk if self.chunk > 0 else t
        outs = []
        ctx = Context()
        for i in range(0, t, step):
            if not self.causal:  # independent chunks
                ctx = Context()
            ctx.first = i == 0 or not self.causal
            outs.append(self._chunk(z[:, :, i:i + step], ctx))
        return torch.cat(outs, dim=2)
