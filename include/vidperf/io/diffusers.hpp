#pragma once
/// \file
/// diffusers model folders in and out: `model_index.json`,
/// `transformer/config.json`, `vae/config.json`, `text_encoder/config.json`
/// (and `text_encoder_2/` where the pipeline has one) to a model_spec, and a
/// model_spec back to those configs.
///
/// The transformer's `_class_name` picks the family and the preset that
/// supplies what a config does not say (latent rule, standard workload):
///   WanTransformer3DModel -> wan2.1-t2v-1.3b, CogVideoXTransformer3DModel ->
///   cogvideox-5b, HunyuanVideoTransformer3DModel -> hunyuanvideo,
///   MochiTransformer3DModel -> mochi-1, LTXVideoTransformer3DModel -> ltx-video (ltx-video-13b with the
///   0.9.5 VAE's LTXVideo095DownBlock3D), LTX2VideoTransformer3DModel -> ltx-2 (with its connectors/,
///   audio_vae/ and vocoder/ configs and a Gemma 3 text_encoder/), and the other families' classes listed in
///   model_from_diffusers' error for an unknown class.
/// Key names are diffusers' own (diffusers 0.32-0.35 model classes).

#include <algorithm>
#include <array>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/detail/json_support.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/models/presets.hpp>

namespace vidperf {

/// The JSON texts of a diffusers model folder (empty strings for absent files).
struct diffusers_configs {
    std::string model_index;
    std::string transformer;
    std::string vae;
    std::string text_encoder;
    std::string text_encoder_2;
    std::string scheduler; ///< scheduler/scheduler_config.json (read for a two-expert pipeline's switching step)
    std::string unet;      ///< unet/config.json of a UNet pipeline (Stable Video Diffusion), read when no transformer
    // LTX2Pipeline's further modules (LTX-2)
    std::string connectors; ///< connectors/config.json (LTX2TextConnectors)
    std::string audio_vae;  ///< audio_vae/config.json (AutoencoderKLLTX2Audio)
    std::string vocoder;    ///< vocoder/config.json (LTX2Vocoder)
};

/// A model_spec that owns the strings its views point to.
struct loaded_model {
    model_spec spec;
    std::shared_ptr<detail::string_store> strings = std::make_shared<detail::string_store>();
};

namespace detail {

/// The largest whole number a diffusers config field may hold: far past any model's width, depth or vocabulary
/// (2^24), and small enough that the product of two such fields stays exact in 64 bits.
inline constexpr extent max_config_int = extent{1} << 24;
/// The largest patch size, VAE scale factor or compression ratio: far past any model's (1 to 32), and a bound on
/// the latent arithmetic.
inline constexpr extent max_config_factor = 1024;

/// A whole number in [lo, hi]; refused naming the field and the value as written.
[[nodiscard]] inline extent int_field(const nlohmann::json& j, std::string_view key, std::string_view where,
                                      extent lo = 0, extent hi = max_config_int) {
    return whole_field(j, key, where, lo, hi);
}

[[nodiscard]] inline std::optional<extent> opt_int(const nlohmann::json& j, std::string_view key,
                                                   std::string_view where, extent lo = 0,
                                                   extent hi = max_config_int) {
    if (!has(j, key) || j.at(std::string(key)).is_null()) return std::nullopt;
    return int_field(j, key, where, lo, hi);
}

/// A patch size, scale factor or compression ratio: a whole number in [1, max_config_factor] (0 would divide by
/// zero in the latent shape).
[[nodiscard]] inline std::optional<extent> opt_factor(const nlohmann::json& j, std::string_view key,
                                                      std::string_view where) {
    return opt_int(j, key, where, 1, max_config_factor);
}

/// patch_size as an int or a [t, h, w] list.
inline void read_patch(const nlohmann::json& j, latent_rule& r, std::string_view where) {
    if (!has(j, "patch_size")) return;
    const auto& p = j.at("patch_size");
    if (p.is_array()) {
        if (p.size() != 3 || !p[0].is_number_integer() || !p[1].is_number_integer() || !p[2].is_number_integer())
            raise(errc::json_bad_value, where,
                  "field 'patch_size' must be an integer or a list of 3 integers, got " + json_text(p));
        std::array<extent, 3> tw{};
        for (std::size_t i = 0; i < 3; ++i) {
            const auto v = whole_number(p[i], 1, max_config_factor);
            if (!v)
                raise(errc::json_bad_value, where,
                      "field 'patch_size' must be a list of 3 whole numbers in [1, " +
                          std::to_string(max_config_factor) + "], got " + json_text(p));
            tw[i] = *v;
        }
        r.patch_t = tw[0];
        r.patch_h = tw[1];
        r.patch_w = tw[2];
    } else {
        r.patch_h = r.patch_w = int_field(j, "patch_size", where, 1, max_config_factor);
    }
    if (auto pt = opt_factor(j, "patch_size_t", where)) r.patch_t = *pt;
}

/// A config's boolean field: its value when it is a boolean, `fallback` when it is absent or not a boolean
/// (diffusers writes null for an unset option).
[[nodiscard]] inline bool flag(const nlohmann::json& j, std::string_view key, bool fallback) {
    if (!has(j, key) || !j.at(std::string(key)).is_boolean()) return fallback;
    return j.at(std::string(key)).get<bool>();
}

/// A list of 1 to N whole numbers in [1, max_config_int] into a 0-terminated array (the audio VAE's ch_mult,
/// the vocoder's kernel lists); refused naming the field and the list as written.
template <std::size_t N>
[[nodiscard]] std::array<extent, N> short_list(const nlohmann::json& v, std::string_view key, std::string_view where) {
    auto refuse = [&] {
        raise(errc::json_bad_value, where,
              "field '" + std::string(key) + "' must be a list of 1 to " + std::to_string(N) +
                  " whole numbers in [1, " + std::to_string(max_config_int) + "], got " + json_text(v));
    };
    if (!v.is_array() || v.empty() || v.size() > N) refuse();
    std::array<extent, N> out{};
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto n = v[i].is_number_integer() ? whole_number(v[i], 1, max_config_int) : std::nullopt;
        if (!n) refuse();
        out[i] = *n;
    }
    return out;
}

/// A boolean option whose only modelled value is `modelled`: absent or null keeps it; anything else is refused
/// naming the field, as `what` says why.
inline void require_flag(const nlohmann::json& j, std::string_view key, bool modelled, std::string_view where,
                         std::string_view what) {
    if (!has(j, key) || j.at(std::string(key)).is_null()) return;
    const auto& f = j.at(std::string(key));
    if (!f.is_boolean())
        raise(errc::json_wrong_type, where,
              "field '" + std::string(key) + "' must be true or false, got " + json_text(f));
    if (f.get<bool>() != modelled)
        raise(errc::not_representable, where,
              "field '" + std::string(key) + "' is " + json_text(f) + ": " + std::string(what));
}

/// A string option whose only modelled values are `allowed`: absent keeps the first; anything else is refused
/// naming the field and the values read.
[[nodiscard]] inline std::string require_name(const nlohmann::json& j, std::string_view key,
                                              std::initializer_list<std::string_view> allowed, std::string_view where) {
    if (!has(j, key) || j.at(std::string(key)).is_null()) return std::string(*allowed.begin());
    const auto& f = j.at(std::string(key));
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
    if (f.is_string())
        for (auto a : allowed)
            if (f.get<std::string>() == a) return std::string(a);
    raise(errc::not_representable, where,
          "field '" + std::string(key) + "' is " + json_text(f) + "; vidperf models " + list);
}

/// transformers' Gemma 3 config (model_type gemma3, the language model under text_config; or gemma3_text) into
/// `e`, as LTX2Pipeline runs it: every hidden state kept, the logits over the (tied) embedding computed. The
/// multimodal model's vision tower is loaded and not run: its parameters are counted for the one tower vidperf
/// knows, google/gemma-3-12b-it's SigLIP (refused naming the field for another), with the projector between it
/// and the language model (vision width x text width + a norm of the vision width).
inline void read_gemma3(const nlohmann::json& j, std::string_view type, encoder_spec& e, std::string_view where) {
    const bool multimodal = type == "gemma3";
    const nlohmann::json& tc = multimodal ? require_field(j, "text_config", where) : j;
    const std::string tw = multimodal ? std::string(where) + ": text_config" : std::string(where);
    e.kind = encoder_kind::llama;
    e.gemma = true;
    e.d_model = int_field(tc, "hidden_size", tw, 1);
    e.layers = int_field(tc, "num_hidden_layers", tw, 1);
    e.heads = int_field(tc, "num_attention_heads", tw, 1);
    e.kv_heads = opt_int(tc, "num_key_value_heads", tw, 1).value_or(e.heads);
    e.head_dim = int_field(tc, "head_dim", tw, 1);
    e.d_ff = int_field(tc, "intermediate_size", tw, 1);
    e.vocab = int_field(tc, "vocab_size", tw, 1);
    e.run_layers = 0;
    e.lm_head = true;
    // transformers' default ties them; a top-level tie_word_embeddings speaks for the whole model
    e.tied_lm_head = flag(j, "tie_word_embeddings", flag(tc, "tie_word_embeddings", true));
    if (auto window = opt_int(tc, "sliding_window", tw, 1); window && *window < e.tokens)
        raise(errc::not_representable, tw,
              "field 'sliding_window' is " + std::to_string(*window) + ", below the prompt's " +
                  std::to_string(e.tokens) + " tokens: sliding-window attention is not modelled");
    e.idle_parameters = 0;
    if (!multimodal) return;
    const nlohmann::json& vc = require_field(j, "vision_config", where);
    const std::string vw = std::string(where) + ": vision_config";
    // the one tower whose count vidperf holds (presets_detail::gemma3_siglip_parameters)
    const std::pair<const char*, extent> siglip[] = {{"hidden_size", presets_detail::gemma3_siglip_width},
                                                     {"num_hidden_layers", 27},
                                                     {"intermediate_size", 4304},
                                                     {"num_attention_heads", 16},
                                                     {"image_size", 896},
                                                     {"patch_size", 14}};
    for (const auto& [key, want] : siglip)
        if (int_field(vc, key, vw, 1) != want)
            raise(errc::not_representable, vw,
                  "field '" + std::string(key) + "' is " + json_text(vc.at(key)) +
                      ": the idle vision tower is counted for google/gemma-3-12b-it's SigLIP (" + std::string(key) +
                      " " + std::to_string(want) + ")");
    e.idle_parameters = presets_detail::gemma3_idle_parameters(e.d_model);
}

inline void read_text_encoder(const std::string& text, encoder_spec& e, string_store& store) {
    constexpr std::string_view where = "text_encoder/config.json";
    const nlohmann::json j = parse_json(text, where);
    const std::string type = has(j, "model_type") ? string_field(j, "model_type", where) : "";
    if (type == "t5" || type == "umt5") {
        e.kind = encoder_kind::t5;
        e.d_model = int_field(j, "d_model", where);
        e.layers = int_field(j, "num_layers", where);
        e.heads = int_field(j, "num_heads", where);
        e.head_dim = int_field(j, "d_kv", where);
        e.d_ff = int_field(j, "d_ff", where);
        e.vocab = int_field(j, "vocab_size", where);
        e.relative_buckets = int_field(j, "relative_attention_num_buckets", where);
        e.per_layer_bias = type == "umt5";
        // T5 1.0 (t5-11b) has one ReLU projection, v1.1 and umT5 a gated GELU; absent: the preset's
        if (has(j, "feed_forward_proj")) {
            const std::string ff = string_field(j, "feed_forward_proj", where);
            if (ff != "relu" && ff != "gated-gelu")
                raise(errc::not_representable, where,
                      "field 'feed_forward_proj' is '" + ff + "'; vidperf models \"relu\" and \"gated-gelu\"");
            e.relu_ffn = ff == "relu";
        }
    } else if (type == "llama" || type == "clip_text_model") {
        e.kind = type == "llama" ? encoder_kind::llama : encoder_kind::clip_text;
        e.d_model = int_field(j, "hidden_size", where);
        e.layers = int_field(j, "num_hidden_layers", where);
        e.heads = int_field(j, "num_attention_heads", where);
        e.kv_heads = opt_int(j, "num_key_value_heads", where).value_or(0);
        e.d_ff = int_field(j, "intermediate_size", where);
        e.vocab = int_field(j, "vocab_size", where);
        e.head_dim = 0;
        if (e.run_layers > e.layers) e.run_layers = 0;
    } else if (type == "gemma3" || type == "gemma3_text") {
        read_gemma3(j, type, e, where);
    } else {
        raise(errc::json_bad_value, where,
              "field 'model_type' is '" + type +
                  "'; vidperf reads t5, umt5, llama, gemma3, gemma3_text and clip_text_model encoders");
    }
    if (has(j, "_name_or_path")) e.name = keep(store, string_field(j, "_name_or_path", where));
}

/// A JSON list of exactly N whole numbers in [1, the largest T and max_config_int] (or booleans read as 2 / 1
/// factors when `flags`); refused naming the field and the list as written.
template <std::size_t N, class T>
[[nodiscard]] std::array<T, N> int_list(const nlohmann::json& j, std::string_view key, std::string_view where,
                                        bool flags = false) {
    const auto& v = require_field(j, key, where);
    const extent hi = std::min<extent>(max_config_int, static_cast<extent>(std::numeric_limits<T>::max()));
    const std::string what = flags ? "booleans" : "whole numbers in [1, " + std::to_string(hi) + "]";
    auto refuse = [&] {
        raise(errc::json_bad_value, where,
              "field '" + std::string(key) + "' must be a list of " + std::to_string(N) + " " + what + ", got " +
                  json_text(v));
    };
    if (!v.is_array() || v.size() != N) refuse();
    std::array<T, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
        if (flags && v[i].is_boolean()) {
            out[i] = static_cast<T>(v[i].get<bool>() ? 2 : 1);
        } else if (!flags && v[i].is_number_integer()) {
            const auto n = whole_number(v[i], 1, hi);
            if (!n) refuse();
            out[i] = static_cast<T>(*n);
        } else {
            refuse();
        }
    }
    return out;
}

