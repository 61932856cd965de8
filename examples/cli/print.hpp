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
    if (w.accel.cache != step_cache::none)
        s += fmt::format(", {} serving {} of {} steps", name(w.accel.cache), cached_steps(w.accel, w.steps), w.steps);
    if (w.accel.attention_keep < 1) s += fmt::format(", sparse attention keeping {:.0f}%", 100 * w.accel.attention_keep);
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
    const chunk_plan chunks = plan_chunks(j.model->forcing, j.work.forcing, j.work.steps, j.work.frames,
                                          e.latent.frames, j.model->latent.temporal_compression, j.model->slug);
    extent tail = 0;
    for (const auto& g : chunks.groups)
        if (g.count > 0 && g.frames < chunks.groups[0].frames) tail = g.frames;
    if (chunks.chunked)
        fmt::print("  diffusion forcing: {} iterations of {} latent frames{}, each after the first taking {} from the "
                   "last\n",
                   chunks.iterations, chunks.groups[0].frames, tail > 0 ? fmt::format(" (the last {})", tail) : "",
                   chunks.overlap_latent);
    if (j.work.forcing.asynchronous()) {
        std::string rows;
        for (const auto& g : chunks.groups)
            if (g.count > 0)
                rows += fmt::format("{}{} x {} rows on {} frames", rows.empty() ? "" : ", ", g.count, g.rows, g.frames);
        fmt::print("  asynchronous schedule (ar_step {}, causal blocks of {} frames{}): {} denoiser calls per pass "
                   "({}) for {} steps\n",
                   j.work.forcing.ar_step, j.work.forcing.causal_block,
                   block_causal_mask(j.work) ? ", block-causal mask" : "", chunks.rows(), rows, j.work.steps);
    }
    fmt::print("  {:<34} {:>7} {:>11} {:>8} {:>10} {:>11}\n", "stage", "calls", "time s", "share", "bound", "act GB");
    for (const auto& s : p.stages)
        fmt::print("  {:<34} {:>7.0f} {:>11.2f} {:>7.1f}% {:>10} {:>11.2f}\n", s.on_host ? s.name + " (CPU)" : s.name,
                   s.calls, s.latency.value(), 100.0 * s.latency.value() / p.latency.value(), name(s.bound),
                   s.activations.value() / 1e9);
    fmt::print("  total {:.1f} s ({:.1f} min); {}\n", p.latency.value(), p.latency.value() / 60, likely_text(e.likely));
    fmt::print("  time by op kind:");
    for (std::size_t k = 0; k < op_kind_count; ++k)
        if (p.by_kind[k].value() > 0)
            fmt::print(" {} {:.1f}%;", name(static_cast<op_kind>(k)), 100 * p.by_kind[k].value() / p.latency.value());
    if (p.transfers.value() > 0) fmt::print(" offload transfers {:.1f}%;", 100 * p.transfers.value() / p.latency.value());
    fmt::print(" {}-bound\n", name(e.bound()));
    for (const auto& s : p.stages) {
        if (s.latency.value() < 0.01 * p.latency.value()) continue;
        fmt::print("    {:<32}", s.name);
        for (std::size_t k = 0; k < op_kind_count; ++k)
            if (s.by_kind[k].value() > 0)
                fmt::print(" {} {:.1f}%", name(static_cast<op_kind>(k)), 100 * s.by_kind[k].value() / s.latency.value());
        fmt::print("\n");
    }
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

