"""A causal 3-D VAE decoder in PyTorch with random weights, built as vidperf lowers one
(include/vidperf/models/vae.hpp):

  conv_in (z -> c0), a mid block (resnet, per-frame single-head attention, resnet), then for each
  level i: res_blocks + 1 resnets (c_i -> c_{i+1}), a temporal up-sampler (a (3,1,1) causal conv to
  twice the channels, folded into twice the frames) and a spatial up-sampler (nearest 2x and a
  per-frame 3x3 conv, to half the width when the up-samplers halve), then norm, SiLU and conv_out
  (-> 3 channels). A resnet is norm, SiLU, 3x3x3 causal conv, norm, SiLU, 3x3x3 causal conv, and a
  1x1x1 shortcut when the width changes. Norms are channel RMS norms with a weight.

The latent is decoded `temporal_chunk` latent frames at a time (0 = all at once) through a causal
feature cache: each causal convolution keeps the last (kernel_t - 1) frames of its input for the
next chunk, so the result equals one causal pass over the whole video; the first chunk's temporal
up-sampler passes its frames through (the first frame is not duplicated).

The structures of the presets' VAEs (include/vidperf/models/presets.hpp) that the shapes file does
not carry are listed in VAE_SPECS; a shapes file with a "vae" object overrides them.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

WAN21_VAE = {
    "name": "wan2.1-vae",
    "latent_channels": 16,
    "levels": 4,
    "channels": [384, 384, 384, 192, 96],
    "temporal_up": [True, True, False, False],
    "spatial_up": [True, True, True, False],
    "res_blocks": 2,
    "upsample_halves": True,
    "mid_attention": True,
    "temporal_chunk": 1,
    "temporal_kernel": 3,
}

# model slug -> VAE structure (mirrors presets.hpp)
VAE_SPECS = {
    "wan2.1-t2v-1.3b": WAN21_VAE,
    "wan2.1-t2v-14b": WAN21_VAE,
    "wan2.1-i2v-14b": WAN21_VAE,
}


def vae_spec(doc, scale=1):
    """The VAE structure for a shapes document; channel widths divided by `scale` (smoke runs)."""
    spec = dict(doc.get("vae") or VAE_SPECS.get(doc["model"]) or {})
    if not spec:
        raise KeyError("no VAE structure known for " + doc["model"])
    if scale > 1:
        spec["channels"] = [max(4, (c // scale) // 2 * 2) for c in spec["channels"]]
    return spec


class ChannelRMSNorm(nn.Module):
    def __init__(self, c, **kw):
        super().__init__()
        self.scale = c ** 0.5
        self.weight = nn.Parameter(torch.ones(c, **kw))

    def forward(self, x):
        shape = (1, -1) + (1,) * (x.dim() - 2)
        return F.normalize(x, dim=1) * (self.scale * self.weight.view(shape))


class CausalConv3d(nn.Conv3d):
    """A 3-D convolution, causal in time; spatially padded to keep the size."""

    def __init__(self, cin, cout, kernel, **kw):
        super().__init__(cin, cout, kernel, padding=(0, kernel[1] // 2, kernel[2] // 2), **kw)
        self.kt = kernel[0]

    def forward(self, x, cache):
        if self.kt > 1:
            prev = cache.get(id(self))
            if prev is None:
                prev = x.new_zeros(x.shape[0], x.shape[1], self.kt - 1, x.shape[3], x.shape[4])
            x = torch.cat((prev, x), dim=2)
            cache[id(self)] = x[:, :, -(self.kt - 1):].clone()
        return super().forward(x)


class ResNet(nn.Module):
    def __init__(self, cin, cout, kt, **kw):
        super().__init__()
        self.norm1 = ChannelRMSNorm(cin, **kw)
        self.conv1 = CausalConv3d(cin, cout, (kt, 3, 3), **kw)
        self.norm2 = ChannelRMSNorm(cout, **kw)
        self.conv2 = CausalConv3d(cout, cout, (kt, 3, 3), **kw)
        self.shortcut = CausalConv3d(cin, cout, (1, 1, 1), **kw) if cin != cout else None

    def forward(self, x, cache):
        h = self.conv1(F.silu(self.norm1(x)), cache)
        h = self.conv2(F.silu(self.norm2(h)), cache)
        return (self.shortcut(x, cache) if self.shortcut is not None else x) + h


class FrameAttention(nn.Module):
    """Single-head attention within each frame over its h x w positions, with a residual."""

    def __init__(self, c, **kw):
        super().__init__()
        self.norm = ChannelRMSNorm(c, **kw)
        self.qkv = nn.Conv2d(c, 3 * c, 1, **kw)
        self.proj = nn.Conv2d(c, c, 1, **kw)

    def forward(self, x):
        b, c, t, h, w = x.shape
        y = self.norm(x).transpose(1, 2).reshape(b * t, c, h, w)
        q, k, v = self.qkv(y).reshape(b * t, 3, c, h * w).permute(1, 0, 3, 2).unbind(0)
        o = F.scaled_dot_product_attention(q[:, None], k[:, None], v[:, None])[:, 0]  # (bt, hw, c)
        o = self.proj(o.transpose(1, 2).reshape(b * t, c, h, w))
        return x + o.reshape(b, t, c, h, w).transpose(1, 2)


class UpTime(nn.Module):
    def __init__(self, c, **kw):
        super().__init__()
        self.conv = CausalConv3d(c, 2 * c, (3, 1, 1), **kw)

    def forward(self, x, cache, first):
        b, c, t, h, w = x.shape
        if first and t == 1:  # the first frame passes through and feeds the cache
            cache[id(self.conv)] = torch.cat((torch.zeros_like(x), x), dim=2)
            return x
        y = self.conv(x, cache).reshape(b, 2, c, t, h, w)
        y = torch.stack((y[:, 0], y[:, 1]), dim=3).reshape(b, c, 2 * t, h, w)
        if first:  # the first frame is not duplicated
            return torch.cat((x[:, :, :1], y[:, :, 2:]), dim=2)
        return y


class UpSpace(nn.Module):
    def __init__(self, cin, cout, **kw):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, **kw)

    def forward(self, x):
        b, c, t, h, w = x.shape
        y = x.transpose(1, 2).reshape(b * t, c, h, w)
        y = self.conv(F.interpolate(y, scale_factor=2.0, mode="nearest"))
        return y.reshape(b, t, -1, 2 * h, 2 * w).transpose(1, 2)


class Decoder(nn.Module):
    def __init__(self, spec, **kw):
        super().__init__()
        ch = spec["channels"]
        kt = spec.get("temporal_kernel", 3)
        self.chunk = spec.get("temporal_chunk", 0)
        self.conv_in = CausalConv3d(spec["latent_channels"], ch[0], (kt, 3, 3), **kw)
        self.mid = nn.ModuleList()
        if spec.get("mid_attention", True):
            self.mid = nn.ModuleList([ResNet(ch[0], ch[0], kt, **kw), FrameAttention(ch[0], **kw),
                                      ResNet(ch[0], ch[0], kt, **kw)])
        self.levels = nn.ModuleList()
        for i in range(spec["levels"]):
            cin, cout = ch[i], ch[i + 1]
            if spec.get("upsample_halves") and i > 0:
                cin //= 2
            level = nn.ModuleList(ResNet(cin if r == 0 else cout, cout, kt, **kw)
                                  for r in range(spec["res_blocks"] + 1))
            if spec["temporal_up"][i]:
                level.append(UpTime(cout, **kw))
            if spec["spatial_up"][i]:
                level.append(UpSpace(cout, cout // 2 if spec.get("upsample_halves") else cout, **kw))
            self.levels.append(level)
        last = ch[spec["levels"]]
        self.norm_out = ChannelRMSNorm(last, **kw)
        self.conv_out = CausalConv3d(last, 3, (kt, 3, 3), **kw)

    def _chunk(self, z, cache, first):
        x = self.conv_in(z, cache)
        for m in self.mid:
            x = m(x) if isinstance(m, FrameAttention) else m(x, cache)
        for level in self.levels:
            for m in level:
                if isinstance(m, UpTime):
                    x = m(x, cache, first)
                elif isinstance(m, UpSpace):
                    x = m(x)
                else:
                    x = m(x, cache)
        return self.conv_out(F.silu(self.norm_out(x)), cache)

    def forward(self, z):
        t = z.shape[2]
        step = self.chunk if self.chunk > 0 else t
        cache = {}
        outs = [self._chunk(z[:, :, i:i + step], cache, i == 0) for i in range(0, t, step)]
        return torch.cat(outs, dim=2)