/// log2 of a power-of-two compression ratio, or an error naming the field and the value.
[[nodiscard]] inline int log2_ratio(extent r, std::string_view key, std::string_view where) {
    int n = 0;
    while (n < 62 && (extent{1} << n) < r) ++n;
    if ((extent{1} << n) != r || n > 3)
        raise(errc::json_bad_value, where,
              "field '" + std::string(key) + "' must be 1, 2, 4 or 8, got " + std::to_string(r));
    return n;
}

/// Whether an AutoencoderKLLTXVideo config's down_block_types are LTXVideo095DownBlock3D (all four; a mix
/// is refused naming the field), as LTX-Video 0.9.5 and later write them; absent = 0.9.0's blocks.
[[nodiscard]] inline bool ltx_095_blocks(const nlohmann::json& j, std::string_view w) {
    if (!has(j, "down_block_types")) return false;
    const auto& types = j.at("down_block_types");
    int n095 = 0, n090 = 0;
    if (types.is_array() && types.size() == 4)
        for (const auto& t : types) {
            if (t == "LTXVideo095DownBlock3D") ++n095;
            if (t == "LTXVideoDownBlock3D") ++n090;
        }
    if (n095 == 4) return true;
    if (n090 == 4) return false;
    raise(errc::json_bad_value, w,
          "field 'down_block_types' must be four LTXVideoDownBlock3D (0.9.0) or four LTXVideo095DownBlock3D "
          "(0.9.5), got " + json_text(types));
}

/// An AutoencoderKLLTXVideo config with LTXVideo095DownBlock3D into `v` (family ltx_095). What the lowering
/// does not model is refused naming the field: down-samplers other than space-to-depth ones, injected
/// noise, up-samplers without the residual or not halving the width. `ltx2`: AutoencoderKLLTX2Video, the same
/// layout with its block_out_channels written from the first block's output.
inline void read_ltx_095_vae(const nlohmann::json& j, vae_spec& v, std::string_view w, bool ltx2 = false) {
    v.family = vae_family::ltx_095;
    if (ltx2) { // AutoencoderKLLTX2Video: conv_in gives latent_channels, block_out_channels are the 4 blocks' outputs
        const auto out = int_list<4, extent>(j, "block_out_channels", w);
        v.widths = {v.latent_channels, out[0], out[1], out[2]};
        v.mid_width = out[3];
        if (has(j, "down_block_types")) {
            const auto& types = j.at("down_block_types");
            const bool ok =
                types.is_array() && types.size() == 4 &&
                std::all_of(types.begin(), types.end(), [](const auto& x) { return x == "LTX2VideoDownBlock3D"; });
            if (!ok)
                raise(errc::json_bad_value, w,
                      "field 'down_block_types' must be four LTX2VideoDownBlock3D, got " + json_text(types));
        }
    } else {
        const auto widths = int_list<5, extent>(j, "block_out_channels", w);
        v.widths = {widths[0], widths[1], widths[2], widths[3]};
        v.mid_width = widths[4];
    }
    v.layers = int_list<5, extent>(j, "layers_per_block", w);
    const auto scaling = int_list<4, std::uint8_t>(j, "spatio_temporal_scaling", w, true);
    const auto& types = require_field(j, "downsample_type", w);
    if (!types.is_array() || types.size() != 4)
        raise(errc::json_bad_value, w, "field 'downsample_type' must be a list of 4 names, got " + json_text(types));
    for (std::size_t i = 0; i < 4; ++i) {
        const std::string t = types[i].is_string() ? types[i].get<std::string>() : "";
        v.down_t[i] = scaling[i] > 1 && (t == "temporal" || t == "spatiotemporal") ? 2 : 1;
        v.down_s[i] = scaling[i] > 1 && (t == "spatial" || t == "spatiotemporal") ? 2 : 1;
        if (t != "spatial" && t != "temporal" && t != "spatiotemporal")
            raise(errc::json_bad_value, w,
                  "field 'downsample_type' entry " + std::to_string(i) + " is " + json_text(types[i]) +
                      ": only the space-to-depth down-samplers 'spatial', 'temporal' and 'spatiotemporal' are "
                      "modelled");
    }
    const auto dec = int_list<3, extent>(j, "decoder_block_out_channels", w);
    for (std::size_t i = 0; i < 3; ++i)
        if (dec[i] % 2 != 0) raise(errc::json_bad_value, w, "field 'decoder_block_out_channels' must hold even widths");
    v.decoder_widths = {dec[0] / 2, dec[1] / 2, dec[2] / 2, dec[2]};
    if (dec[0] * 2 != dec[1] || dec[1] * 2 != dec[2])
        raise(errc::not_representable, w,
              "field 'decoder_block_out_channels' must double from block to block (each up-sampler halves the "
              "width), got " + json_text(j.at("decoder_block_out_channels")));
    const auto dl = int_list<4, extent>(j, "decoder_layers_per_block", w);
    v.decoder_layers = {dl[0], dl[1], dl[2], 0, dl[3]};
    auto require_all = [&](std::string_view key, const nlohmann::json& want, std::size_t n, std::string_view why) {
        const auto& f = require_field(j, key, w);
        bool ok = f.is_array() && f.size() == n;
        for (std::size_t i = 0; ok && i < n; ++i) ok = f[i] == want;
        if (!ok)
            raise(errc::not_representable, w,
                  "field '" + std::string(key) + "' must be " + std::to_string(n) + " x " + json_text(want) + " (" +
                      std::string(why) + "), got " + json_text(f));
    };
    require_all("decoder_spatio_temporal_scaling", true, 3, "three (2, 2, 2) up-samplers");
    require_all("upsample_residual", true, 3, "the up-samplers' residual");
    require_all("upsample_factor", 2, 3, "each up-sampler halves the width");
    require_all("decoder_inject_noise", false, 4, "injected noise is not modelled");
    if (ltx2 && has(j, "upsample_type"))
        require_all("upsample_type", "spatiotemporal", 3, "three (2, 2, 2) up-samplers");
    // with or without the decoder's time embedders and scale-shift tables (both classes' default: without)
    v.timestep_conditioning = flag(j, "timestep_conditioning", false);
    if (opt_int(j, "patch_size_t", w).value_or(1) != 1)
        raise(errc::not_representable, w, "field 'patch_size_t' must be 1");
    v.patch = opt_factor(j, "patch_size", w).value_or(4);
    extent ft = 1, fs = 1;
    for (std::size_t i = 0; i < 4; ++i) {
        ft *= v.down_t[i];
        fs *= v.down_s[i];
    }
    if (ft != 8 || fs != 8)
        raise(errc::not_representable, w,
              "fields 'spatio_temporal_scaling' and 'downsample_type' must compress 8x in time and space, as the "
              "decoder's three (2, 2, 2) up-samplers expand");
    v.temporal_compression = 8;
    v.spatial_compression = v.patch * 8;
    v.upsample_halves = false;
    v.temporal_chunk = 0;
    v.tiles = presets_detail::ltx_vae().tiles;
}

/// An AutoencoderKLAllegro config into `v`: 4 levels of AllegroDownBlock3D / AllegroUpBlock3D, the decoder's
/// temporal up-sampling mirroring the encoder's; tiles of 24 frames x sample_size pixels, overlapping by
/// 8 frames, 120 rows and 80 columns (the class's fixed tile_overlap_*).
inline void read_allegro_vae(const nlohmann::json& j, vae_spec& v, std::string_view w) {
    v.family = vae_family::allegro;
    auto block_types = [&](std::string_view key, std::string_view want) {
        if (!has(j, key)) return;
        const auto& types = j.at(std::string(key));
        bool ok = types.is_array() && types.size() == 4;
        for (std::size_t i = 0; ok && i < 4; ++i) ok = types[i] == want;
        if (!ok)
            raise(errc::json_bad_value, w,
                  "field '" + std::string(key) + "' must be four " + std::string(want) + ", got " + json_text(types));
    };
    block_types("down_block_types", "AllegroDownBlock3D");
    block_types("up_block_types", "AllegroUpBlock3D");
    v.widths = has(j, "block_out_channels") ? int_list<4, extent>(j, "block_out_channels", w)
                                            : std::array<extent, 4>{128, 256, 512, 512};
    const extent layers = opt_int(j, "layers_per_block", w).value_or(2);
    v.layers = {layers, layers, layers, layers, 1};
    const auto down = has(j, "temporal_downsample_blocks")
                          ? int_list<4, std::uint8_t>(j, "temporal_downsample_blocks", w, true)
                          : std::array<std::uint8_t, 4>{2, 2, 1, 1};
    const auto up = has(j, "temporal_upsample_blocks") ? int_list<4, std::uint8_t>(j, "temporal_upsample_blocks", w, true)
                                                       : std::array<std::uint8_t, 4>{1, 2, 2, 1};
    if (down[3] != 1 || up[3] != 1 || up[0] != down[2] || up[1] != down[1] || up[2] != down[0])
        raise(errc::not_representable, w,
              "fields 'temporal_downsample_blocks' " + json_text(j.value("temporal_downsample_blocks", nlohmann::json())) +
                  " and 'temporal_upsample_blocks' must mirror each other with the last level not re-sampling");
    v.down_t = down;
    v.down_s = {2, 2, 2, 1}; // every level but the last (spatial_compression_ratio = 2 ** (levels - 1))
    v.up_t = {};
    v.patch = 1;
    v.temporal_compression = down[0] * down[1] * down[2];
    if (auto tc = opt_int(j, "temporal_compression_ratio", w); tc && *tc != v.temporal_compression)
        raise(errc::not_representable, w,
              "field 'temporal_compression_ratio' is " + std::to_string(*tc) +
                  " but 'temporal_downsample_blocks' compress " + std::to_string(v.temporal_compression) + "x");
    v.spatial_compression = 8;
    const extent sample = opt_int(j, "sample_size", w).value_or(320);
    if (sample <= 120)
        raise(errc::json_bad_value, w,
              "field 'sample_size' must exceed the class's 120-pixel tile overlap, got " + std::to_string(sample));
    v.tiles = {sample, sample, sample - 120, sample - 80, 24, 16};
    v.tiles.fixed_grid = true;
    v.temporal_chunk = 0;
    v.upsample_halves = false;
}

/// transformer/config.json of diffusers' Kandinsky5Transformer3DModel into `d`: model_dim, ff_dim, time_dim,
/// num_text_blocks / num_visual_blocks, axes_dims (the head width is their sum), in_visual_dim (doubled
/// plus a mask channel with visual_cond), in_text_dim / in_text_dim2; sparse attention is refused.
inline void read_kandinsky5(const nlohmann::json& t, denoiser_spec& d, std::string_view wt) {
    d.hidden = int_field(t, "model_dim", wt);
    d.ffn = int_field(t, "ff_dim", wt);
    d.time_embed_dim = opt_int(t, "time_dim", wt).value_or(512);
    d.time_freq_dim = d.hidden; // the sinusoid is model_dim wide
    d.refiner_layers = opt_int(t, "num_text_blocks", wt).value_or(2);
    d.layers = int_field(t, "num_visual_blocks", wt);
    const auto axes = has(t, "axes_dims") ? int_list<3, extent>(t, "axes_dims", wt) : std::array<extent, 3>{16, 24, 24};
    d.head_dim = axes[0] + axes[1] + axes[2];
    if (d.hidden % d.head_dim != 0)
        raise(errc::json_bad_value, wt,
              "field 'model_dim' (" + std::to_string(d.hidden) + ") must be a multiple of the head width, the sum of "
              "'axes_dims' (" + std::to_string(d.head_dim) + ")");
    d.heads = d.hidden / d.head_dim;
    const extent visual = int_field(t, "in_visual_dim", wt);
    d.in_channels = flag(t, "visual_cond", false) ? 2 * visual + 1 : visual;
    d.out_channels = opt_int(t, "out_visual_dim", wt).value_or(visual);
    d.text_dim = opt_int(t, "in_text_dim", wt).value_or(3584);
    d.pooled_dim = opt_int(t, "in_text_dim2", wt).value_or(768);
    if (has(t, "attention_type") && t.at("attention_type") != "regular")
        raise(errc::not_representable, wt,
              "field 'attention_type' is " + json_text(t.at("attention_type")) +
                  ": only 'regular' (dense) attention is modelled; the NABLA sparse attention of the 10 s models is not");
}

