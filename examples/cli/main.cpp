// vidperf: the command-line face of the library.
//   vidperf list gpus [--json]
//   vidperf list calibration --gpu SLUG [--calibration best|measured|literature|datasheet|FILE] [--json]
//   vidperf op gemm --m M --n N --k K [--batch B] [--dtype bf16] --gpu SLUG|FILE [--calibration ...] [--json]
//   vidperf op attention --heads H --seq S --head-dim D [...] --gpu ...
//   vidperf op copy --bytes N --kind h2d|d2h|local|peer --gpu ...
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>
#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <vidperf/cost/cost.hpp>
#include <vidperf/cost/sensitivity.hpp>
#include <vidperf/io/diffusers.hpp>
#include <vidperf/io/shapes_json.hpp>
#include <vidperf/io/storage_json.hpp>
#include <vidperf/models/training.hpp>
#include <vidperf/json.hpp>
#include <vidperf/models/error_band.hpp>
#include <vidperf/models/pipeline.hpp>
#include <vidperf/models/planner.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/models/sensitivity.hpp>

namespace {

using namespace vidperf;

/// A GPU and the calibration chosen for it, with the strings they point to kept alive.
struct target {
    loaded_gpu gpu;
    loaded_calibration cal;
    bool fell_back = false;
    std::string note;
};

loaded_gpu resolve_gpu(const std::string& arg) {
    if (const gpu_spec* g = try_find_gpu(arg)) return {*g, std::make_shared<detail::string_store>()};
    if (std::filesystem::exists(arg)) return load_gpu_file(arg);
    (void)find_gpu(arg); // raises not_found with the closest slugs
    return {};
}

target resolve(const std::string& gpu_arg, const std::string& cal_arg) {
    target t;
    t.gpu = resolve_gpu(gpu_arg);
    const bool builtin = std::find(builtin_profiles.begin(), builtin_profiles.end(), cal_arg) != builtin_profiles.end();
    if (builtin) {
        const calibration_choice c = builtin_calibration(cal_arg, t.gpu.spec.slug);
        t.cal.cal = *c.cal;
        t.fell_back = c.fell_back;
        t.note = std::string(c.note);
    } else if (std::filesystem::exists(cal_arg)) {
        t.cal = load_calibration_file(cal_arg);
    } else {
        (void)builtin_calibration(cal_arg, t.gpu.spec.slug); // raises with the list of profiles
    }
    return t;
}

std::optional<dtype> dtype_arg(const std::string& s, const char* flag = "--dtype") {
    auto d = parse_dtype(s);
    if (!d)
        detail::raise(errc::unknown_name, flag,
                      "unknown dtype '" + s + "'; known: fp32 tf32 bf16 fp16 fp8_e4m3 fp8_e5m2 int8 int4 nf4");
    return d;
}

nlohmann::json prediction_json(const std::string& op_name, const nlohmann::json& shape, const target& t,
                               const prediction<double>& p);

void print_prediction(const std::string& op_name, const nlohmann::json& shape, const target& t,
                      const prediction<double>& p, bool json) {
    if (json) {
        std::cout << prediction_json(op_name, shape, t, p).dump(2) << '\n';
        return;
    }
    if (t.fell_back) fmt::print(stderr, "note: {}\n", t.note);
    fmt::print("{} {} on {} ({} calibration, constants rest on: {})\n", op_name, shape.dump(), t.gpu.spec.name,
               t.cal.cal.profile, name(p.basis));
    fmt::print("  time            {:>12.3f} us   ({}-bound)\n", p.time.value() * 1e6, name(p.bound));
    fmt::print("  compute / memory / overhead  {:.3f} / {:.3f} / {:.3f} us\n", p.compute_time.value() * 1e6,
               p.memory_time.value() * 1e6, p.overhead_time.value() * 1e6);
    fmt::print("  FLOPs           {:>12.4g}      achieved {:.1f} TFLOP/s\n", p.flops.value(),
               p.flops.value() / p.time.value() / 1e12);
    fmt::print("  bytes           {:>12.4g}      achieved {:.1f} GB/s\n", p.bytes.value(),
               p.bytes.value() / p.time.value() / 1e9);
}

nlohmann::json prediction_json(const std::string& op_name, const nlohmann::json& shape, const target& t,
                               const prediction<double>& p) {
    nlohmann::json j = {{"schema", "vidperf.op/1"},
                        {"op", op_name},
                        {"shape", shape},
                        {"gpu", t.gpu.spec.slug},
                        {"calibration", t.cal.cal.profile},
                        {"calibration_fell_back", t.fell_back},
                        {"time_s", p.time.value()},
                        {"compute_time_s", p.compute_time.value()},
                        {"memory_time_s", p.memory_time.value()},
                        {"overhead_time_s", p.overhead_time.value()},
                        {"flops", p.flops.value()},
                        {"bytes", p.bytes.value()},
                        {"achieved_flops_per_s", p.flops.value() / p.time.value()},
                        {"achieved_bytes_per_s", p.bytes.value() / p.time.value()},
                        {"compute_efficiency", p.compute_efficiency},
                        {"bound", name(p.bound)},
                        {"basis", name(p.basis)}};
    if (t.fell_back) j["calibration_note"] = t.note;
    return j;
}

void print_comparison(const std::string& op_name, const nlohmann::json& shape, const std::vector<target>& ts,
                      const std::vector<prediction<double>>& ps, bool json) {
    if (json) {
        nlohmann::json rows = nlohmann::json::array();
        for (std::size_t i = 0; i < ts.size(); ++i) {
            nlohmann::json r = prediction_json(op_name, shape, ts[i], ps[i]);
            r["speedup_vs_first"] = ps[0].time.value() / ps[i].time.value();
            rows.push_back(std::move(r));
        }
        std::cout << nlohmann::json{{"schema", "vidperf.op-compare/1"}, {"results", rows}}.dump(2) << '\n';
        return;
    }
    fmt::print("{} {}\n", op_name, shape.dump());
    fmt::print("  {:<17} {:<12} {:>12} {:>10} {:>10} {:>9} {:>11} {:>9}\n", "gpu", "calibration", "time us",
               "TFLOP/s", "GB/s", "bound", "rests on", "speed-up");
    bool any_fallback = false;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const auto& p = ps[i];
        any_fallback = any_fallback || ts[i].fell_back;
        fmt::print("  {:<17} {:<12} {:>12.3f} {:>10.1f} {:>10.1f} {:>9} {:>11} {:>8.2f}x\n", ts[i].gpu.spec.slug,
                   std::string(ts[i].cal.cal.profile) + (ts[i].fell_back ? "*" : ""), p.time.value() * 1e6,
                   p.flops.value() / p.time.value() / 1e12, p.bytes.value() / p.time.value() / 1e9, name(p.bound),
                   name(p.basis), ps[0].time.value() / p.time.value());
    }
    if (any_fallback)
        fmt::print("  * no measured or literature calibration for this GPU: datasheet ideal used (optimistic)\n");
}

int list_gpus(bool json) {
    if (json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& g : gpu_catalog) arr.push_back(to_json(g));
        std::cout << nlohmann::json{{"schema", "vidperf.gpus/1"}, {"gpus", arr}}.dump(2) << '\n';
        return 0;
    }
    fmt::print("{:<17} {:<38} {:>4} {:>8} {:>8} {:>7} {:>9} {:>6} {:>7}\n", "slug", "name", "SMs", "BF16 TF",
               "FP8 TF", "HBM GB", "HBM GB/s", "L2 MB", "NVL GB/s");
    for (const auto& g : gpu_catalog) {
        const double fp8 = g.peak(compute_class::fp8).value() / 1e12;
        fmt::print("{:<17} {:<38} {:>4} {:>8.1f} {:>8} {:>7.0f} {:>9.0f} {:>6.0f} {:>7.0f}\n", g.slug, g.name,
                   g.sm_count, g.peak(compute_class::bf16).value() / 1e12, fp8 > 0 ? fmt::format("{:.1f}", fp8) : "-",
                   g.hbm_capacity.value() / 1e9, g.hbm_bandwidth.value() / 1e9, g.l2_size.value() / units::mebi,
                   g.nvlink_bandwidth.value() / 1e9);
    }
    fmt::print("dense peaks (no sparsity); bandwidths per direction. `vidperf list gpus --json` for every field and its source.\n");
    return 0;
}