inline void print_compare(const std::vector<inference_job>& js, const std::vector<target>& ts,
                          const std::vector<job_estimate>& es, bool best) {
    bool same_setup = true;
    for (const auto& j : js) same_setup = same_setup && setup_text(j) == setup_text(js[0]);
    fmt::print("{}: {}\n", js[0].model->name, workload_text(js[0]));
    if (!same_setup || best)
        fmt::print("  set-ups differ by GPU{}: see the set-up column\n",
                   best ? " (--best-setup: the fastest attention kernel and dtype each GPU supports)" : "");
    fmt::print("  {:<17} {:<12} {:<20} {:>10} {:>13} {:>9} {:>10} {:>10} {:>11} {:>6} {:>9}\n", "gpu", "calibration",
               "set-up", "total s", "likely s", "min", "denoise s", "VAE s", "peak GB", "fits", "speed-up");
    bool any_fallback = false;
    for (std::size_t i = 0; i < es.size(); ++i) {
        const auto& e = es[i];
        any_fallback = any_fallback || ts[i].fell_back;
        fmt::print("  {:<17} {:<12} {:<20} {:>10.1f} {:>13} {:>9.1f} {:>10.1f} {:>10.1f} {:>11.1f} {:>6} {:>8.2f}x\n",
                   ts[i].spec().slug, std::string(ts[i].constants().profile) + (ts[i].fell_back ? "*" : ""),
                   setup_text(js[i]), e.latency().value(), range_text(e.likely), e.latency().value() / 60,
                   e.stage_latency(stage_kind::denoiser).value(), e.stage_latency(stage_kind::vae_decode).value(),
                   e.pipeline.memory.device_total.value() / 1e9, e.pipeline.fits ? "yes" : "NO",
                   es[0].latency().value() / e.latency().value());
    }
    if (any_fallback)
        fmt::print("  * no measured or literature calibration for this GPU: datasheet ideal used (optimistic)\n");
    fmt::print("  likely: 10th-90th percentile of vidperf's error on published end-to-end jobs (docs/accuracy.md)\n");
}

/// One GPU's cost (the vidperf.cost/1 document in text).
inline void print_cost(const nlohmann::json& r, const cost_inputs<double>& in, const std::optional<likely_range>& likely) {
    fmt::print("runtime {:.2f} h per attempt ({})\n", in.runtime.value() / 3600, r["runtime_from"].get<std::string>());
    const double gpus = in.gpus;
    fmt::print("  GPU rental ${:.2f} ({:.2f} paid GPU-hours over {} GPU{})  + waiting ${:.2f} ({:.2f} h to delivery)"
               "{}  = ${:.2f} per finished job; {:.2f} jobs per GPU per day\n",
               r["compute_dollars"].get<double>(), r["paid_gpu_hours"].get<double>(), gpus, gpus > 1 ? "s" : "",
               r["waiting_dollars"].get<double>(), r["delivery_h"].get<double>(),
               in.price_per_kwh.value() > 0 ? fmt::format("  + energy ${:.2f}", cost_per_job(in).energy.value())
                                            : std::string(),
               r["total_dollars"].get<double>(), r["jobs_per_day_per_gpu"].get<double>());
    if (likely)
        fmt::print("  likely ${:.2f}-${:.2f} per finished job (the runtime's 10th-90th percentile error on {} "
                   "published {} jobs)\n",
                   r["likely_total_dollars"]["low"].get<double>(), r["likely_total_dollars"]["high"].get<double>(),
                   likely->rows, likely->basis == "all" ? std::string("end-to-end") : std::string(likely->basis));
    fmt::print("  what matters (elasticity = % cost per % input):\n");
    for (const auto& x : r["sensitivities"])
        fmt::print("    {:<16} {:>10.3f} {:<13} {:>+6.2f}\n", x["input"].get<std::string>(), x["value"].get<double>(),
                   x["unit"].get<std::string>(), x["elasticity"].get<double>());
}