/// An AutoencoderKLHunyuanVideo15 config into `v`: five levels (block_out_channels), the first four
/// down-sampling in space (ffactor_spatial 16) and the last log2(ffactor_temporal) of those in time too;
/// spatial tiles of sample_size pixels overlapping by a quarter with enable_tiling().
inline void read_hunyuan15_vae(const nlohmann::json& j, vae_spec& v, std::string_view w) {
    v.family = vae_family::hunyuan15;
    const auto c = has(j, "block_out_channels") ? int_list<5, extent>(j, "block_out_channels", w)
                                                : std::array<extent, 5>{128, 256, 512, 1024, 1024};
    v.widths = {c[0], c[1], c[2], c[3]};
    v.mid_width = c[4];
    const extent layers = opt_int(j, "layers_per_block", w).value_or(2);
    v.layers = {layers, layers, layers, layers, layers};
    const extent fs = opt_int(j, "ffactor_spatial", w).value_or(16);
    const extent ft = opt_int(j, "ffactor_temporal", w).value_or(4);
    if (fs != 16)
        raise(errc::not_representable, w,
              "field 'ffactor_spatial' is " + std::to_string(fs) + ": only 16 (four down-sampling levels) is modelled");
    if (ft != 1 && ft != 2 && ft != 4 && ft != 8 && ft != 16)
        raise(errc::json_bad_value, w,
              "field 'ffactor_temporal' must be a power of two up to 'ffactor_spatial', got " + std::to_string(ft));
    if (!flag(j, "downsample_match_channel", true) || !flag(j, "upsample_match_channel", true))
        raise(errc::not_representable, w,
              "fields 'downsample_match_channel' / 'upsample_match_channel' must be true (re-samplers that change "
              "the width)");
    extent time_levels = 0;
    for (extent f = ft; f > 1; f /= 2) ++time_levels;
    for (std::size_t i = 0; i < 4; ++i) {
        v.down_s[i] = 2;
        v.down_t[i] = static_cast<extent>(i) >= 4 - time_levels ? 2 : 1;
    }
    v.up_t = {};
    v.decoder_widths = {};
    v.patch = 1;
    v.temporal_compression = ft;
    v.spatial_compression = 16;
    const extent tile = opt_int(j, "sample_size", w).value_or(256);
    v.tiles = {tile, tile, tile * 3 / 4, tile * 3 / 4};
    v.temporal_chunk = 0;
    v.upsample_halves = false;
}

/// An LTX2VideoTransformer3DModel config's widths into `d` (the video stream's layers, heads and channels are
/// read as every transformer's): GELU MLPs of 4x on both streams, the caption width both caption projections
/// take, the audio stream and the rates its latents are counted with. What the lowering of LTX-2 2.0's blocks
/// does not model is refused naming the field (LTX-2.3's gated attention, perturbed self-attention and
/// cross-attention modulation among them).
inline void read_ltx2_transformer(const nlohmann::json& t, denoiser_spec& d, std::string_view w) {
    d.hidden = d.heads * d.head_dim;
    d.ffn = 4 * d.hidden; // FeedForward's default mult
    d.text_dim = int_field(t, "caption_channels", w, 1);
    audio_stream_spec& a = d.audio;
    a.heads = int_field(t, "audio_num_attention_heads", w, 1);
    a.head_dim = int_field(t, "audio_attention_head_dim", w, 1);
    if (a.heads * a.head_dim > max_config_int) // both <= 2^24: the product is exact
        raise(errc::json_bad_value, w,
              "fields 'audio_num_attention_heads' x 'audio_attention_head_dim' = " +
                  std::to_string(a.heads * a.head_dim) + ", an audio width above " + std::to_string(max_config_int));
    a.hidden = a.heads * a.head_dim;
    a.ffn = 4 * a.hidden;
    a.in_channels = int_field(t, "audio_in_channels", w, 1);
    a.out_channels = opt_int(t, "audio_out_channels", w, 1).value_or(a.in_channels);
    a.text_dim = d.text_dim;
    a.sample_rate = opt_int(t, "audio_sampling_rate", w, 1).value_or(16000);
    a.hop = opt_int(t, "audio_hop_length", w, 1).value_or(160);
    a.compression = opt_factor(t, "audio_scale_factor", w).value_or(4);
    auto same_width = [&](std::string_view key, extent width, std::string_view stream) {
        if (auto x = opt_int(t, key, w); x && *x != width)
            raise(errc::not_representable, w,
                  "field '" + std::string(key) + "' is " + std::to_string(*x) + ": the " + std::string(stream) +
                      " blocks' text cross-attention is modelled on the caption projection's output, " +
                      std::to_string(width) + " wide");
    };
    same_width("cross_attention_dim", d.hidden, "video");
    same_width("audio_cross_attention_dim", a.hidden, "audio");
    for (const char* key : {"audio_patch_size", "audio_patch_size_t"})
        if (opt_factor(t, key, w).value_or(1) != 1)
            raise(errc::not_representable, w, "field '" + std::string(key) + "' other than 1 is not modelled");
    constexpr std::string_view later = "LTX-2 2.0's blocks are modelled, not this later variant";
    require_flag(t, "gated_attn", false, w, later);
    require_flag(t, "audio_gated_attn", false, w, later);
    require_flag(t, "cross_attn_mod", false, w, later);
    require_flag(t, "audio_cross_attn_mod", false, w, later);
    require_flag(t, "perturbed_attn", false, w, later);
    require_flag(t, "use_keyframes_abs_pos_embedding", false, w, "keyframe position embeddings are not modelled");
    require_flag(t, "use_prompt_embeddings", true, w, "the caption projections are modelled");
    require_flag(t, "use_prompt_adaln_single", true, w, "the prompt's adaLN-single modulation is modelled");
    require_flag(t, "norm_elementwise_affine", false, w, "the blocks' norms are modelled without weights");
    for (const char* key : {"attention_bias", "attention_out_bias", "ff_bias", "audio_ff_bias"})
        require_flag(t, key, true, w, "the projections are modelled with their biases");
    (void)require_name(t, "activation_fn", {"gelu-approximate"}, w);
    (void)require_name(t, "qk_norm", {"rms_norm_across_heads"}, w);
}

/// An LTX2TextConnectors config into `c`: two connectors (video, audio) of one shape over the stacked hidden
/// states of the text encoder, blocks as wide as the caption.
inline void read_ltx2_connectors(const nlohmann::json& j, text_connector_spec& c, std::string_view w) {
    c.text_dim = int_field(j, "caption_channels", w, 1);
    c.stacked = int_field(j, "text_proj_in_factor", w, 1);
    c.layers = int_field(j, "video_connector_num_layers", w, 1);
    c.heads = int_field(j, "video_connector_num_attention_heads", w, 1);
    c.head_dim = int_field(j, "video_connector_attention_head_dim", w, 1);
    c.registers = opt_int(j, "video_connector_num_learnable_registers", w).value_or(0);
    const std::pair<const char*, extent> audio[] = {{"audio_connector_num_layers", c.layers},
                                                    {"audio_connector_num_attention_heads", c.heads},
                                                    {"audio_connector_attention_head_dim", c.head_dim},
                                                    {"audio_connector_num_learnable_registers", c.registers}};
    for (const auto& [key, video] : audio)
        if (auto x = opt_int(j, key, w); x && *x != video)
            raise(errc::not_representable, w,
                  "field '" + std::string(key) + "' is " + std::to_string(*x) +
                      ": vidperf models the audio connector as the video one (" + std::to_string(video) + ")");
    if (c.heads * c.head_dim != c.text_dim)
        raise(errc::not_representable, w,
              "fields 'video_connector_num_attention_heads' x 'video_connector_attention_head_dim' = " +
                  std::to_string(c.heads * c.head_dim) +
                  ": the connectors' blocks are modelled at the caption width, " + std::to_string(c.text_dim));
    c.ffn = 4 * c.text_dim;
    constexpr std::string_view later = "LTX-2 2.0's connectors are modelled, not this later variant";
    require_flag(j, "video_gated_attn", false, w, later);
    require_flag(j, "audio_gated_attn", false, w, later);
    require_flag(j, "per_modality_projections", false, w, later);
    require_flag(j, "proj_bias", false, w, "the input projection is modelled without a bias");
}

/// An AutoencoderKLLTX2Audio config into `a`; returns its sample_rate and mel_hop_length, which LTX2Pipeline
/// counts the audio latents with.
inline std::pair<extent, extent> read_ltx2_audio_vae(const nlohmann::json& j, audio_vae_spec& a, std::string_view w) {
    a.base_channels = int_field(j, "base_channels", w, 1);
    a.ch_mult = short_list<4>(require_field(j, "ch_mult", w), "ch_mult", w);
    a.num_res_blocks = int_field(j, "num_res_blocks", w, 1);
    a.in_channels = int_field(j, "in_channels", w, 1);
    a.out_channels = int_field(j, "output_channels", w, 1);
    a.latent_channels = int_field(j, "latent_channels", w, 1);
    a.mel_bins = int_field(j, "mel_bins", w, 1);
    a.causal = require_name(j, "causality_axis", {"height", "none"}, w) == "height";
    a.group_norm = require_name(j, "norm_type", {"pixel", "group"}, w) == "group";
    a.mid_attention = flag(j, "mid_block_add_attention", false);
    a.double_z = flag(j, "double_z", true);
    a.level_attention = {};
    if (has(j, "attn_resolutions") && !j.at("attn_resolutions").is_null()) {
        const auto res = short_list<8>(j.at("attn_resolutions"), "attn_resolutions", w);
        const extent top = int_field(j, "resolution", w, 1);
        for (std::size_t l = 0; l < 4; ++l)
            for (extent r : res)
                if (r > 0 && r == (top >> l)) a.level_attention[l] = true;
    }
    detail::check_audio_vae(a, w);
    return {int_field(j, "sample_rate", w, 1), int_field(j, "mel_hop_length", w, 1)};
}

/// An LTX2Vocoder config into `v`: leaky-ReLU resnets without anti-aliasing (2.0); the 2.3 vocoder's snake
/// activations and anti-aliased resampling are refused naming the field.
inline void read_ltx2_vocoder(const nlohmann::json& j, vocoder_spec& v, std::string_view w) {
    v.in_channels = int_field(j, "in_channels", w, 1);
    v.hidden_channels = int_field(j, "hidden_channels", w, 1);
    v.out_channels = int_field(j, "out_channels", w, 1);
    v.upsample_kernels = short_list<8>(require_field(j, "upsample_kernel_sizes", w), "upsample_kernel_sizes", w);
    v.upsample_factors = short_list<8>(require_field(j, "upsample_factors", w), "upsample_factors", w);
    v.resnet_kernels = short_list<4>(require_field(j, "resnet_kernel_sizes", w), "resnet_kernel_sizes", w);
    const auto& dil = require_field(j, "resnet_dilations", w);
    const std::size_t kernels = list_size(v.resnet_kernels);
    if (!dil.is_array() || dil.size() != kernels)
        raise(errc::json_bad_value, w,
              "field 'resnet_dilations' must hold one list per entry of 'resnet_kernel_sizes' (" +
                  std::to_string(kernels) + "), got " + json_text(dil));
    v.resnet_dilations = {};
    for (std::size_t i = 0; i < kernels; ++i) v.resnet_dilations[i] = short_list<4>(dil[i], "resnet_dilations", w);
    (void)require_name(j, "act_fn", {"leaky_relu"}, w);
    require_flag(j, "antialias", false, w, "anti-aliased activations are not modelled");
    v.final_bias = flag(j, "final_bias", true);
    // tanh or clamp (the class's default tanh when absent); null: none
    v.final_activation = !has(j, "final_act_fn") || !j.at("final_act_fn").is_null();
    if (v.final_activation) (void)require_name(j, "final_act_fn", {"tanh", "clamp"}, w);
    v.output_sample_rate = opt_int(j, "output_sampling_rate", w, 1).value_or(24000);
    detail::check_vocoder(v, w);
}

