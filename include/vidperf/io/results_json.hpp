#pragma once
/// \file
/// The versioned JSON forms of vidperf's results, owned by the library: what
/// `vidperf <subcommand> --json` prints is exactly what these functions
/// return, so an embedder gets the same document from the same call.
///
///   vidperf.op/1, vidperf.op-compare/1   one op on one or several GPUs
///   vidperf.estimate/1                   one job on one GPU
///   vidperf.compare/1                    one job on several GPUs
///   vidperf.max-frames/1, vidperf.max-resolution/1, vidperf.plan/1,
///   vidperf.cost/1, vidperf.pool/1, vidperf.scale/1, vidperf.train/1,
///   vidperf.models/1, vidperf.gpus/1
///
/// A field is never removed or changes meaning within a version; new fields
/// may be added.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <vidperf/cost/cost.hpp>
#include <vidperf/cost/recommend.hpp>
#include <vidperf/cost/sensitivity.hpp>
#include <vidperf/io/calibration_json.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/io/target.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/pipeline/error_band.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/planner.hpp>
#include <vidperf/pipeline/time_sensitivity.hpp>
#include <vidperf/pipeline/training.hpp>

namespace vidperf {

/// A likely range as JSON: low, high, and what it rests on.
[[nodiscard]] inline nlohmann::json to_json(const likely_range& r) {
    return {{"low", r.low}, {"high", r.high}, {"basis", r.basis}, {"published_rows", r.rows}};
}

/// The GPU and calibration part every result carries.
inline void add_target(nlohmann::json& j, const target& t) {
    j["gpu"] = t.spec().slug;
    j["calibration"] = t.constants().profile;
    j["calibration_fell_back"] = t.fell_back;
    if (t.fell_back) j["calibration_note"] = t.note;
}

/// One op's prediction (vidperf.op/1).
[[nodiscard]] inline nlohmann::json op_result_json(std::string_view op_name, const nlohmann::json& shape,
                                                   const target& t, const prediction<double>& p) {
    nlohmann::json j = {{"schema", "vidperf.op/1"}, {"op", op_name}, {"shape", shape}};
    add_target(j, t);
    j.update({{"time_s", p.time.value()},
              {"compute_time_s", p.compute_time.value()},
              {"memory_time_s", p.memory_time.value()},
              {"overhead_time_s", p.overhead_time.value()},
              {"flops", p.flops.value()},
              {"bytes", p.bytes.value()},
              {"achieved_flops_per_s", p.flops.value() / p.time.value()},
              {"achieved_bytes_per_s", p.bytes.value() / p.time.value()},
              {"compute_efficiency", p.compute_efficiency},
              {"bound", name(p.bound)},
              {"basis", name(p.basis)}});
    return j;
}

/// One op on several GPUs (vidperf.op-compare/1).
[[nodiscard]] inline nlohmann::json op_compare_json(std::string_view op_name, const nlohmann::json& shape,
                                                    const std::vector<target>& ts,
                                                    const std::vector<prediction<double>>& ps) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < ts.size(); ++i) {
        nlohmann::json r = op_result_json(op_name, shape, ts[i], ps[i]);
        r["speedup_vs_first"] = ps[0].time.value() / ps[i].time.value();
        rows.push_back(std::move(r));
    }
    return {{"schema", "vidperf.op-compare/1"}, {"results", rows}};
}

/// Everything a job asks for, as the result documents repeat it.
[[nodiscard]] inline nlohmann::json workload_json(const inference_job& j, link_kind link) {
    const auto& w = j.work;
    const auto& par = j.inference.parallel;
    const vae_tiling tiling = j.inference.tiling.value_or(j.model->standard_tiling);
    return {{"width", w.width},
            {"height", w.height},
            {"frames", w.frames},
            {"steps", w.steps},
            {"cfg", name(w.cfg)},
            {"batch", w.batch},
            {"dtype", name(w.compute)},
            {"weights", name(w.weights)},
            {"offload", name(j.pipeline.offload)},
            {"attention", name(w.attention)},
            {"implementation", name(w.impl)},
            {"cache", name(w.accel.cache)},
            {"cache_skip", w.accel.cache_skip},
            {"attention_keep", w.accel.attention_keep},
            {"vae_tiling", tiling.enabled},
            {"text_encoder_on_cpu", j.pipeline.text_encoders_on_host},
            {"interpolate", j.inference.interpolation},
            {"upscale", j.inference.upscale},
            {"gpus", par.gpus()},
            {"ulysses", par.ulysses},
            {"ring", par.ring},
            {"cfg_parallel", par.cfg == 2},
            {"tp", par.tp},
            {"fsdp", par.fsdp},
            {"link", name(link)},
            {"link_given", j.link_given}};
}

