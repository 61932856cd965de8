#pragma once
/// \file
/// UNet denoisers lowered to ops: the 2-D UNet of image models (diffusers'
/// UNet2DConditionModel: Stable Diffusion 1.x, SDXL) and the same UNet with
/// temporal layers (Stable Video Diffusion's UNetSpatioTemporalConditionModel).
///
/// Down path: per level, `layers_per_block` res blocks each followed, on
/// attention levels, by a transformer, then a stride-2 down-sampler (not after
/// the last level). Mid: res block, transformer, res block. Up path:
/// `layers_per_block + 1` res blocks per level on the concatenated skip, with
/// transformers on attention levels, then a nearest up-sampler and 3x3 conv
/// (not after the last level).
///
/// 2-D: a res block is GroupNorm, SiLU, 3x3 conv, the time-embedding
/// projection, GroupNorm, SiLU, 3x3 conv (+ a 1x1 shortcut when the width
/// changes); a transformer is GroupNorm, proj_in, `transformer_layers[level]`
/// blocks (self-attention over the h x w tokens, cross-attention to the text,
/// GEGLU feed-forward), proj_out.
/// Temporal: each res block is followed by a temporal (3,1,1) res block, and
/// each transformer's spatial block by a temporal block over the frames at
/// each position, with a learned blend of the two paths.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/workload.hpp>