/// vae/config.json into `v`: the classes vidperf lowers (AutoencoderKLWan, AutoencoderKLCogVideoX,
/// AutoencoderKLHunyuanVideo, AutoencoderKLLTXVideo 0.9.0 and 0.9.5, AutoencoderKLLTX2Video, AutoencoderKLMochi,
/// AutoencoderKLAllegro, AutoencoderKLHunyuanVideo15, AutoencoderKLTemporalDecoder, AutoencoderKL); another class
/// keeps the base preset's VAE.
inline void read_vae(const std::string& text, vae_spec& v) {
    constexpr std::string_view w = "vae/config.json";
    const nlohmann::json j = parse_json(text, w);
    const std::string cls = has(j, "_class_name") ? string_field(j, "_class_name", w) : "";
    if (auto z = opt_int(j, "z_dim", w)) v.latent_channels = *z;
    if (auto z = opt_int(j, "latent_channels", w)) v.latent_channels = *z;
    v.decoder_widths = {};
    v.decoder_layers = {};
    v.mid_width = 0;
    v.up_t = {};
    if (cls == "AutoencoderKLWan") {
        v.family = vae_family::wan;
        const extent b = int_field(j, "base_dim", w);
        const extent db = opt_int(j, "decoder_base_dim", w).value_or(b);
        const auto mult = int_list<4, extent>(j, "dim_mult", w);
        for (std::size_t i = 0; i < 4; ++i) v.widths[i] = b * mult[i];
        if (db != b)
            for (std::size_t i = 0; i < 4; ++i) v.decoder_widths[i] = db * mult[i];
        const extent r = opt_int(j, "num_res_blocks", w).value_or(2);
        v.layers = {r, r, r, r, 1};
        const auto td = has(j, "temperal_downsample") ? int_list<3, std::uint8_t>(j, "temperal_downsample", w, true)
                                                      : std::array<std::uint8_t, 3>{1, 2, 2};
        v.down_t = {td[0], td[1], td[2], 1};
        v.down_s = {2, 2, 2, 1};
        v.patch = opt_factor(j, "patch_size", w).value_or(1);
        v.upsample_halves = !flag(j, "is_residual", false);
        v.temporal_compression = opt_factor(j, "scale_factor_temporal", w).value_or(4);
        v.spatial_compression = opt_factor(j, "scale_factor_spatial", w).value_or(8 * v.patch);
        v.temporal_chunk = 1;
        v.tiles = presets_detail::wan21_vae().tiles;
    } else if (cls == "AutoencoderKLCogVideoX" || cls == "AutoencoderKLHunyuanVideo" ||
               cls == "AutoencoderKLTemporalDecoder" || cls == "AutoencoderKL") {
        v.family = cls == "AutoencoderKLCogVideoX"      ? vae_family::cogvideox
                   : cls == "AutoencoderKLHunyuanVideo" ? vae_family::hunyuan
                   : cls == "AutoencoderKL"             ? vae_family::image
                                                        : vae_family::svd;
        if (v.family == vae_family::image) { // diffusers' defaults: both 1x1 convs on (FLUX turns them off)
            if (flag(j, "use_quant_conv", true) != flag(j, "use_post_quant_conv", true))
                raise(errc::not_representable, w, "use_quant_conv and use_post_quant_conv differ; vidperf models both or neither");
            v.quant_convs = flag(j, "use_quant_conv", true);
        }
        v.widths = int_list<4, extent>(j, "block_out_channels", w);
        const extent r = opt_int(j, "layers_per_block", w).value_or(v.family == vae_family::cogvideox ? 3 : 2);
        v.layers = {r, r, r, r, v.family == vae_family::cogvideox ? extent{2} : extent{1}};
        v.down_s = {2, 2, 2, 1};
        v.spatial_compression = 8;
        const bool frames_apart = v.family == vae_family::svd || v.family == vae_family::image;
        v.temporal_compression = frames_apart ? 1 : opt_factor(j, "temporal_compression_ratio", w).value_or(4);
        const int n = log2_ratio(v.temporal_compression, "temporal_compression_ratio", w);
        v.down_t = {1, 1, 1, 1};
        for (int i = 0; i < 3; ++i) {
            // CogVideoX compresses time in its first blocks, HunyuanVideo in the blocks before the last
            const bool on = v.family == vae_family::cogvideox ? i < n : i >= 3 - n;
            v.down_t[static_cast<std::size_t>(i)] = on ? 2 : 1;
            v.up_t[static_cast<std::size_t>(i)] = on ? 2 : 1;
        }
        if (frames_apart) v.up_t = {};
        v.patch = 1;
        v.upsample_halves = false;
        if (v.family == vae_family::hunyuan) {
            v.temporal_chunk = 0;
            v.tiles = presets_detail::hunyuan_vae().tiles;
        } else if (v.family == vae_family::cogvideox) {
            // tiles of half the config's sample size, overlapping by 1/6 of their height and 1/5 of their width
            // (AutoencoderKLCogVideoX.__init__: latent strides int(tile * (1 - factor)))
            const extent th = opt_int(j, "sample_height", w).value_or(480) / 2;
            const extent tw = opt_int(j, "sample_width", w).value_or(720) / 2;
            const auto stride = [](extent tile, double factor) {
                return static_cast<extent>(static_cast<double>(tile / 8) * (1.0 - factor)) * 8;
            };
            v.temporal_chunk = 2;
            v.tiles = {th, tw, stride(th, 1.0 / 6.0), stride(tw, 1.0 / 5.0)};
        } else if (v.family == vae_family::image) {
            // AutoencoderKL.enable_tiling(): tiles of the config's sample_size (diffusers' default 32) overlapping
            // by a quarter, the stride int(tile / 8 * 0.75) latent rows
            const extent tile = opt_int(j, "sample_size", w).value_or(32);
            const extent stride = static_cast<extent>(static_cast<double>(tile / 8) * 0.75) * 8;
            v.temporal_chunk = 0;
            v.tiles = {tile, tile, stride, stride};
        } else {
            v.tiles = {}; // AutoencoderKLTemporalDecoder has no tiled decode
        }
    } else if (cls == "AutoencoderKLAllegro") {
        read_allegro_vae(j, v, w);
    } else if (cls == "AutoencoderKLHunyuanVideo15") {
        read_hunyuan15_vae(j, v, w);
    } else if (cls == "AutoencoderKLLTXVideo" && ltx_095_blocks(j, w)) {
        read_ltx_095_vae(j, v, w);
    } else if (cls == "AutoencoderKLLTX2Video") {
        read_ltx_095_vae(j, v, w, true);
    } else if (cls == "AutoencoderKLLTXVideo") {
        if (flag(j, "timestep_conditioning", false))
            raise(errc::json_bad_value, w,
                  "field 'timestep_conditioning' is true: the LTX-Video 0.9.1 timestep-conditioned decoder is not "
                  "modelled (0.9.0's is)");
        v.family = vae_family::ltx;
        v.widths = int_list<4, extent>(j, "block_out_channels", w);
        v.layers = int_list<5, extent>(j, "layers_per_block", w);
        const auto st = int_list<4, std::uint8_t>(j, "spatio_temporal_scaling", w, true);
        v.down_t = st;
        v.down_s = st;
        v.patch = opt_factor(j, "patch_size", w).value_or(4);
        v.temporal_compression = st[0] * st[1] * st[2] * st[3];
        v.spatial_compression = v.patch * st[0] * st[1] * st[2] * st[3];
        v.upsample_halves = false;
        v.temporal_chunk = 0;
        v.tiles = presets_detail::ltx_vae().tiles;
    } else if (cls == "AutoencoderKLMochi") {
        v.family = vae_family::mochi;
        v.widths = int_list<4, extent>(j, "encoder_block_out_channels", w);
        v.decoder_widths = int_list<4, extent>(j, "decoder_block_out_channels", w);
        v.layers = int_list<5, extent>(j, "layers_per_block", w);
        const auto te = int_list<3, std::uint8_t>(j, "temporal_expansions", w);
        const auto se = int_list<3, std::uint8_t>(j, "spatial_expansions", w);
        v.down_t = {te[0], te[1], te[2], 1};
        v.down_s = {se[0], se[1], se[2], 1};
        v.patch = 1;
        v.temporal_compression = te[0] * te[1] * te[2];
        v.spatial_compression = se[0] * se[1] * se[2];
        v.upsample_halves = false;
        v.temporal_chunk = 0;
        v.tiles = presets_detail::mochi_vae().tiles;
    }
    // other VAE classes keep the preset's structure; compression ratios where given
    if (cls != "AutoencoderKLTemporalDecoder") {
        if (auto tc = opt_factor(j, "temporal_compression_ratio", w)) v.temporal_compression = *tc;
        if (auto sc = opt_factor(j, "spatial_compression_ratio", w)) v.spatial_compression = *sc;
    }
}

/// `v` as the vae/config.json of its family's diffusers class.
[[nodiscard]] inline nlohmann::json vae_config(const vae_spec& v) {
    using nlohmann::json;
    const auto dw = decoder_widths_of(v);
    auto list = [](const auto& a, std::size_t n) {
        json out = json::array();
        for (std::size_t i = 0; i < n; ++i) out.push_back(a[i]);
        return out;
    };
    auto flags = [](const auto& a, std::size_t n) {
        json out = json::array();
        for (std::size_t i = 0; i < n; ++i) out.push_back(a[i] > 1);
        return out;
    };
    switch (v.family) {
    case vae_family::wan: {
        const extent b = v.widths[0];
        json c = {{"_class_name", "AutoencoderKLWan"},
                  {"base_dim", b},
                  {"z_dim", v.latent_channels},
                  {"dim_mult", {v.widths[0] / b, v.widths[1] / b, v.widths[2] / b, v.widths[3] / b}},
                  {"num_res_blocks", v.layers[0]},
                  {"temperal_downsample", flags(v.down_t, 3)},
                  {"scale_factor_temporal", v.temporal_compression},
                  {"scale_factor_spatial", v.spatial_compression}};
        if (dw != v.widths) c["decoder_base_dim"] = dw[0];
        if (v.patch != 1) c["patch_size"] = v.patch;
        // the patchified pixels are the encoder's input and the decoder's output (diffusers defaults to 3)
        c["in_channels"] = 3 * v.patch * v.patch;
        c["out_channels"] = 3 * v.patch * v.patch;
        if (!v.upsample_halves) c["is_residual"] = true;
        return c;
    }
    case vae_family::cogvideox:
    case vae_family::hunyuan:
    case vae_family::svd:
    case vae_family::image: {
        json c = {{"_class_name", v.family == vae_family::cogvideox ? "AutoencoderKLCogVideoX"
                                  : v.family == vae_family::hunyuan ? "AutoencoderKLHunyuanVideo"
                                  : v.family == vae_family::image   ? "AutoencoderKL"
                                                                    : "AutoencoderKLTemporalDecoder"},
                  {"latent_channels", v.latent_channels},
                  {"block_out_channels", list(v.widths, 4)},
                  {"layers_per_block", v.layers[0]}};
        if (v.family == vae_family::image) {
            c["down_block_types"] = json::array({"DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D",
                                                 "DownEncoderBlock2D"});
            c["up_block_types"] = json::array({"UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D",
                                               "UpDecoderBlock2D"});
            c["use_quant_conv"] = v.quant_convs;
            c["use_post_quant_conv"] = v.quant_convs;
        } else if (v.family != vae_family::svd) {
            c["temporal_compression_ratio"] = v.temporal_compression;
        }
        return c;
    }
    case vae_family::ltx:
        return {{"_class_name", "AutoencoderKLLTXVideo"},
                {"latent_channels", v.latent_channels},
                {"block_out_channels", list(v.widths, 4)},
                {"layers_per_block", list(v.layers, 5)},
                {"spatio_temporal_scaling", flags(v.down_t, 4)},
                {"patch_size", v.patch}};
    case vae_family::allegro: {
        json down = json::array(), up = json::array();
        for (std::size_t i = 0; i < 4; ++i) {
            down.push_back("AllegroDownBlock3D");
            up.push_back("AllegroUpBlock3D");
        }
        return {{"_class_name", "AutoencoderKLAllegro"},
                {"latent_channels", v.latent_channels},
                {"block_out_channels", list(v.widths, 4)},
                {"down_block_types", down},
                {"up_block_types", up},
                {"layers_per_block", v.layers[0]},
                {"temporal_downsample_blocks", flags(v.down_t, 4)},
                {"temporal_upsample_blocks", {v.down_t[2] > 1, v.down_t[1] > 1, v.down_t[0] > 1, false}},
                {"temporal_compression_ratio", v.temporal_compression},
                {"sample_size", v.tiles.tile_height}};
    }
    case vae_family::hunyuan15: {
        extent time_levels = 0;
        for (std::size_t i = 0; i < 4; ++i) time_levels += v.down_t[i] > 1;
        return {{"_class_name", "AutoencoderKLHunyuanVideo15"},
                {"latent_channels", v.latent_channels},
                {"block_out_channels", {v.widths[0], v.widths[1], v.widths[2], v.widths[3], v.mid_width}},
                {"layers_per_block", v.layers[0]},
                {"ffactor_spatial", v.spatial_compression},
                {"ffactor_temporal", extent{1} << time_levels},
                {"downsample_match_channel", true},
                {"upsample_match_channel", true},
                {"sample_size", v.tiles.tile_height}};
    }
    case vae_family::ltx_095: {
        json types = json::array(), sampler = json::array(), scaling = json::array();
        for (std::size_t i = 0; i < 4; ++i) { // a level that does not scale is written "spatiotemporal", unused
            types.push_back("LTXVideo095DownBlock3D");
            sampler.push_back(v.down_t[i] > 1 && v.down_s[i] == 1   ? "temporal"
                              : v.down_s[i] > 1 && v.down_t[i] == 1 ? "spatial"
                                                                    : "spatiotemporal");
            scaling.push_back(v.down_t[i] > 1 || v.down_s[i] > 1);
        }
        const auto& dl = decoder_layers_of(v);
        return {{"_class_name", "AutoencoderKLLTXVideo"},
                {"latent_channels", v.latent_channels},
                {"block_out_channels", {v.widths[0], v.widths[1], v.widths[2], v.widths[3], v.mid_width}},
                {"down_block_types", types},
                {"downsample_type", sampler},
                {"layers_per_block", list(v.layers, 5)},
                {"spatio_temporal_scaling", scaling},
                {"decoder_block_out_channels", {2 * dw[0], 2 * dw[1], 2 * dw[2]}},
                {"decoder_layers_per_block", {dl[0], dl[1], dl[2], dl[4]}},
                {"decoder_spatio_temporal_scaling", json::array({true, true, true})},
                {"decoder_inject_noise", json::array({false, false, false, false})},
                {"upsample_residual", json::array({true, true, true})},
                {"upsample_factor", {2, 2, 2}},
                {"timestep_conditioning", v.timestep_conditioning},
                {"patch_size", v.patch},
                {"patch_size_t", 1},
                {"spatial_compression_ratio", v.spatial_compression},
                {"temporal_compression_ratio", v.temporal_compression}};
    }
    case vae_family::mochi:
        return {{"_class_name", "AutoencoderKLMochi"},
                {"latent_channels", v.latent_channels},
                {"encoder_block_out_channels", list(v.widths, 4)},
                {"decoder_block_out_channels", list(dw, 4)},
                {"layers_per_block", list(v.layers, 5)},
                {"temporal_expansions", list(v.down_t, 3)},
                {"spatial_expansions", list(v.down_s, 3)}};
    }
    return {};
}
} // namespace detail