/// Seconds by op kind as a JSON object {"gemm": s, "attention": s, ...}.
[[nodiscard]] inline nlohmann::json by_kind_json(const std::array<seconds, op_kind_count>& t) {
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t k = 0; k < op_kind_count; ++k) j[std::string(name(static_cast<op_kind>(k)))] = t[k].value();
    return j;
}

/// Energy of a job: every GPU at its board power (tdp_watts, the datasheet's maximum: an upper bound until
/// a GPU's power under load is measured) for the whole latency.
[[nodiscard]] inline double energy_kwh(const job_estimate& e, const gpu_spec& gpu, int gpus) {
    return gpu.tdp_watts * gpus * e.latency().value() / 3.6e6;
}

/// One job on one GPU (vidperf.estimate/1): what `vidperf estimate --json` prints.
[[nodiscard]] inline nlohmann::json estimate_json(const inference_job& j, const target& t, const job_estimate& e) {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& s : e.pipeline.stages)
        stages.push_back({{"name", s.name},
                          {"kind", name(s.kind)},
                          {"calls", s.calls},
                          {"latency_s", s.latency.value()},
                          {"transfer_s", s.transfer.value()},
                          {"flops", s.work.value()},
                          {"bytes", s.traffic.value()},
                          {"bound", name(s.bound)},
                          {"on_host", s.on_host},
                          {"activations_bytes", s.activations.value()},
                          {"time_by_op_kind_s", by_kind_json(s.by_kind)}});
    const auto& m = e.pipeline.memory;
    nlohmann::json out = {{"schema", "vidperf.estimate/1"}, {"model", j.model->slug}};
    add_target(out, t);
    out.update({{"workload", workload_json(j, e.link)},
                {"communication_share", e.pipeline.communication_share},
                {"per_gpu_peak_device_bytes", m.device_total.value()},
                {"tokens", e.latent.tokens},
                {"latency_s", e.pipeline.latency.value()},
                {"gpu_seconds", e.gpu_time(j.gpus()).value()},
                {"likely_range_s", to_json(e.likely)},
                {"time_by_op_kind_s", by_kind_json(e.pipeline.by_kind)},
                {"transfer_s", e.pipeline.transfers.value()},
                {"bound", name(e.bound())},
                {"energy_kwh_at_board_power", energy_kwh(e, t.spec(), j.gpus())},
                {"peak_memory_bytes", m.allocator_peak.value()},
                {"peak_device_bytes", m.device_total.value()},
                {"fits", e.pipeline.fits},
                {"stages", stages},
                {"memory",
                 {{"weights_bytes", m.weights.value()},
                  {"activations_bytes", m.activations.value()},
                  {"workspace_bytes", m.workspace.value()},
                  {"context_bytes", m.context.value()},
                  {"peak_stage", m.peak_stage}}}});
    nlohmann::json sens = nlohmann::json::object();
    for (const auto& x : sensitivities(j, e, t.spec(), t.constants())) sens[std::string(x.input)] = x.elasticity;
    out["time_elasticities"] = sens;
    return out;
}

/// One job on several GPUs (vidperf.compare/1): each GPU's estimate with its speed-up over the first.
[[nodiscard]] inline nlohmann::json compare_json(const std::vector<inference_job>& jobs, const std::vector<target>& ts,
                                                 const std::vector<job_estimate>& es) {
    nlohmann::json arr = nlohmann::json::array();
    for (std::size_t i = 0; i < es.size(); ++i) {
        auto r = estimate_json(jobs[i], ts[i], es[i]);
        r["speedup_vs_first"] = es[0].pipeline.latency.value() / es[i].pipeline.latency.value();
        arr.push_back(std::move(r));
    }
    return {{"schema", "vidperf.compare/1"}, {"results", arr}};
}