int list_calibration(const target& t, bool json) {
    if (json) {
        nlohmann::json j = to_json(t.cal.cal);
        if (t.fell_back) j["calibration_note"] = t.note;
        std::cout << j.dump(2) << '\n';
        return 0;
    }
    if (t.fell_back) fmt::print(stderr, "note: {}\n", t.note);
    fmt::print("calibration '{}' for {}\n", t.cal.cal.profile, t.gpu.spec.slug);
    for_each_constant(t.cal.cal, [](std::string_view k, const auto& c) {
        fmt::print("  {:<40} {:>12.6g}  {:<10} {}\n", k, constant_value(c), name(c.from.kind), c.from.source);
    });
    for_each_flag(t.cal.cal, [](std::string_view k, const bool& f) { fmt::print("  {:<40} {:>12}\n", k, f); });
    return 0;
}


// ------------------------------------------------------------------ video models

/// Workload flags shared by estimate and compare; unset values take the model's standard workload.
struct video_flags {
    extent width = 0, height = 0, frames = 0, steps = 0, batch = 1;
    bool no_cfg = false;
    std::string cfg;
    std::string dtype_s = "bf16";
    std::string weights_s;
    std::string offload = "none";
    bool vae_tiling = false;
    bool no_vae_tiling = false;
    std::string attention; ///< empty: the implementation's default for the model
    std::string implementation; ///< empty: the model's standard (what its README runs)
    bool text_encoder_on_cpu = false;
    extent interpolate = 1;
    extent upscale = 1;
    int gpus = 1;
    std::string parallel;
    int ulysses = 0, ring = 0;
    bool fsdp = false;
    std::string link = "nvlink";
    double ring_overlap = 0;
    double network_GBps = 0;
    double host_tflops = 0;
    double host_GBps = 0;
};

void add_implementation_flag(CLI::App* sc, std::string& value) {
    sc->add_option("--implementation", value,
                   "ideal | diffusers | official: whose code runs the job (its casts, unfused norms, RoPE, "
                   "scheduler; docs/implementations.md); default: what the model's README runs");
}

/// The implementation a flag names; empty: `fallback` (the model's standard).
implementation implementation_arg(const std::string& s, implementation fallback) {
    if (s.empty()) return fallback;
    if (const auto i = parse_implementation(s)) return *i;
    detail::raise(errc::unknown_name, "--implementation",
                  "unknown implementation '" + s + "'; known: ideal diffusers official");
}

void add_video_flags(CLI::App* sc, video_flags& f, const char* gpu_count_flag = "--gpus") {
    sc->add_option("--width", f.width, "frame width in pixels (default: the model's standard workload)");
    sc->add_option("--height", f.height, "frame height in pixels");
    sc->add_option("--frames", f.frames, "frames per video");
    sc->add_option("--steps", f.steps, "denoising steps");
    sc->add_option("--batch", f.batch, "videos generated together")->default_val(1);
    sc->add_flag("--no-cfg", f.no_cfg, "no classifier-free guidance (one pass per step)");
    sc->add_option("--cfg", f.cfg, "guidance passes: batched | sequential | off (default: the model's)");
    sc->add_option("--dtype", f.dtype_s, "denoiser dtype: bf16 | fp16 | fp8 (fp8 weights and GEMMs)")
        ->default_str("bf16");
    sc->add_option("--weights", f.weights_s,
                   "denoiser weights in memory when they differ from --dtype (default: what the implementation holds; fp32 for Wan2.1's official code, which loads "
                   "its DiT in fp32 and runs bf16 autocast), int8, nf4 ...");
    sc->add_option("--offload", f.offload, "none | model | sequential")->default_str("none");
    sc->add_flag("--vae-tiling", f.vae_tiling,
                 "decode the VAE in tiles as diffusers' vae.enable_tiling() does (the class's tile size and overlap)");
    sc->add_flag("--no-vae-tiling", f.no_vae_tiling,
                 "decode without enable_tiling() where the model's pipeline turns it on (HunyuanVideo, Mochi)");
    sc->add_option("--interpolate", f.interpolate, "frame-rate factor after decoding with RIFE 4.x (2, 4, ...)");
    sc->add_option("--upscale", f.upscale, "super-resolution factor with Real-ESRGAN (2 or 4)");
    sc->add_option(gpu_count_flag, f.gpus, "GPUs running the denoiser together")->default_val(1);
    sc->add_option("--parallel", f.parallel, "ulysses | ring | usp | cfg | tp (how --gpus share the denoiser)");
    sc->add_option("--ulysses", f.ulysses, "Ulysses degree for --parallel usp");
    sc->add_option("--ring", f.ring, "ring-attention degree for --parallel usp");
    sc->add_flag("--fsdp", f.fsdp, "shard the denoiser's weights over the GPUs (gathered layer by layer)");
    sc->add_option("--link", f.link, "nvlink | pcie | network: the GPUs' interconnect")->default_str("nvlink");
    sc->add_option("--network-GBps", f.network_GBps, "per-GPU network bandwidth per direction (--link network)");
    sc->add_option("--ring-overlap", f.ring_overlap, "share of ring send/recv hidden behind attention, [0, 1]")
        ->default_val(0.0);
    sc->add_flag("--text-encoder-on-cpu", f.text_encoder_on_cpu,
                 "run the text encoders on the host CPU (Wan --t5_cpu); their weights stay off the GPU");
    sc->add_option("--host-tflops", f.host_tflops, "host CPU rate for --text-encoder-on-cpu (default: assumed 2)");
    sc->add_option("--host-GBps", f.host_GBps, "host memory bandwidth for --text-encoder-on-cpu (default: assumed 200)");
    sc->add_option("--attention", f.attention,
                   "fa2 | fa3 | cudnn | sdpa-math | sdpa-efficient | sage (default: what --implementation runs "
                   "for the model; fa2 except HunyuanVideo in diffusers, sdpa-efficient)");
    add_implementation_flag(sc, f.implementation);
}

struct video_job {
    const model_spec* model = nullptr;
    std::shared_ptr<loaded_model> imported; ///< a diffusers folder given as --model
    video_workload work;
    inference_options inference;
    pipeline_options pipeline;
};

