#pragma once
/// \file
/// The video VAEs (Wan 2.1 / 2.2, CogVideoX, HunyuanVideo, LTX-Video, Mochi,
/// SVD's temporal decoder), lowered to ops for decode and encode.
///
/// A `vae_spec` holds what the model's own config holds (widths per level,
/// layers per block, down-sampling factors, patch size, latent channels) and a
/// family. `vae_encoder()` and `vae_decoder()` turn it into a tower: a style
/// (norm, convolution, re-sampler, shortcut) and an ordered list of blocks
/// (conv, resnet, attention, up/down-sampler, ...), each family's layout
/// written down from its reference implementation (docs/vae-sources.md has
/// the layer tables and the hand counts they reproduce). Lowering walks the
/// tower, tracking the tensor's frames, height, width and channels, and emits
/// the ops; the parameter count falls out of the same walk.
///
/// Tiles and chunks follow diffusers' classes. A temporal chunk decoded
/// through a causal cache (Wan one latent frame at a time, CogVideoX two, SVD
/// decode_chunk_size) does the same work as one pass and holds one chunk's
/// activations. Tiles are decoded independently and overlap, so their
/// overlaps are computed twice: the lowering walks the tower once per
/// distinct tile shape (HunyuanVideo's temporal tiles of 16 + 1 frames every
/// 12, on by default; spatial tiles once `enable_tiling()` is called, from
/// each class's tile size and stride, `vae_tile_rule`), and the peak is the
/// largest tile's.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/models/workload.hpp>

#include <vidperf/core/names.hpp>