namespace vidperf {

struct unet_spec {
    extent levels = 4;                                      ///< resolution levels, 1 to 4 (SDXL: 3)
    std::array<extent, 4> channels{320, 640, 1280, 1280};
    std::array<bool, 4> attention{true, true, true, false}; ///< down level i has transformers (up mirrors it)
    std::array<extent, 4> transformer_layers{1, 1, 1, 1};   ///< blocks per transformer at level i; mid: the last level's
    extent layers_per_block = 2;
    extent head_dim = 64;      ///< head width on every level, when `heads` is 0
    extent heads = 0;          ///< heads on every level (SD 1.x: 8, so 40 to 160 wide); 0 = `head_dim` wide heads
    extent cross_dim = 1024;   ///< conditioning width (CLIP image embedding)
    extent cross_tokens = 1;   ///< conditioning tokens
    extent in_channels = 8;    ///< noisy latent + conditioning latent
    extent out_channels = 4;
    extent time_embed_dim = 1280;
    extent added_time_ids = 3; ///< SVD: fps, motion bucket, noise augmentation; SDXL: 6 size and crop ids (256 features each)
    extent added_pooled = 0;   ///< pooled text width joined to the time ids (SDXL: 1280)
    extent groups = 32;        ///< GroupNorm groups
};

/// Width of one attention head at a level `c` channels wide.
[[nodiscard]] constexpr extent unet_head_dim(const unet_spec& u, extent c) noexcept {
    return u.heads > 0 ? c / u.heads : u.head_dim;
}

namespace detail {

inline conv_op conv2(extent n, extent cin, extent cout, extent t, extent h, extent w, extent stride = 1,
                     extent kt = 1, extent ks = 3) {
    conv_op c;
    c.batch = n;
    c.c_in = cin;
    c.c_out = cout;
    c.input = {t, h, w};
    c.kernel = {kt, ks, ks};
    c.stride = {1, stride, stride};
    c.pad_before = c.pad_after = {kt / 2, ks / 2, ks / 2};
    return c;
}

/// A 2-D ResNet block taking the time embedding, then (temporal UNets) a temporal ResNet block.
inline void st_resblock(stage_builder& b, const unet_spec& u, extent videos, extent cin, extent cout, extent f,
                        extent h, extent w, bool temporal) {
    const extent px = videos * f * h * w;
    b.group_norm(videos * f, h * w, cin, u.groups, 2); // per frame: frames are the 2-D UNet's batch
    b.elementwise(px * cin, 1, 1, 4);
    b.conv(conv2(videos, cin, cout, f, h, w));
    b.linear(videos * f, u.time_embed_dim, cout); // time embedding projection
    b.group_norm(videos * f, h * w, cout, u.groups, 2);
    b.elementwise(px * cout, 1, 1, 4);
    b.conv(conv2(videos, cout, cout, f, h, w));
    if (cin != cout) b.conv(conv2(videos, cin, cout, f, h, w, 1, 1, 1));
    if (!temporal) {
        b.elementwise(px * cout, 2, 1, 1); // residual
        return;
    }
    // temporal block: (3, 1, 1) convolutions over the frames, GroupNorms over each video's frames
    b.group_norm(videos, f * h * w, cout, u.groups, 2);
    b.conv(conv2(videos, cout, cout, f, h, w, 1, 3, 1));
    b.linear(videos * f, u.time_embed_dim, cout);
    b.group_norm(videos, f * h * w, cout, u.groups, 2);
    b.conv(conv2(videos, cout, cout, f, h, w, 1, 3, 1));
    b.elementwise(px * cout, 3, 1, 3); // learned blend of the spatial and temporal paths
    b.parameters(1);
}

inline void geglu(stage_builder& b, extent rows, extent c) {
    b.linear(rows, c, 8 * c);
    b.elementwise(rows * 4 * c, 2, 1, 9);
    b.linear(rows, 4 * c, c);
}

inline void attention_block(stage_builder& b, const unet_spec& u, extent groups, extent seq, extent rows, extent c,
                            extent cond_rows, extent cond_batch, attention_kernel k) {
    const extent hd = unet_head_dim(u, c);
    const extent heads = c / hd;
    b.norm(pointwise_kind::layernorm, rows, c, 2);
    b.linear(rows, c, c, false);
    b.linear(rows, c, c, false);
    b.linear(rows, c, c, false);
    attention_op self;
    self.batch = groups;
    self.heads_q = heads;
    self.seq_q = seq;
    self.head_dim = hd;
    self.kernel = k;
    b.attention(self);
    b.linear(rows, c, c);
    b.norm(pointwise_kind::layernorm, rows, c, 2);
    b.linear(rows, c, c, false);
    b.linear(cond_rows, u.cross_dim, c, false);
    b.linear(cond_rows, u.cross_dim, c, false);
    attention_op cross;
    cross.batch = cond_batch;
    cross.heads_q = heads;
    cross.seq_q = rows / cond_batch;
    cross.seq_kv = u.cross_tokens;
    cross.head_dim = hd;
    cross.kernel = k;
    b.attention(cross);
    b.linear(rows, c, c);
    b.norm(pointwise_kind::layernorm, rows, c, 2);
    geglu(b, rows, c);
}

/// 2-D: `blocks` transformer blocks over each frame's h x w tokens. Temporal: a spatial block over each
/// frame, then a temporal block over each position.
inline void st_transformer(stage_builder& b, const unet_spec& u, extent videos, extent c, extent f, extent h,
                           extent w, attention_kernel k, bool temporal, extent blocks) {
    const extent rows = videos * f * h * w;
    b.group_norm(videos * f, h * w, c, u.groups, 2);
    b.linear(rows, c, c);                          // proj_in (a 1x1 convolution in SD 1.x: the same work)
    if (!temporal) {
        for (extent i = 0; i < blocks; ++i)
            attention_block(b, u, videos * f, h * w, rows, c, videos * f * u.cross_tokens, videos * f, k);
        b.linear(rows, c, c);               // proj_out
        b.elementwise(rows * c, 2, 1, 1);   // residual
        return;
    }
    // spatial block: h*w tokens per frame, conditioning per frame
    attention_block(b, u, videos * f, h * w, rows, c, videos * f * u.cross_tokens, videos * f, k);
    // temporal position embedding MLP and the temporal block (with its own input feed-forward)
    b.linear(videos * f, c, 4 * c);
    b.linear(videos * f, 4 * c, c);
    b.norm(pointwise_kind::layernorm, rows, c, 2);
    geglu(b, rows, c);
    attention_block(b, u, videos * h * w, f, rows, c, videos * h * w * u.cross_tokens, videos * h * w, k);
    b.elementwise(rows * c, 3, 1, 3); // blend
    b.parameters(1);
    b.linear(rows, c, c); // proj_out
}

} // namespace detail

/// Refuses a UNet the lowering cannot describe, naming the field.
inline void validate(const unet_spec& u) {
    constexpr std::string_view where = "unet_spec";
    if (u.levels < 1 || u.levels > 4)
        detail::raise(errc::out_of_range, where, "field 'levels' must be 1 to 4, got " + std::to_string(u.levels));
    detail::require_positive(static_cast<double>(u.layers_per_block), where, "layers_per_block");
    for (std::size_t i = 0; i < static_cast<std::size_t>(u.levels); ++i) {
        detail::require_positive(static_cast<double>(u.channels[i]), where, "channels");
        if (u.attention[i] || i + 1 == static_cast<std::size_t>(u.levels))
            detail::require_positive(static_cast<double>(u.transformer_layers[i]), where, "transformer_layers");
        const extent hd = unet_head_dim(u, u.channels[i]);
        if (hd <= 0 || u.channels[i] % hd != 0)
            detail::raise(errc::inconsistent, where,
                          "level " + std::to_string(i) + " is " + std::to_string(u.channels[i]) +
                              " channels wide, which heads of width " + std::to_string(hd) + " do not divide");
    }
}

/// One UNet call on `videos` latent clips of shape `lat`; `temporal` adds the temporal layers.
[[nodiscard]] inline stage lower_unet(const unet_spec& u, const latent_shape& lat, extent videos,
                                      const video_workload& wl, double calls, bool temporal = true) {
    validate(u);
    stage_builder b("denoiser", "denoiser", wl.compute, wl.weights);
    const extent f = lat.frames;
    extent h = lat.height, w = lat.width;
    const attention_kernel k = wl.attention;
    const auto levels = static_cast<std::size_t>(u.levels);
    // timestep embedding, and the added embedding of the time ids (with SDXL's pooled text)
    b.linear(videos, u.channels[0], u.time_embed_dim);
    b.linear(videos, u.time_embed_dim, u.time_embed_dim);
    if (u.added_time_ids > 0 || u.added_pooled > 0) {
        b.linear(videos, 256 * u.added_time_ids + u.added_pooled, u.time_embed_dim);
        b.linear(videos, u.time_embed_dim, u.time_embed_dim);
    }
    b.conv(detail::conv2(videos, u.in_channels, u.channels[0], f, h, w));
    std::array<extent, 4> skip_h{}, skip_w{};
    extent c = u.channels[0];
    std::vector<extent> skips{c}; // widths of the tensors the up path concatenates
    for (std::size_t i = 0; i < levels; ++i) {
        const extent out = u.channels[i];
        for (extent l = 0; l < u.layers_per_block; ++l) {
            detail::st_resblock(b, u, videos, c, out, f, h, w, temporal);
            if (u.attention[i])
                detail::st_transformer(b, u, videos, out, f, h, w, k, temporal, u.transformer_layers[i]);
            c = out;
            skips.push_back(c);
        }
        skip_h[i] = h;
        skip_w[i] = w;
        if (i + 1 < levels) {
            b.conv(detail::conv2(videos, c, c, f, h, w, 2));
            h = (h + 1) / 2;
            w = (w + 1) / 2;
            skips.push_back(c);
        }
    }
    detail::st_resblock(b, u, videos, c, c, f, h, w, temporal);
    detail::st_transformer(b, u, videos, c, f, h, w, k, temporal, u.transformer_layers[levels - 1]);
    detail::st_resblock(b, u, videos, c, c, f, h, w, temporal);
    for (std::size_t lvl = 0; lvl < levels; ++lvl) {
        const std::size_t i = levels - 1 - lvl;
        const extent out = u.channels[i];
        for (extent l = 0; l <= u.layers_per_block; ++l) {
            const extent skip = skips.back();
            skips.pop_back();
            detail::st_resblock(b, u, videos, c + skip, out, f, h, w, temporal);
            if (u.attention[i])
                detail::st_transformer(b, u, videos, out, f, h, w, k, temporal, u.transformer_layers[i]);
            c = out;
        }
        if (i > 0) {
            h = skip_h[i - 1];
            w = skip_w[i - 1];
            b.elementwise(videos * f * h * w * c, 1, 1, 0); // nearest up-sampling
            b.conv(detail::conv2(videos, c, c, f, h, w));
        }
    }
    b.group_norm(videos * f, h * w, c, u.groups, 2); // conv_norm_out
    b.elementwise(videos * f * h * w * c, 1, 1, 4);
    b.conv(detail::conv2(videos, c, u.out_channels, f, h, w));
    // the skip tensors of the whole down path stay alive until the up path uses them
    double skip_bytes = 0;
    extent sh = lat.height, sw = lat.width;
    for (std::size_t i = 0; i < levels; ++i) {
        skip_bytes += static_cast<double>(u.layers_per_block + (i + 1 < levels ? 1 : 0)) *
                      static_cast<double>(videos * f) * static_cast<double>(sh * sw) *
                      static_cast<double>(u.channels[i]) * size_bytes(wl.compute);
        sh = (sh + 1) / 2;
        sw = (sw + 1) / 2;
    }
    b.resident(skip_bytes);
    return b.finish(calls);
}

} // namespace vidperf
