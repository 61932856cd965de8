#pragma once
/// \file
/// The distinct op shapes of one video job (`vidperf.shapes/1`), so that the
/// calibration suite and the validation measurements run exactly the shapes
/// the model predicts and the two can never drift apart. Needs nlohmann-json.
///
/// Each distinct op appears once with the stages that run it, its uses per
/// job (count per call x calls) and its share of the job's predicted op time
/// on a reference GPU; ops are listed heaviest first. The denoiser's
/// architecture, the latent shape and the VAE's towers (style and blocks in
/// order) are included so that a measurement script can build a block, a
/// denoiser step or a VAE decode of the same structure.

#include <algorithm>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <vidperf/io/op_json.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/roofline/engine.hpp>

namespace vidperf {

/// One distinct op of a job.
struct job_op {
    op shape;
    std::vector<std::string> stages; ///< the stages that run it, in pipeline order
    double uses_per_job = 0;
    double job_time_s = 0; ///< uses x predicted time on the reference GPU
};

/// Distinct exportable ops (GEMM, attention, convolution, pointwise) of
/// `stages`, heaviest first by predicted time on `gpu` with `cal`.
[[nodiscard]] inline std::vector<job_op> distinct_ops(const std::vector<stage>& stages, const gpu_spec& gpu,
                                                      const calibration& cal) {
    std::vector<job_op> out;
    std::map<std::string, std::size_t> index;
    for (const auto& s : stages) {
        for (const auto& u : s.ops) {
            const nlohmann::json j = op_to_json(u.op);
            if (j.is_null()) continue;
            const double uses = u.count * s.calls;
            const auto [it, inserted] = index.try_emplace(j.dump(), out.size());
            if (inserted) out.push_back({u.op, {}, 0, 0});
            job_op& o = out[it->second];
            if (std::find(o.stages.begin(), o.stages.end(), s.name) == o.stages.end()) o.stages.push_back(s.name);
            o.uses_per_job += uses;
        }
    }
    for (auto& o : out) o.job_time_s = o.uses_per_job * predict(o.shape, gpu, cal).time.value();
    std::stable_sort(out.begin(), out.end(),
                     [](const job_op& a, const job_op& b) { return a.job_time_s > b.job_time_s; });
    return out;
}

/// A VAE tower as JSON: its style, its blocks in order (what validation/measure/vae.py builds) and its
/// parameter count.
[[nodiscard]] inline nlohmann::json vae_tower_json(const vae_spec& v, const vae_tower& t, bool decoder) {
    using nlohmann::json;
    json blocks = json::array();
    for (std::size_t i = 0; i < t.size; ++i) {
        const vae_block& b = t.blocks[i];
        blocks.push_back({{"kind", std::string(name(b.kind))},
                          {"c_in", b.c_in},
                          {"c_out", b.c_out},
                          {"kernel", {b.kt, b.ks}},
                          {"factor", {b.ft, b.fs}},
                          {"repeat", b.repeat},
                          {"attention", b.attention},
                          {"bias", b.bias}});
    }
    return {{"style",
             {{"norm", std::string(name(t.style.norm))},
              {"conv", std::string(name(t.style.conv))},
              {"resample", std::string(name(t.style.resample))},
              {"causal", t.style.causal},
              {"layernorm_shortcut", t.style.layernorm_shortcut},
              {"qkv_bias", t.style.qkv_bias},
              {"head_dim", t.style.head_dim},
              {"attention_all_frames", t.style.attention_all_frames},
              {"trim_after", t.style.trim_after}}},
            {"blocks", std::move(blocks)},
            {"parameters", vae_tower_parameters(v, t, decoder)}};
}

/// A VAE as JSON: its config-level description and both towers.
[[nodiscard]] inline nlohmann::json vae_json(const vae_spec& v) {
    return {{"name", std::string(v.name)},
            {"family", std::string(name(v.family))},
            {"latent_channels", v.latent_channels},
            {"temporal_compression", v.temporal_compression},
            {"spatial_compression", v.spatial_compression},
            {"temporal_chunk", v.temporal_chunk},
            {"parameters", vae_parameters(v)},
            {"encoder", vae_tower_json(v, vae_encoder(v), false)},
            {"decoder", vae_tower_json(v, vae_decoder(v), true)}};
}

/// Each stage's calls, module parameters and FLOPs per call by op family (GEMM, attention, convolution,
/// pointwise): what an independent count of the reference code compares with.
[[nodiscard]] inline nlohmann::json stage_summary_json(const std::vector<stage>& stages) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : stages) {
        double gemm = 0, attention = 0, conv = 0, pointwise = 0;
        for (const auto& u : s.ops) {
            const double f = u.count * cost(u.op).flops.value();
            if (std::holds_alternative<gemm_op>(u.op)) gemm += f;
            else if (std::holds_alternative<attention_op>(u.op)) attention += f;
            else if (std::holds_alternative<conv_op>(u.op)) conv += f;
            else if (std::holds_alternative<pointwise_op>(u.op)) pointwise += f;
        }
        out.push_back({{"name", s.name},
                       {"module", s.module},
                       {"calls", s.calls},
                       {"parameters", s.parameters},
                       {"flops_per_call",
                        {{"gemm", gemm}, {"attention", attention}, {"conv", conv}, {"pointwise", pointwise}}}});
    }
    return out;
}