video_job make_job(const std::string& model_slug, const video_flags& f) {
    video_job j;
    const bool is_preset = std::any_of(model_presets().begin(), model_presets().end(),
                                       [&](const model_spec& m) { return m.slug == model_slug; });
    if (!is_preset && std::filesystem::is_directory(model_slug)) {
        j.imported = std::make_shared<loaded_model>(
            load_diffusers_folder(model_slug, std::filesystem::path(model_slug).filename().string()));
        j.model = &j.imported->spec;
    } else {
        j.model = &find_model(model_slug);
    }
    j.work = j.model->standard;
    if (f.width) j.work.width = f.width;
    if (f.height) j.work.height = f.height;
    if (f.frames) j.work.frames = f.frames;
    if (f.steps) j.work.steps = f.steps;
    j.work.batch = f.batch;
    if (!f.cfg.empty()) {
        if (f.cfg == "batched")
            j.work.cfg = cfg_mode::batched;
        else if (f.cfg == "sequential")
            j.work.cfg = cfg_mode::sequential;
        else if (f.cfg == "off")
            j.work.cfg = cfg_mode::off;
        else
            detail::raise(errc::unknown_name, "--cfg", "unknown guidance mode '" + f.cfg + "'; known: batched sequential off");
    }
    if (f.no_cfg) j.work.cfg = cfg_mode::off;
    const dtype d = *dtype_arg(f.dtype_s);
    if (d != dtype::bf16 && d != dtype::fp16 && d != dtype::fp8_e4m3)
        detail::raise(errc::dtype_not_supported, "--dtype", "field 'dtype' must be bf16, fp16 or fp8, got '" + f.dtype_s + "'");
    j.work.compute = d;
    j.work.impl = implementation_arg(f.implementation, j.model->standard.impl);
    j.work.weights = weight_storage(j.work.impl, j.model->denoiser.official_fp32_weights, d);
    if (!f.weights_s.empty()) j.work.weights = *dtype_arg(f.weights_s, "--weights");
    if (f.attention.empty()) {
        j.work.attention = default_attention(j.work.impl, j.model->denoiser.code, j.model->standard.attention);
    } else {
        bool found = false;
        for (auto k : all_attention_kernels)
            if (name(k) == f.attention) {
                j.work.attention = k;
                found = true;
            }
        if (!found)
            detail::raise(errc::unknown_name, "--attention",
                          "unknown attention kernel '" + f.attention +
                              "'; known: fa2 fa3 cudnn sdpa-math sdpa-efficient sage");
    }
    check_attention(j.work.impl, j.model->denoiser.code, j.work.attention);
    if (f.offload == "none")
        j.pipeline.offload = offload_policy::none;
    else if (f.offload == "model")
        j.pipeline.offload = offload_policy::model;
    else if (f.offload == "sequential")
        j.pipeline.offload = offload_policy::sequential;
    else
        detail::raise(errc::unknown_name, "--offload", "unknown offload policy '" + f.offload + "'; known: none model sequential");
    j.pipeline.text_encoders_on_host = f.text_encoder_on_cpu;
    j.pipeline.pageable_offload = offload_from_pageable_memory(j.work.impl);
    if (f.host_tflops != 0) {
        detail::require_positive(f.host_tflops, "--host-tflops", "host_tflops");
        j.pipeline.host.rate = {flops_per_second(f.host_tflops * 1e12), {provenance_kind::measured, "--host-tflops"}, 0};
    }
    if (f.host_GBps != 0) {
        detail::require_positive(f.host_GBps, "--host-GBps", "host_GBps");
        j.pipeline.host.memory_bandwidth = {bytes_per_second(f.host_GBps * 1e9),
                                            {provenance_kind::measured, "--host-GBps"}, 0};
    }
    j.inference.tiling = j.model->standard_tiling;
    auto& par = j.inference.parallel;
    detail::require_positive(f.gpus, "--gpus", "gpus");
    if (f.gpus > 1 && f.parallel.empty())
        detail::raise(errc::inconsistent, "--parallel", "--gpus > 1 needs --parallel ulysses|ring|usp|cfg");
    if (f.parallel == "ulysses") {
        par.ulysses = f.gpus;
    } else if (f.parallel == "ring") {
        par.ring = f.gpus;
    } else if (f.parallel == "cfg") {
        if (f.gpus % 2 != 0) detail::raise(errc::inconsistent, "--gpus", "CFG parallelism needs an even GPU count");
        par.cfg = 2;
        par.ulysses = f.gpus / 2;
    } else if (f.parallel == "usp") {
        par.ulysses = f.ulysses > 0 ? f.ulysses : 1;
        par.ring = f.ring > 0 ? f.ring : 1;
        if (par.ulysses * par.ring == f.gpus / 2 && f.gpus % 2 == 0) par.cfg = 2;
        if (par.gpus() != f.gpus)
            detail::raise(errc::inconsistent, "--parallel usp",
                          "--ulysses x --ring (x 2 with CFG) must equal --gpus " + std::to_string(f.gpus));
    } else if (f.parallel == "tp") {
        par.tp = f.gpus;
    } else if (!f.parallel.empty()) {
        detail::raise(errc::unknown_name, "--parallel", "unknown parallelism '" + f.parallel + "'");
    }
    par.fsdp = f.fsdp;
    par.ring_overlap = f.ring_overlap;
    if (f.link == "pcie") {
        par.link = link_kind::pcie;
    } else if (f.link == "network") {
        detail::require_positive(f.network_GBps, "--network-GBps", "network_GBps");
        par.link = link_kind::network;
        par.network_bandwidth_Bps = f.network_GBps * 1e9;
    } else if (f.link != "nvlink") {
        detail::raise(errc::unknown_name, "--link", "unknown link '" + f.link + "'; known: nvlink pcie network");
    }
    j.inference.interpolation = f.interpolate;
    j.inference.upscale = f.upscale;
    if (f.vae_tiling && f.no_vae_tiling)
        detail::raise(errc::inconsistent, "--vae-tiling", "--vae-tiling and --no-vae-tiling exclude each other");
    if (f.vae_tiling) j.inference.tiling = vae_tiling{true};
    if (f.no_vae_tiling) j.inference.tiling = vae_tiling{};
    return j;
}

/// The likely range of a predicted time (models/error_band.hpp) as JSON: low, high, and what it rests on.
nlohmann::json likely_json(double seconds_predicted, const gpu_spec& gpu) {
    const auto r = likely_range_of(seconds_predicted, gpu.architecture);
    return {{"low", r.low}, {"high", r.high}, {"basis", r.basis}, {"published_rows", r.rows}};
}

std::string short_number(double v) {
    return fmt::format("{:.{}f}", v, v >= 100 ? 0 : v >= 10 ? 1 : 2);
}

/// "likely 1380-1710 s (10th-90th percentile of the error on 12 published hopper jobs)"
std::string likely_text(double predicted, const gpu_spec& gpu, std::string_view prefix = "", std::string_view unit = " s") {
    const auto r = likely_range_of(predicted, gpu.architecture);
    return fmt::format("likely {}{}-{}{}{} (10th-90th percentile of the error on {} published {} jobs)", prefix,
                       short_number(r.low), prefix, short_number(r.high), unit, r.rows,
                       r.basis == "all" ? std::string("end-to-end") : std::string(r.basis));
}

nlohmann::json estimate_json(const video_job& j, const target& t, const latent_shape& lat, const pipeline_estimate& e) {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& s : e.stages)
        stages.push_back({{"name", s.name},
                          {"calls", s.calls},
                          {"latency_s", s.latency.value()},
                          {"transfer_s", s.transfer.value()},
                          {"flops", s.work.value()},
                          {"bytes", s.traffic.value()},
                          {"bound", name(s.bound)},
                          {"on_host", s.on_host},
                          {"activations_bytes", s.activations.value()}});
    nlohmann::json out = {
        {"schema", "vidperf.estimate/1"},
        {"model", j.model->slug},
        {"gpu", t.gpu.spec.slug},
        {"calibration", t.cal.cal.profile},
        {"calibration_fell_back", t.fell_back},
        {"workload",
         {{"width", j.work.width},
          {"height", j.work.height},
          {"frames", j.work.frames},
          {"steps", j.work.steps},
          {"cfg", name(j.work.cfg)},
          {"batch", j.work.batch},
          {"dtype", name(j.work.compute)},
          {"offload", name(j.pipeline.offload)},
          {"attention", name(j.work.attention)},
          {"implementation", name(j.work.impl)},
          {"vae_tiling", j.inference.tiling.enabled},
          {"gpus", j.inference.parallel.gpus()},
          {"ulysses", j.inference.parallel.ulysses},
          {"ring", j.inference.parallel.ring},
          {"cfg_parallel", j.inference.parallel.cfg == 2},
          {"tp", j.inference.parallel.tp},
          {"fsdp", j.inference.parallel.fsdp}}},
        {"communication_share", e.communication_share},
        {"per_gpu_peak_device_bytes", e.memory.device_total.value()},
        {"tokens", lat.tokens},
        {"latency_s", e.latency.value()},
        {"likely_range_s", likely_json(e.latency.value(), t.gpu.spec)},
        {"peak_memory_bytes", e.memory.allocator_peak.value()},
        {"peak_device_bytes", e.memory.device_total.value()},
        {"fits", e.fits},
        {"stages", stages},
        {"memory",
         {{"weights_bytes", e.memory.weights.value()},
          {"activations_bytes", e.memory.activations.value()},
          {"workspace_bytes", e.memory.workspace.value()},
          {"context_bytes", e.memory.context.value()},
          {"peak_stage", e.memory.peak_stage}}}};
    if (t.fell_back) out["calibration_note"] = t.note;
    return out;
}

struct video_result {
    target t;
    latent_shape lat;
    pipeline_estimate e;
    std::vector<stage> stages;
};

video_result run_job(const video_job& j, const std::string& gpu, const std::string& cal) {
    video_result r{resolve(gpu, cal), {}, {}, {}};
    r.lat = latents(j.model->latent, j.work, j.model->slug);
    r.stages = lower_inference(*j.model, j.work, j.inference);
    r.e = estimate_pipeline(r.stages, r.t.gpu.spec, r.t.cal.cal, j.pipeline);
    return r;
}

