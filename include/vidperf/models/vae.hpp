#pragma once
/// \file
/// A causal 3-D VAE (the Wan / CogVideoX / HunyuanVideo / Mochi family) as
/// levels of residual blocks of 3-D convolutions with spatial and temporal
/// up-sampling, lowered to ops for decode and encode.
///
/// Decoder, from the latent up:
///   conv_in (z -> c0), mid block (2 resnets and one per-frame attention),
///   for each level i: (res_blocks + 1) resnets c_i -> c_{i+1}, then an
///   up-sampler (2x spatial: nearest + 3x3 conv; 2x temporal: a (3,1,1) conv
///   to twice the channels), then norm, SiLU and conv_out (-> 3 channels).
/// A resnet is norm, SiLU, 3x3x3 conv, norm, SiLU, 3x3x3 conv, and a 1x1x1
/// shortcut when the width changes. Causal temporal padding puts all of it
/// before the first frame.
///
/// Tiling and temporal chunking: the work is the same (overlap ignored); the
/// peak activation is that of one tile or chunk instead of the whole video.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/workload.hpp>

namespace vidperf {

struct vae_spec {
    std::string_view name;
    extent latent_channels = 16;
    int levels = 4;
    /// Decoder widths from the latent side: channels[0] at the latent
    /// resolution, channels[i + 1] after level i.
    std::array<extent, 5> channels{512, 512, 512, 256, 128};
    std::array<bool, 4> temporal_up{true, true, false, false}; ///< level i doubles frames
    std::array<bool, 4> spatial_up{true, true, true, false};   ///< level i doubles height and width
    extent res_blocks = 2;          ///< encoder res blocks per level (decoder runs res_blocks + 1)
    bool upsample_halves = false;   ///< the up-sampler's conv halves the width (Wan)
    bool mid_attention = true;
    extent temporal_compression = 4;
    extent spatial_compression = 8;
    /// Latent frames decoded per chunk with a causal feature cache (Wan decodes one latent frame at a
    /// time, diffusers' CogVideoX two); 0 = the whole video at once.
    extent temporal_chunk = 0;
    /// Temporal extent of the residual blocks' convolutions: 3 for causal 3-D VAEs, 1 for an image VAE
    /// run per frame (SVD's temporal decoder: its extra temporal layers are not modelled).
    extent temporal_kernel = 3;
};

struct vae_tiling {
    bool enabled = false;
    extent tile_frames = 0; ///< latent frames per tile; 0 = all
    extent tile_height = 0; ///< latent rows per tile (e.g. 32 = 256 px at 8x); 0 = all
    extent tile_width = 0;
};

namespace detail {

inline conv_op conv3(extent videos, extent cin, extent cout, extent t, extent h, extent w, extent kt = 3,
                     extent ks = 3) {
    conv_op c;
    c.batch = videos;
    c.c_in = cin;
    c.c_out = cout;
    c.input = {t, h, w};
    c.kernel = {kt, ks, ks};
    c.pad_before = {kt - 1, ks / 2, ks / 2}; // causal in time
    c.pad_after = {0, ks / 2, ks / 2};
    return c;
}

inline void resnet(stage_builder& b, extent videos, extent cin, extent cout, extent t, extent h, extent w,
                   extent kt = 3) {
    const extent px = videos * t * h * w;
    b.norm(pointwise_kind::rmsnorm, px, cin, 1);
    b.elementwise(px * cin, 1, 1, 4); // SiLU
    b.conv(conv3(videos, cin, cout, t, h, w, kt));
    b.norm(pointwise_kind::rmsnorm, px, cout, 1);
    b.elementwise(px * cout, 1, 1, 4);
    b.conv(conv3(videos, cout, cout, t, h, w, kt));
    if (cin != cout) b.conv(conv3(videos, cin, cout, t, h, w, 1, 1));
    b.elementwise(px * cout, 2, 1, 1); // residual
}

} // namespace detail

/// VAE decode of `videos` latents of shape `lat`, as one stage.
[[nodiscard]] inline stage lower_vae_decode(const vae_spec& v, const latent_shape& lat, extent videos, dtype compute,
                                            const vae_tiling& tiling) {
    detail::require_positive(static_cast<double>(v.latent_channels), "lower_vae_decode", "latent_channels");
    stage_builder b("vae_decode", "vae", compute, compute);
    extent t = lat.frames, h = lat.height, w = lat.width;
    b.conv(detail::conv3(videos, v.latent_channels, v.channels[0], t, h, w, v.temporal_kernel));
    if (v.mid_attention) {
        const extent c = v.channels[0];
        detail::resnet(b, videos, c, c, t, h, w, v.temporal_kernel);
        b.norm(pointwise_kind::rmsnorm, videos * t * h * w, c, 1);
        b.linear(videos * t * h * w, c, 3 * c); // 1x1 q, k, v
        attention_op a;
        a.batch = videos * t; // per frame
        a.heads_q = 1;
        a.seq_q = h * w;
        a.head_dim = c;
        a.kernel = attention_kernel::sdpa_efficient;
        b.attention(a);
        b.linear(videos * t * h * w, c, c);
        detail::resnet(b, videos, c, c, t, h, w, v.temporal_kernel);
    }
    double peak_px = static_cast<double>(t * h * w);
    for (int i = 0; i < v.levels; ++i) {
        extent cin = v.channels[static_cast<std::size_t>(i)];
        const extent cout = v.channels[static_cast<std::size_t>(i) + 1];
        if (v.upsample_halves && i > 0) cin = cin / 2;
        for (extent r = 0; r <= v.res_blocks; ++r) {
            detail::resnet(b, videos, r == 0 ? cin : cout, cout, t, h, w, v.temporal_kernel);
        }
        const bool up_t = v.temporal_up[static_cast<std::size_t>(i)];
        const bool up_s = v.spatial_up[static_cast<std::size_t>(i)];
        if (up_t) {
            b.conv(detail::conv3(videos, cout, 2 * cout, t, h, w, 3, 1)); // time conv to 2x channels
            t = 2 * t - (t > 0 ? 1 : 0); // causal: the first frame is not duplicated
        }
        if (up_s) {
            h *= 2;
            w *= 2;
            const extent up_out = v.upsample_halves ? cout / 2 : cout;
            b.elementwise(videos * t * h * w * cout, 1, 1, 0); // nearest up-sampling
            b.conv(detail::conv3(videos, cout, up_out, t, h, w, 1, 3)); // per-frame 3x3
        }
        const double px = static_cast<double>(t * h * w);
        peak_px = px > peak_px ? px : peak_px;
    }
    const extent last = v.channels[static_cast<std::size_t>(v.levels)];
    b.norm(pointwise_kind::rmsnorm, videos * t * h * w, last, 1);
    b.elementwise(videos * t * h * w * last, 1, 1, 4);
    b.conv(detail::conv3(videos, last, 3, t, h, w, v.temporal_kernel));

    // Peak: the widest tensor pair of the highest-resolution level (a resnet's input and output), for
    // the whole video or one tile.
    double share = 1.0;
    if (v.temporal_chunk > 0 && v.temporal_chunk < lat.frames)
        share = static_cast<double>(v.temporal_chunk) / static_cast<double>(lat.frames);
    if (tiling.enabled) {
        auto frac = [](extent tile, extent full) {
            return tile > 0 && tile < full ? static_cast<double>(tile) / static_cast<double>(full) : 1.0;
        };
        const double t_share = v.temporal_chunk > 0 ? share : frac(tiling.tile_frames, lat.frames);
        share = t_share * frac(tiling.tile_height, lat.height) * frac(tiling.tile_width, lat.width);
    }
    // a third full-resolution tensor (skip / cache) beside the conv's input and output
    const double top_level = static_cast<double>(v.channels[static_cast<std::size_t>(v.levels) - 1]);
    b.resident(static_cast<double>(videos) * peak_px * top_level * size_bytes(compute));
    stage st = b.finish(1);
    st.activation_bytes = st.activation_bytes * share;
    return st;
}

/// VAE encode of `videos` clips of `frames` x `height` x `width` pixels: the
/// decoder's mirror (conv_in from RGB, levels from the widest resolution down
/// with stride-2 spatial and temporal down-samplers, mid block, conv_out to the
/// latent's mean and log-variance).
[[nodiscard]] inline stage lower_vae_encode(const vae_spec& v, extent frames, extent height, extent width,
                                            extent videos, dtype compute, const vae_tiling& tiling) {
    detail::require_positive(static_cast<double>(frames), "lower_vae_encode", "frames");
    stage_builder b("vae_encode", "vae", compute, compute);
    extent t = frames, h = height, w = width;
    const auto width_of = [&](int level) { // encoder level i runs at the decoder's width of level (levels - i)
        return v.channels[static_cast<std::size_t>(v.levels - level)];
    };
    b.conv(detail::conv3(videos, 3, width_of(0), t, h, w, v.temporal_kernel));
    double peak_px = static_cast<double>(t * h * w);
    for (int i = 0; i < v.levels; ++i) {
        const extent cin = i == 0 ? width_of(0) : width_of(i - 1);
        const extent cout = width_of(i);
        for (extent r = 0; r < v.res_blocks; ++r) detail::resnet(b, videos, r == 0 ? cin : cout, cout, t, h, w, v.temporal_kernel);
        const int j = v.levels - 2 - i; // the decoder level this down-sampler mirrors
        if (j < 0) continue;
        if (v.spatial_up[static_cast<std::size_t>(j)]) {
            conv_op c = detail::conv3(videos, cout, cout, t, h, w, 1, 3);
            c.stride = {1, 2, 2};
            c.pad_before = {0, 0, 0};
            c.pad_after = {0, 1, 1};
            b.conv(c);
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        if (v.temporal_up[static_cast<std::size_t>(j)]) {
            conv_op c = detail::conv3(videos, cout, cout, t, h, w, 3, 1);
            c.stride = {2, 1, 1};
            b.conv(c);
            t = (t + 1) / 2; // causal: the first frame stays
        }
    }
    const extent top = v.channels[0];
    detail::resnet(b, videos, top, top, t, h, w, v.temporal_kernel);
    detail::resnet(b, videos, top, top, t, h, w, v.temporal_kernel);
    b.norm(pointwise_kind::rmsnorm, videos * t * h * w, top, 1);
    b.conv(detail::conv3(videos, top, 2 * v.latent_channels, t, h, w, v.temporal_kernel));
    double share = 1.0;
    if (v.temporal_chunk > 0 && v.temporal_chunk * v.temporal_compression < frames)
        share = static_cast<double>(v.temporal_chunk * v.temporal_compression) / static_cast<double>(frames);
    if (tiling.enabled && tiling.tile_height > 0 && tiling.tile_height * v.spatial_compression < height)
        share *= static_cast<double>(tiling.tile_height * v.spatial_compression) / static_cast<double>(height);
    if (tiling.enabled && tiling.tile_width > 0 && tiling.tile_width * v.spatial_compression < width)
        share *= static_cast<double>(tiling.tile_width * v.spatial_compression) / static_cast<double>(width);
    b.resident(static_cast<double>(videos) * peak_px * static_cast<double>(width_of(0)) * size_bytes(compute));
    stage st = b.finish(1);
    st.activation_bytes = st.activation_bytes * share;
    return st;
}

} // namespace vidperf