/// The `vidperf.shapes/1` document of model `m` at workload `w` with inference options `opt` (VAE tiling,
/// ...), shares predicted on `gpu` with `cal`.
[[nodiscard]] inline nlohmann::json shapes_document(const model_spec& m, const video_workload& w, const gpu_spec& gpu,
                                                    const calibration& cal, const inference_options& opt = {}) {
    using nlohmann::json;
    const auto stages = lower_inference(m, w, opt);
    const auto ops = distinct_ops(stages, gpu, cal);
    double total = 0;
    for (const auto& o : ops) total += o.job_time_s;
    const latent_shape lat = latents(m.latent, w, m.slug);
    const auto& d = m.denoiser;
    json doc;
    doc["schema"] = "vidperf.shapes/1";
    doc["model"] = std::string(m.slug);
    doc["reference"] = {{"gpu", std::string(gpu.slug)}, {"calibration", std::string(cal.profile)}};
    doc["workload"] = {{"width", w.width},   {"height", w.height},
                       {"frames", w.frames}, {"steps", w.steps},
                       {"batch", w.batch},   {"cfg", std::string(name(w.cfg))},
                       {"dtype", std::string(name(w.compute))}, {"weights", std::string(name(w.weights))},
                       {"attention", std::string(name(w.attention))}};
    doc["latent"] = {{"channels", m.vae.latent_channels},
                     {"frames", lat.frames},
                     {"height", lat.height},
                     {"width", lat.width},
                     {"tokens", lat.tokens}};
    doc["denoiser"] = {{"family", std::string(name(d.family))},
                       {"layers", d.layers},
                       {"single_layers", d.single_layers},
                       {"hidden", d.hidden},
                       {"text_hidden", d.text_hidden > 0 ? d.text_hidden : d.hidden},
                       {"heads", d.heads},
                       {"head_dim", d.head_dim},
                       {"ffn", d.ffn},
                       {"text_ffn", d.text_ffn > 0 ? d.text_ffn : d.ffn},
                       {"mlp", d.mlp == mlp_kind::swiglu ? "swiglu" : "gelu"},
                       {"in_channels", d.in_channels},
                       {"out_channels", d.out_channels},
                       {"patch", {m.latent.patch_t, m.latent.patch_h, m.latent.patch_w}},
                       {"text_dim", d.text_dim},
                       {"text_tokens", d.text_tokens},
                       {"image_tokens", d.image_tokens},
                       {"image_dim", d.image_dim},
                       {"refiner_layers", d.refiner_layers},
                       {"pooled_dim", d.pooled_dim},
                       {"time_freq_dim", d.time_freq_dim},
                       {"time_embed_dim", d.time_embed_dim > 0 ? d.time_embed_dim : d.hidden},
                       {"qk_norm", d.qk_norm},
                       {"calls_batch", w.cfg == cfg_mode::batched ? 2 * w.batch : w.batch}};
    if (d.family == denoiser_family::dit_audio_video) { // LTX-2's audio stream and its guidance calls
        doc["denoiser"]["audio"] = {{"hidden", d.audio.hidden},
                                    {"heads", d.audio.heads},
                                    {"head_dim", d.audio.head_dim},
                                    {"ffn", d.audio.ffn},
                                    {"in_channels", d.audio.in_channels},
                                    {"tokens", audio_latent_frames(d.audio, w.frames)}};
        doc["workload"]["stg_pass"] = w.stg_pass;
        doc["workload"]["modality_pass"] = w.modality_pass;
    }
    doc["vae"] = vae_json(m.vae);
    doc["vae_tiling"] = opt.tiling.value_or(m.standard_tiling).enabled;
    doc["stages"] = stage_summary_json(stages);
    json list = json::array();
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const auto& o = ops[i];
        const auto p = predict(o.shape, gpu, cal);
        list.push_back({{"id", i},
                        {"stages", o.stages},
                        {"uses_per_job", o.uses_per_job},
                        {"flops", p.flops.value()},
                        {"bytes", p.bytes.value()},
                        {"time_s", p.time.value()},
                        {"bound", name(p.bound)},
                        {"share", total > 0 ? o.job_time_s / total : 0.0},
                        {"op", op_to_json(o.shape)}});
    }
    doc["ops"] = std::move(list);
    return doc;
}

} // namespace vidperf