[[nodiscard]] inline nlohmann::json max_frames_json(const inference_job& j, const target& t, const max_frames_result& r) {
    nlohmann::json out = {{"schema", "vidperf.max-frames/1"}, {"model", j.model->slug}};
    add_target(out, t);
    out.update({{"width", j.work.width},
                {"height", j.work.height},
                {"offload", name(j.pipeline.offload)},
                {"implementation", name(j.work.impl)},
                {"fits_at_all", r.frames > 0},
                {"max_frames", r.frames},
                {"device_bytes_at_max", r.device_at_frames.value()},
                {"next_frames", r.next_frames},
                {"device_bytes_at_next", r.device_at_next.value()},
                {"search_limit_reached", r.search_limit_reached},
                {"capacity_bytes", t.spec().hbm_capacity.value()}});
    return out;
}

[[nodiscard]] inline nlohmann::json max_resolution_json(const inference_job& j, const target& t,
                                                        const max_resolution_result& r) {
    nlohmann::json out = {{"schema", "vidperf.max-resolution/1"}, {"model", j.model->slug}};
    add_target(out, t);
    out.update({{"frames", j.work.frames},
                {"offload", name(j.pipeline.offload)},
                {"implementation", name(j.work.impl)},
                {"fits_at_all", r.width > 0},
                {"width", r.width},
                {"height", r.height},
                {"device_bytes", r.device_at_size.value()},
                {"next_width", r.next_width},
                {"next_height", r.next_height},
                {"device_bytes_at_next", r.device_at_next.value()},
                {"search_limit_reached", r.search_limit_reached},
                {"capacity_bytes", t.spec().hbm_capacity.value()}});
    return out;
}

[[nodiscard]] inline nlohmann::json plan_json(const inference_job& j, const gpu_choice& best) {
    nlohmann::json out = {{"schema", "vidperf.plan/1"},
                          {"model", j.model->slug},
                          {"implementation", name(j.work.impl)},
                          {"gpus_per_job", j.gpus()}};
    out["gpu"] = best.gpu ? nlohmann::json(best.gpu->slug) : nlohmann::json(nullptr);
    out["latency_s"] = best.latency.value();
    out["cost_dollars"] = best.cost.value();
    out["device_bytes"] = best.device.value();
    return out;
}

/// Cost per finished job (vidperf.cost/1). `runtime_from` says where the runtime came from; `likely` is the
/// runtime's likely range when the runtime is vidperf's estimate.
[[nodiscard]] inline nlohmann::json cost_json(std::string_view gpu, const cost_inputs<double>& in,
                                              std::string_view runtime_from, const std::optional<likely_range>& likely) {
    const auto c = cost_per_job(in);
    nlohmann::json sj = nlohmann::json::array();
    for (const auto& x : cost_sensitivities(in))
        sj.push_back({{"input", x.input}, {"value", x.value}, {"unit", x.unit}, {"derivative", x.derivative},
                      {"elasticity", x.elasticity}});
    nlohmann::json range = nullptr;
    if (likely) {
        auto at = [&](double runtime_s) {
            cost_inputs<double> x = in;
            x.runtime = seconds(runtime_s);
            return cost_per_job(x).total.value();
        };
        range = {{"low", at(likely->low)}, {"high", at(likely->high)}, {"basis", likely->basis},
                 {"published_rows", likely->rows}};
    }
    return {{"schema", "vidperf.cost/1"},
            {"gpu", gpu},
            {"gpus_per_job", in.gpus},
            {"runtime_s", in.runtime.value()},
            {"runtime_from", runtime_from},
            {"compute_dollars", c.compute.value()},
            {"waiting_dollars", c.waiting.value()},
            {"total_dollars", c.total.value()},
            {"paid_gpu_hours", c.paid_gpu_time.value() / units::seconds_per_hour},
            {"delivery_h", c.delivery.value() / units::seconds_per_hour},
            {"jobs_per_day_per_gpu", c.jobs_per_day_per_gpu},
            {"likely_total_dollars", range},
            {"sensitivities", sj}};
}

[[nodiscard]] inline nlohmann::json pool_json(const inference_job& j, const target& t, const job_estimate& e,
                                              double requests_per_hour, const pool_plan& p) {
    nlohmann::json out = {{"schema", "vidperf.pool/1"}, {"model", j.model->slug}};
    add_target(out, t);
    out.update({{"service_time_s", e.pipeline.latency.value()},
                {"requests_per_hour", requests_per_hour},
                {"gpus_per_request", j.gpus()},
                {"servers", p.gpus / j.gpus()},
                {"gpus", p.gpus},
                {"utilisation", p.utilisation},
                {"probability_wait", p.probability_wait},
                {"mean_wait_s", p.mean_wait.value()},
                {"p95_wait_s", p.p95_wait.value()}});
    return out;
}

