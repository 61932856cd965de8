#pragma once
/// \file
/// A UNet with temporal layers (Stable Video Diffusion's
/// UNetSpatioTemporalConditionModel) lowered to ops.
///
/// Down path: per level, `layers_per_block` spatio-temporal res blocks (a 2-D
/// ResNet block and a temporal (3,1,1) ResNet block) each followed, on
/// attention levels, by a spatio-temporal transformer (a spatial block over
/// h x w tokens per frame and a temporal block over the frames at each
/// position, both with cross-attention to the conditioning tokens), then a
/// stride-2 down-sampler. Mid: res block, transformer, res block. Up path:
/// `layers_per_block + 1` res blocks per level on the concatenated skip, with
/// transformers on attention levels, then a nearest up-sampler and 3x3 conv.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/workload.hpp>

namespace vidperf {

struct unet_spec {
    std::array<extent, 4> channels{320, 640, 1280, 1280};
    std::array<bool, 4> attention{true, true, true, false}; ///< down level i has transformers (up mirrors it)
    extent layers_per_block = 2;
    extent head_dim = 64;
    extent cross_dim = 1024;   ///< conditioning width (CLIP image embedding)
    extent cross_tokens = 1;   ///< conditioning tokens
    extent in_channels = 8;    ///< noisy latent + conditioning latent
    extent out_channels = 4;
    extent time_embed_dim = 1280;
    extent added_time_ids = 3; ///< fps, motion bucket, noise augmentation (256 features each)
    extent groups = 32;        ///< GroupNorm groups
};

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

/// A 2-D ResNet block then a temporal ResNet block, both taking the time embedding.
inline void st_resblock(stage_builder& b, const unet_spec& u, extent videos, extent cin, extent cout, extent f,
                        extent h, extent w) {
    const extent px = videos * f * h * w;
    b.norm(pointwise_kind::layernorm, px, cin, 2); // GroupNorm
    b.elementwise(px * cin, 1, 1, 4);
    b.conv(conv2(videos, cin, cout, f, h, w));
    b.linear(videos * f, u.time_embed_dim, cout); // time embedding projection
    b.norm(pointwise_kind::layernorm, px, cout, 2);
    b.elementwise(px * cout, 1, 1, 4);
    b.conv(conv2(videos, cout, cout, f, h, w));
    if (cin != cout) b.conv(conv2(videos, cin, cout, f, h, w, 1, 1, 1));
    // temporal block: (3, 1, 1) convolutions over the frames
    b.norm(pointwise_kind::layernorm, px, cout, 2);
    b.conv(conv2(videos, cout, cout, f, h, w, 1, 3, 1));
    b.linear(videos * f, u.time_embed_dim, cout);
    b.norm(pointwise_kind::layernorm, px, cout, 2);
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
    const extent heads = c / u.head_dim;
    b.norm(pointwise_kind::layernorm, rows, c, 2);
    b.linear(rows, c, c, false);
    b.linear(rows, c, c, false);
    b.linear(rows, c, c, false);
    attention_op self;
    self.batch = groups;
    self.heads_q = heads;
    self.seq_q = seq;
    self.head_dim = u.head_dim;
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
    cross.head_dim = u.head_dim;
    cross.kernel = k;
    b.attention(cross);
    b.linear(rows, c, c);
    b.norm(pointwise_kind::layernorm, rows, c, 2);
    geglu(b, rows, c);
}

/// Spatial transformer over each frame, temporal transformer over each position.
inline void st_transformer(stage_builder& b, const unet_spec& u, extent videos, extent c, extent f, extent h,
                           extent w, attention_kernel k) {
    const extent rows = videos * f * h * w;
    b.norm(pointwise_kind::layernorm, rows, c, 2); // GroupNorm
    b.linear(rows, c, c);                          // proj_in
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

/// One UNet call on `videos` latent clips of shape `lat`.
[[nodiscard]] inline stage lower_unet(const unet_spec& u, const latent_shape& lat, extent videos,
                                      const video_workload& wl, double calls) {
    detail::require_positive(static_cast<double>(u.layers_per_block), "lower_unet", "layers_per_block");
    stage_builder b("denoiser", "denoiser", wl.compute, wl.weights);
    const extent f = lat.frames;
    extent h = lat.height, w = lat.width;
    const attention_kernel k = wl.attention;
    // timestep and added-time-id embeddings
    b.linear(videos, u.channels[0], u.time_embed_dim);
    b.linear(videos, u.time_embed_dim, u.time_embed_dim);
    b.linear(videos, 256 * u.added_time_ids, u.time_embed_dim);
    b.linear(videos, u.time_embed_dim, u.time_embed_dim);
    b.conv(detail::conv2(videos, u.in_channels, u.channels[0], f, h, w));
    std::array<extent, 4> skip_h{}, skip_w{};
    extent c = u.channels[0];
    std::vector<extent> skips{c}; // widths of the tensors the up path concatenates
    for (std::size_t i = 0; i < 4; ++i) {
        const extent out = u.channels[i];
        for (extent l = 0; l < u.layers_per_block; ++l) {
            detail::st_resblock(b, u, videos, c, out, f, h, w);
            if (u.attention[i]) detail::st_transformer(b, u, videos, out, f, h, w, k);
            c = out;
            skips.push_back(c);
        }
        skip_h[i] = h;
        skip_w[i] = w;
        if (i < 3) {
            b.conv(detail::conv2(videos, c, c, f, h, w, 2));
            h = (h + 1) / 2;
            w = (w + 1) / 2;
            skips.push_back(c);
        }
    }
    detail::st_resblock(b, u, videos, c, c, f, h, w);
    detail::st_transformer(b, u, videos, c, f, h, w, k);
    detail::st_resblock(b, u, videos, c, c, f, h, w);
    for (std::size_t lvl = 0; lvl < 4; ++lvl) {
        const std::size_t i = 3 - lvl;
        const extent out = u.channels[i];
        for (extent l = 0; l <= u.layers_per_block; ++l) {
            const extent skip = skips.back();
            skips.pop_back();
            detail::st_resblock(b, u, videos, c + skip, out, f, h, w);
            if (u.attention[i]) detail::st_transformer(b, u, videos, out, f, h, w, k);
            c = out;
        }
        if (i > 0) {
            h = skip_h[i - 1];
            w = skip_w[i - 1];
            b.elementwise(videos * f * h * w * c, 1, 1, 0); // nearest up-sampling
            b.conv(detail::conv2(videos, c, c, f, h, w));
        }
    }
    b.norm(pointwise_kind::layernorm, videos * f * h * w, c, 2);
    b.elementwise(videos * f * h * w * c, 1, 1, 4);
    b.conv(detail::conv2(videos, c, u.out_channels, f, h, w));
    // the skip tensors of the whole down path stay alive until the up path uses them
    double skip_bytes = 0;
    extent sh = lat.height, sw = lat.width;
    for (std::size_t i = 0; i < 4; ++i) {
        skip_bytes += static_cast<double>(u.layers_per_block + (i < 3 ? 1 : 0)) * static_cast<double>(videos * f) *
                      static_cast<double>(sh * sw) * static_cast<double>(u.channels[i]) * size_bytes(wl.compute);
        sh = (sh + 1) / 2;
        sw = (sw + 1) / 2;
    }
    b.resident(skip_bytes);
    return b.finish(calls);
}

} // namespace vidperf