void print_estimate(const video_job& j, const video_result& r) {
    const auto& w = j.work;
    if (r.t.fell_back) fmt::print(stderr, "note: {}\n", r.t.note);
    fmt::print("{} on {} ({} calibration)\n", j.model->name, r.t.gpu.spec.name, r.t.cal.cal.profile);
    fmt::print("  workload: {}x{} x {} frames, {} steps, guidance {}, batch {}, {}, attention {}, offload {}{}, "
               "implementation {}\n",
               w.width, w.height, w.frames, w.steps, name(w.cfg), w.batch, name(w.compute), name(w.attention),
               name(j.pipeline.offload), j.inference.tiling.enabled ? ", VAE tiling" : "", name(w.impl));
    fmt::print("  latent: {} x {} x {} -> {} tokens per video\n", r.lat.frames, r.lat.height, r.lat.width,
               r.lat.tokens);
    fmt::print("  {:<34} {:>7} {:>11} {:>8} {:>10} {:>11}\n", "stage", "calls", "time s", "share", "bound",
               "act GB");
    for (const auto& s : r.e.stages)
        fmt::print("  {:<34} {:>7.0f} {:>11.2f} {:>7.1f}% {:>10} {:>11.2f}\n", s.on_host ? s.name + " (CPU)" : s.name,
                   s.calls, s.latency.value(),
                   100.0 * s.latency.value() / r.e.latency.value(), name(s.bound), s.activations.value() / 1e9);
    fmt::print("  total {:.1f} s ({:.1f} min); {}\n", r.e.latency.value(), r.e.latency.value() / 60,
               likely_text(r.e.latency.value(), r.t.gpu.spec));
    fmt::print("  GPU time elasticity (% time per % input):");
    for (const auto& x : time_sensitivities(r.stages, r.t.gpu.spec, r.t.cal.cal, j.work.attention))
        fmt::print(" {} {:+.2f};", x.input, x.elasticity);
    fmt::print("\n");
    const auto& m = r.e.memory;
    fmt::print("  peak memory at {}: weights {:.1f} + activations {:.1f} + workspace {:.2f} GB = {:.1f} GB allocated; "
               "{:.1f} GB on the device with context and allocator cache; {} in {:.0f} GB\n",
               m.peak_stage, m.weights.value() / 1e9, m.activations.value() / 1e9, m.workspace.value() / 1e9,
               m.allocator_peak.value() / 1e9, m.device_total.value() / 1e9, r.e.fits ? "fits" : "DOES NOT FIT",
               r.t.gpu.spec.hbm_capacity.value() / 1e9);
}