namespace detail {
/// unet/config.json of diffusers' UNetSpatioTemporalConditionModel (Stable Video Diffusion) into `u`.
inline void read_unet(const nlohmann::json& j, unet_spec& u, std::string_view w) {
    u.channels = int_list<4, extent>(j, "block_out_channels", w);
    const auto& types = require_field(j, "down_block_types", w);
    if (!types.is_array() || types.size() != 4)
        raise(errc::json_bad_value, w, "field 'down_block_types' must be a list of 4 block names, got " + json_text(types));
    for (std::size_t i = 0; i < 4; ++i) {
        const std::string t = types[i].is_string() ? types[i].get<std::string>() : "";
        if (t != "CrossAttnDownBlockSpatioTemporal" && t != "DownBlockSpatioTemporal")
            raise(errc::json_bad_value, w,
                  "field 'down_block_types' item " + std::to_string(i) + " is " + json_text(types[i]) +
                      "; vidperf reads CrossAttnDownBlockSpatioTemporal and DownBlockSpatioTemporal");
        u.attention[i] = t == "CrossAttnDownBlockSpatioTemporal";
    }
    u.layers_per_block = int_field(j, "layers_per_block", w, 1);
    if (opt_int(j, "transformer_layers_per_block", w).value_or(1) != 1)
        raise(errc::not_representable, w, "field 'transformer_layers_per_block' other than 1 is not modelled");
    // heads per level; vidperf models one head width across levels (SVD: 64)
    const auto heads = has(j, "num_attention_heads") && j.at("num_attention_heads").is_array()
                           ? int_list<4, extent>(j, "num_attention_heads", w)
                           : std::array<extent, 4>{};
    const extent single = heads[0] ? 0 : int_field(j, "num_attention_heads", w, 1);
    extent width = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const extent h = heads[0] ? heads[i] : single;
        if (u.channels[i] % h != 0 || (width != 0 && u.channels[i] / h != width))
            raise(errc::not_representable, w,
                  "fields 'block_out_channels' / 'num_attention_heads' give heads of different widths; vidperf "
                  "models one head width across levels");
        width = u.channels[i] / h;
    }
    u.head_dim = width;
    u.cross_dim = int_field(j, "cross_attention_dim", w, 1);
    u.in_channels = int_field(j, "in_channels", w, 1);
    u.out_channels = int_field(j, "out_channels", w, 1);
    const extent per_id = int_field(j, "addition_time_embed_dim", w, 1);
    const extent all_ids = int_field(j, "projection_class_embeddings_input_dim", w, 1);
    if (all_ids % per_id != 0)
        raise(errc::json_bad_value, w,
              "field 'projection_class_embeddings_input_dim' = " + std::to_string(all_ids) +
                  " is not a multiple of 'addition_time_embed_dim' = " + std::to_string(per_id));
    u.added_time_ids = all_ids / per_id;
}
} // namespace detail

namespace detail {
/// A field of unet/config.json that is one whole number for every level or a list of one per level.
struct per_level_ints {
    std::array<extent, 4> v{};
    bool scalar = false;
};

[[nodiscard]] inline per_level_ints level_ints(const nlohmann::json& j, std::string_view key, std::size_t levels,
                                               std::string_view w) {
    per_level_ints out;
    const auto& v = require_field(j, key, w);
    if (v.is_number_integer()) {
        out.v.fill(int_field(j, key, w, 1));
        out.scalar = true;
        return out;
    }
    if (!v.is_array() || v.size() != levels)
        raise(errc::json_bad_value, w,
              "field '" + std::string(key) + "' must be a whole number or a list of " + std::to_string(levels) +
                  " (one per block), got " + json_text(v));
    for (std::size_t i = 0; i < levels; ++i) {
        const auto n = v[i].is_number_integer() ? whole_number(v[i], 1, max_config_int) : std::nullopt;
        if (!n)
            raise(errc::json_bad_value, w,
                  "field '" + std::string(key) + "' item " + std::to_string(i) + " must be a whole number in [1, " +
                      std::to_string(max_config_int) + "], got " + json_text(v[i]));
        out.v[i] = *n;
    }
    return out;
}

/// unet/config.json of diffusers' UNet2DConditionModel (Stable Diffusion 1.x / 2.x, SDXL) into `u`. Options
/// that change the block structure beyond what lower_unet describes are refused naming the field.
inline void read_unet_2d(const nlohmann::json& j, unet_spec& u, std::string_view w) {
    const auto& ch = require_field(j, "block_out_channels", w);
    if (!ch.is_array() || ch.empty() || ch.size() > 4)
        raise(errc::json_bad_value, w, "field 'block_out_channels' must be a list of 1 to 4 widths, got " + json_text(ch));
    const std::size_t levels = ch.size();
    u.levels = static_cast<extent>(levels);
    u.channels = {};
    u.attention = {};
    u.transformer_layers = {};
    const auto widths = level_ints(j, "block_out_channels", levels, w);
    const auto& down = require_field(j, "down_block_types", w);
    const auto& up = has(j, "up_block_types") ? j.at("up_block_types") : nlohmann::json(nullptr);
    if (!down.is_array() || down.size() != levels)
        raise(errc::json_bad_value, w,
              "field 'down_block_types' must list " + std::to_string(levels) + " blocks (one per width), got " +
                  json_text(down));
    for (std::size_t i = 0; i < levels; ++i) {
        u.channels[i] = widths.v[i];
        const std::string t = down[i].is_string() ? down[i].get<std::string>() : "";
        if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D")
            raise(errc::not_representable, w,
                  "field 'down_block_types' item " + std::to_string(i) + " is " + json_text(down[i]) +
                      "; vidperf reads CrossAttnDownBlock2D and DownBlock2D");
        u.attention[i] = t == "CrossAttnDownBlock2D";
        if (!up.is_null()) { // the up path must mirror the down path
            const std::string want = u.attention[i] ? "CrossAttnUpBlock2D" : "UpBlock2D";
            const std::size_t k = levels - 1 - i;
            if (!up.is_array() || up.size() != levels || !up[k].is_string() || up[k].get<std::string>() != want)
                raise(errc::not_representable, w,
                      "field 'up_block_types' must mirror 'down_block_types' (item " + std::to_string(k) +
                          " should be \"" + want + "\"), got " + json_text(up));
        }
    }
    for (const char* key : {"class_embed_type", "encoder_hid_dim_type", "time_cond_proj_dim", "num_class_embeds",
                            "reverse_transformer_layers_per_block", "time_embedding_dim"})
        if (has(j, key) && !j.at(key).is_null())
            raise(errc::not_representable, w, "field '" + std::string(key) + "' = " + json_text(j.at(key)) +
                                                  " is not modelled (vidperf reads it as null)");
    for (const char* key : {"dual_cross_attention", "only_cross_attention"})
        if (flag(j, key, false))
            raise(errc::not_representable, w, "field '" + std::string(key) + "' true is not modelled");
    const auto text_of = [&](const char* key, const char* fallback) {
        return has(j, key) && j.at(key).is_string() ? j.at(key).get<std::string>() : std::string(fallback);
    };
    if (text_of("attention_type", "default") != "default")
        raise(errc::not_representable, w, "field 'attention_type' other than \"default\" is not modelled");
    if (flag(j, "class_embeddings_concat", false))
        raise(errc::not_representable, w, "field 'class_embeddings_concat' true is not modelled");
    if (text_of("mid_block_type", "UNetMidBlock2DCrossAttn") != "UNetMidBlock2DCrossAttn")
        raise(errc::not_representable, w, "field 'mid_block_type' other than UNetMidBlock2DCrossAttn is not modelled");
    if (text_of("resnet_time_scale_shift", "default") != "default")
        raise(errc::not_representable, w, "field 'resnet_time_scale_shift' other than \"default\" is not modelled");
    if (text_of("time_embedding_type", "positional") != "positional")
        raise(errc::not_representable, w, "field 'time_embedding_type' other than \"positional\" is not modelled");
    for (const char* key : {"conv_in_kernel", "conv_out_kernel"})
        if (opt_int(j, key, w).value_or(3) != 3)
            raise(errc::not_representable, w, "field '" + std::string(key) + "' other than 3 is not modelled");
    if (opt_int(j, "norm_num_groups", w).value_or(32) != 32)
        raise(errc::not_representable, w, "field 'norm_num_groups' other than 32 is not modelled");
    u.layers_per_block = int_field(j, "layers_per_block", w, 1, 64);
    const auto blocks = has(j, "transformer_layers_per_block") ? level_ints(j, "transformer_layers_per_block", levels, w)
                                                                : per_level_ints{{1, 1, 1, 1}, true};
    for (std::size_t i = 0; i < levels; ++i) u.transformer_layers[i] = blocks.v[i];
    // heads: num_attention_heads, or (diffusers' legacy naming) attention_head_dim, which counts heads too
    const char* heads_key = has(j, "num_attention_heads") && !j.at("num_attention_heads").is_null()
                                ? "num_attention_heads"
                                : "attention_head_dim";
    const auto heads = level_ints(j, heads_key, levels, w);
    u.heads = 0;
    u.head_dim = 0;
    if (heads.scalar) {
        u.heads = heads.v[0];
    } else {
        for (std::size_t i = 0; i < levels; ++i) {
            const extent width = u.channels[i] / heads.v[i];
            if (u.channels[i] % heads.v[i] != 0 || (u.head_dim != 0 && width != u.head_dim))
                raise(errc::not_representable, w,
                      "fields 'block_out_channels' / '" + std::string(heads_key) +
                          "' give heads of different widths; vidperf models a list of heads of one width "
                          "(SDXL: 64) or one head count on every level (SD 1.x: 8)");
            u.head_dim = width;
        }
    }
    u.cross_dim = int_field(j, "cross_attention_dim", w, 1);
    u.in_channels = int_field(j, "in_channels", w, 1);
    u.out_channels = int_field(j, "out_channels", w, 1);
    u.time_embed_dim = 4 * u.channels[0];
    u.added_time_ids = 0;
    u.added_pooled = 0;
    const std::string added = has(j, "addition_embed_type") && j.at("addition_embed_type").is_string()
                                  ? j.at("addition_embed_type").get<std::string>()
                                  : "";
    if (added == "text_time") { // SDXL: the pooled text (1280 wide) and the time ids, 256 features each
        constexpr extent pooled = 1280; // OpenCLIP-bigG's projection_dim, which the unet config does not name
        const extent per_id = int_field(j, "addition_time_embed_dim", w, 1);
        const extent all = int_field(j, "projection_class_embeddings_input_dim", w, 1);
        if (all <= pooled || (all - pooled) % per_id != 0 || per_id != 256)
            raise(errc::not_representable, w,
                  "field 'projection_class_embeddings_input_dim' = " + std::to_string(all) +
                      " is not a 1280-wide pooled text plus time ids of 'addition_time_embed_dim' 256");
        u.added_pooled = pooled;
        u.added_time_ids = (all - u.added_pooled) / per_id;
    } else if (has(j, "addition_embed_type") && !j.at("addition_embed_type").is_null()) {
        raise(errc::not_representable, w,
              "field 'addition_embed_type' = " + json_text(j.at("addition_embed_type")) +
                  " is not modelled (vidperf reads null and \"text_time\")");
    }
    validate(u);
}
} // namespace detail

