#pragma once
// vidperf CLI: the text form of each result. The JSON form is the library's (io/results_json.hpp).

#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <vidperf/io/results_json.hpp>

namespace vidperf::cli {

inline std::string short_number(double v) { return fmt::format("{:.{}f}", v, v >= 100 ? 0 : v >= 10 ? 1 : 2); }

inline std::string range_text(const likely_range& r, std::string_view prefix = "") {
    return fmt::format("{}{}-{}{}", prefix, short_number(r.low), prefix, short_number(r.high));
}

/// "likely 1380-1710 s (10th-90th percentile of the error on 12 published hopper jobs)"
inline std::string likely_text(const likely_range& r, std::string_view prefix = "", std::string_view unit = " s") {
    return fmt::format("likely {}{} (10th-90th percentile of the error on {} published {} jobs)", range_text(r, prefix),
                       unit, r.rows, r.basis == "all" ? std::string("end-to-end") : std::string(r.basis));
}

inline void note_fallback(const target& t) {
    if (t.fell_back) fmt::print(stderr, "note: {}\n", t.note);
}

inline void print_op(std::string_view op_name, const nlohmann::json& shape, const target& t,
                     const prediction<double>& p) {
    note_fallback(t);
    fmt::print("{} {} on {} ({} calibration, constants rest on: {})\n", op_name, shape.dump(), t.spec().name,
               t.constants().profile, name(p.basis));
    fmt::print("  time            {:>12.3f} us   ({}-bound)\n", p.time.value() * 1e6, name(p.bound));
    fmt::print("  compute / memory / overhead  {:.3f} / {:.3f} / {:.3f} us\n", p.compute_time.value() * 1e6,
               p.memory_time.value() * 1e6, p.overhead_time.value() * 1e6);
    fmt::print("  FLOPs           {:>12.4g}      achieved {:.1f} TFLOP/s\n", p.flops.value(),
               p.flops.value() / p.time.value() / 1e12);
    fmt::print("  bytes           {:>12.4g}      achieved {:.1f} GB/s\n", p.bytes.value(),
               p.bytes.value() / p.time.value() / 1e9);
}

inline void print_op_comparison(std::string_view op_name, const nlohmann::json& shape, const std::vector<target>& ts,
                                const std::vector<prediction<double>>& ps) {
    fmt::print("{} {}\n", op_name, shape.dump());
    fmt::print("  {:<17} {:<12} {:>12} {:>10} {:>10} {:>9} {:>11} {:>9}\n", "gpu", "calibration", "time us",
               "TFLOP/s", "GB/s", "bound", "rests on", "speed-up");
    bool any_fallback = false;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const auto& p = ps[i];
        any_fallback = any_fallback || ts[i].fell_back;
        fmt::print("  {:<17} {:<12} {:>12.3f} {:>10.1f} {:>10.1f} {:>9} {:>11} {:>8.2f}x\n", ts[i].spec().slug,
                   std::string(ts[i].constants().profile) + (ts[i].fell_back ? "*" : ""), p.time.value() * 1e6,
                   p.flops.value() / p.time.value() / 1e12, p.bytes.value() / p.time.value() / 1e9, name(p.bound),
                   name(p.basis), ps[0].time.value() / p.time.value());
    }
    if (any_fallback)
        fmt::print("  * no measured or literature calibration for this GPU: datasheet ideal used (optimistic)\n");
}

/// "1280x720 x 81 frames, 50 steps, guidance sequential, batch 1, bf16, attention fa2, ..." with every
/// option that changes the job.
inline std::string workload_text(const inference_job& j, const job_estimate* e = nullptr) {
    const auto& w = j.work;
    const auto& par = j.inference.parallel;
    const vae_tiling tiling = j.inference.tiling.value_or(j.model->standard_tiling);
    std::string s = fmt::format("{}x{} x {} frames, {} steps, guidance {}, batch {}, {}", w.width, w.height, w.frames,
                                w.steps, name(w.cfg), w.batch, name(w.compute));
    if (w.weights != w.compute) s += fmt::format(" ({} weights)", name(w.weights));
    s += fmt::format(", attention {}", name(w.attention));
    if (attention_dtype(w.compute, w.attention) != w.compute)
        s += fmt::format(" (in {}: no {} path)", name(attention_dtype(w.compute, w.attention)), name(w.compute));
    s += fmt::format(", implementation {}, offload {}", name(w.impl), name(j.pipeline.offload));
    if (tiling.enabled) s += ", VAE tiling";
    if (j.pipeline.text_encoders_on_host) s += ", text encoders on the CPU";
    if (j.inference.interpolation > 1) s += fmt::format(", interpolate x{}", j.inference.interpolation);
    if (j.inference.upscale > 1) s += fmt::format(", upscale x{}", j.inference.upscale);
    if (par.gpus() > 1) {
        s += fmt::format(", {} GPUs (ulysses {}, ring {}, cfg {}, tp {}{})", par.gpus(), par.ulysses, par.ring,
                         par.cfg, par.tp, par.fsdp ? ", fsdp" : "");
        if (e != nullptr)
            s += fmt::format(" over {}{}", name(e->link), j.link_given ? "" : " (the GPU's own link)");
    }
    return s;
}