/// Several GPUs side by side, with the break-even price of each against the first.
inline void print_worksheet(const std::vector<std::string>& gpus, const std::vector<worksheet_row>& rows,
                            const std::vector<std::string>& from) {
    fmt::print("cost per finished job (price x GPUs x runtime x (1 + reruns) / utilisation, + waiting{}):\n",
               rows.front().in.price_per_kwh.value() > 0 ? ", + energy at board power" : "");
    fmt::print("  {:<17} {:>5} {:>10} {:>8} {:>10} {:>10} {:>10} {:>10} {:>11} {:>14}\n", "gpu", "GPUs", "runtime h",
               "$/GPU-h", "GPU-hours", "rental $", "energy $", "total $", "jobs/GPU/d", "break-even $/h");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        fmt::print("  {:<17} {:>5.0f} {:>10.2f} {:>8.2f} {:>10.2f} {:>10.2f} {:>10.2f} {:>10.2f} {:>11.2f} {:>14}\n",
                   gpus[i], r.in.gpus, r.in.runtime.value() / 3600, r.in.price_per_gpu_hour.value(),
                   r.cost.paid_gpu_time.value() / 3600, r.cost.compute.value(), r.cost.energy.value(),
                   r.cost.total.value(), r.cost.jobs_per_day_per_gpu,
                   i == 0 ? std::string("(reference)") : fmt::format("{:.2f}", r.break_even.value()));
    }
    fmt::print("  break-even: the price per GPU-hour at which that GPU's job costs the same as on {}\n", gpus.front());
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (from[i] != "--runtime-h") fmt::print("  {}: {}\n", gpus[i], from[i]);
}

inline void print_recommend(const model_spec& m, const std::vector<recommendation>& rows, const recommend_options& o) {
    fmt::print("{}: GPUs x counts x set-ups ranked by cost per finished job (utilisation {:g}, reruns {:g} per 100{}{})\n",
               m.name, o.utilisation, o.reruns_per_100,
               o.videos_per_hour ? fmt::format(", {:g} videos/h", *o.videos_per_hour) : std::string(),
               o.deadline_s ? fmt::format(", deadline {:g} s", *o.deadline_s) : std::string());
    fmt::print("  {:>4} {:<17} {:>4} {:<20} {:>10} {:>13} {:>9} {:>5} {:>10} {:>9} {:>8}  {}\n", "rank", "gpu", "GPUs",
               "set-up", "time s", "likely s", "$/video", "fits", "bound", "GPUs tot", "$/h", "why");
    int rank = 0;
    for (const auto& r : rows) {
        ++rank;
        if (!r.estimate) {
            fmt::print("  {:>4} {:<17} {:>4} {}\n", rank, r.gpu->slug, r.gpus_per_job, r.reason);
            continue;
        }
        const auto& e = *r.estimate;
        fmt::print("  {:>4} {:<17} {:>4} {:<20} {:>10.1f} {:>13} {:>9.3f} {:>5} {:>10} {:>9} {:>8.2f}  {}{}\n", rank,
                   r.gpu->slug, r.gpus_per_job, r.setup, e.latency().value(), range_text(e.likely), r.cost.total.value(),
                   e.pipeline.fits ? "yes" : "NO", name(e.bound()), r.gpus_total, r.dollars_per_hour,
                   r.feasible ? "" : "(not feasible) ", r.reason);
    }
}

inline void print_sweep(const std::string& what, const nlohmann::json& rows) {
    fmt::print("  {:<17} {:>12} {:<20} {:>10} {:>15} {:>9} {:>5} {:>10}\n", "gpu", what, "set-up", "time s", "likely s",
               "peak GB", "fits", "bound");
    for (const auto& r : rows) {
        if (!r["error"].get<std::string>().empty()) {
            fmt::print("  {:<17} {:>12} {}\n", r["gpu"].get<std::string>(), r[what].get<std::string>(),
                       r["error"].get<std::string>());
            continue;
        }
        fmt::print("  {:<17} {:>12} {:<20} {:>10.1f} {:>15} {:>9.1f} {:>5} {:>10}\n", r["gpu"].get<std::string>(),
                   r[what].get<std::string>(), r["setup"].get<std::string>(), r["latency_s"].get<double>(),
                   short_number(r["likely_low_s"].get<double>()) + "-" + short_number(r["likely_high_s"].get<double>()),
                   r["peak_device_gb"].get<double>(), r["fits"].get<bool>() ? "yes" : "NO", r["bound"].get<std::string>());
    }
}

} // namespace vidperf::cli