namespace vidperf {

/// Which reference implementation a VAE follows (its block layout and style).
enum class vae_family : std::uint8_t {
    wan,       ///< Wan 2.1 / 2.2 (wan/modules/vae.py, vae2_2.py): gain-only RMS norms, causal 3-D convs
    cogvideox, ///< diffusers AutoencoderKLCogVideoX: group norms, spatial norms in the decoder
    hunyuan,   ///< diffusers AutoencoderKLHunyuanVideo: group norms, causal 3-D re-samplers
    ltx,       ///< diffusers AutoencoderKLLTXVideo 0.9.0: parameter-free RMS norms, depth-to-space up-sampling
    /// diffusers AutoencoderKLLTXVideo with LTXVideo095DownBlock3D (LTX-Video 0.9.5, 0.9.7, 0.9.8) and
    /// AutoencoderKLLTX2Video (LTX-2): space-to-depth down-samplers that widen, residual depth-to-space
    /// up-samplers that halve the width, a decoder conditioned on the decode timestep where the config says so
    /// (`vae_spec::timestep_conditioning`)
    ltx_095,
    mochi,     ///< diffusers AutoencoderKLMochi: linear un-patchify up-samplers, attention in the encoder
    svd,       ///< diffusers AutoencoderKLTemporalDecoder: an image VAE with temporal layers in the decoder
    image,     ///< diffusers AutoencoderKL: the 2-D image VAE (Stable Diffusion, FLUX), one frame at a time
    /// diffusers AutoencoderKLAllegro: per-frame 2-D resnets each followed by four temporal convs, temporal
    /// re-sampling by strided / channel-unfolding 3-D convs; decodes only in fixed tiles
    allegro,
    /// diffusers AutoencoderKLHunyuanVideo15: gain-only RMS norms, causal 3-D convs, DC-AE-style
    /// space-to-depth down-samplers and depth-to-space up-samplers with channel shortcuts, 16x / 4x
    hunyuan15,
};

template <>
struct enum_names<vae_family> {
    static constexpr std::string_view what = "VAE family";
    static constexpr auto entries = std::to_array<name_entry<vae_family>>({
        {vae_family::wan, "wan"},
        {vae_family::cogvideox, "cogvideox"},
        {vae_family::hunyuan, "hunyuan"},
        {vae_family::ltx, "ltx"},
        {vae_family::ltx_095, "ltx-0.9.5"},
        {vae_family::mochi, "mochi"},
        {vae_family::svd, "svd"},
        {vae_family::image, "image"},
        {vae_family::allegro, "allegro"},
        {vae_family::hunyuan15, "hunyuanvideo-1.5"}});
};

/// How diffusers' class for a VAE cuts a decode (and an encode) into tiles: the class's `__init__`
/// defaults, in sample pixels and frames (docs/vae-sources.md, "Tiles", cites each). A tile starts every
/// stride along an axis (`range(0, size, stride)`) and is cut to the axis's end; temporal tiles take one
/// latent frame (or sample frame when encoding) more than their size, the frame they share with the
/// previous tile.
struct vae_tile_rule {
    extent tile_height = 0;   ///< spatial tile with `enable_tiling()`, pixels; 0 = the class does not tile space
    extent tile_width = 0;
    extent stride_height = 0; ///< distance between tile starts, pixels
    extent stride_width = 0;
    extent tile_frames = 0;   ///< temporal tile (`tile_sample_min_num_frames`), frames; 0 = none
    extent stride_frames = 0;
    bool framewise = false;   ///< temporal tiles without `enable_tiling()` (HunyuanVideo's use_framewise_decoding)
    /// The encoder's spatial tile is taken on the patchified input (diffusers' AutoencoderKLWan: a tile of
    /// 256 is 512 pixels at patch 2).
    bool encode_tiles_patchified = false;
    /// Tiles of exactly the tile size at floor((N - tile) / stride) + 1 offsets per axis, always, each tile's
    /// output kept until the blend (AutoencoderKLAllegro: it has no untiled decode); a margin past the last
    /// tile is left out.
    bool fixed_grid = false;
};

/// A video VAE as its config describes it.
struct vae_spec {
    std::string_view name;
    vae_family family = vae_family::hunyuan;
    extent latent_channels = 16;
    /// Encoder widths per level from the pixel side (diffusers `block_out_channels`; Wan `dim * dim_mult`).
    std::array<extent, 4> widths{128, 256, 512, 512};
    /// Decoder widths per level from the pixel side where they differ (Wan 2.2's decoder_base_dim, Mochi's
    /// decoder); all 0 = the encoder's.
    std::array<extent, 4> decoder_widths{};
    /// Resnets per encoder level and in the middle block (diffusers decoders run one more per level; LTX and
    /// Mochi give every block's count here, the decoder mirroring them).
    std::array<extent, 5> layers{2, 2, 2, 2, 1};
    /// The encoder's width after its last down-sampler where that widens (LTX 0.9.5: 2048, the fifth entry of
    /// block_out_channels); 0 = widths[3].
    extent mid_width = 0;
    /// Resnets per decoder level (from the pixel side) and in its middle block where they do not mirror
    /// `layers` (LTX 0.9.5: decoder_layers_per_block); all 0 = mirror.
    std::array<extent, 5> decoder_layers{};
    /// Down-sampling after encoder level i (time, space); the decoder up-samples in mirror order. 1 = none.
    std::array<std::uint8_t, 4> down_t{1, 2, 2, 1};
    std::array<std::uint8_t, 4> down_s{2, 2, 2, 1};
    /// Temporal up-sampling of decoder levels 0-2 (from the latent side) where it does not mirror the encoder
    /// (CogVideoX up-samples time in its first two levels, HunyuanVideo in its second and third); all 0 = mirror.
    std::array<std::uint8_t, 3> up_t{};
    extent patch = 1;             ///< pixels folded into channels before the encoder (Wan 2.2: 2, LTX: 4)
    bool upsample_halves = false; ///< the decoder's up-sampler halves the width (Wan 2.1)
    extent temporal_compression = 4;
    extent spatial_compression = 8;
    /// Latent frames decoded per chunk with a causal feature cache (Wan decodes one latent frame at a
    /// time, diffusers' CogVideoX two, SVD decode_chunk_size frames); 0 = the whole video at once.
    extent temporal_chunk = 0;
    vae_tile_rule tiles{}; ///< diffusers' tiling of this class
    /// 1x1 convolutions on the latent distribution and before the decoder (AutoencoderKL use_quant_conv /
    /// use_post_quant_conv; FLUX's VAE has neither); read by the `image` family
    bool quant_convs = true;
    /// The decoder embeds the decode timestep and modulates every resnet and its output norm with it
    /// (diffusers' timestep_conditioning: LTX-Video 0.9.5 / 0.9.7 true, LTX-2 false); read by the `ltx_095` family
    bool timestep_conditioning = true;
    /// The pipeline decodes in fp32 when it runs in fp16 (diffusers' StableDiffusionXLPipeline with the
    /// config's force_upcast: the SDXL VAE overflows in fp16)
    bool force_upcast = false;
};

/// VAE tiling as a pipeline asks for it: `enabled` is diffusers' `vae.enable_tiling()`. Tile sizes are the
/// class's (`vae_spec::tiles`) unless given here in latent units; a given size keeps the class's overlap.
struct vae_tiling {
    bool enabled = false;
    extent tile_frames = 0; ///< latent frames per temporal tile (classes with temporal tiles); 0 = the class's
    extent tile_height = 0; ///< latent rows per spatial tile (32 = 256 px at 8x); 0 = the class's
    extent tile_width = 0;
};

/// One tile shape of a tiled decode (latent extents) or encode (pixel extents) and how many tiles have it.
struct vae_tile {
    extent frames = 0, height = 0, width = 0;
    double count = 1;
};

// ------------------------------------------------------------------ towers

enum class vae_norm : std::uint8_t {
    group,     ///< GroupNorm with weight and bias: 2c parameters
    rms_gain,  ///< RMS norm with a gain only (Wan): c
    rms_plain, ///< RMS norm without parameters (LTX)
    spatial,   ///< CogVideoX's SpatialNorm3D: a GroupNorm modulated by two 1x1x1 convs of the latent: 2c + 2(zc + c)
};

/// Groups of the video VAEs' GroupNorms: 32, diffusers' `norm_num_groups` for AutoencoderKLHunyuanVideo,
/// AutoencoderKLCogVideoX and AutoencoderKLMochi (the engine needs a group's size for the second read of
/// PyTorch's group norm; the parameters do not depend on it).
inline constexpr extent vae_norm_groups = 32;

enum class vae_conv : std::uint8_t {
    causal_3d,      ///< 3x3x3 convolutions, all time padding before the first frame
    frame_2d,       ///< 3x3 convolutions per frame (an image VAE)
    frame_temporal, ///< per-frame 3x3 resnets, each followed by a temporal resnet of two (3,1,1) convs (SVD)
    /// per-frame 3x3 resnets, each followed by four norm / SiLU / (3,1,1) convs and a residual (Allegro)
    frame_temporal4,
};

enum class vae_resample : std::uint8_t {
    wan,        ///< down: stride-2 3x3 per frame (+ (3,1,1) stride-2 time conv); up: (3,1,1) time conv to 2c, nearest, 3x3
    frame_2d,   ///< down: stride-2 3x3 per frame (time pooled); up: nearest (time interpolated), 3x3 per frame
    causal_3d,  ///< down: strided causal 3x3x3; up: nearest in time and space, causal 3x3x3 (HunyuanVideo)
    conv_d2s,   ///< down: strided causal 3x3x3; up: causal 3x3x3 to c * ft * fs^2, depth-to-space (LTX)
    /// down: 3x3x3 to c_out / (ft * fs^2), space-to-depth, plus the input folded alike and averaged in groups;
    /// up: 3x3x3 to c_out * ft * fs^2, depth-to-space, plus the input unfolded and repeated (LTX 0.9.5)
    conv_s2d,
    linear_d2s, ///< down: a conv whose kernel is its stride; up: linear to c * ft * fs^2, depth-to-space (Mochi)
    /// down: in time a (2,3,3) conv at time stride 2 and three 3x3x3 convs with a residual of every other
    /// frame; in space a stride-2 3x3 per frame; up: in time a (1,3,3) conv to 2c unfolded into frames and
    /// three 3x3x3 convs with the frames repeated as residual; in space nearest and a 3x3 (Allegro)
    allegro,
};

struct vae_style {
    vae_norm norm = vae_norm::group;
    vae_conv conv = vae_conv::causal_3d;
    vae_resample resample = vae_resample::causal_3d;
    bool causal = true;             ///< time padding all before the first frame (false: both sides)
    bool layernorm_shortcut = false; ///< a width-changing resnet's shortcut is LayerNorm + 1x1x1 conv (LTX)
    bool qkv_bias = true;           ///< attention q, k, v projections carry a bias
    extent head_dim = 0;            ///< attention head width; 0 = one head as wide as the block
    /// Attention runs over every frame of the chunk at once under a frame-causal mask (HunyuanVideo's
    /// mid-block: prepare_causal_attention_mask); false = within each frame.
    bool attention_all_frames = false;
    /// Up-samplers expand every frame and the decoder drops the surplus leading frames once, at the end
    /// (Mochi: drop_last_temporal_frames); false = the first frame is not expanded (causal up-sampling).
    bool trim_after = false;
    /// Every resnet scales and shifts its two normalised inputs by the decode timestep's embedding plus a
    /// learned 4 x c table (LTX 0.9.5's timestep_conditioning).
    bool timestep_modulation = false;
    /// Space-to-depth in time keeps the first frame whole and re-samples it in space only (HunyuanVideo 1.5:
    /// T -> 1 + (T - 1) / 2), where LTX repeats it in front instead
    bool first_frame_spatial = false;
};

enum class vae_block_kind : std::uint8_t {
    conv,       ///< c_in -> c_out, kernel (kt, ks, ks), stride (ft, fs, fs)
    linear,     ///< a per-voxel linear c_in -> c_out (bias: `bias`)
    resnet,     ///< `repeat` resnets c_in -> c_out (the first changes the width), each optionally followed by attention
    attention,  ///< per-frame self-attention over height x width at width c_in
    down,       ///< the style's down-sampler c_in -> c_out by (ft, fs, fs)
    up,         ///< the style's up-sampler c_in -> c_out by (ft, fs, fs)
    norm_act,   ///< norm + SiLU at width c_in
    act,        ///< SiLU alone
    patchify,   ///< fs x fs pixels into channels (no parameters)
    unpatchify, ///< back (no parameters)
    features,   ///< parameter-free per-voxel features c_in -> c_out (Mochi's Fourier features)
    trim,       ///< drops the first `ft` frames (a view: no work)
    time_embed, ///< a timestep embedder: 256 sinusoids, linear to c_out, SiLU, linear c_out -> c_out (per video)
    norm_modulate, ///< norm at width c_in, then x * (1 + scale) + shift from a learned 2 x c table and the time embedding
    parameter,  ///< a learned tensor of c_in elements that costs no work (LTX's timestep_scale_multiplier)
    time_conv,  ///< a (3,1,1) conv c_in -> c_in with a residual (Allegro's temp_conv_in / temp_conv_out)
};

struct vae_block {
    vae_block_kind kind = vae_block_kind::conv;
    extent c_in = 0, c_out = 0;
    std::uint8_t kt = 3, ks = 3; ///< conv kernel
    std::uint8_t ft = 1, fs = 1; ///< re-sampling factors, or conv stride
    std::uint8_t repeat = 1;
    bool attention = false; ///< resnet: an attention block after each
    bool bias = true;       ///< conv / linear
};

/// One side of a VAE: its style and its blocks in order.
struct vae_tower {
    vae_style style;
    std::array<vae_block, 40> blocks{};
    std::size_t size = 0;