inline void print_estimate(const inference_job& j, const target& t, const job_estimate& e) {
    note_fallback(t);
    const auto& p = e.pipeline;
    fmt::print("{} on {} ({} calibration)\n", j.model->name, t.spec().name, t.constants().profile);
    fmt::print("  workload: {}\n", workload_text(j, &e));
    fmt::print("  latent: {} x {} x {} -> {} tokens per video\n", e.latent.frames, e.latent.height, e.latent.width,
               e.latent.tokens);
    fmt::print("  {:<34} {:>7} {:>11} {:>8} {:>10} {:>11}\n", "stage", "calls", "time s", "share", "bound", "act GB");
    for (const auto& s : p.stages)
        fmt::print("  {:<34} {:>7.0f} {:>11.2f} {:>7.1f}% {:>10} {:>11.2f}\n", s.on_host ? s.name + " (CPU)" : s.name,
                   s.calls, s.latency.value(), 100.0 * s.latency.value() / p.latency.value(), name(s.bound),
                   s.activations.value() / 1e9);
    fmt::print("  total {:.1f} s ({:.1f} min); {}\n", p.latency.value(), p.latency.value() / 60, likely_text(e.likely));
    if (j.gpus() > 1)
        fmt::print("  {} GPUs held for the job: {:.3f} GPU-hours per video\n", j.gpus(),
                   e.gpu_time(j.gpus()).value() / 3600);
    fmt::print("  time elasticity (% latency per % input):");
    for (const auto& x : sensitivities(j, e, t.spec(), t.constants()))
        fmt::print(" {} {:+.2f};", x.input, x.elasticity);
    fmt::print("\n");
    const auto& m = p.memory;
    fmt::print("  peak memory{} at {}: weights {:.1f} + activations {:.1f} + workspace {:.2f} GB = {:.1f} GB "
               "allocated; {:.1f} GB on the device with context and allocator cache; {} in {:.0f} GB\n",
               j.gpus() > 1 ? " per GPU" : "", m.peak_stage, m.weights.value() / 1e9, m.activations.value() / 1e9,
               m.workspace.value() / 1e9, m.allocator_peak.value() / 1e9, m.device_total.value() / 1e9,
               p.fits ? "fits" : "DOES NOT FIT", t.spec().hbm_capacity.value() / 1e9);
}

inline void print_compare(const inference_job& j, const std::vector<target>& ts, const std::vector<job_estimate>& es) {
    fmt::print("{}: {}\n", j.model->name, workload_text(j));
    fmt::print("  {:<17} {:<12} {:>10} {:>13} {:>9} {:>10} {:>10} {:>11} {:>6} {:>9}\n", "gpu", "calibration",
               "total s", "likely s", "min", "denoise s", "VAE s", "peak GB", "fits", "speed-up");
    bool any_fallback = false;
    for (std::size_t i = 0; i < es.size(); ++i) {
        const auto& e = es[i];
        any_fallback = any_fallback || ts[i].fell_back;
        fmt::print("  {:<17} {:<12} {:>10.1f} {:>13} {:>9.1f} {:>10.1f} {:>10.1f} {:>11.1f} {:>6} {:>8.2f}x\n",
                   ts[i].spec().slug, std::string(ts[i].constants().profile) + (ts[i].fell_back ? "*" : ""),
                   e.latency().value(), range_text(e.likely), e.latency().value() / 60,
                   e.stage_latency(stage_kind::denoiser).value(), e.stage_latency(stage_kind::vae_decode).value(),
                   e.pipeline.memory.device_total.value() / 1e9, e.pipeline.fits ? "yes" : "NO",
                   es[0].latency().value() / e.latency().value());
    }
    if (any_fallback)
        fmt::print("  * no measured or literature calibration for this GPU: datasheet ideal used (optimistic)\n");
    fmt::print("  likely: 10th-90th percentile of vidperf's error on published end-to-end jobs (docs/accuracy.md)\n");
}

} // namespace vidperf::cli