/// One row of a scaling table.
struct scale_row {
    int gpus = 1;
    job_estimate estimate;
};

[[nodiscard]] inline nlohmann::json scale_json(const inference_job& base, const target& t, std::string_view parallel,
                                               const std::vector<scale_row>& rows) {
    nlohmann::json arr = nlohmann::json::array();
    const double first = rows.empty() ? 0 : rows.front().estimate.pipeline.latency.value();
    for (const auto& r : rows) {
        const auto& e = r.estimate.pipeline;
        const double den = stage_latency(e, stage_kind::denoiser).value(); // every expert and served step
        bound_kind den_bound = bound_kind::compute; // the bound of the denoiser stage that takes longest
        seconds longest(-1.0);
        for (const auto& st : e.stages)
            if (st.kind == stage_kind::denoiser && st.latency > longest) {
                longest = st.latency;
                den_bound = st.bound;
            }
        const double speedup = first / e.latency.value();
        arr.push_back({{"gpus", r.gpus},
                       {"latency_s", e.latency.value()},
                       {"denoiser_s", den},
                       {"communication_share", e.communication_share},
                       {"speedup", speedup},
                       {"scaling_efficiency", speedup / r.gpus * rows.front().gpus},
                       {"bound", e.communication_share > 0.5 ? std::string("communication") : std::string(name(den_bound))},
                       {"link", name(r.estimate.link)},
                       {"per_gpu_peak_device_bytes", e.memory.device_total.value()},
                       {"fits", e.fits}});
    }
    nlohmann::json out = {{"schema", "vidperf.scale/1"}, {"model", base.model->slug}, {"parallel", parallel}};
    add_target(out, t);
    out["rows"] = arr;
    return out;
}

[[nodiscard]] inline nlohmann::json train_json(const model_spec& m, const video_workload& w, const target& t,
                                               const std::vector<int>& counts, const std::vector<training_step>& rows) {
    nlohmann::json arr = nlohmann::json::array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        arr.push_back({{"gpus", counts[i]},
                       {"step_s", r.step.value()},
                       {"compute_step_s", r.compute_step.value()},
                       {"forward_s", r.forward.value()},
                       {"backward_s", r.backward.value()},
                       {"recompute_s", r.recompute.value()},
                       {"optimizer_s", r.optimizer.value()},
                       {"communication_s", r.communication.value()},
                       {"exposed_communication_s", r.exposed_communication.value()},
                       {"input_s", r.input.value()},
                       {"bound", name(r.bound)},
                       {"samples_per_s", r.samples_per_second},
                       {"speedup", r.samples_per_second / rows[0].samples_per_second},
                       {"scaling_efficiency", r.samples_per_second / rows[0].samples_per_second * counts[0] / counts[i]},
                       {"memory_bytes", r.memory.total.value()},
                       {"likely_step_s", to_json(likely_range_of(r.step.value(), t.spec().architecture))},
                       {"fits", r.fits}});
    }
    nlohmann::json out = {{"schema", "vidperf.train/1"},
                          {"model", m.slug},
                          {"implementation", name(w.impl)},
                          {"dtype", name(w.compute)},
                          {"weights", name(w.weights)},
                          {"attention", name(w.attention)}};
    add_target(out, t);
    out["trainable_parameters"] = rows.empty() ? 0.0 : rows[0].trainable_parameters;
    out["rows"] = arr;
    return out;
}

/// Denoiser parameters of a preset at its standard workload (one expert of a two-expert model).
[[nodiscard]] inline double denoiser_parameters(const model_spec& m) {
    for (const auto& st : lower_inference(m, m.standard))
        if (st.kind == stage_kind::denoiser) return st.parameters;
    return 0;
}

[[nodiscard]] inline nlohmann::json models_json() {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& m : model_presets())
        arr.push_back({{"slug", m.slug},
                       {"name", m.name},
                       {"task", name(m.task)},
                       {"family", name(m.denoiser.family)},
                       {"denoiser_parameters", denoiser_parameters(m)},
                       {"denoiser_experts", m.experts.two_experts ? 2 : 1},
                       {"standard",
                        {{"width", m.standard.width},
                         {"height", m.standard.height},
                         {"frames", m.standard.frames},
                         {"steps", m.standard.steps},
                         {"cfg", name(m.standard.cfg)},
                         {"implementation", name(m.standard.impl)}}},
                       {"source", m.source}});
    return {{"schema", "vidperf.models/1"}, {"models", arr}};
}