    constexpr vae_tower& add(vae_block b) {
        if (size == blocks.size()) detail::raise(errc::out_of_range, "vae_tower::add", "more than 40 blocks");
        blocks[size++] = b;
        return *this;
    }
    constexpr vae_tower& conv(extent cin, extent cout, std::uint8_t kt, std::uint8_t ks, std::uint8_t st = 1,
                              std::uint8_t ss = 1) {
        return add({vae_block_kind::conv, cin, cout, kt, ks, st, ss});
    }
    constexpr vae_tower& linear(extent cin, extent cout, bool bias = true) {
        vae_block b{vae_block_kind::linear, cin, cout};
        b.bias = bias;
        return add(b);
    }
    constexpr vae_tower& resnets(extent cin, extent cout, extent count, bool attention = false) {
        if (count == 0) return *this;
        vae_block b{vae_block_kind::resnet, cin, cout};
        b.attention = attention;
        if (cin == cout) { // identical resnets: one block
            b.repeat = static_cast<std::uint8_t>(count);
            return add(b);
        }
        add(b);
        if (count > 1) {
            vae_block r{vae_block_kind::resnet, cout, cout};
            r.repeat = static_cast<std::uint8_t>(count - 1);
            r.attention = attention;
            add(r);
        }
        return *this;
    }
    constexpr vae_tower& attention(extent c) { return add({vae_block_kind::attention, c, c}); }
    constexpr vae_tower& down(extent cin, extent cout, std::uint8_t ft, std::uint8_t fs) {
        return ft == 1 && fs == 1 ? *this : add({vae_block_kind::down, cin, cout, 3, 3, ft, fs});
    }
    constexpr vae_tower& up(extent cin, extent cout, std::uint8_t ft, std::uint8_t fs) {
        return ft == 1 && fs == 1 ? *this : add({vae_block_kind::up, cin, cout, 3, 3, ft, fs});
    }
    constexpr vae_tower& norm_act(extent c) { return add({vae_block_kind::norm_act, c, c}); }
    constexpr vae_tower& act(extent c) { return add({vae_block_kind::act, c, c}); }
    constexpr vae_tower& patchify(extent c, std::uint8_t p) {
        return p == 1 ? *this : add({vae_block_kind::patchify, c, c * p * p, 1, 1, 1, p});
    }
    constexpr vae_tower& unpatchify(extent c, std::uint8_t p) {
        return p == 1 ? *this : add({vae_block_kind::unpatchify, c * p * p, c, 1, 1, 1, p});
    }
    constexpr vae_tower& features(extent cin, extent cout) { return add({vae_block_kind::features, cin, cout}); }
    constexpr vae_tower& trim(extent c, std::uint8_t frames) {
        return frames == 0 ? *this : add({vae_block_kind::trim, c, c, 1, 1, frames, 1});
    }
    constexpr vae_tower& time_embed(extent width) { return add({vae_block_kind::time_embed, 256, width}); }
    constexpr vae_tower& norm_modulate(extent c) { return add({vae_block_kind::norm_modulate, c, c}); }
    constexpr vae_tower& parameter(extent elements) { return add({vae_block_kind::parameter, elements, elements}); }
    constexpr vae_tower& time_conv(extent c) { return add({vae_block_kind::time_conv, c, c, 3, 1}); }
};

[[nodiscard]] constexpr std::string_view name(vae_norm n) noexcept {
    switch (n) {
    case vae_norm::group: return "group";
    case vae_norm::rms_gain: return "rms_gain";
    case vae_norm::rms_plain: return "rms_plain";
    case vae_norm::spatial: return "spatial";
    }
    return "?";
}
[[nodiscard]] constexpr std::string_view name(vae_conv c) noexcept {
    switch (c) {
    case vae_conv::causal_3d: return "causal_3d";
    case vae_conv::frame_2d: return "frame_2d";
    case vae_conv::frame_temporal: return "frame_temporal";
    case vae_conv::frame_temporal4: return "frame_temporal4";
    }
    return "?";
}
[[nodiscard]] constexpr std::string_view name(vae_resample r) noexcept {
    switch (r) {
    case vae_resample::wan: return "wan";
    case vae_resample::frame_2d: return "frame_2d";
    case vae_resample::causal_3d: return "causal_3d";
    case vae_resample::conv_d2s: return "conv_d2s";
    case vae_resample::linear_d2s: return "linear_d2s";
    case vae_resample::conv_s2d: return "conv_s2d";
    case vae_resample::allegro: return "allegro";
    }
    return "?";
}
[[nodiscard]] constexpr std::string_view name(vae_block_kind k) noexcept {
    switch (k) {
    case vae_block_kind::conv: return "conv";
    case vae_block_kind::linear: return "linear";
    case vae_block_kind::resnet: return "resnet";
    case vae_block_kind::attention: return "attention";
    case vae_block_kind::down: return "down";
    case vae_block_kind::up: return "up";
    case vae_block_kind::norm_act: return "norm_act";
    case vae_block_kind::act: return "act";
    case vae_block_kind::patchify: return "patchify";
    case vae_block_kind::unpatchify: return "unpatchify";
    case vae_block_kind::features: return "features";
    case vae_block_kind::trim: return "trim";
    case vae_block_kind::time_embed: return "time_embed";
    case vae_block_kind::norm_modulate: return "norm_modulate";
    case vae_block_kind::parameter: return "parameter";
    case vae_block_kind::time_conv: return "time_conv";
    }
    return "?";
}

namespace detail {

[[nodiscard]] constexpr std::array<extent, 4> decoder_widths_of(const vae_spec& v) {
    for (extent w : v.decoder_widths)
        if (w != 0) return v.decoder_widths;
    return v.widths;
}

[[nodiscard]] constexpr const std::array<extent, 5>& decoder_layers_of(const vae_spec& v) {
    for (extent n : v.decoder_layers)
        if (n != 0) return v.decoder_layers;
    return v.layers;
}

[[nodiscard]] constexpr std::uint8_t patch_of(const vae_spec& v) {
    if (v.patch != 1 && v.patch != 2 && v.patch != 4)
        detail::raise(errc::out_of_range, "vae", "patch must be 1, 2 or 4, got " + std::to_string(v.patch));
    return static_cast<std::uint8_t>(v.patch);
}

} // namespace detail

/// The encoder of `v`: pixels (3 channels) to the latent distribution's parameters.
[[nodiscard]] constexpr vae_tower vae_encoder(const vae_spec& v) {
    const auto& c = v.widths;
    const extent z = v.latent_channels;
    const std::uint8_t p = detail::patch_of(v);
    vae_tower t;
    switch (v.family) {
    case vae_family::wan: // encoder3d: conv1, 4 levels (resnets, then Resample), middle, head, conv1 (1x1x1)
        t.style = {vae_norm::rms_gain, vae_conv::causal_3d, vae_resample::wan};
        t.patchify(3, p).conv(3 * p * p, c[0], 3, 3);
        for (std::size_t i = 0; i < 4; ++i) {
            t.resnets(i == 0 ? c[0] : c[i - 1], c[i], v.layers[i]);
            if (i < 3) t.down(c[i], c[i], v.down_t[i], v.down_s[i]);
        }
        t.resnets(c[3], c[3], 1).attention(c[3]).resnets(c[3], c[3], 1);
        t.norm_act(c[3]).conv(c[3], 2 * z, 3, 3).conv(2 * z, 2 * z, 1, 1);
        break;
    case vae_family::cogvideox:
    case vae_family::hunyuan:
    case vae_family::svd:
    case vae_family::image: { // diffusers Encoder layout: conv_in, down blocks, mid, norm, conv_out
        if (v.family == vae_family::cogvideox) t.style = {vae_norm::group, vae_conv::causal_3d, vae_resample::frame_2d};
        if (v.family == vae_family::hunyuan) {
            t.style = {vae_norm::group, vae_conv::causal_3d, vae_resample::causal_3d};
            t.style.attention_all_frames = true; // HunyuanVideoMidBlock3D: one attention over all frames
        }
        const bool two_d = v.family == vae_family::svd || v.family == vae_family::image;
        if (two_d) t.style = {vae_norm::group, vae_conv::frame_2d, vae_resample::frame_2d, false};
        const std::uint8_t k = two_d ? 1 : 3;
        t.conv(3, c[0], k, 3);
        for (std::size_t i = 0; i < 4; ++i) {
            t.resnets(i == 0 ? c[0] : c[i - 1], c[i], v.layers[i]);
            t.down(c[i], c[i], v.down_t[i], v.down_s[i]);
        }
        if (v.family == vae_family::cogvideox) {
            t.resnets(c[3], c[3], 2); // no attention
        } else {
            t.resnets(c[3], c[3], 1).attention(c[3]).resnets(c[3], c[3], 1);
        }
        t.norm_act(c[3]).conv(c[3], 2 * z, k, 3);
        if (v.family != vae_family::cogvideox && (v.family != vae_family::image || v.quant_convs))
            t.conv(2 * z, 2 * z, 1, 1); // quant_conv
        break;
    }
    case vae_family::ltx: // resnets at the block's input width, a strided conv, then a widening resnet
        t.style = {vae_norm::rms_plain, vae_conv::causal_3d, vae_resample::conv_d2s, true, true};
        t.patchify(3, p).conv(3 * p * p, c[0], 3, 3);
        for (std::size_t i = 0; i < 4; ++i) { // block i: c[i] -> c[i + 1]
            const extent in = c[i], out = i < 3 ? c[i + 1] : c[3];
            t.resnets(in, in, v.layers[i]);
            t.down(in, in, v.down_t[i], v.down_s[i]);
            if (out != in) t.resnets(in, out, 1);
        }
        t.resnets(c[3], c[3], v.layers[4]);
        t.norm_act(c[3]).conv(c[3], z + 1, 3, 3); // the mean channels and one shared log-variance
        break;
    case vae_family::ltx_095: { // each block: resnets at its width, then a down-sampler that widens to the next
        t.style = {vae_norm::rms_plain, vae_conv::causal_3d, vae_resample::conv_s2d, true, true};
        const extent mid = v.mid_width != 0 ? v.mid_width : c[3];
        t.patchify(3, p).conv(3 * p * p, c[0], 3, 3);
        for (std::size_t i = 0; i < 4; ++i) {
            const extent out = i < 3 ? c[i + 1] : mid;
            t.resnets(c[i], c[i], v.layers[i]);
            if (v.down_t[i] > 1 || v.down_s[i] > 1)
                t.down(c[i], out, v.down_t[i], v.down_s[i]);
            else if (out != c[i])
                detail::raise(errc::not_representable, v.name, "an LTX 0.9.5 block widens only in its down-sampler");
        }
        t.resnets(mid, mid, v.layers[4]);
        t.norm_act(mid).conv(mid, z + 1, 3, 3);
        break;
    }
    case vae_family::allegro: // 2-D conv_in and a time conv, 4 levels, middle, head, quant_conv
        t.style = {vae_norm::group, vae_conv::frame_temporal4, vae_resample::allegro, false};
        t.conv(3, c[0], 1, 3).time_conv(c[0]);
        for (std::size_t i = 0; i < 4; ++i) { // resnets (+ temporal convs), then time, then space down-sampling
            t.resnets(i == 0 ? c[0] : c[i - 1], c[i], v.layers[i]);
            t.down(c[i], c[i], v.down_t[i], 1).down(c[i], c[i], 1, v.down_s[i]);
        }
        t.resnets(c[3], c[3], 1).attention(c[3]).resnets(c[3], c[3], 1);
        t.norm_act(c[3]).time_conv(c[3]).conv(c[3], 2 * z, 1, 3).conv(2 * z, 2 * z, 1, 1);
        break;
    case vae_family::hunyuan15: { // levels 0-3 down-sample and widen, level 4 does not; middle; head
        t.style = {vae_norm::rms_gain, vae_conv::causal_3d, vae_resample::conv_s2d};
        t.style.attention_all_frames = true;
        t.style.first_frame_spatial = true;
        const extent mid = v.mid_width != 0 ? v.mid_width : c[3];
        t.conv(3, c[0], 3, 3);
        for (std::size_t i = 0; i < 4; ++i) {
            t.resnets(c[i], c[i], v.layers[i]);
            t.down(c[i], i < 3 ? c[i + 1] : mid, v.down_t[i], v.down_s[i]);
        }
        t.resnets(mid, mid, v.layers[4]);
        t.resnets(mid, mid, 1).attention(mid).resnets(mid, mid, 1);
        t.norm_act(mid).conv(mid, 2 * z, 3, 3); // plus a channel-mean shortcut (no work to speak of)
        break;
    }
    case vae_family::mochi: // Fourier features, linear in, down convs that widen, attention after every resnet
        t.style = {vae_norm::group, vae_conv::causal_3d, vae_resample::linear_d2s, true, false, false, 32};
        t.features(3, 15).linear(15, c[0]).resnets(c[0], c[0], v.layers[0]);
        for (std::size_t i = 1; i < 4; ++i) {
            t.down(c[i - 1], c[i], v.down_t[i - 1], v.down_s[i - 1]);
            t.resnets(c[i], c[i], v.layers[i], true);
        }
        t.resnets(c[3], c[3], v.layers[4], true);
        t.norm_act(c[3]).linear(c[3], 2 * z, false);
        break;
    }
    return t;
}

/// The decoder of `v`: latent to pixels.
[[nodiscard]] constexpr vae_tower vae_decoder(const vae_spec& v) {
    const auto c = detail::decoder_widths_of(v);
    const extent z = v.latent_channels;
    const std::uint8_t p = detail::patch_of(v);
    // up-sampling after decoder level i mirrors the encoder's down-sampling after level 2 - i, unless given
    bool mirror = true;
    for (std::uint8_t f : v.up_t) mirror = mirror && f == 0;
    auto ut = [&](std::size_t i) {
        return i < 3 ? (mirror ? v.down_t[2 - i] : v.up_t[i]) : std::uint8_t{1};
    };
    auto us = [&](std::size_t i) { return i < 3 ? v.down_s[2 - i] : std::uint8_t{1}; };
    vae_tower t;
    switch (v.family) {
    case vae_family::wan: { // conv2 (1x1x1), conv1, middle, 4 levels of layers + 1 resnets then Resample, head
        t.style = {vae_norm::rms_gain, vae_conv::causal_3d, vae_resample::wan};
        t.conv(z, z, 1, 1).conv(z, c[3], 3, 3);
        t.resnets(c[3], c[3], 1).attention(c[3]).resnets(c[3], c[3], 1);
        extent in = c[3];
        for (std::size_t i = 0; i < 4; ++i) {
            const extent out = c[3 - i];
            t.resnets(in, out, v.layers[3 - i] + 1);
            const extent up_out = v.upsample_halves ? out / 2 : out;
            t.up(out, up_out, ut(i), us(i));
            in = ut(i) > 1 || us(i) > 1 ? up_out : out;
        }
        t.norm_act(c[0]).conv(c[0], 3 * p * p, 3, 3).unpatchify(3, p);
        break;
    }
    case vae_family::cogvideox:
    case vae_family::hunyuan:
    case vae_family::svd:
    case vae_family::image: {
        if (v.family == vae_family::cogvideox) t.style = {vae_norm::spatial, vae_conv::causal_3d, vae_resample::frame_2d};
        if (v.family == vae_family::hunyuan) {
            t.style = {vae_norm::group, vae_conv::causal_3d, vae_resample::causal_3d};
            t.style.attention_all_frames = true;
        }
        if (v.family == vae_family::svd)
            t.style = {vae_norm::group, vae_conv::frame_temporal, vae_resample::frame_2d, false};
        if (v.family == vae_family::image) t.style = {vae_norm::group, vae_conv::frame_2d, vae_resample::frame_2d, false};
        const std::uint8_t k = v.family == vae_family::svd || v.family == vae_family::image ? 1 : 3;
        if (v.family == vae_family::hunyuan || (v.family == vae_family::image && v.quant_convs))
            t.conv(z, z, 1, 1); // post_quant_conv
        t.conv(z, c[3], k, 3);
        if (v.family == vae_family::cogvideox) {
            t.resnets(c[3], c[3], 2);
        } else {
            t.resnets(c[3], c[3], 1).attention(c[3]).resnets(c[3], c[3], 1);
        }
        for (std::size_t i = 0; i < 4; ++i) {
            const extent in = c[i == 0 ? 3 : 4 - i], out = c[3 - i];
            t.resnets(in, out, v.layers[3 - i] + 1);
            t.up(out, out, ut(i), us(i));
        }
        t.norm_act(c[0]).conv(c[0], 3, k, 3);
        if (v.family == vae_family::svd) t.conv(3, 3, 3, 1); // time_conv_out
        break;
    }
    case vae_family::ltx: // a narrowing resnet, the up-sampler, then the block's resnets
        t.style = {vae_norm::rms_plain, vae_conv::causal_3d, vae_resample::conv_d2s, false, true};
        t.conv(z, c[3], 3, 3).resnets(c[3], c[3], v.layers[4]);
        for (std::size_t i = 0; i < 4; ++i) {
            const extent in = c[i == 0 ? 3 : 4 - i], out = c[3 - i];
            if (in != out) t.resnets(in, out, 1);
            // the encoder's block 3 - i down-sampled after its resnets: this block up-samples before its own
            const std::uint8_t ft = i > 0 ? ut(i - 1) : std::uint8_t{1};
            const std::uint8_t fs = i > 0 ? v.down_s[3 - i] : std::uint8_t{1};
            t.up(out, out, ft, fs);
            t.resnets(out, out, v.layers[3 - i]);
        }
        t.norm_act(c[0]).conv(c[0], 3 * p * p, 3, 3).unpatchify(3, p);
        break;
    case vae_family::ltx_095: { // the middle block and three up blocks, each embedding the decode timestep if any
        t.style = {vae_norm::rms_plain, vae_conv::causal_3d, vae_resample::conv_s2d, false, true};
        const bool temb = v.timestep_conditioning;
        t.style.timestep_modulation = temb;
        const auto& dl = detail::decoder_layers_of(v);
        t.conv(z, c[3], 3, 3); // conv_in
        if (temb) t.parameter(1).time_embed(4 * c[3]); // timestep_scale_multiplier; the middle block's embedder
        t.resnets(c[3], c[3], dl[4]);
        for (std::size_t i = 0; i < 3; ++i) { // level 2 - i: up-sample from c[3 - i] to c[2 - i] (2, 2, 2)
            if (temb) t.time_embed(4 * c[2 - i]);
            t.up(c[3 - i], c[2 - i], 2, 2);
            t.resnets(c[2 - i], c[2 - i], dl[2 - i]);
        }
        if (temb)
            t.time_embed(2 * c[0]).norm_modulate(c[0]).act(c[0]);
        else
            t.norm_act(c[0]);
        t.conv(c[0], 3 * p * p, 3, 3).unpatchify(3, p);
        break;
    }
    case vae_family::allegro: // post_quant_conv, 2-D conv_in and a time conv, middle, 4 levels, head
        t.style = {vae_norm::group, vae_conv::frame_temporal4, vae_resample::allegro, false};
        t.conv(z, z, 1, 1).conv(z, c[3], 1, 3).time_conv(c[3]);
        t.resnets(c[3], c[3], 1).attention(c[3]).resnets(c[3], c[3], 1);
        for (std::size_t i = 0; i < 4; ++i) {
            const extent in = c[i == 0 ? 3 : 4 - i], out = c[3 - i];
            t.resnets(in, out, v.layers[3 - i] + 1);
            t.up(out, out, ut(i), 1).up(out, out, 1, us(i));
        }
        t.norm_act(c[0]).time_conv(c[0]).conv(c[0], 3, 1, 3);
        break;
    case vae_family::hunyuan15: { // conv_in, middle, levels 4 .. 1 each ending in an up-sampler, level 0, head
        t.style = {vae_norm::rms_gain, vae_conv::causal_3d, vae_resample::conv_s2d};
        t.style.attention_all_frames = true;
        const extent mid = v.mid_width != 0 ? v.mid_width : c[3];
        t.conv(z, mid, 3, 3); // plus the latent repeated across the channels
        t.resnets(mid, mid, 1).attention(mid).resnets(mid, mid, 1);
        extent in = mid;
        for (std::size_t i = 0; i < 4; ++i) { // mirrors encoder level 3 - i
            t.resnets(in, in, v.layers[3 - i] + 1);
            t.up(in, c[3 - i], v.down_t[3 - i], v.down_s[3 - i]);
            in = c[3 - i];
        }
        t.resnets(c[0], c[0], v.layers[0] + 1);
        t.norm_act(c[0]).conv(c[0], 3, 3, 3);
        break;
    }
    case vae_family::mochi: // conv_in (1x1x1), middle resnets, blocks of resnets each ending in an up-sampler
        t.style = {vae_norm::group, vae_conv::causal_3d, vae_resample::linear_d2s, true, false, false, 32};
        t.style.trim_after = true; // MochiUpBlock3D expands every frame; _decode drops the first tc - 1 at the end
        t.conv(z, c[3], 1, 1).resnets(c[3], c[3], v.layers[4]);
        for (std::size_t i = 0; i < 3; ++i) {
            t.resnets(c[3 - i], c[3 - i], v.layers[3 - i]);
            t.up(c[3 - i], c[2 - i], ut(i), us(i));
        }
        t.resnets(c[0], c[0], v.layers[0]);
        t.act(c[0]).linear(c[0], 3); // no norm before the output projection
        // the up-samplers expanded every frame: drop_last_temporal_frames keeps (T - 1) * tc + 1
        t.trim(3, static_cast<std::uint8_t>(ut(0) * ut(1) * ut(2) - 1));
        break;
    }
    return t;
}

namespace detail {

/// Walks a tower, emitting its ops into a stage builder.
class vae_walker {
public:
    /// `times`: how many tiles of this shape the stage runs (each op is counted that often).
    vae_walker(stage_builder& b, const vae_style& s, extent videos, extent z, extent t, extent h, extent w,
               double times = 1, dtype compute = dtype::bf16)
        : m_b(b), m_s(s), m_videos(videos), m_z(z), m_t(t), m_h(h), m_w(w), m_times(times), m_compute(compute) {}