/// Reads a model from the texts of a diffusers folder. `slug` names the result.
[[nodiscard]] inline loaded_model model_from_diffusers(const diffusers_configs& c, std::string_view slug) {
    const bool unet = c.transformer.empty() && !c.unet.empty();
    const std::string_view wt = unet ? "unet/config.json" : "transformer/config.json";
    const nlohmann::json t = detail::parse_json(unet ? c.unet : c.transformer, wt);
    const std::string cls = detail::string_field(t, "_class_name", wt);
    loaded_model out;
    auto& store = *out.strings;
    if (cls == "UNet2DConditionModel") { // Stable Diffusion 1.x / 2.x, SDXL: a 2-D UNet
        const bool xl = detail::has(t, "addition_embed_type") && t.at("addition_embed_type") == "text_time";
        const std::string_view base = xl ? "sdxl" : "sd-1.5";
        model_spec& m = out.spec;
        m = find_model(base);
        m.slug = detail::keep(store, std::string(slug));
        m.name = m.slug;
        m.source = detail::keep(store, "diffusers folder (" + cls + "), defaults from preset " + std::string(base));
        detail::read_unet_2d(t, m.denoiser.unet, wt);
        const unet_spec& u = m.denoiser.unet;
        m.denoiser.hidden = u.channels[0];
        m.denoiser.heads = u.heads > 0 ? u.heads : u.channels[0] / u.head_dim;
        m.denoiser.in_channels = u.in_channels;
        m.denoiser.out_channels = u.out_channels;
        m.denoiser.text_dim = u.cross_dim;
        if (!c.vae.empty()) detail::read_vae(c.vae, m.vae);
        return out;
    }
    if (cls == "UNetSpatioTemporalConditionModel") { // Stable Video Diffusion: a UNet, not a transformer
        model_spec& m = out.spec;
        m = find_model("svd-xt");
        m.slug = detail::keep(store, std::string(slug));
        m.name = m.slug;
        m.source = detail::keep(store, "diffusers folder (" + cls + "), defaults from preset svd-xt");
        detail::read_unet(t, m.denoiser.unet, wt);
        m.denoiser.hidden = m.denoiser.unet.channels[0];
        m.denoiser.heads = m.denoiser.hidden / m.denoiser.unet.head_dim;
        m.denoiser.in_channels = m.denoiser.unet.in_channels;
        m.denoiser.out_channels = m.denoiser.unet.out_channels;
        if (!c.vae.empty()) detail::read_vae(c.vae, m.vae);
        return out;
    }
    std::string_view base;
    const bool vace = cls == "WanVACETransformer3DModel";
    const bool skyreels = cls == "SkyReelsV2Transformer3DModel";
    if (cls == "WanTransformer3DModel")
        base = "wan2.1-t2v-1.3b";
    else if (skyreels)
        base = "skyreels-v2-df-14b-540p";
    else if (vace)
        base = "wan2.1-vace-1.3b";
    else if (cls == "CogVideoXTransformer3DModel")
        base = "cogvideox-5b";
    else if (cls == "HunyuanVideoTransformer3DModel") // image_condition_type: the image-to-video model
        base = detail::has(t, "image_condition_type") && !t.at("image_condition_type").is_null() ? "hunyuanvideo-i2v"
                                                                                               : "hunyuanvideo";
    else if (cls == "MochiTransformer3DModel")
        base = "mochi-1";
    else if (cls == "LTXVideoTransformer3DModel") // the 0.9.5 VAE: the later models' pipeline defaults
        base = !c.vae.empty() && detail::ltx_095_blocks(detail::parse_json(c.vae, "vae/config.json"),
                                                        "vae/config.json")
                   ? "ltx-video-13b"
                   : "ltx-video";
    else if (cls == "CosmosTransformer3DModel")
        base = "cosmos-predict2-2b";
    else if (cls == "AllegroTransformer3DModel")
        base = "allegro";
    else if (cls == "Kandinsky5Transformer3DModel")
        base = "kandinsky-5-t2v-lite";
    else if (cls == "HunyuanVideo15Transformer3DModel")
        base = "hunyuanvideo-1.5-t2v";
    else if (cls == "FluxTransformer2DModel")
        base = "flux.1-dev";
    else if (cls == "LTX2VideoTransformer3DModel")
        base = "ltx-2";
    else
        detail::raise(
            errc::json_bad_value, wt,
            "field '_class_name' is '" + cls +
                "'; vidperf reads WanTransformer3DModel, WanVACETransformer3DModel, SkyReelsV2Transformer3DModel, "
                "CogVideoXTransformer3DModel, CosmosTransformer3DModel, "
                "HunyuanVideoTransformer3DModel, MochiTransformer3DModel, LTXVideoTransformer3DModel, "
                "AllegroTransformer3DModel, Kandinsky5Transformer3DModel, HunyuanVideo15Transformer3DModel, "
                "FluxTransformer2DModel, LTX2VideoTransformer3DModel, and the UNets "
                "UNetSpatioTemporalConditionModel and UNet2DConditionModel");
    model_spec& m = out.spec;
    m = find_model(base);
    m.slug = detail::keep(store, std::string(slug));
    m.name = m.slug;
    m.source = detail::keep(store, "diffusers folder (" + cls + "), defaults from preset " + std::string(base));
    m.standard.impl = implementation::diffusers; // a diffusers folder runs in its diffusers pipeline
    m.standard.attention = default_attention(m.standard.impl, m.denoiser.code, m.standard.attention);
    denoiser_spec& d = m.denoiser;
    const bool kandinsky = cls == "Kandinsky5Transformer3DModel";
    if (kandinsky) { // its own key names: model_dim, ff_dim, axes_dims (whose sum is the head width), ...
        detail::read_kandinsky5(t, d, wt);
    } else {
        d.layers = detail::int_field(t, "num_layers", wt);
        d.heads = detail::int_field(t, "num_attention_heads", wt);
        d.head_dim = detail::int_field(t, "attention_head_dim", wt);
        d.in_channels = detail::int_field(t, "in_channels", wt);
        d.out_channels = detail::opt_int(t, "out_channels", wt).value_or(d.in_channels);
    }
    if (d.heads * d.head_dim > detail::max_config_int) // both <= 2^24: the product is exact
        detail::raise(errc::json_bad_value, wt,
                      "fields 'num_attention_heads' x 'attention_head_dim' = " + std::to_string(d.heads) + " x " +
                          std::to_string(d.head_dim) + " = " + std::to_string(d.heads * d.head_dim) +
                          ", a hidden size above " + std::to_string(detail::max_config_int));
    detail::read_patch(t, m.latent, wt);
    if (kandinsky) {
        // read above
    } else if (cls == "WanTransformer3DModel" || vace || skyreels) {
        d.hidden = d.heads * d.head_dim;
        d.ffn = detail::int_field(t, "ffn_dim", wt);
        d.text_dim = detail::int_field(t, "text_dim", wt);
        d.time_freq_dim = detail::opt_int(t, "freq_dim", wt).value_or(256);
        if (auto img = detail::opt_int(t, "image_dim", wt)) {
            d.image_dim = *img;
            d.image_tokens = 257;
            m.image_encoder = presets_detail::clip_h_vision();
            m.has_image_encoder = true;
            m.task = task_kind::i2v;
        } else {
            d.image_dim = 0;
            d.image_tokens = 0;
            m.has_image_encoder = false;
            // condition channels beside the noise (Wan2.2 I2V-A14B: 16 + 4 mask + 16): the VAE encodes the clip
            if (d.in_channels > d.out_channels) m.task = task_kind::i2v;
        }
        if (skyreels) d.fps_embedding = detail::flag(t, "inject_sample_info", false);
        if (vace) { // vace_layers: the main blocks after which the hints are added, 0 and evenly spaced
            const auto& layers = detail::require_field(t, "vace_layers", wt);
            const bool listed = layers.is_array() && !layers.empty() &&
                                std::all_of(layers.begin(), layers.end(), [](const auto& x) { return x.is_number_integer(); });
            if (!listed)
                detail::raise(errc::json_bad_value, wt, "field 'vace_layers' must be a list of block indices, got " +
                                                            detail::json_text(layers));
            const auto at = [&](std::size_t i) { return layers[i].template get<std::int64_t>(); };
            const std::int64_t stride = layers.size() > 1 ? at(1) - at(0) : 1;
            for (std::size_t i = 0; i < layers.size(); ++i)
                if (at(i) != static_cast<std::int64_t>(i) * stride || stride < 1 || at(i) >= d.layers)
                    detail::raise(errc::not_representable, wt,
                                  "field 'vace_layers' = " + detail::json_text(layers) +
                                      ": vidperf models hints after blocks 0, s, 2s, ... below num_layers");
            d.vace_blocks = static_cast<extent>(layers.size());
            d.vace_stride = static_cast<extent>(stride);
            d.vace_in_channels = detail::int_field(t, "vace_in_channels", wt, 1);
        }
    } else if (cls == "CogVideoXTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.ffn = 4 * d.hidden;
        d.text_dim = detail::int_field(t, "text_embed_dim", wt);
        d.time_embed_dim = detail::int_field(t, "time_embed_dim", wt);
        d.time_freq_dim = d.hidden; // time_proj = Timesteps(inner_dim)
        d.text_tokens = detail::opt_int(t, "max_text_seq_length", wt).value_or(226);
        // diffusers' default is false (sin-cos positions, CogVideoX-2b); 5b and 1.5 set it
        d.rotary = detail::flag(t, "use_rotary_positional_embeddings", false);
    } else if (cls == "HunyuanVideoTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.single_layers = detail::int_field(t, "num_single_layers", wt);
        d.refiner_layers = detail::opt_int(t, "num_refiner_layers", wt).value_or(2);
        // hidden <= 2^24 and the ratio <= 1024: the product fits an extent
        d.ffn = static_cast<extent>(detail::bounded_field(t, "mlp_ratio", wt, static_cast<double>(detail::max_config_factor),
                                                          true) *
                                    static_cast<double>(d.hidden));
        d.text_dim = detail::int_field(t, "text_embed_dim", wt);
        d.pooled_dim = detail::opt_int(t, "pooled_projection_dim", wt).value_or(0);
        d.guidance_embed = detail::flag(t, "guidance_embeds", false);
        if (base == "hunyuanvideo-i2v") {
            // HunyuanVideoImageToVideoPipeline keeps every 2nd of the 576 image tokens for latent_concat (the
            // image latent joins the channels: in_channels 33) and every 4th for token_replace
            const std::string type = detail::string_field(t, "image_condition_type", wt);
            if (type != "latent_concat" && type != "token_replace")
                detail::raise(errc::json_bad_value, wt,
                              "field 'image_condition_type' is '" + type +
                                  "'; HunyuanVideoTransformer3DModel takes latent_concat and token_replace");
            d.text_tokens = 576 / (type == "latent_concat" ? 2 : 4) + 252;
        }
    } else if (cls == "HunyuanVideo15Transformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.refiner_layers = detail::opt_int(t, "num_refiner_layers", wt).value_or(2);
        d.ffn = static_cast<extent>(detail::bounded_field(t, "mlp_ratio", wt, static_cast<double>(detail::max_config_factor),
                                                          true) *
                                    static_cast<double>(d.hidden));
        d.text_dim = detail::opt_int(t, "text_embed_dim", wt).value_or(3584);
        d.glyph_dim = detail::opt_int(t, "text_embed_2_dim", wt).value_or(1472);
        d.image_dim = detail::opt_int(t, "image_embed_dim", wt).value_or(1152);
        if (detail::flag(t, "use_meanflow", false))
            detail::raise(errc::not_representable, wt,
                          "field 'use_meanflow' is true: the step-distilled checkpoint's second timestep embedder "
                          "is not modelled");
    } else if (cls == "CosmosTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.ffn = static_cast<extent>(detail::bounded_field(t, "mlp_ratio", wt, static_cast<double>(detail::max_config_factor),
                                                          true) *
                                    static_cast<double>(d.hidden));
        d.text_dim = detail::int_field(t, "text_embed_dim", wt, 1);
        d.adaln_lora = detail::int_field(t, "adaln_lora_dim", wt, 1);
        if (!detail::flag(t, "concat_padding_mask", true))
            detail::raise(errc::not_representable, wt, "field 'concat_padding_mask' false is not modelled");
        for (const char* key : {"extra_pos_embed_type", "img_context_dim_in", "controlnet_block_every_n"})
            if (detail::has(t, key) && !t.at(key).is_null())
                detail::raise(errc::not_representable, wt,
                              "field '" + std::string(key) + "' = " + detail::json_text(t.at(key)) +
                                  " is not modelled (Cosmos-Predict2 leaves it null)");
        if (detail::flag(t, "use_crossattn_projection", false))
            detail::raise(errc::not_representable, wt, "field 'use_crossattn_projection' true is not modelled");
    } else if (cls == "MochiTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.text_hidden = detail::int_field(t, "pooled_projection_dim", wt);
        d.text_dim = detail::int_field(t, "text_embed_dim", wt);
        d.ffn = 2 * 4 * d.hidden / 3;
        d.text_ffn = 2 * 4 * d.text_hidden / 3;
    } else if (cls == "FluxTransformer2DModel") {
        // FluxPipeline packs 2 x 2 latent patches into the input channels (64 = 16 x 4); the class's own
        // patch_size is 1
        if (d.in_channels % 4 != 0 || d.out_channels % 4 != 0)
            detail::raise(errc::json_bad_value, wt,
                          "fields 'in_channels' and 'out_channels' hold 2 x 2 packed latent channels and must be "
                          "multiples of 4, got " + std::to_string(d.in_channels) + " and " +
                              std::to_string(d.out_channels));
        d.in_channels /= 4;
        d.out_channels /= 4;
        m.latent.patch_h = m.latent.patch_w = 2 * detail::opt_int(t, "patch_size", wt).value_or(1);
        d.hidden = d.heads * d.head_dim;
        d.ffn = 4 * d.hidden;
        d.single_layers = detail::int_field(t, "num_single_layers", wt);
        d.text_dim = detail::int_field(t, "joint_attention_dim", wt);
        d.pooled_dim = detail::opt_int(t, "pooled_projection_dim", wt).value_or(768);
        d.guidance_embed = detail::flag(t, "guidance_embeds", false);
    } else if (cls == "AllegroTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.ffn = 4 * d.hidden; // FeedForward's default mult
        d.text_dim = detail::opt_int(t, "caption_channels", wt).value_or(4096);
        if (auto cross = detail::opt_int(t, "cross_attention_dim", wt); cross && *cross != d.hidden)
            detail::raise(errc::not_representable, wt,
                          "field 'cross_attention_dim' is " + std::to_string(*cross) +
                              ": the caption projection gives the width of the blocks, " + std::to_string(d.hidden));
        if (detail::has(t, "norm_type") && t.at("norm_type") != "ada_norm_single")
            detail::raise(errc::not_representable, wt,
                          "field 'norm_type' is " + detail::json_text(t.at("norm_type")) +
                              ": only 'ada_norm_single' is modelled");
    } else if (cls == "LTX2VideoTransformer3DModel") {
        detail::read_ltx2_transformer(t, d, wt);
    } else { // LTX-Video
        d.hidden = d.heads * d.head_dim;
        d.ffn = 4 * d.hidden;
        d.text_dim = detail::int_field(t, "caption_channels", wt);
    }
    if (!c.vae.empty()) {
        detail::read_vae(c.vae, m.vae);
        m.latent.temporal_compression = m.vae.temporal_compression;
        m.latent.spatial_compression = m.vae.spatial_compression;
        m.latent.size_multiple = std::max(m.latent.size_multiple, m.vae.spatial_compression * m.latent.patch_h);
    }
    if (cls == "LTX2VideoTransformer3DModel") { // LTX2Pipeline's connectors, audio VAE and vocoder, where given
        if (!c.connectors.empty())
            detail::read_ltx2_connectors(detail::parse_json(c.connectors, "connectors/config.json"), m.connectors,
                                         "connectors/config.json");
        if (!c.audio_vae.empty()) { // the pipeline counts audio latents with the audio VAE's rates
            const auto [rate, hop] = detail::read_ltx2_audio_vae(
                detail::parse_json(c.audio_vae, "audio_vae/config.json"), m.audio_vae, "audio_vae/config.json");
            d.audio.sample_rate = rate;
            d.audio.hop = hop;
        }
        if (!c.vocoder.empty())
            detail::read_ltx2_vocoder(detail::parse_json(c.vocoder, "vocoder/config.json"), m.vocoder,
                                      "vocoder/config.json");
        const audio_vae_spec& a = m.audio_vae;
        if (d.audio.in_channels != a.latent_channels * (a.mel_bins / a.latent_factor))
            detail::raise(errc::inconsistent, wt,
                          "field 'audio_in_channels' is " + std::to_string(d.audio.in_channels) +
                              "; the audio VAE's latents have " + std::to_string(a.latent_channels) + " channels x " +
                              std::to_string(a.mel_bins / a.latent_factor) + " mel bins");
        if (m.connectors.text_dim != d.text_dim)
            detail::raise(errc::inconsistent, wt,
                          "field 'caption_channels' is " + std::to_string(d.text_dim) + "; the text connectors give " +
                              std::to_string(m.connectors.text_dim));
    }
    if (!c.text_encoder.empty()) detail::read_text_encoder(c.text_encoder, m.text_encoders[0], store);
    if (!c.text_encoder_2.empty() && m.text_encoder_count > 1)
        detail::read_text_encoder(c.text_encoder_2, m.text_encoders[1], store);
    if (!c.model_index.empty()) { // checked: it must be a pipeline index
        const nlohmann::json mi = detail::parse_json(c.model_index, "model_index.json");
        const std::string pipe = detail::string_field(mi, "_class_name", "model_index.json");
        // SkyReels-V2: diffusion forcing only in its DF pipelines (the preset's 97-frame iterations, 17 overlapping)
        if (cls == "SkyReelsV2Transformer3DModel" && pipe.find("DiffusionForcing") == std::string::npos) {
            m.denoiser.per_frame_timesteps = false;
            m.forcing = {};
        }
        // HunyuanVideo 1.5's image-to-video pipeline: the same transformer class and config, a SigLIP image
        // encoder and the image's one-frame encode (the config's task_type does not tell: "480p_t2v" says "i2v")
        if (cls == "HunyuanVideo15Transformer3DModel" && pipe == "HunyuanVideo15ImageToVideoPipeline") {
            const model_spec& i2v = find_model("hunyuanvideo-1.5-i2v");
            m.task = i2v.task;
            m.image_encoder = i2v.image_encoder;
            m.has_image_encoder = true;
            m.encode_frames = i2v.encode_frames;
        }
        // WanPipeline's expand_timesteps (Wan2.2-TI2V-5B): the timestep MLP runs on every token
        if (detail::has(mi, "expand_timesteps")) {
            if (!mi.at("expand_timesteps").is_boolean())
                detail::raise(errc::json_wrong_type, "model_index.json", "field 'expand_timesteps' must be true or false");
            m.denoiser.expand_timesteps = mi.at("expand_timesteps").get<bool>();
            m.denoiser.official_expand_timesteps = m.denoiser.expand_timesteps; // every Wan2.2 model in its own code
        }
        // Wan2.2 A14B: a second transformer of the same config for the low-noise steps, switched at boundary_ratio
        const bool second = detail::has(mi, "transformer_2") && mi.at("transformer_2").is_array() &&
                            !mi.at("transformer_2").empty() && !mi.at("transformer_2").at(0).is_null();
        const bool ratio = detail::has(mi, "boundary_ratio") && !mi.at("boundary_ratio").is_null();
        if (second != ratio)
            detail::raise(errc::inconsistent, "model_index.json",
                          second ? "a 'transformer_2' needs a 'boundary_ratio' (the switch between the two)"
                                 : "a 'boundary_ratio' needs a 'transformer_2' (the low-noise expert)");
        if (second) {
            if (d.family != denoiser_family::dit_cross || m.latent.patch_h == 1)
                detail::raise(errc::not_representable, "model_index.json",
                              "two transformers are modelled for WanTransformer3DModel pipelines (Wan2.2 A14B)");
            const double b = detail::bounded_field(mi, "boundary_ratio", "model_index.json", 1.0, true, 1e-3);
            if (c.scheduler.empty())
                detail::raise(errc::json_missing_field, "model_index.json",
                              "a two-transformer pipeline needs scheduler/scheduler_config.json: its flow_shift "
                              "places the switch between the experts");
            const nlohmann::json sc = detail::parse_json(c.scheduler, "scheduler_config.json");
            if (!detail::flag(sc, "use_flow_sigmas", false))
                detail::raise(errc::not_representable, "scheduler_config.json",
                              "the expert switch is modelled for flow-sigma schedulers (use_flow_sigmas true)");
            const double shift = detail::has(sc, "flow_shift")
                                     ? detail::bounded_field(sc, "flow_shift", "scheduler_config.json", 1000.0, true, 1e-3)
                                     : 1.0; // diffusers' default
            m.experts.two_experts = true;
            m.experts.boundary = b;
            m.experts.diffusers_shift = shift;
            m.experts.official_shift = shift; // a diffusers folder says nothing of another code's sampler
            // the two-expert models are Wan2.2's, whose own code runs the timestep MLP on every token
            m.denoiser.official_expand_timesteps = true;
        }
    }
    return out;
}

