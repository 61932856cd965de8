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
///   MochiTransformer3DModel -> mochi-1, LTXVideoTransformer3DModel -> ltx-video.
/// Key names are diffusers' own (diffusers 0.32-0.35 model classes).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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
};

/// A model_spec that owns the strings its views point to.
struct loaded_model {
    model_spec spec;
    std::shared_ptr<detail::string_store> strings = std::make_shared<detail::string_store>();
};

namespace detail {

[[nodiscard]] inline extent int_field(const nlohmann::json& j, std::string_view key, std::string_view where) {
    const double v = number_field(j, key, where);
    if (v < 0 || v != static_cast<double>(static_cast<extent>(v)))
        raise(errc::json_bad_value, where, "field '" + std::string(key) + "' must be a whole number >= 0");
    return static_cast<extent>(v);
}

[[nodiscard]] inline std::optional<extent> opt_int(const nlohmann::json& j, std::string_view key,
                                                   std::string_view where) {
    if (!has(j, key) || j.at(std::string(key)).is_null()) return std::nullopt;
    return int_field(j, key, where);
}

/// patch_size as an int or a [t, h, w] list.
inline void read_patch(const nlohmann::json& j, latent_rule& r, std::string_view where) {
    if (!has(j, "patch_size")) return;
    const auto& p = j.at("patch_size");
    if (p.is_array()) {
        if (p.size() != 3 || !p[0].is_number_integer() || !p[1].is_number_integer() || !p[2].is_number_integer())
            raise(errc::json_bad_value, where, "field 'patch_size' must be an integer or a list of 3 integers");
        r.patch_t = p[0].get<extent>();
        r.patch_h = p[1].get<extent>();
        r.patch_w = p[2].get<extent>();
    } else {
        r.patch_h = r.patch_w = int_field(j, "patch_size", where);
    }
    if (auto pt = opt_int(j, "patch_size_t", where)) r.patch_t = *pt;
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
    } else {
        raise(errc::json_bad_value, where,
              "field 'model_type' is '" + type + "'; vidperf reads t5, umt5, llama and clip_text_model encoders");
    }
    if (has(j, "_name_or_path")) e.name = keep(store, string_field(j, "_name_or_path", where));
}

} // namespace detail