    void run(const vae_tower& tower) {
        m_b.begin_repeat(m_times);
        for (std::size_t i = 0; i < tower.size; ++i) block(tower.blocks[i]);
        m_b.end_repeat();
    }
    [[nodiscard]] double largest_tensor_elements() const { return m_largest; }
    [[nodiscard]] extent frames() const { return m_t; }
    /// Voxels of the tensor the walk has reached (all videos).
    [[nodiscard]] extent output_voxels() const { return voxels(); }

private:
    [[nodiscard]] extent voxels() const { return m_videos * m_t * m_h * m_w; }
    void tensor(extent channels) {
        const double e = static_cast<double>(voxels()) * static_cast<double>(channels);
        m_largest = e > m_largest ? e : m_largest;
    }

    [[nodiscard]] conv_op conv_at(extent cin, extent cout, extent kt, extent ks, extent st = 1, extent ss = 1) const {
        conv_op c;
        c.batch = m_videos;
        c.c_in = cin;
        c.c_out = cout;
        c.input = {m_t, m_h, m_w};
        c.kernel = {kt, ks, ks};
        c.stride = {st, ss, ss};
        if (st > 1 || ss > 1) { // a strided conv pads only what its kernel needs past the end
            c.pad_before = {m_s.causal ? kt - 1 : 0, 0, 0};
            c.pad_after = {0, ks > ss ? ks - ss : 0, ks > ss ? ks - ss : 0};
        } else {
            c.pad_before = {m_s.causal ? kt - 1 : kt / 2, ks / 2, ks / 2};
            c.pad_after = {m_s.causal ? 0 : kt / 2, ks / 2, ks / 2};
        }
        return c;
    }
    /// Emits a conv and moves the state to its output.
    void conv(extent cin, extent cout, extent kt, extent ks, extent st = 1, extent ss = 1, bool bias = true) {
        const conv_op c = conv_at(cin, cout, kt, ks, st, ss);
        m_b.conv(c, bias);
        const auto out = conv_outputs(c);
        m_t = out[0];
        m_h = out[1];
        m_w = out[2];
        tensor(cout);
    }
    void norm(extent c, bool with_parameters = true) {
        const extent px = voxels();
        switch (m_s.norm) {
        case vae_norm::group:
            m_b.group_norm(m_videos, px / m_videos, c, vae_norm_groups, with_parameters ? 2 : 0);
            break;
        case vae_norm::rms_gain: m_b.norm(pointwise_kind::rmsnorm, px, c, with_parameters ? 1 : 0); break;
        case vae_norm::rms_plain: m_b.norm(pointwise_kind::rmsnorm, px, c, 0); break;
        case vae_norm::spatial: // conv_y and conv_b of the (nearest-upsampled) latent, then the modulation
            m_b.group_norm(m_videos, px / m_videos, c, vae_norm_groups, with_parameters ? 2 : 0);
            if (with_parameters) {
                m_b.conv(conv_at(m_z, c, 1, 1));
                m_b.conv(conv_at(m_z, c, 1, 1));
            }
            m_b.elementwise(px * c, 3, 1, 2);
            break;
        }
    }
    void act(extent c) { m_b.elementwise(voxels() * c, 1, 1, 4); } // SiLU
    /// x * (1 + scale) + shift from the time embedding (timestep-modulated styles); `table` learned rows of c
    void modulate(extent c, extent table) {
        if (!m_s.timestep_modulation) return;
        if (table > 0) m_b.parameters(static_cast<double>(table * c));
        m_b.elementwise(voxels() * c, 1, 1, 2);
    }