[[nodiscard]] inline nlohmann::json gpus_json() {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& g : gpu_catalog) arr.push_back(to_json(g));
    return {{"schema", "vidperf.gpus/1"}, {"gpus", arr}};
}

/// Recommendations (vidperf.recommend/1): the ranked rows.
[[nodiscard]] inline nlohmann::json recommend_json(const model_spec& m, const std::vector<recommendation>& rows) {
    nlohmann::json arr = nlohmann::json::array();
    int rank = 0;
    for (const auto& r : rows) {
        nlohmann::json row = {{"rank", ++rank},
                              {"gpu", r.gpu->slug},
                              {"gpus_per_job", r.gpus_per_job},
                              {"setup", r.setup},
                              {"feasible", r.feasible},
                              {"reason", r.reason}};
        if (r.estimate) {
            const auto& e = *r.estimate;
            row.update({{"latency_s", e.latency().value()},
                        {"likely_low_s", e.likely.low},
                        {"likely_high_s", e.likely.high},
                        {"fits", e.pipeline.fits},
                        {"peak_device_bytes", e.pipeline.memory.device_total.value()},
                        {"bound", name(e.bound())},
                        {"cost_per_finished_job_dollars", r.cost.total.value()},
                        {"paid_gpu_hours", r.cost.paid_gpu_time.value() / units::seconds_per_hour},
                        {"replicas", r.replicas},
                        {"gpus_total", r.gpus_total},
                        {"dollars_per_hour", r.dollars_per_hour}});
        }
        arr.push_back(std::move(row));
    }
    return {{"schema", "vidperf.recommend/1"}, {"model", m.slug}, {"rows", arr}};
}

/// A cost worksheet (vidperf.cost-worksheet/1): one column per GPU and the break-even prices.
[[nodiscard]] inline nlohmann::json worksheet_json(const std::vector<std::string>& gpus,
                                                   const std::vector<worksheet_row>& rows,
                                                   const std::vector<std::string>& runtime_from) {
    nlohmann::json arr = nlohmann::json::array();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        arr.push_back({{"gpu", gpus[i]},
                       {"gpus_per_job", r.in.gpus},
                       {"runtime_s", r.in.runtime.value()},
                       {"runtime_from", runtime_from[i]},
                       {"price_per_gpu_hour", r.in.price_per_gpu_hour.value()},
                       {"paid_gpu_hours", r.cost.paid_gpu_time.value() / units::seconds_per_hour},
                       {"compute_dollars", r.cost.compute.value()},
                       {"waiting_dollars", r.cost.waiting.value()},
                       {"energy_kwh", r.cost.energy_kwh},
                       {"energy_dollars", r.cost.energy.value()},
                       {"total_dollars", r.cost.total.value()},
                       {"delivery_h", r.cost.delivery.value() / units::seconds_per_hour},
                       {"jobs_per_day_per_gpu", r.cost.jobs_per_day_per_gpu},
                       {"break_even_price_per_gpu_hour", r.break_even.value()}});
    }
    return {{"schema", "vidperf.cost-worksheet/1"}, {"columns", arr}};
}

/// CSV of a JSON array of flat objects: the first row's keys as the header, numbers as JSON writes them,
/// strings quoted when they hold a comma, a quote or a newline; nested values as their JSON text.
/// `first`: columns to put first, in that order (the rest follow alphabetically).
[[nodiscard]] inline std::string csv_of(const nlohmann::json& rows, const std::vector<std::string>& first = {}) {
    std::string out;
    if (!rows.is_array() || rows.empty()) return out;
    std::vector<std::string> keys;
    for (const auto& k : first)
        if (rows.front().contains(k)) keys.push_back(k);
    for (const auto& item : rows.front().items())
        if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) keys.push_back(item.key());
    auto cell = [](const nlohmann::json& v) {
        std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
        if (s.find_first_of(",\"\n") != std::string::npos) {
            std::string q = "\"";
            for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
            return q + "\"";
        }
        return s;
    };
    for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i];
    out += '\n';
    for (const auto& r : rows) {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            if (i) out += ',';
            if (r.contains(keys[i])) out += cell(r.at(keys[i]));
        }
        out += '\n';
    }
    return out;
}

} // namespace vidperf