/// Reads a diffusers model folder from disk.
[[nodiscard]] inline loaded_model load_diffusers_folder(const std::filesystem::path& dir, std::string_view slug) {
    auto read = [&](const char* rel, bool required) -> std::string {
        const auto p = dir / rel;
        if (!std::filesystem::exists(p)) {
            if (required)
                detail::raise(errc::unknown_name, "load_diffusers_folder",
                              "missing '" + p.string() + "' (a diffusers model folder has transformer/config.json)");
            return {};
        }
        return detail::read_text_file(p, "load_diffusers_folder");
    };
    diffusers_configs c;
    c.model_index = read("model_index.json", false);
    c.transformer = read("transformer/config.json", !std::filesystem::exists(dir / "unet/config.json"));
    if (c.transformer.empty()) c.unet = read("unet/config.json", true);
    c.vae = read("vae/config.json", false);
    c.text_encoder = read("text_encoder/config.json", false);
    c.text_encoder_2 = read("text_encoder_2/config.json", false);
    c.scheduler = read("scheduler/scheduler_config.json", false);
    c.connectors = read("connectors/config.json", false);
    c.audio_vae = read("audio_vae/config.json", false);
    c.vocoder = read("vocoder/config.json", false);
    try { // errors name the folder: "<dir>: vae/config.json: field ..."
        return model_from_diffusers(c, slug);
    } catch (const error& e) {
        detail::raise_in_file(e, dir);
    }
}

namespace detail {
[[nodiscard]] inline nlohmann::json text_encoder_config(const encoder_spec& e) {
    if (e.kind == encoder_kind::t5)
        return {{"model_type", e.per_layer_bias ? "umt5" : "t5"},
                {"_name_or_path", e.name},
                {"d_model", e.d_model},
                {"num_layers", e.layers},
                {"num_heads", e.heads},
                {"d_kv", e.head_dim ? e.head_dim : e.d_model / e.heads},
                {"d_ff", e.d_ff},
                {"vocab_size", e.vocab},
                {"relative_attention_num_buckets", e.relative_buckets},
                {"feed_forward_proj", e.relu_ffn ? "relu" : "gated-gelu"}};
    return {{"model_type", e.kind == encoder_kind::llama ? "llama" : "clip_text_model"},
            {"_name_or_path", e.name},
            {"hidden_size", e.d_model},
            {"num_hidden_layers", e.layers},
            {"num_attention_heads", e.heads},
            {"num_key_value_heads", e.kv_heads ? e.kv_heads : e.heads},
            {"intermediate_size", e.d_ff},
            {"vocab_size", e.vocab}};
}
} // namespace detail