    void resnet(extent cin, extent cout) {
        const bool two_d = m_s.conv != vae_conv::causal_3d;
        const extent kt = two_d ? 1 : 3;
        norm(cin);
        modulate(cin, 4);
        act(cin);
        conv(cin, cout, kt, 3);
        norm(cout);
        modulate(cout, 0); // the table's second half
        act(cout);
        conv(cout, cout, kt, 3);
        if (cin != cout) {
            if (m_s.layernorm_shortcut) m_b.norm(pointwise_kind::layernorm, voxels(), cin, 2);
            m_b.conv(conv_at(cin, cout, 1, 1));
        }
        m_b.elementwise(voxels() * cout, 2, 1, 1); // residual
        if (m_s.conv == vae_conv::frame_temporal) { // temporal resnet, (3,1,1) convs, and a learned mix
            norm(cout);
            act(cout);
            conv(cout, cout, 3, 1);
            norm(cout);
            act(cout);
            conv(cout, cout, 3, 1);
            m_b.parameters(1);
            m_b.elementwise(voxels() * cout, 2, 1, 3);
        }
        // AllegroTemporalConvLayer: four (3,1,1) convs, each input padded by a frame at both ends
        if (m_s.conv == vae_conv::frame_temporal4) conv_stack(cout, 4, 1);
    }