int list_models(bool json) {
    if (json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& m : model_presets()) {
            const auto s = lower_inference(m, m.standard);
            double denoiser = 0;
            for (const auto& st : s)
                if (st.name == "denoiser") denoiser = st.parameters;
            arr.push_back({{"slug", m.slug},
                           {"name", m.name},
                           {"task", m.task},
                           {"family", name(m.denoiser.family)},
                           {"denoiser_parameters", denoiser},
                           {"standard",
                            {{"width", m.standard.width},
                             {"height", m.standard.height},
                             {"frames", m.standard.frames},
                             {"steps", m.standard.steps},
                             {"cfg", name(m.standard.cfg)},
                             {"implementation", name(m.standard.impl)}}},
                           {"source", m.source}});
        }
        std::cout << nlohmann::json{{"schema", "vidperf.models/1"}, {"models", arr}}.dump(2) << '\n';
        return 0;
    }
    fmt::print("{:<17} {:<22} {:<5} {:<18} {:>9} {:>22}\n", "slug", "name", "task", "denoiser", "params",
               "standard workload");
    for (const auto& m : model_presets()) {
        const auto s = lower_inference(m, m.standard);
        double denoiser = 0;
        for (const auto& st : s)
            if (st.name == "denoiser") denoiser = st.parameters;
        fmt::print("{:<17} {:<22} {:<5} {:<18} {:>8.2f}B {:>22}\n", m.slug, m.name.substr(0, 22), m.task,
                   name(m.denoiser.family), denoiser / 1e9,
                   fmt::format("{}x{}x{}, {} steps", m.standard.width, m.standard.height, m.standard.frames,
                               m.standard.steps));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"vidperf: predict time, memory and cost of video-generation work on GPUs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(vidperf::version_string));

    bool json = false;
    std::string gpu_arg;
    std::string cal_arg = "best";
    // best: the measured calibration where this GPU has one, else literature, else datasheet
    auto calibration_option = [&](CLI::App* sc) {
        sc->add_option("--calibration", cal_arg,
                       "best (measured, else literature, else datasheet) | measured | literature | datasheet | "
                       "calibration JSON file")
            ->default_str("best");
    };

    auto* list = app.add_subcommand("list", "list catalog entries");
    list->require_subcommand(1);
    auto* list_g = list->add_subcommand("gpus", "the GPU catalog (datasheet specs)");
    list_g->add_flag("--json", json, "JSON output");
    auto* list_c = list->add_subcommand("calibration", "every calibration constant with its provenance");
    list_c->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    calibration_option(list_c);
    list_c->add_flag("--json", json, "JSON output");

    auto* op = app.add_subcommand("op", "predict one op");
    op->require_subcommand(1);
    auto common = [&](CLI::App* sc) {
        sc->add_option("--gpu", gpu_arg, "GPU slug (vidperf list gpus) or GPU JSON file; several, comma-separated, compare")->required();
        calibration_option(sc);
        sc->add_flag("--json", json, "JSON output");
    };
    std::string dtype_s = "bf16";

    gemm_op g;
    auto* op_gemm = op->add_subcommand("gemm", "C[m,n] = A[m,k] B[k,n] (batched when --batch > 1)");
    op_gemm->add_option("--m", g.m, "rows of A and C")->required();
    op_gemm->add_option("--n", g.n, "columns of B and C")->required();
    op_gemm->add_option("--k", g.k, "inner dimension")->required();
    op_gemm->add_option("--batch", g.batch, "independent problems")->default_val(1);
    op_gemm->add_option("--dtype", dtype_s, "input dtype: fp32 tf32 bf16 fp16 fp8 int8 int4")->default_str("bf16");
    common(op_gemm);

    attention_op a;
    std::string kernel_s = "fa2";
    auto* op_att = op->add_subcommand("attention", "softmax(QK^T)V");
    op_att->add_option("--batch", a.batch, "sequences")->default_val(1);
    op_att->add_option("--heads", a.heads_q, "query heads")->required();
    op_att->add_option("--kv-heads", a.heads_kv, "key/value heads (GQA); default = heads");
    op_att->add_option("--seq", a.seq_q, "query length")->required();
    op_att->add_option("--kv-seq", a.seq_kv, "key length; default = seq");
    op_att->add_option("--head-dim", a.head_dim, "head dimension")->required();
    op_att->add_flag("--causal", a.causal, "causal mask");
    bool backward = false;
    op_att->add_flag("--backward", backward, "backward pass");
    op_att->add_option("--kernel", kernel_s, "fa2 fa3 cudnn sdpa-math sdpa-efficient sage")->default_str("fa2");
    op_att->add_option("--dtype", dtype_s, "dtype")->default_str("bf16");
    common(op_att);

    copy_op cp;
    std::string copy_kind_s = "local";
    bool pageable = false;
    auto* op_copy = op->add_subcommand("copy", "a memory copy");
    op_copy->add_option("--bytes", cp.bytes, "bytes to copy")->required();
    op_copy->add_option("--kind", copy_kind_s, "h2d d2h local peer")->default_str("local");
    op_copy->add_flag("--pageable", pageable, "host memory not pinned");
    common(op_copy);


    auto* list_m = list->add_subcommand("models", "the model presets");
    list_m->add_flag("--json", json, "JSON output");

    std::string model_slug = "wan2.1-t2v-14b";
    video_flags vf;
    auto* est = app.add_subcommand("estimate", "time and memory of one video job on one GPU");
    est->add_option("--model", model_slug, "model preset (vidperf list models) or a diffusers model folder")
        ->required();
    est->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    calibration_option(est);
    add_video_flags(est, vf);
    est->add_flag("--json", json, "JSON output");

    std::string shapes_out;
    auto* shp = app.add_subcommand(
        "shapes", "the distinct op shapes of one video job as JSON (vidperf.shapes/1), for the calibration suite "
                  "and the validation measurements");
    shp->add_option("--model", model_slug, "model preset or a diffusers model folder")->required();
    shp->add_option("--gpu", gpu_arg, "reference GPU for the ops' shares of the job time")
        ->default_str("h100-sxm5-80gb");
    calibration_option(shp);
    add_video_flags(shp, vf);
    shp->add_option("--out", shapes_out, "write the JSON to this file instead of standard output");

    std::string gpus_arg = "a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb";
    auto* cmp = app.add_subcommand("compare", "one video job on several GPUs, with speed-ups over the first");
    cmp->add_option("--model", model_slug, "model preset")->default_str("wan2.1-t2v-14b");
    cmp->add_option("--gpus", gpus_arg, "comma-separated GPU slugs or files")
        ->default_str("a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb");
    calibration_option(cmp);
    add_video_flags(cmp, vf, "--num-gpus");
    cmp->add_flag("--json", json, "JSON output");

    auto* mf = app.add_subcommand("max-frames", "the largest frame count that fits on a GPU");
    mf->add_option("--model", model_slug, "model preset")->required();
    mf->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    calibration_option(mf);
    add_video_flags(mf, vf);
    mf->add_flag("--json", json, "JSON output");

    auto* mr = app.add_subcommand("max-resolution", "the largest size at the workload's aspect ratio that fits");
    mr->add_option("--model", model_slug, "model preset")->required();
    mr->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    calibration_option(mr);
    add_video_flags(mr, vf);
    mr->add_flag("--json", json, "JSON output");

    std::string prices_arg;
    auto* plan = app.add_subcommand("plan", "the cheapest GPU that fits a job, at prices you give");
    plan->add_option("--model", model_slug, "model preset")->required();
    plan->add_option("--prices", prices_arg, "GPU=dollars per hour, comma-separated (a100-sxm4-80gb=1.5,...)")
        ->required();
    calibration_option(plan);
    add_video_flags(plan, vf);
    plan->add_flag("--json", json, "JSON output");

    double runtime_h = 0, price = 0, utilisation = 1, reruns = 0, queue_h = 0, value_h = 0;
    std::string cost_model;
    auto* cst = app.add_subcommand("cost", "cost per finished job: rental, reruns, utilisation, waiting");
    cst->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    cst->add_option("--runtime-h", runtime_h, "runtime of one attempt in hours (or give --model)");
    cst->add_option("--model", cost_model, "estimate the runtime of this model's job on --gpu");
    cst->add_option("--price-per-hour", price, "dollars per GPU-hour")->required();
    cst->add_option("--utilisation", utilisation, "useful share of paid time, (0, 1]")->default_val(1.0);
    cst->add_option("--reruns-per-100", reruns, "failed attempts per 100 jobs")->default_val(0.0);
    cst->add_option("--queue-delay-h", queue_h, "hours waiting before the job starts")->default_val(0.0);
    cst->add_option("--value-per-hour", value_h, "what an hour of waiting for the result costs you")
        ->default_val(0.0);
    calibration_option(cst);
    add_video_flags(cst, vf);
    cst->add_flag("--json", json, "JSON output");

    double requests_per_hour = 0, max_wait_s = 0;
    auto* pool = app.add_subcommand("pool", "GPUs needed to serve a request rate within a waiting-time target");
    pool->add_option("--model", model_slug, "model preset")->required();
    pool->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    pool->add_option("--requests-per-hour", requests_per_hour, "arrival rate (Poisson)")->required();
    pool->add_option("--max-wait-s", max_wait_s, "target mean time in queue, seconds")->required();
    calibration_option(pool);
    add_video_flags(pool, vf);
    pool->add_flag("--json", json, "JSON output");

    std::string scale_gpus = "1,2,4,8";
    auto* scl = app.add_subcommand("scale", "one video job on 1, 2, 4, 8 ... GPUs: time, speed-up, efficiency, bound");
    scl->add_option("--model", model_slug, "model preset")->required();
    scl->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    scl->add_option("--counts", scale_gpus, "GPU counts, comma-separated")->default_str("1,2,4,8");
    calibration_option(scl);
    add_video_flags(scl, vf, "--num-gpus");
    scl->add_flag("--json", json, "JSON output");

    std::string train_gpus = "1";
    std::string method = "full", ckpt_s = "full", optimizer_s = "adamw", data_s = "latents", storage_file;
    extent lora_rank = 64, micro_batch = 1;
    int zero = 0, gpus_per_node = 8, cores_per_gpu = 8, train_tp = 1, train_ulysses = 1, train_ring = 1;
    double storage_GBps = 0, overlap = 0, encoded_MB = 0, decode_fps = 0;
    auto* trn = app.add_subcommand("train", "fine-tuning step time, memory and multi-GPU scaling");
    trn->add_option("--model", model_slug, "model preset")->required();
    trn->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    trn->add_option("--gpus", train_gpus, "data-parallel GPU counts, comma-separated (1,2,4,8)")->default_str("1");
    trn->add_option("--method", method, "full | lora")->default_str("full");
    trn->add_option("--lora-rank", lora_rank, "LoRA rank")->default_val(64);
    trn->add_option("--checkpointing", ckpt_s, "none | full | selective")->default_str("full");
    trn->add_option("--optimizer", optimizer_s, "adamw | adam8bit | adafactor")->default_str("adamw");
    trn->add_option("--zero", zero, "ZeRO stage 0-3 (3 = FSDP full shard)")->default_val(0);
    trn->add_option("--tp", train_tp, "tensor-parallel degree inside each data-parallel replica")->default_val(1);
    trn->add_option("--ulysses", train_ulysses, "sequence-parallel (Ulysses) degree inside each replica")
        ->default_val(1);
    trn->add_option("--ring", train_ring, "ring-attention degree inside each replica")->default_val(1);
    trn->add_option("--batch", micro_batch, "videos per GPU per step")->default_val(1);
    trn->add_option("--frames", vf.frames, "frames per clip (default: the model's standard)");
    trn->add_option("--width", vf.width, "clip width");
    trn->add_option("--height", vf.height, "clip height");
    trn->add_option("--comm-overlap", overlap, "share of gradient communication hidden behind backward")
        ->default_val(0.0);
    trn->add_option("--link", vf.link, "nvlink | pcie | network (GPUs on several nodes)")->default_str("nvlink");
    trn->add_option("--network-GBps", vf.network_GBps, "per-GPU network bandwidth per direction (--link network)");
    trn->add_option("--data", data_s, "latents (cached) | encoded | raw: what the loader reads per sample")
        ->default_str("latents");
    trn->add_option("--encoded-MB", encoded_MB, "encoded clip size in MB (--data encoded)");
    trn->add_option("--decode-fps-per-core", decode_fps, "CPU video decode rate per core (--data encoded)");
    trn->add_option("--cpu-cores-per-gpu", cores_per_gpu, "decode cores per GPU")->default_val(8);
    trn->add_option("--storage-GBps", storage_GBps, "node storage read throughput, shared by its GPUs");
    trn->add_option("--storage-scaling", storage_file, "vidperf.storage/1 file: throughput vs GPUs reading");
    trn->add_option("--gpus-per-node", gpus_per_node, "GPUs sharing one node's storage")->default_val(8);
    add_implementation_flag(trn, vf.implementation);
    calibration_option(trn);
    trn->add_flag("--json", json, "JSON output");

    CLI11_PARSE(app, argc, argv);

    try {
        if (list_g->parsed()) return list_gpus(json);
        if (list_c->parsed()) return list_calibration(resolve(gpu_arg, cal_arg), json);
        if (list_m->parsed()) return list_models(json);
        if (shp->parsed()) {
            if (gpu_arg.empty()) gpu_arg = "h100-sxm5-80gb";
            const video_job j = make_job(model_slug, vf);
            const target t = resolve(gpu_arg, cal_arg);
            const std::string text = shapes_document(*j.model, j.work, t.gpu.spec, t.cal.cal, j.inference).dump(1) + "\n";
            if (shapes_out.empty()) {
                std::cout << text;
            } else {
                std::ofstream f(shapes_out);
                f << text;
                if (!f) detail::raise(errc::json_bad_value, "--out", "cannot write '" + shapes_out + "'");
            }
            return 0;
        }
        if (est->parsed()) {
            const video_job j = make_job(model_slug, vf);
            const video_result r = run_job(j, gpu_arg, cal_arg);
            if (json) {
                auto out = estimate_json(j, r.t, r.lat, r.e);
                nlohmann::json sens = nlohmann::json::object();
                for (const auto& x : time_sensitivities(r.stages, r.t.gpu.spec, r.t.cal.cal, j.work.attention))
                    sens[std::string(x.input)] = x.elasticity;
                out["time_elasticities"] = sens;
                std::cout << out.dump(2) << '\n';
            }
            else
                print_estimate(j, r);
            return 0;
        }
        if (mf->parsed()) {
            video_job j = make_job(model_slug, vf);
            const target t = resolve(gpu_arg, cal_arg);
            const auto r = max_frames(*j.model, j.work, t.gpu.spec, t.cal.cal, j.pipeline, j.inference);
            if (json) {
                std::cout << nlohmann::json{{"schema", "vidperf.max-frames/1"},
                                            {"model", j.model->slug},
                                            {"gpu", t.gpu.spec.slug},
                                            {"width", j.work.width},
                                            {"height", j.work.height},
                                            {"offload", name(j.pipeline.offload)},
                                            {"implementation", name(j.work.impl)},
                                            {"max_frames", r.frames},
                                            {"device_bytes_at_max", r.device_at_frames.value()},
                                            {"next_frames", r.next_frames},
                                            {"device_bytes_at_next", r.device_at_next.value()},
                                            {"capacity_bytes", t.gpu.spec.hbm_capacity.value()}}
                                 .dump(2)
                          << '\n';
                return 0;
            }
            if (r.frames == 0)
                fmt::print("{} at {}x{} does not fit on {} even at {} frames ({:.1f} GB needed of {:.0f} GB); try "
                           "--offload model\n",
                           j.model->name, j.work.width, j.work.height, t.gpu.spec.name, r.next_frames,
                           r.device_at_next.value() / 1e9, t.gpu.spec.hbm_capacity.value() / 1e9);
            else
                fmt::print("{} at {}x{} on {} (offload {}): at most {} frames ({:.1f} GB of {:.0f} GB); {} frames "
                           "need {:.1f} GB\n",
                           j.model->name, j.work.width, j.work.height, t.gpu.spec.name, name(j.pipeline.offload),
                           r.frames, r.device_at_frames.value() / 1e9, t.gpu.spec.hbm_capacity.value() / 1e9,
                           r.next_frames, r.device_at_next.value() / 1e9);
            return 0;
        }
        if (mr->parsed()) {
            const video_job j = make_job(model_slug, vf);
            const target t = resolve(gpu_arg, cal_arg);
            const auto r = max_resolution(*j.model, j.work, t.gpu.spec, t.cal.cal, j.pipeline, j.inference);
            if (json) {
                std::cout << nlohmann::json{{"schema", "vidperf.max-resolution/1"},
                                            {"model", j.model->slug},
                                            {"gpu", t.gpu.spec.slug},
                                            {"frames", j.work.frames},
                                            {"implementation", name(j.work.impl)},
                                            {"width", r.width},
                                            {"height", r.height},
                                            {"device_bytes", r.device_at_size.value()},
                                            {"next_width", r.next_width},
                                            {"next_height", r.next_height},
                                            {"device_bytes_at_next", r.device_at_next.value()}}
                                 .dump(2)
                          << '\n';
                return 0;
            }
            if (r.width == 0)
                fmt::print("{} x {} frames does not fit on {} even at {}x{} ({:.1f} GB)\n", j.model->name,
                           j.work.frames, t.gpu.spec.name, r.next_width, r.next_height, r.device_at_next.value() / 1e9);
            else
                fmt::print("{} x {} frames on {} (offload {}): at most {}x{} ({:.1f} GB of {:.0f} GB); {}x{} needs "
                           "{:.1f} GB\n",
                           j.model->name, j.work.frames, t.gpu.spec.name, name(j.pipeline.offload), r.width, r.height,
                           r.device_at_size.value() / 1e9, t.gpu.spec.hbm_capacity.value() / 1e9, r.next_width,
                           r.next_height, r.device_at_next.value() / 1e9);
            return 0;
        }
        if (plan->parsed()) {
            const video_job j = make_job(model_slug, vf);
            std::vector<target> targets;
            std::vector<double> prices;
            for (std::size_t pos = 0; pos <= prices_arg.size();) {
                const std::size_t comma = std::min(prices_arg.find(',', pos), prices_arg.size());
                const std::string item = prices_arg.substr(pos, comma - pos);
                pos = comma + 1;
                if (item.empty()) continue;
                const auto eq = item.find('=');
                if (eq == std::string::npos)
                    detail::raise(errc::inconsistent, "--prices", "entry '" + item + "' must be GPU=dollars_per_hour");
                targets.push_back(resolve(item.substr(0, eq), cal_arg));
                try {
                    prices.push_back(std::stod(item.substr(eq + 1)));
                } catch (const std::exception&) {
                    detail::raise(errc::inconsistent, "--prices", "price in '" + item + "' is not a number");
                }
            }
            std::vector<priced_gpu> offers;
            for (std::size_t i = 0; i < targets.size(); ++i)
                offers.push_back({&targets[i].gpu.spec, &targets[i].cal.cal, prices[i]});
            const auto best = cheapest_fitting_gpu(*j.model, j.work, offers, j.pipeline, j.inference);
            if (json) {
                nlohmann::json out = {{"schema", "vidperf.plan/1"},
                                      {"model", j.model->slug},
                                      {"implementation", name(j.work.impl)}};
                out["gpu"] = best.gpu ? nlohmann::json(best.gpu->slug) : nlohmann::json(nullptr);
                out["latency_s"] = best.latency.value();
                out["cost_dollars"] = best.cost.value();
                std::cout << out.dump(2) << '\n';
                return 0;
            }
            if (best.gpu == nullptr)
                fmt::print("none of the GPUs offered fits {} at this workload; try --offload model\n", j.model->name);
            else
                fmt::print("cheapest that fits: {} at {:.1f} s per video, ${:.3f} per video (price x time; no "
                           "utilisation, reruns or queueing)\n",
                           best.gpu->slug, best.latency.value(), best.cost.value());
            return 0;
        }
        if (cst->parsed()) {
            cost_inputs<double> in;
            std::string runtime_from = "--runtime-h";
            std::optional<likely_range> runtime_range; // when the runtime is vidperf's estimate
            if (!cost_model.empty()) {
                const video_job j = make_job(cost_model, vf);
                const video_result r = run_job(j, gpu_arg, cal_arg);
                in.runtime = r.e.latency;
                runtime_range = likely_range_of(r.e.latency.value(), r.t.gpu.spec.architecture);
                runtime_from = "vidperf estimate of " + std::string(j.model->slug) + " on " +
                               std::string(r.t.gpu.spec.slug) + " (" + std::string(r.t.cal.cal.profile) +
                               ", implementation " + std::string(name(j.work.impl)) + ")";
            } else {
                in.runtime = seconds(runtime_h * units::seconds_per_hour);
            }
            in.price_per_gpu_hour = dollars(price);
            in.utilisation = utilisation;
            in.reruns_per_100 = reruns;
            in.queue_delay = seconds(queue_h * units::seconds_per_hour);
            in.value_per_hour_of_waiting = dollars(value_h);
            const auto c = cost_per_job(in);
            const auto sens = cost_sensitivities(in);
            // the cost at the ends of the estimate's likely range
            std::optional<std::pair<double, double>> cost_range;
            if (runtime_range) {
                auto at = [&](double runtime_s) {
                    cost_inputs<double> x = in;
                    x.runtime = seconds(runtime_s);
                    return cost_per_job(x).total.value();
                };
                cost_range = {at(runtime_range->low), at(runtime_range->high)};
            }
            if (json) {
                nlohmann::json sj = nlohmann::json::array();
                for (const auto& x : sens)
                    sj.push_back({{"input", x.input}, {"value", x.value}, {"unit", x.unit},
                                  {"derivative", x.derivative}, {"elasticity", x.elasticity}});
                std::cout << nlohmann::json{{"schema", "vidperf.cost/1"},
                                            {"gpu", gpu_arg},
                                            {"runtime_s", in.runtime.value()},
                                            {"runtime_from", runtime_from},
                                            {"compute_dollars", c.compute.value()},
                                            {"waiting_dollars", c.waiting.value()},
                                            {"total_dollars", c.total.value()},
                                            {"paid_gpu_hours", c.paid_gpu_time.value() / units::seconds_per_hour},
                                            {"delivery_h", c.delivery.value() / units::seconds_per_hour},
                                            {"jobs_per_day_per_gpu", c.jobs_per_day_per_gpu},
                                            {"likely_total_dollars",
                                             cost_range ? nlohmann::json{{"low", cost_range->first},
                                                                         {"high", cost_range->second},
                                                                         {"basis", runtime_range->basis},
                                                                         {"published_rows", runtime_range->rows}}
                                                        : nlohmann::json(nullptr)},
                                            {"sensitivities", sj}}
                                 .dump(2)
                          << '\n';
                return 0;
            }
            fmt::print("runtime {:.2f} h per attempt ({})\n", in.runtime.value() / 3600, runtime_from);
            fmt::print("  GPU rental ${:.2f} ({:.2f} paid GPU-hours)  + waiting ${:.2f} ({:.2f} h to delivery)  = "
                       "${:.2f} per finished job; {:.2f} jobs per GPU per day\n",
                       c.compute.value(), c.paid_gpu_time.value() / 3600, c.waiting.value(),
                       c.delivery.value() / 3600, c.total.value(), c.jobs_per_day_per_gpu);
            if (cost_range)
                fmt::print("  likely ${:.2f}-${:.2f} per finished job (the runtime's 10th-90th percentile error on {} "
                           "published {} jobs)\n",
                           cost_range->first, cost_range->second, runtime_range->rows,
                           runtime_range->basis == "all" ? std::string("end-to-end") : std::string(runtime_range->basis));
            fmt::print("  what matters (elasticity = % cost per % input):\n");
            for (const auto& x : sens)
                fmt::print("    {:<16} {:>10.3f} {:<13} {:>+6.2f}\n", x.input, x.value, x.unit, x.elasticity);
            return 0;
        }
        if (pool->parsed()) {
            const video_job j = make_job(model_slug, vf);
            const video_result r = run_job(j, gpu_arg, cal_arg);
            const auto p = size_pool(requests_per_hour, r.e.latency, seconds(max_wait_s));
            if (json) {
                std::cout << nlohmann::json{{"schema", "vidperf.pool/1"},
                                            {"model", j.model->slug},
                                            {"gpu", r.t.gpu.spec.slug},
                                            {"service_time_s", r.e.latency.value()},
                                            {"requests_per_hour", requests_per_hour},
                                            {"gpus", p.gpus},
                                            {"utilisation", p.utilisation},
                                            {"probability_wait", p.probability_wait},
                                            {"mean_wait_s", p.mean_wait.value()},
                                            {"p95_wait_s", p.p95_wait.value()}}
                                 .dump(2)
                          << '\n';
                return 0;
            }
            fmt::print("{} on {}: {:.1f} s per video; {} requests/h need {} GPUs (utilisation {:.0f} %, P(wait) "
                       "{:.2f}, mean wait {:.1f} s, p95 wait {:.1f} s; M/M/c, Erlang C)\n",
                       j.model->name, r.t.gpu.spec.slug, r.e.latency.value(), requests_per_hour, p.gpus,
                       100 * p.utilisation, p.probability_wait, p.mean_wait.value(), p.p95_wait.value());
            return 0;
        }
        if (scl->parsed()) {
            if (vf.parallel.empty()) vf.parallel = "ulysses";
            std::vector<int> counts;
            for (std::size_t pos = 0; pos <= scale_gpus.size();) {
                const std::size_t comma = std::min(scale_gpus.find(',', pos), scale_gpus.size());
                if (comma > pos) counts.push_back(std::stoi(scale_gpus.substr(pos, comma - pos)));
                pos = comma + 1;
            }
            nlohmann::json rows = nlohmann::json::array();
            double base = 0;
            std::string title;
            for (int n : counts) {
                video_flags f = vf;
                f.gpus = n;
                if (n == 1) f.parallel.clear();
                const video_job j = make_job(model_slug, f);
                const video_result r = run_job(j, gpu_arg, cal_arg);
                double den = 0;
                bound_kind den_bound = bound_kind::compute;
                for (const auto& st : r.e.stages)
                    if (st.name == "denoiser") {
                        den = st.latency.value();
                        den_bound = st.bound;
                    }
                if (rows.empty()) {
                    base = r.e.latency.value();
                    title = fmt::format("{} on {} ({}), parallel {}{}", j.model->name, r.t.gpu.spec.slug,
                                        r.t.cal.cal.profile, vf.parallel, vf.fsdp ? " + fsdp" : "");
                }
                const double speedup = base / r.e.latency.value();
                const char* bound = r.e.communication_share > 0.5 ? "communication" : name(den_bound).data();
                rows.push_back({{"gpus", n},
                                {"latency_s", r.e.latency.value()},
                                {"denoiser_s", den},
                                {"communication_share", r.e.communication_share},
                                {"speedup", speedup},
                                {"scaling_efficiency", speedup / n * counts.front()},
                                {"bound", bound},
                                {"per_gpu_peak_device_bytes", r.e.memory.device_total.value()},
                                {"fits", r.e.fits}});
            }
            if (json) {
                std::cout << nlohmann::json{{"schema", "vidperf.scale/1"}, {"model", model_slug}, {"rows", rows}}.dump(2)
                          << '\n';
                return 0;
            }
            fmt::print("{}\n  {:>5} {:>10} {:>11} {:>7} {:>9} {:>11} {:>14} {:>9}\n", title, "GPUs", "total s",
                       "denoise s", "comm", "speed-up", "efficiency", "bound", "peak GB");
            for (const auto& r : rows)
                fmt::print("  {:>5} {:>10.1f} {:>11.1f} {:>6.0f}% {:>8.2f}x {:>10.0f}% {:>14} {:>9.1f}\n",
                           r["gpus"].get<int>(), r["latency_s"].get<double>(), r["denoiser_s"].get<double>(),
                           100 * r["communication_share"].get<double>(), r["speedup"].get<double>(),
                           100 * r["scaling_efficiency"].get<double>(), r["bound"].get<std::string>(),
                           r["per_gpu_peak_device_bytes"].get<double>() / 1e9);
            return 0;
        }
        if (trn->parsed()) {
            const model_spec& m = find_model(model_slug);
            video_workload w = m.standard;
            if (vf.frames) w.frames = vf.frames;
            if (vf.width) w.width = vf.width;
            if (vf.height) w.height = vf.height;
            w.impl = implementation_arg(vf.implementation, m.standard.impl);
            w.attention = default_attention(w.impl, m.denoiser.code, m.standard.attention);
            training_options t;
            t.method = method == "lora" ? finetune_method::lora : finetune_method::full;
            if (method != "lora" && method != "full")
                detail::raise(errc::unknown_name, "--method", "unknown method '" + method + "'; known: full lora");
            t.lora_rank = lora_rank;
            t.ckpt = ckpt_s == "none" ? checkpointing::none
                     : ckpt_s == "selective" ? checkpointing::selective : checkpointing::full;
            if (ckpt_s != "none" && ckpt_s != "full" && ckpt_s != "selective")
                detail::raise(errc::unknown_name, "--checkpointing", "unknown '" + ckpt_s + "'; known: none full selective");
            t.optimizer = optimizer_s == "adam8bit" ? optimizer_kind::adam8bit
                          : optimizer_s == "adafactor" ? optimizer_kind::adafactor : optimizer_kind::adamw;
            t.zero_stage = zero;
            t.tp = train_tp;
            t.ulysses = train_ulysses;
            t.ring = train_ring;
            t.micro_batch = micro_batch;
            t.comm_overlap = overlap;
            t.link = vf.link == "pcie" ? link_kind::pcie : vf.link == "network" ? link_kind::network : link_kind::nvlink;
            if (t.link == link_kind::network) {
                detail::require_positive(vf.network_GBps, "--network-GBps", "network_GBps");
                t.network_bandwidth_Bps = vf.network_GBps * 1e9;
            }
            t.data.format = data_s == "raw" ? sample_format::raw_frames
                            : data_s == "encoded" ? sample_format::encoded_video : sample_format::cached_latents;
            t.data.encoded_bytes_per_sample = encoded_MB * 1e6;
            t.data.decode_frames_per_s_per_core = decode_fps;
            t.data.cpu_cores_per_gpu = cores_per_gpu;
            t.data.gpus_per_node = gpus_per_node;
            if (!storage_file.empty())
                t.data.storage = load_storage_file(storage_file);
            else if (storage_GBps > 0)
                t.data.storage = storage_curve{{{1, storage_GBps * 1e9}}};
            const target tg = resolve(gpu_arg, cal_arg);
            std::vector<int> counts;
            for (std::size_t pos = 0; pos <= train_gpus.size();) {
                const std::size_t comma = std::min(train_gpus.find(',', pos), train_gpus.size());
                if (comma > pos) counts.push_back(std::stoi(train_gpus.substr(pos, comma - pos)));
                pos = comma + 1;
            }
            std::vector<training_step> rows;
            for (int n : counts) {
                t.gpus = n;
                rows.push_back(estimate_training(m, w, t, tg.gpu.spec, tg.cal.cal));
            }
            if (json) {
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
                                   {"scaling_efficiency",
                                    r.samples_per_second / rows[0].samples_per_second * counts[0] / counts[i]},
                                   {"memory_bytes", r.memory.total.value()},
                                   {"likely_step_s", likely_json(r.step.value(), tg.gpu.spec)},
                                   {"fits", r.fits}});
                }
                std::cout << nlohmann::json{{"schema", "vidperf.train/1"},
                                            {"model", m.slug},
                                            {"implementation", name(w.impl)},
                                            {"gpu", tg.gpu.spec.slug},
                                            {"trainable_parameters", rows[0].trainable_parameters},
                                            {"rows", arr}}
                                 .dump(2)
                          << '\n';
                return 0;
            }
            if (tg.fell_back) fmt::print(stderr, "note: {}\n", tg.note);
            const auto& r0 = rows[0];
            fmt::print("{} fine-tuning ({}{}, checkpointing {}, {}, ZeRO {}) on {}: {}x{} x {} frames, {} per GPU; "
                       "data: {}; implementation {}\n",
                       m.name, method, t.method == finetune_method::lora ? " r" + std::to_string(lora_rank) : "",
                       ckpt_s, optimizer_s, zero, tg.gpu.spec.slug, w.width, w.height, w.frames, micro_batch, data_s,
                       name(w.impl));
            fmt::print("  trainable {:.3g} of {:.3g} parameters; memory per GPU {:.1f} GB (weights {:.1f}, master "
                       "{:.1f}, grads {:.1f}, optimizer {:.1f}, saved activations {:.1f}, working {:.1f}) {}\n",
                       r0.trainable_parameters, r0.total_parameters, r0.memory.total.value() / 1e9,
                       r0.memory.weights.value() / 1e9, r0.memory.master_weights.value() / 1e9,
                       r0.memory.gradients.value() / 1e9, r0.memory.optimizer_states.value() / 1e9,
                       r0.memory.saved_activations.value() / 1e9, r0.memory.working.value() / 1e9,
                       r0.fits ? "fits" : "DOES NOT FIT");
            fmt::print("  {:>5} {:>9} {:>11} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9} {:>10} {:>13}\n", "GPUs", "step s",
                       "likely s", "compute", "comm", "exposed", "input", "samples/s", "speed-up", "efficiency", "bound");
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const auto& r = rows[i];
                const double speedup = r.samples_per_second / rows[0].samples_per_second;
                const auto lr = likely_range_of(r.step.value(), tg.gpu.spec.architecture);
                fmt::print("  {:>5} {:>9.2f} {:>11} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>10.3f} {:>8.2f}x {:>9.0f}% {:>13}\n",
                           counts[i], r.step.value(), short_number(lr.low) + "-" + short_number(lr.high),
                           (r.encode + r.forward + r.backward + r.recompute + r.optimizer).value(),
                           r.communication.value(), r.exposed_communication.value(), r.input.value(),
                           r.samples_per_second, speedup, 100 * speedup * counts[0] / counts[i], name(r.bound));
            }
            fmt::print("  likely: the 10th-90th percentile error band of published inference jobs on this GPU class; no "
                       "published training step is in the validation set yet\n");
            return 0;
        }
        if (cmp->parsed()) {
            const video_job j = make_job(model_slug, vf);
            std::vector<video_result> rows;
            for (std::size_t pos = 0; pos <= gpus_arg.size();) {
                const std::size_t comma = std::min(gpus_arg.find(',', pos), gpus_arg.size());
                if (comma > pos) rows.push_back(run_job(j, gpus_arg.substr(pos, comma - pos), cal_arg));
                pos = comma + 1;
            }
            if (rows.empty()) detail::raise(errc::unknown_gpu, "--gpus", "no GPU given");
            if (json) {
                nlohmann::json arr = nlohmann::json::array();
                for (const auto& r : rows) {
                    auto e = estimate_json(j, r.t, r.lat, r.e);
                    e["speedup_vs_first"] = rows[0].e.latency.value() / r.e.latency.value();
                    arr.push_back(std::move(e));
                }
                std::cout << nlohmann::json{{"schema", "vidperf.compare/1"}, {"results", arr}}.dump(2) << '\n';
                return 0;
            }
            const auto& w = j.work;
            const auto& par = j.inference.parallel;
            fmt::print("{}: {}x{} x {} frames, {} steps, guidance {}, batch {}, {}, attention {}, implementation {}, "
                       "offload {}{}\n",
                       j.model->name, w.width, w.height, w.frames, w.steps, name(w.cfg), w.batch, name(w.compute),
                       name(w.attention), name(w.impl), name(j.pipeline.offload),
                       par.gpus() > 1 ? fmt::format(", {} GPUs (ulysses {}, ring {}, cfg {}, tp {}{})", par.gpus(),
                                                    par.ulysses, par.ring, par.cfg, par.tp, par.fsdp ? ", fsdp" : "")
                                      : std::string());
            fmt::print("  {:<17} {:<12} {:>10} {:>13} {:>9} {:>10} {:>10} {:>11} {:>6} {:>9}\n", "gpu", "calibration",
                       "total s", "likely s", "min", "denoise s", "VAE s", "peak GB", "fits", "speed-up");
            bool any_fallback = false;
            for (const auto& r : rows) {
                double den = 0, vae = 0;
                for (const auto& s : r.e.stages) {
                    if (s.name == "denoiser") den = s.latency.value();
                    if (s.name == "vae_decode") vae = s.latency.value();
                }
                any_fallback = any_fallback || r.t.fell_back;
                const auto lr = likely_range_of(r.e.latency.value(), r.t.gpu.spec.architecture);
                fmt::print("  {:<17} {:<12} {:>10.1f} {:>13} {:>9.1f} {:>10.1f} {:>10.1f} {:>11.1f} {:>6} {:>8.2f}x\n",
                           r.t.gpu.spec.slug, std::string(r.t.cal.cal.profile) + (r.t.fell_back ? "*" : ""),
                           r.e.latency.value(), short_number(lr.low) + "-" + short_number(lr.high),
                           r.e.latency.value() / 60, den, vae,
                           r.e.memory.device_total.value() / 1e9, r.e.fits ? "yes" : "NO",
                           rows[0].e.latency.value() / r.e.latency.value());
            }
            if (any_fallback)
                fmt::print("  * no measured or literature calibration for this GPU: datasheet ideal used (optimistic)\n");
            fmt::print("  likely: 10th-90th percentile of vidperf's error on published end-to-end jobs "
                       "(docs/accuracy.md)\n");
            return 0;
        }

        // the op and its shape description
        vidperf::op the_op;
        std::string op_name;
        nlohmann::json shape;
        if (op_gemm->parsed()) {
            g.a = g.b = g.c = *dtype_arg(dtype_s);
            if (g.a == dtype::fp8_e4m3 || g.a == dtype::fp8_e5m2 || g.a == dtype::int8 || g.a == dtype::int4)
                g.c = dtype::bf16; // low-precision GEMMs write a wider output
            the_op = g;
            op_name = "gemm";
            shape = {{"m", g.m}, {"n", g.n}, {"k", g.k}, {"batch", g.batch}, {"dtype", name(g.a)}};
        } else if (op_att->parsed()) {
            a.type = *dtype_arg(dtype_s);
            a.direction = backward ? pass::backward : pass::forward;
            bool found = false;
            for (auto k : all_attention_kernels)
                if (name(k) == kernel_s) {
                    a.kernel = k;
                    found = true;
                }
            if (!found)
                detail::raise(errc::unknown_name, "--kernel",
                              "unknown attention kernel '" + kernel_s +
                                  "'; known: fa2 fa3 cudnn sdpa-math sdpa-efficient sage");
            (void)cost(a); // validates before any GPU is looked at
            const auto r = resolved(a);
            the_op = a;
            op_name = "attention";
            shape = {{"batch", a.batch},   {"heads", a.heads_q},       {"kv_heads", r.heads_kv},
                     {"seq", a.seq_q},     {"kv_seq", r.seq_kv},       {"head_dim", a.head_dim},
                     {"causal", a.causal}, {"kernel", name(a.kernel)}, {"pass", backward ? "backward" : "forward"},
                     {"dtype", name(a.type)}};
        } else if (op_copy->parsed()) {
            if (copy_kind_s == "h2d")
                cp.kind = copy_kind::host_to_device;
            else if (copy_kind_s == "d2h")
                cp.kind = copy_kind::device_to_host;
            else if (copy_kind_s == "local")
                cp.kind = copy_kind::device_local;
            else if (copy_kind_s == "peer")
                cp.kind = copy_kind::device_peer;
            else
                detail::raise(errc::unknown_name, "--kind",
                              "unknown copy kind '" + copy_kind_s + "'; known: h2d d2h local peer");
            cp.pinned = !pageable;
            the_op = cp;
            op_name = "copy";
            shape = {{"bytes", cp.bytes}, {"kind", copy_kind_s}, {"pinned", cp.pinned}};
        }

        // one GPU: the full breakdown; several (comma-separated): a comparison table
        std::vector<std::string> gpus;
        for (std::size_t pos = 0; pos <= gpu_arg.size();) {
            const std::size_t comma = std::min(gpu_arg.find(',', pos), gpu_arg.size());
            if (comma > pos) gpus.push_back(gpu_arg.substr(pos, comma - pos));
            pos = comma + 1;
        }
        if (gpus.empty()) detail::raise(errc::unknown_gpu, "--gpu", "no GPU given");
        std::vector<target> targets;
        std::vector<prediction<double>> results;
        for (const auto& name_or_file : gpus) {
            targets.push_back(resolve(name_or_file, cal_arg));
            results.push_back(predict(the_op, targets.back().gpu.spec, targets.back().cal.cal));
        }
        if (targets.size() == 1)
            print_prediction(op_name, shape, targets[0], results[0], json);
        else
            print_comparison(op_name, shape, targets, results, json);
    } catch (const vidperf::error& e) {
        std::cerr << "vidperf: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