/// The diffusers configs of a model of one of the supported families.
[[nodiscard]] inline diffusers_configs to_diffusers(const model_spec& m) {
    const denoiser_spec& d = m.denoiser;
    nlohmann::json t = {{"num_layers", d.layers},
                        {"num_attention_heads", d.heads},
                        {"attention_head_dim", d.head_dim ? d.head_dim : d.hidden / d.heads},
                        {"in_channels", d.in_channels},
                        {"out_channels", d.out_channels}};
    std::string pipeline;
    switch (d.family) {
    case denoiser_family::dit_cross:
        if (d.code == reference_code::allegro) {
            t["_class_name"] = "AllegroTransformer3DModel";
            t["caption_channels"] = d.text_dim;
            t["cross_attention_dim"] = d.hidden;
            t["norm_type"] = "ada_norm_single";
            t["patch_size"] = m.latent.patch_h;
            t["patch_size_t"] = m.latent.patch_t;
            pipeline = "AllegroPipeline";
        } else if (m.latent.patch_h == 1) { // LTX-Video
            t["_class_name"] = "LTXVideoTransformer3DModel";
            t["caption_channels"] = d.text_dim;
            t["patch_size"] = m.latent.patch_h;
            t["patch_size_t"] = m.latent.patch_t;
            pipeline = "LTXPipeline";
        } else {
            t["_class_name"] = d.vace_blocks > 0            ? "WanVACETransformer3DModel"
                               : d.per_frame_timesteps ? "SkyReelsV2Transformer3DModel"
                                                       : "WanTransformer3DModel";
            if (d.per_frame_timesteps) t["inject_sample_info"] = d.fps_embedding;
            if (d.vace_blocks > 0) {
                nlohmann::json layers = nlohmann::json::array();
                for (extent i = 0; i < d.vace_blocks; ++i) layers.push_back(i * d.vace_stride);
                t["vace_layers"] = layers;
                t["vace_in_channels"] = d.vace_in_channels;
            }
            t["ffn_dim"] = d.ffn;
            t["text_dim"] = d.text_dim;
            t["freq_dim"] = d.time_freq_dim;
            t["patch_size"] = {m.latent.patch_t, m.latent.patch_h, m.latent.patch_w};
            t["image_dim"] = d.image_tokens > 0 ? nlohmann::json(d.image_dim) : nlohmann::json(nullptr);
            pipeline = d.vace_blocks > 0          ? "WanVACEPipeline"
                       : d.per_frame_timesteps ? "SkyReelsV2DiffusionForcingPipeline"
                       : d.image_tokens > 0 ? "WanImageToVideoPipeline"
                                            : "WanPipeline";
        }
        break;
    case denoiser_family::dit_text_visual: {
        const bool cond = d.in_channels == 2 * d.out_channels + 1;
        const extent hd = d.head_dim ? d.head_dim : d.hidden / d.heads;
        const extent side = hd * 3 / 8; // Kandinsky 5's split of the head: 16 + 24 + 24 at 64
        t = {{"_class_name", "Kandinsky5Transformer3DModel"},
             {"in_visual_dim", cond ? d.out_channels : d.in_channels},
             {"out_visual_dim", d.out_channels},
             {"visual_cond", cond},
             {"in_text_dim", d.text_dim},
             {"in_text_dim2", d.pooled_dim},
             {"time_dim", d.time_embed_dim},
             {"model_dim", d.hidden},
             {"ff_dim", d.ffn},
             {"num_text_blocks", d.refiner_layers},
             {"num_visual_blocks", d.layers},
             {"axes_dims", {hd - 2 * side, side, side}},
             {"patch_size", {m.latent.patch_t, m.latent.patch_h, m.latent.patch_w}},
             {"attention_type", "regular"}};
        pipeline = "Kandinsky5T2VPipeline";
        break;
    }
    case denoiser_family::dit_adaln_lora:
        t["_class_name"] = "CosmosTransformer3DModel";
        t["mlp_ratio"] = static_cast<double>(d.ffn) / static_cast<double>(d.hidden);
        t["text_embed_dim"] = d.text_dim;
        t["adaln_lora_dim"] = d.adaln_lora;
        t["patch_size"] = {m.latent.patch_t, m.latent.patch_h, m.latent.patch_w};
        t["concat_padding_mask"] = true;
        t["extra_pos_embed_type"] = nullptr;
        pipeline = "Cosmos2VideoToWorldPipeline";
        break;
    case denoiser_family::mmdit_joint:
        t["_class_name"] = "CogVideoXTransformer3DModel";
        t["text_embed_dim"] = d.text_dim;
        t["time_embed_dim"] = d.time_embed_dim;
        t["max_text_seq_length"] = d.text_tokens;
        t["patch_size"] = m.latent.patch_h;
        t["patch_size_t"] = m.latent.patch_t > 1 ? nlohmann::json(m.latent.patch_t) : nlohmann::json(nullptr);
        t["use_rotary_positional_embeddings"] = d.rotary;
        pipeline = "CogVideoXPipeline";
        break;
    case denoiser_family::mmdit_dual_single:
        if (m.task == task_kind::t2i) { // FLUX.1: the pipeline packs 2 x 2 latent patches into the channels
            t["_class_name"] = "FluxTransformer2DModel";
            t["in_channels"] = d.in_channels * m.latent.patch_h * m.latent.patch_w;
            t["out_channels"] = d.out_channels * m.latent.patch_h * m.latent.patch_w;
            t["patch_size"] = 1;
            t["num_single_layers"] = d.single_layers;
            t["joint_attention_dim"] = d.text_dim;
            t["pooled_projection_dim"] = d.pooled_dim;
            t["guidance_embeds"] = d.guidance_embed;
            pipeline = "FluxPipeline";
            break;
        }
        if (d.refiner_layers == 0) // Open-Sora 2.0's MMDiT has no diffusers class
            detail::raise(errc::not_representable, "to_diffusers",
                          "model '" + std::string(m.slug) + "' has no diffusers transformer class");
        // HunyuanVideo and HunyuanVideo 1.5 (its glyph stream)
        t["num_refiner_layers"] = d.refiner_layers;
        t["mlp_ratio"] = static_cast<double>(d.ffn) / static_cast<double>(d.hidden);
        t["text_embed_dim"] = d.text_dim;
        t["patch_size"] = m.latent.patch_h;
        t["patch_size_t"] = m.latent.patch_t;
        if (d.glyph_tokens > 0) {
            t["_class_name"] = "HunyuanVideo15Transformer3DModel";
            t["text_embed_2_dim"] = d.glyph_dim;
            t["image_embed_dim"] = d.image_dim;
            t["use_meanflow"] = false;
            pipeline = m.task == task_kind::i2v ? "HunyuanVideo15ImageToVideoPipeline" : "HunyuanVideo15Pipeline";
            break;
        }
        t["_class_name"] = "HunyuanVideoTransformer3DModel";
        if (m.task == task_kind::i2v) // the image's latent joins the channels, or replaces the first frame
            t["image_condition_type"] = d.in_channels > d.out_channels ? "latent_concat" : "token_replace";
        t["num_single_layers"] = d.single_layers;
        t["pooled_projection_dim"] = d.pooled_dim;
        t["guidance_embeds"] = d.guidance_embed;
        pipeline = m.task == task_kind::i2v ? "HunyuanVideoImageToVideoPipeline" : "HunyuanVideoPipeline";
        break;
    case denoiser_family::dit_audio_video: // LTX-2: read by model_from_diffusers, its export is not written yet
        detail::raise(errc::not_representable, "to_diffusers",
                      "model '" + std::string(m.slug) + "': LTX2VideoTransformer3DModel export is not supported yet");
    case denoiser_family::unet_temporal: { // unet/config.json as UNetSpatioTemporalConditionModel writes it
        const unet_spec& u = d.unet;
        nlohmann::json types = nlohmann::json::array(), heads = nlohmann::json::array();
        for (std::size_t i = 0; i < 4; ++i) {
            types.push_back(u.attention[i] ? "CrossAttnDownBlockSpatioTemporal" : "DownBlockSpatioTemporal");
            heads.push_back(u.channels[i] / u.head_dim);
        }
        const nlohmann::json un = {{"_class_name", "UNetSpatioTemporalConditionModel"},
                                   {"block_out_channels", {u.channels[0], u.channels[1], u.channels[2], u.channels[3]}},
                                   {"down_block_types", types},
                                   {"layers_per_block", u.layers_per_block},
                                   {"transformer_layers_per_block", 1},
                                   {"num_attention_heads", heads},
                                   {"cross_attention_dim", u.cross_dim},
                                   {"in_channels", u.in_channels},
                                   {"out_channels", u.out_channels},
                                   {"addition_time_embed_dim", 256},
                                   {"projection_class_embeddings_input_dim", 256 * u.added_time_ids}};
        diffusers_configs c;
        c.model_index = nlohmann::json{{"_class_name", "StableVideoDiffusionPipeline"}}.dump(2);
        c.unet = un.dump(2);
        c.vae = detail::vae_config(m.vae).dump(2);
        return c;
    }
    case denoiser_family::unet_2d: { // unet/config.json as UNet2DConditionModel writes it
        const unet_spec& u = d.unet;
        const auto levels = static_cast<std::size_t>(u.levels);
        nlohmann::json widths = nlohmann::json::array(), down = nlohmann::json::array(),
                       up = nlohmann::json::array(), blocks = nlohmann::json::array(), heads = nlohmann::json::array();
        for (std::size_t i = 0; i < levels; ++i) {
            widths.push_back(u.channels[i]);
            down.push_back(u.attention[i] ? "CrossAttnDownBlock2D" : "DownBlock2D");
            up.push_back(u.attention[levels - 1 - i] ? "CrossAttnUpBlock2D" : "UpBlock2D");
            blocks.push_back(u.transformer_layers[i]);
            heads.push_back(u.channels[i] / unet_head_dim(u, u.channels[i]));
        }
        const bool xl = u.added_pooled > 0;
        nlohmann::json un = {{"_class_name", "UNet2DConditionModel"},
                             {"block_out_channels", widths},
                             {"down_block_types", down},
                             {"up_block_types", up},
                             {"layers_per_block", u.layers_per_block},
                             {"transformer_layers_per_block", blocks},
                             // diffusers' legacy name: attention_head_dim counts heads
                             {"attention_head_dim", u.heads > 0 ? nlohmann::json(u.heads) : heads},
                             {"cross_attention_dim", u.cross_dim},
                             {"in_channels", u.in_channels},
                             {"out_channels", u.out_channels},
                             {"use_linear_projection", xl},
                             {"sample_size", m.standard.height / m.latent.spatial_compression}};
        if (xl) {
            un["addition_embed_type"] = "text_time";
            un["addition_time_embed_dim"] = 256;
            un["projection_class_embeddings_input_dim"] = 256 * u.added_time_ids + u.added_pooled;
        }
        diffusers_configs c;
        c.model_index =
            nlohmann::json{{"_class_name", xl ? "StableDiffusionXLPipeline" : "StableDiffusionPipeline"}}.dump(2);
        c.unet = un.dump(2);
        nlohmann::json v = detail::vae_config(m.vae);
        if (m.vae.force_upcast) v["force_upcast"] = true;
        c.vae = v.dump(2);
        c.text_encoder = detail::text_encoder_config(m.text_encoders[0]).dump(2);
        if (m.text_encoder_count > 1) c.text_encoder_2 = detail::text_encoder_config(m.text_encoders[1]).dump(2);
        return c;
    }
    case denoiser_family::dit_factorised:
        detail::raise(errc::not_representable, "to_diffusers",
                      "model '" + std::string(m.slug) + "' is not one of the transformer classes vidperf exports");
    case denoiser_family::mmdit_asymmetric:
        t["_class_name"] = "MochiTransformer3DModel";
        t["pooled_projection_dim"] = d.text_hidden;
        t["text_embed_dim"] = d.text_dim;
        t["patch_size"] = m.latent.patch_h;
        pipeline = "MochiPipeline";
        break;
    }
    const nlohmann::json v = detail::vae_config(m.vae);
    diffusers_configs c;
    nlohmann::json index{{"_class_name", pipeline}};
    if (d.expand_timesteps) index["expand_timesteps"] = true;
    if (m.experts.two_experts) { // as WanPipeline(transformer_2=..., boundary_ratio=...).save_config writes it
        index["transformer"] = {"diffusers", t.at("_class_name")};
        index["transformer_2"] = {"diffusers", t.at("_class_name")};
        index["boundary_ratio"] = m.experts.boundary;
        c.scheduler = nlohmann::json{{"_class_name", "UniPCMultistepScheduler"},
                                     {"prediction_type", "flow_prediction"},
                                     {"use_flow_sigmas", true},
                                     {"num_train_timesteps", 1000},
                                     {"flow_shift", m.experts.diffusers_shift}}
                          .dump(2);
    }
    c.model_index = index.dump(2);
    c.transformer = t.dump(2);
    c.vae = v.dump(2);
    c.text_encoder = detail::text_encoder_config(m.text_encoders[0]).dump(2);
    if (m.text_encoder_count > 1) c.text_encoder_2 = detail::text_encoder_config(m.text_encoders[1]).dump(2);
    return c;
}

} // namespace vidperf