    /// `count` norm / SiLU / (3, ks, ks) convs at width c, then a residual (Allegro's temporal layers).
    void conv_stack(extent c, int count, extent ks) {
        for (int i = 0; i < count; ++i) {
            norm(c);
            act(c);
            conv(c, c, 3, ks);
        }
        m_b.elementwise(voxels() * c, 2, 1, 1);
    }

    void attention(extent c) {
        norm(c);
        const extent px = voxels();
        m_b.linear(px, c, 3 * c, m_s.qkv_bias);
        attention_op a;
        const extent heads = m_s.head_dim > 0 && c % m_s.head_dim == 0 ? c / m_s.head_dim : 1;
        a.batch = m_s.attention_all_frames ? m_videos : m_videos * m_t;
        a.heads_q = heads;
        a.seq_q = m_s.attention_all_frames ? m_t * m_h * m_w : m_h * m_w;
        a.head_dim = c / heads;
        if (m_s.attention_all_frames) {
            // the frame-causal mask is materialised (seq x seq, built in fp32, then cast) and the masked
            // kernel computes every score: no causal saving
            const double seq = static_cast<double>(a.seq_q);
            m_b.elementwise(a.seq_q * a.seq_q, 1, 1, 1);
            m_b.resident(seq * seq * (4.0 + size_bytes(m_compute)));
        }
        a.kernel = heads > 1 && a.head_dim <= 256 ? attention_kernel::fa2 : attention_kernel::sdpa_efficient;
        m_b.attention(a);
        m_b.linear(px, c, c);
        m_b.elementwise(px * c, 2, 1, 1);
    }

    /// Frames after up-sampling by ft: the first frame is not repeated (causal VAEs) unless the decoder
    /// trims the surplus at the end.
    [[nodiscard]] extent up_frames(extent t, extent ft) const { return m_s.trim_after ? ft * t : ft * (t - 1) + 1; }

    void up(const vae_block& k) {
        const extent ft = k.ft, fs = k.fs;
        switch (m_s.resample) {
        case vae_resample::wan:
            if (ft > 1) { // time conv to ft x the channels, folded into frames
                conv(k.c_in, ft * k.c_in, 3, 1);
                m_t = up_frames(m_t, ft);
            }
            m_h *= fs;
            m_w *= fs;
            m_b.elementwise(voxels() * k.c_in, 1, 1, 0); // nearest
            tensor(k.c_in);
            conv(k.c_in, k.c_out, 1, 3);
            break;
        case vae_resample::frame_2d:
        case vae_resample::causal_3d:
            m_t = up_frames(m_t, ft);
            m_h *= fs;
            m_w *= fs;
            m_b.elementwise(voxels() * k.c_in, 1, 1, 0); // nearest / interpolation
            tensor(k.c_in);
            conv(k.c_in, k.c_out, m_s.resample == vae_resample::causal_3d ? 3 : 1, 3);
            break;
        case vae_resample::conv_d2s:
        case vae_resample::linear_d2s: {
            const extent wide = k.c_out * ft * fs * fs;
            if (m_s.resample == vae_resample::conv_d2s) {
                conv(k.c_in, wide, 3, 3);
            } else {
                m_b.linear(voxels(), k.c_in, wide);
                tensor(wide);
            }
            m_t = up_frames(m_t, ft);
            m_h *= fs;
            m_w *= fs;
            m_b.elementwise(voxels() * k.c_out, 1, 1, 0); // depth-to-space
            tensor(k.c_out);
            break;
        }
        case vae_resample::allegro:
            if (ft > 1) { // AllegroTemporalConvLayer(up_sample): a (1,3,3) conv to ft x c unfolded into frames
                norm(k.c_in);
                act(k.c_in);
                conv(k.c_in, ft * k.c_out, 1, 3);
                m_t *= ft;
                tensor(k.c_out);
                conv_stack(k.c_out, 3, 3); // three 3x3x3 convs and the residual
            }
            if (fs > 1) { // Upsample2D: nearest, then a 3x3 per frame
                m_h *= fs;
                m_w *= fs;
                m_b.elementwise(voxels() * k.c_in, 1, 1, 0);
                tensor(k.c_in);
                conv(k.c_in, k.c_out, 1, 3);
            }
            break;
        case vae_resample::conv_s2d: { // LTXVideoUpsampler3d(residual=True): both paths unfold, then add
            conv(k.c_in, k.c_out * ft * fs * fs, 3, 3);
            m_t = up_frames(m_t, ft);
            m_h *= fs;
            m_w *= fs;
            m_b.elementwise(voxels() * k.c_out, 2, 1, 1); // depth-to-space of both, repeat, add
            tensor(k.c_out);
            break;
        }
        }
    }