/// Reads a model from the texts of a diffusers folder. `slug` names the result.
[[nodiscard]] inline loaded_model model_from_diffusers(const diffusers_configs& c, std::string_view slug) {
    constexpr std::string_view wt = "transformer/config.json";
    const nlohmann::json t = detail::parse_json(c.transformer, wt);
    const std::string cls = detail::string_field(t, "_class_name", wt);
    loaded_model out;
    auto& store = *out.strings;
    std::string_view base;
    if (cls == "WanTransformer3DModel")
        base = "wan2.1-t2v-1.3b";
    else if (cls == "CogVideoXTransformer3DModel")
        base = "cogvideox-5b";
    else if (cls == "HunyuanVideoTransformer3DModel")
        base = "hunyuanvideo";
    else if (cls == "MochiTransformer3DModel")
        base = "mochi-1";
    else if (cls == "LTXVideoTransformer3DModel")
        base = "ltx-video";
    else
        detail::raise(errc::json_bad_value, wt,
                      "field '_class_name' is '" + cls +
                          "'; vidperf reads WanTransformer3DModel, CogVideoXTransformer3DModel, "
                          "HunyuanVideoTransformer3DModel, MochiTransformer3DModel, LTXVideoTransformer3DModel");
    model_spec& m = out.spec;
    m = find_model(base);
    m.slug = detail::keep(store, std::string(slug));
    m.name = m.slug;
    m.source = detail::keep(store, "diffusers folder (" + cls + "), defaults from preset " + std::string(base));
    m.denoiser_params = m.text_encoder_params = m.vae_params = {};
    denoiser_spec& d = m.denoiser;
    d.layers = detail::int_field(t, "num_layers", wt);
    d.heads = detail::int_field(t, "num_attention_heads", wt);
    d.head_dim = detail::int_field(t, "attention_head_dim", wt);
    d.in_channels = detail::int_field(t, "in_channels", wt);
    d.out_channels = detail::opt_int(t, "out_channels", wt).value_or(d.in_channels);
    detail::read_patch(t, m.latent, wt);
    if (cls == "WanTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.ffn = detail::int_field(t, "ffn_dim", wt);
        d.text_dim = detail::int_field(t, "text_dim", wt);
        d.time_freq_dim = detail::opt_int(t, "freq_dim", wt).value_or(256);
        if (auto img = detail::opt_int(t, "image_dim", wt)) {
            d.image_dim = *img;
            d.image_tokens = 257;
            m.image_encoder = presets_detail::clip_h_vision();
            m.has_image_encoder = true;
            m.task = "i2v";
        } else {
            d.image_dim = 0;
            d.image_tokens = 0;
            m.has_image_encoder = false;
        }
    } else if (cls == "CogVideoXTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.ffn = 4 * d.hidden;
        d.text_dim = detail::int_field(t, "text_embed_dim", wt);
        d.time_embed_dim = detail::int_field(t, "time_embed_dim", wt);
        d.text_tokens = detail::opt_int(t, "max_text_seq_length", wt).value_or(226);
    } else if (cls == "HunyuanVideoTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.single_layers = detail::int_field(t, "num_single_layers", wt);
        d.refiner_layers = detail::opt_int(t, "num_refiner_layers", wt).value_or(2);
        d.ffn = static_cast<extent>(detail::number_field(t, "mlp_ratio", wt) * static_cast<double>(d.hidden));
        d.text_dim = detail::int_field(t, "text_embed_dim", wt);
        d.pooled_dim = detail::opt_int(t, "pooled_projection_dim", wt).value_or(0);
        d.guidance_embed = detail::has(t, "guidance_embeds") && t.at("guidance_embeds").is_boolean() &&
                           t.at("guidance_embeds").get<bool>();
    } else if (cls == "MochiTransformer3DModel") {
        d.hidden = d.heads * d.head_dim;
        d.text_hidden = detail::int_field(t, "pooled_projection_dim", wt);
        d.text_dim = detail::int_field(t, "text_embed_dim", wt);
        d.ffn = 2 * 4 * d.hidden / 3;
        d.text_ffn = 2 * 4 * d.text_hidden / 3;
    } else { // LTX-Video
        d.hidden = d.heads * d.head_dim;
        d.ffn = 4 * d.hidden;
        d.text_dim = detail::int_field(t, "caption_channels", wt);
    }
    if (!c.vae.empty()) {
        constexpr std::string_view wv = "vae/config.json";
        const nlohmann::json v = detail::parse_json(c.vae, wv);
        const std::string vcls = detail::has(v, "_class_name") ? detail::string_field(v, "_class_name", wv) : "";
        if (auto z = detail::opt_int(v, "z_dim", wv)) m.vae.latent_channels = *z;
        if (auto z = detail::opt_int(v, "latent_channels", wv)) m.vae.latent_channels = *z;
        if (vcls == "AutoencoderKLWan") {
            const extent b = detail::int_field(v, "base_dim", wv);
            const auto& mult = detail::require_field(v, "dim_mult", wv);
            if (!mult.is_array() || mult.size() != 4)
                detail::raise(errc::json_bad_value, wv, "field 'dim_mult' must be a list of 4 integers");
            // the decoder runs the top width twice, then down the multipliers
            m.vae.channels = {b * mult[3].get<extent>(), b * mult[3].get<extent>(), b * mult[2].get<extent>(),
                              b * mult[1].get<extent>(), b * mult[0].get<extent>()};
            if (auto r = detail::opt_int(v, "num_res_blocks", wv)) m.vae.res_blocks = *r;
            const extent tc = detail::opt_int(v, "scale_factor_temporal", wv).value_or(4);
            const extent sc = detail::opt_int(v, "scale_factor_spatial", wv).value_or(8);
            m.vae.temporal_compression = m.latent.temporal_compression = tc;
            m.vae.spatial_compression = m.latent.spatial_compression = sc;
            m.vae.spatial_up = {true, true, true, sc >= 16}; // Wan 2.2's VAE adds a 2x2 patchify stage
            m.latent.size_multiple = sc * m.latent.patch_h;
        } else if (vcls == "AutoencoderKLCogVideoX" || vcls == "AutoencoderKLHunyuanVideo") {
            const auto& ch = detail::require_field(v, "block_out_channels", wv);
            if (!ch.is_array() || ch.size() != 4)
                detail::raise(errc::json_bad_value, wv, "field 'block_out_channels' must be a list of 4 integers");
            m.vae.channels = {ch[3].get<extent>(), ch[3].get<extent>(), ch[2].get<extent>(), ch[1].get<extent>(),
                              ch[0].get<extent>()};
            if (auto r = detail::opt_int(v, "layers_per_block", wv)) m.vae.res_blocks = *r;
        }
        // other VAE classes keep the preset's decoder widths; compression ratios where given
        if (auto tc = detail::opt_int(v, "temporal_compression_ratio", wv))
            m.vae.temporal_compression = m.latent.temporal_compression = *tc;
        if (auto sc = detail::opt_int(v, "spatial_compression_ratio", wv))
            m.vae.spatial_compression = m.latent.spatial_compression = *sc;
    }
    if (!c.text_encoder.empty()) detail::read_text_encoder(c.text_encoder, m.text_encoders[0], store);
    if (!c.text_encoder_2.empty() && m.text_encoder_count > 1)
        detail::read_text_encoder(c.text_encoder_2, m.text_encoders[1], store);
    if (!c.model_index.empty()) { // only checked: it must be a pipeline index
        const nlohmann::json mi = detail::parse_json(c.model_index, "model_index.json");
        (void)detail::string_field(mi, "_class_name", "model_index.json");
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
    c.transformer = read("transformer/config.json", true);
    c.vae = read("vae/config.json", false);
    c.text_encoder = read("text_encoder/config.json", false);
    c.text_encoder_2 = read("text_encoder_2/config.json", false);
    return model_from_diffusers(c, slug);
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
                {"relative_attention_num_buckets", e.relative_buckets}};
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
        if (m.latent.patch_h == 1) { // LTX-Video
            t["_class_name"] = "LTXVideoTransformer3DModel";
            t["caption_channels"] = d.text_dim;
            t["patch_size"] = m.latent.patch_h;
            t["patch_size_t"] = m.latent.patch_t;
            pipeline = "LTXPipeline";
        } else {
            t["_class_name"] = "WanTransformer3DModel";
            t["ffn_dim"] = d.ffn;
            t["text_dim"] = d.text_dim;
            t["freq_dim"] = d.time_freq_dim;
            t["patch_size"] = {m.latent.patch_t, m.latent.patch_h, m.latent.patch_w};
            t["image_dim"] = d.image_tokens > 0 ? nlohmann::json(d.image_dim) : nlohmann::json(nullptr);
            pipeline = d.image_tokens > 0 ? "WanImageToVideoPipeline" : "WanPipeline";
        }
        break;
    case denoiser_family::mmdit_joint:
        t["_class_name"] = "CogVideoXTransformer3DModel";
        t["text_embed_dim"] = d.text_dim;
        t["time_embed_dim"] = d.time_embed_dim;
        t["max_text_seq_length"] = d.text_tokens;
        t["patch_size"] = m.latent.patch_h;
        t["patch_size_t"] = m.latent.patch_t > 1 ? nlohmann::json(m.latent.patch_t) : nlohmann::json(nullptr);
        pipeline = "CogVideoXPipeline";
        break;
    case denoiser_family::mmdit_dual_single:
        if (d.refiner_layers == 0) // Open-Sora 2.0's MMDiT has no diffusers class
            detail::raise(errc::not_representable, "to_diffusers",
                          "model '" + std::string(m.slug) + "' has no diffusers transformer class");
        t["_class_name"] = "HunyuanVideoTransformer3DModel";
        t["num_single_layers"] = d.single_layers;
        t["num_refiner_layers"] = d.refiner_layers;
        t["mlp_ratio"] = static_cast<double>(d.ffn) / static_cast<double>(d.hidden);
        t["text_embed_dim"] = d.text_dim;
        t["pooled_projection_dim"] = d.pooled_dim;
        t["guidance_embeds"] = d.guidance_embed;
        t["patch_size"] = m.latent.patch_h;
        t["patch_size_t"] = m.latent.patch_t;
        pipeline = "HunyuanVideoPipeline";
        break;
    case denoiser_family::dit_factorised:
    case denoiser_family::unet_temporal:
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
    nlohmann::json v;
    const auto& vc = m.vae.channels;
    if (t["_class_name"] == "WanTransformer3DModel") {
        const extent b = vc[4];
        v = {{"_class_name", "AutoencoderKLWan"},
             {"base_dim", b},
             {"z_dim", m.vae.latent_channels},
             {"dim_mult", {vc[4] / b, vc[3] / b, vc[2] / b, vc[1] / b}},
             {"num_res_blocks", m.vae.res_blocks},
             {"scale_factor_temporal", m.vae.temporal_compression},
             {"scale_factor_spatial", m.vae.spatial_compression}};
    } else {
        const char* vae_class = d.family == denoiser_family::mmdit_joint         ? "AutoencoderKLCogVideoX"
                                : d.family == denoiser_family::mmdit_dual_single ? "AutoencoderKLHunyuanVideo"
                                : d.family == denoiser_family::mmdit_asymmetric  ? "AutoencoderKLMochi"
                                                                                 : "AutoencoderKLLTXVideo";
        v = {{"_class_name", vae_class},
             {"latent_channels", m.vae.latent_channels},
             {"temporal_compression_ratio", m.vae.temporal_compression},
             {"spatial_compression_ratio", m.vae.spatial_compression},
             {"block_out_channels", {vc[4], vc[3], vc[2], vc[1]}},
             {"layers_per_block", m.vae.res_blocks}};
    }
    diffusers_configs c;
    c.model_index = nlohmann::json{{"_class_name", pipeline}}.dump(2);
    c.transformer = t.dump(2);
    c.vae = v.dump(2);
    c.text_encoder = detail::text_encoder_config(m.text_encoders[0]).dump(2);
    if (m.text_encoder_count > 1) c.text_encoder_2 = detail::text_encoder_config(m.text_encoders[1]).dump(2);
    return c;
}

} // namespace vidperf