    void down(const vae_block& k) {
        const extent ft = k.ft, fs = k.fs;
        switch (m_s.resample) {
        case vae_resample::wan:
            conv(k.c_in, k.c_out, 1, 3, 1, fs);
            if (ft > 1) conv(k.c_out, k.c_out, 3, 1, ft, 1);
            break;
        case vae_resample::frame_2d:
            conv(k.c_in, k.c_out, 1, 3, 1, fs);
            if (ft > 1) { // average pooling in time
                m_b.elementwise(voxels() * k.c_out, 1, 1, 1);
                m_t = (m_t - 1) / ft + 1;
            }
            break;
        case vae_resample::causal_3d:
        case vae_resample::conv_d2s: conv(k.c_in, k.c_out, 3, 3, ft, fs); break;
        case vae_resample::linear_d2s: conv(k.c_in, k.c_out, ft, fs, ft, fs); break;
        case vae_resample::allegro:
            if (ft > 1) { // AllegroTemporalConvLayer(down_sample): a (2,3,3) conv at time stride 2 first
                if (m_t % ft != 0)
                    raise(errc::out_of_range, "vae", "the clip's frames do not halve in the temporal down-sampler");
                norm(k.c_in);
                act(k.c_in);
                conv(k.c_in, k.c_out, ft, 3, ft, 1);
                conv_stack(k.c_out, 3, 3); // three 3x3x3 convs and the residual
            }
            if (fs > 1) conv(k.c_in, k.c_out, 1, 3, 1, fs); // Downsample2D
            break;
        case vae_resample::conv_s2d: { // LTXVideoDownsampler3d: ft - 1 leading frames repeated, then folded
            const extent fold = ft * fs * fs;
            if (k.c_out % fold != 0 || (k.c_in * fold) % k.c_out != 0)
                raise(errc::not_representable, "vae", "a space-to-depth down-sampler needs widths that fold evenly");
            if (!m_s.first_frame_spatial) m_t += ft - 1;
            const extent in_voxels = voxels();
            conv(k.c_in, k.c_out / fold, 3, 3);
            const extent folded_frames = m_s.first_frame_spatial ? m_t - 1 : m_t;
            if (folded_frames % ft != 0 || m_h % fs != 0 || m_w % fs != 0)
                raise(errc::out_of_range, "vae", "the input does not fold into the down-sampler's factors");
            m_t = m_s.first_frame_spatial ? 1 + folded_frames / ft : m_t / ft;
            m_h /= fs;
            m_w /= fs;
            m_b.elementwise(in_voxels * k.c_in, 1, 1, 1); // the residual: fold, average in groups
            m_b.elementwise(voxels() * k.c_out, 2, 1, 1); // fold the conv's output, add
            tensor(k.c_out);
            break;
        }
        }
    }

    void block(const vae_block& k) {
        switch (k.kind) {
        case vae_block_kind::conv: conv(k.c_in, k.c_out, k.kt, k.ks, k.ft, k.fs, k.bias); break;
        case vae_block_kind::linear:
            m_b.linear(voxels(), k.c_in, k.c_out, k.bias);
            tensor(k.c_out);
            break;
        case vae_block_kind::resnet:
            m_b.begin_repeat(k.repeat * m_times);
            resnet(k.c_in, k.c_out);
            if (k.attention) attention(k.c_out);
            m_b.begin_repeat(m_times);
            break;
        case vae_block_kind::attention: attention(k.c_in); break;
        case vae_block_kind::down: down(k); break;
        case vae_block_kind::up: up(k); break;
        case vae_block_kind::norm_act:
            norm(k.c_in);
            act(k.c_in);
            break;
        case vae_block_kind::act: act(k.c_in); break;
        case vae_block_kind::patchify:
        case vae_block_kind::unpatchify: {
            const extent before = voxels() * k.c_in;
            if (k.kind == vae_block_kind::patchify) {
                m_h /= k.fs;
                m_w /= k.fs;
            } else {
                m_h *= k.fs;
                m_w *= k.fs;
            }
            m_b.elementwise(before, 1, 1, 0);
            tensor(k.c_out);
            break;
        }
        case vae_block_kind::features:
            m_b.elementwise(voxels() * k.c_out, 1, 1, 4);
            tensor(k.c_out);
            break;
        case vae_block_kind::trim:
            if (m_t <= k.ft) raise(errc::out_of_range, "vae", "the decoder has too few frames to trim");
            m_t -= k.ft;
            break;
        case vae_block_kind::time_embed: // PixArtAlphaCombinedTimestepSizeEmbeddings without size conditions
            m_b.linear(m_videos, k.c_in, k.c_out);
            m_b.elementwise(m_videos * k.c_out, 1, 1, 4);
            m_b.linear(m_videos, k.c_out, k.c_out);
            break;
        case vae_block_kind::norm_modulate:
            norm(k.c_in);
            m_b.parameters(static_cast<double>(2 * k.c_in));
            m_b.elementwise(voxels() * k.c_in, 1, 1, 2);
            break;
        case vae_block_kind::parameter: m_b.parameters(static_cast<double>(k.c_in)); break;
        case vae_block_kind::time_conv:
            conv(k.c_in, k.c_out, 3, 1);
            m_b.elementwise(voxels() * k.c_out, 2, 1, 1);
            break;
        }
    }

    stage_builder& m_b;
    vae_style m_s;
    extent m_videos, m_z, m_t, m_h, m_w;
    double m_times = 1;
    dtype m_compute = dtype::bf16;
    double m_largest = 0;
};

/// The activation share of one temporal chunk decoded (or encoded) through a causal cache: `frames` frames
/// of which one latent frame is `t_scale` (1 for the decoder's input, the temporal compression for the
/// encoder's).
[[nodiscard]] inline double vae_chunk_share(const vae_spec& v, extent frames, extent t_scale) {
    const extent chunk = v.temporal_chunk * t_scale;
    return chunk > 0 && chunk < frames ? static_cast<double>(chunk) / static_cast<double>(frames) : 1.0;
}

/// (size, count) of the tiles diffusers cuts from an axis of `full`: a tile of `tile` starts every `stride`
/// (`for i in range(0, full, stride): x[i : i + tile]`), the last ones cut short by the axis's end.
[[nodiscard]] inline std::vector<std::pair<extent, double>> tile_spans(extent full, extent tile, extent stride) {
    std::vector<std::pair<extent, double>> out;
    for (extent i = 0; i < full; i += stride) {
        const extent size = tile < full - i ? tile : full - i;
        if (!out.empty() && out.back().first == size)
            out.back().second += 1;
        else
            out.emplace_back(size, 1.0);
    }
    return out;
}

/// A tile size and stride along one axis: the class's (`tile`, `stride` in the axis's units), or `given`
/// keeping the class's overlap.
[[nodiscard]] inline std::pair<extent, extent> tile_and_stride(extent tile, extent stride, extent given,
                                                               std::string_view field) {
    if (stride == 0 || stride > tile)
        raise(errc::out_of_range, "vae tiles", std::string(field) + ": the stride must be in [1, tile]");
    if (given == 0) return {tile, stride};
    const extent overlap = tile - stride;
    if (given <= overlap)
        raise(errc::out_of_range, "vae_tiling", "field '" + std::string(field) + "' must exceed the class's tile overlap of " +
                                                  std::to_string(overlap) + ", got " + std::to_string(given));
    return {given, given - overlap};
}

/// The tiles diffusers cuts a decode (latent extents) or an encode (pixel extents) of frames x height x width
/// into: temporal tiles where the class takes them by default or a tile is given, spatial tiles when tiling is
/// enabled and the input is larger than one tile; one tile of the whole input otherwise.
[[nodiscard]] inline std::vector<vae_tile> vae_tiles(const vae_spec& v, const vae_tiling& tiling, extent frames,
                                                     extent height, extent width, bool decode) {
    const vae_tile_rule& r = v.tiles;
    const extent ut = decode ? v.temporal_compression : 1;
    const extent us = decode ? v.spatial_compression : 1;
    // the given sizes are latent; an encode tiles pixels
    const extent gt = decode ? 1 : v.temporal_compression;
    const extent gs = decode ? 1 : v.spatial_compression;
    std::vector<std::pair<extent, double>> t_spans{{frames, 1.0}}, h_spans{{height, 1.0}}, w_spans{{width, 1.0}};
    if (r.fixed_grid) { // every tile the class's size; floor((N - tile) / stride) + 1 of them per axis
        if (tiling.tile_frames > 0 || tiling.tile_height > 0 || tiling.tile_width > 0)
            raise(errc::not_representable, v.name, "field 'vae_tiling': this VAE class's tile sizes are fixed");
        auto axis = [&](extent n, extent tile, extent stride, extent scale, std::string_view what) {
            const extent t = tile / scale, s = stride / scale;
            if (t == 0 || s == 0 || n < t)
                raise(errc::out_of_range, v.name,
                      "the class decodes and encodes only in tiles of " + std::to_string(tile) + " " +
                          std::string(what) + ": the video must have at least that many, got " +
                          std::to_string(n * scale));
            return std::pair<extent, double>{t, static_cast<double>((n - t) / s + 1)};
        };
        const auto [tt, nt] = axis(frames, r.tile_frames, r.stride_frames, ut, "frames");
        const auto [th, nh] = axis(height, r.tile_height, r.stride_height, us, "pixels of height");
        const auto [tw, nw] = axis(width, r.tile_width, r.stride_width, us, "pixels of width");
        return {{tt, th, tw, nt * nh * nw}};
    }

    if (tiling.tile_frames > 0 && r.tile_frames == 0)
        raise(errc::not_representable, v.name, "field 'tile_frames': this VAE class has no temporal tiles");
    if (r.tile_frames > 0 && (r.framewise || tiling.tile_frames > 0)) {
        const auto [tile, stride] =
            tile_and_stride(r.tile_frames / ut, r.stride_frames / ut, tiling.tile_frames * gt, "tile_frames");
        if (frames > tile) { // each temporal tile also takes the frame it shares with the one before
            t_spans.clear();
            for (extent i = 0; i < frames; i += stride) {
                const extent size = tile + 1 < frames - i ? tile + 1 : frames - i;
                if (!t_spans.empty() && t_spans.back().first == size)
                    t_spans.back().second += 1;
                else
                    t_spans.emplace_back(size, 1.0);
            }
        }
    }
    if (tiling.enabled) {
        if (r.tile_height == 0)
            raise(errc::not_representable, v.name,
                  "field 'vae_tiling': the reference class of this VAE has no tiled decode");
        // diffusers' AutoencoderKLWan cuts the encoder's tiles from the patchified input
        const extent scale = !decode && r.encode_tiles_patchified ? v.patch : 1;
        const auto [th, sh] = tile_and_stride(r.tile_height * scale / us, r.stride_height * scale / us,
                                              tiling.tile_height * gs, "tile_height");
        const auto [tw, sw] = tile_and_stride(r.tile_width * scale / us, r.stride_width * scale / us,
                                              tiling.tile_width * gs, "tile_width");
        // the test compares the class's own tile size (unscaled for a patchified encode) with the input
        const extent test_h = tiling.tile_height > 0 ? th : r.tile_height / us;
        const extent test_w = tiling.tile_width > 0 ? tw : r.tile_width / us;
        if (height > test_h || width > test_w) {
            h_spans = tile_spans(height, th, sh);
            w_spans = tile_spans(width, tw, sw);
        }
    }
    std::vector<vae_tile> out;
    for (const auto& [t, nt] : t_spans)
        for (const auto& [h, nh] : h_spans)
            for (const auto& [w, nw] : w_spans) out.push_back({t, h, w, nt * nh * nw});
    return out;
}

} // namespace detail

/// Parameters of one tower of `v` (the encoder's quant conv counts with the encoder, the decoder's
/// post-quant conv with the decoder).
[[nodiscard]] inline double vae_tower_parameters(const vae_spec& v, const vae_tower& tower, bool decoder) {
    stage_builder b("vae", "vae", dtype::bf16, dtype::bf16);
    b.count_only();
    const extent px = v.spatial_compression * 2; // a small input the tower can take; the count is size-free
    // frames the encoder takes: a causal one 1 + k t_c, another (Allegro) a multiple of t_c
    const extent frames = tower.style.causal ? 1 + v.temporal_compression : 2 * v.temporal_compression;
    detail::vae_walker walk(b, tower.style, 1, v.latent_channels, decoder ? 2 : frames,
                            decoder ? 2 : px, decoder ? 2 : px);
    walk.run(tower);
    return b.parameter_count();
}

/// Parameters of the whole VAE (encoder, decoder and latent convolutions), as its checkpoint holds them.
[[nodiscard]] inline double vae_parameters(const vae_spec& v) {
    return vae_tower_parameters(v, vae_encoder(v), false) + vae_tower_parameters(v, vae_decoder(v), true);
}

/// The tiles diffusers decodes latents of frames x height x width in (one tile when it does not tile).
[[nodiscard]] inline std::vector<vae_tile> vae_decode_tiles(const vae_spec& v, extent frames, extent height,
                                                            extent width, const vae_tiling& tiling) {
    return detail::vae_tiles(v, tiling, frames, height, width, true);
}

/// The tiles diffusers encodes frames x height x width pixels in.
[[nodiscard]] inline std::vector<vae_tile> vae_encode_tiles(const vae_spec& v, extent frames, extent height,
                                                            extent width, const vae_tiling& tiling) {
    return detail::vae_tiles(v, tiling, frames, height, width, false);
}

namespace detail {
/// One stage that runs `tower` once per tile; its peak is the largest tile's, its weights the whole VAE's
/// (the module is loaded whole).
[[nodiscard]] inline stage lower_vae_tiles(const vae_spec& v, const vae_tower& tower, const std::vector<vae_tile>& tiles,
                                           std::string name, extent videos, dtype compute, extent t_scale) {
    stage_builder b(std::move(name), "vae", compute, compute);
    double kept = 0; // elements of the tiles' outputs held until the blend (fixed-grid tiles)
    double largest = 0;
    extent frames = 0;
    for (const auto& t : tiles) {
        vae_walker walk(b, tower.style, videos, v.latent_channels, t.frames, t.height, t.width, t.count, compute);
        walk.run(tower);
        if (v.tiles.fixed_grid && tower.size > 0)
            kept += t.count * static_cast<double>(walk.output_voxels()) *
                    static_cast<double>(tower.blocks[tower.size - 1].c_out);
        if (walk.largest_tensor_elements() > largest) {
            largest = walk.largest_tensor_elements();
            frames = t.frames;
        }
    }
    // the largest tensor stays alive beside the running conv's input and output (skip / cache)
    b.resident((largest + kept) * size_bytes(compute));
    stage st = b.finish(1);
    st.activation_bytes = st.activation_bytes * vae_chunk_share(v, frames, t_scale);
    st.parameters = vae_parameters(v);
    st.weight_bytes = bytes(st.parameters * size_bytes(compute));
    return st;
}
} // namespace detail

/// VAE decode of `videos` latents of shape `lat`, as one stage, tiled as diffusers tiles it.
[[nodiscard]] inline stage lower_vae_decode(const vae_spec& v, const latent_shape& lat, extent videos, dtype compute,
                                            const vae_tiling& tiling) {
    detail::require_positive(static_cast<double>(v.latent_channels), "lower_vae_decode", "latent_channels");
    return detail::lower_vae_tiles(v, vae_decoder(v), vae_decode_tiles(v, lat.frames, lat.height, lat.width, tiling),
                                   "vae_decode", videos, compute, 1);
}

/// VAE encode of `videos` clips of `frames` x `height` x `width` pixels, as one stage.
[[nodiscard]] inline stage lower_vae_encode(const vae_spec& v, extent frames, extent height, extent width,
                                            extent videos, dtype compute, const vae_tiling& tiling) {
    detail::require_positive(static_cast<double>(frames), "lower_vae_encode", "frames");
    return detail::lower_vae_tiles(v, vae_encoder(v), vae_encode_tiles(v, frames, height, width, tiling), "vae_encode",
                                   videos, compute, v.temporal_compression);
}

} // namespace vidperf
