#pragma once
/// \file
/// A whole inference job as one value, and the one call that prices it.
///
///     inference_request r;                 // what a user asks; unset fields: the model's standard
///     r.frames = 121;
///     const inference_job job = make_job(find_model("wan2.1-t2v-14b"), r);   // validates every rule
///     const job_estimate e = estimate(job, find_gpu("h100-sxm5-80gb"), literature_for(...));
///
/// `make_job` holds every rule the command line used to hold: the model's
/// standard workload and VAE tiling as defaults, the implementation's
/// attention kernel and weight storage, the parallel layouts and their GPU
/// count, and a clear error for anything out of range. What depends on the
/// GPU (the link when none is given: NVLink where the GPU has it, else PCIe)
/// is decided by `estimate` per GPU and reported in the result.
///
/// `try_estimate` is the scheduler's variant: it never throws and returns the
/// error code and message instead. `reprice` prices already-lowered stages
/// again (another GPU or calibration) without allocating.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/models/implementation.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/pipeline/error_band.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/price.hpp>
#include <vidperf/roofline/calibration.hpp>

namespace vidperf {

/// How the GPUs of a multi-GPU job share the denoiser (models/parallel.hpp).
enum class parallel_mode : std::uint8_t {
    none,    ///< one GPU
    ulysses, ///< DeepSpeed-Ulysses sequence parallelism over all GPUs
    ring,    ///< ring attention over all GPUs
    usp,     ///< Ulysses x ring (and x 2 with cfg_parallel)
    cfg,     ///< the two guidance passes on two halves, Ulysses inside each half
    tp,      ///< tensor (Megatron) parallelism over all GPUs
};

template <>
struct enum_names<parallel_mode> {
    static constexpr std::string_view what = "parallelism";
    static constexpr auto entries = std::to_array<name_entry<parallel_mode>>({{parallel_mode::none, "none"},
                                        {parallel_mode::ulysses, "ulysses"},
                                        {parallel_mode::ring, "ring"},
                                        {parallel_mode::usp, "usp"},
                                        {parallel_mode::cfg, "cfg"},
                                        {parallel_mode::tp, "tp"}});
};

/// What a user asks of a model. Unset optionals take the model's standard (its own README's workload,
/// implementation, attention kernel, weight storage and VAE tiling).
struct inference_request {
    std::optional<extent> width, height, frames, steps;
    extent batch = 1;
    std::optional<cfg_mode> cfg;
    dtype compute = dtype::bf16;                ///< the denoiser's dtype: bf16, fp16 or fp8_e4m3
    std::optional<dtype> weights;               ///< denoiser weight storage when it differs from compute
    std::optional<attention_kernel> attention;
    std::optional<implementation> impl;
    offload_policy offload = offload_policy::none;
    std::optional<bool> vae_tiling;             ///< true: enable_tiling() with the class's own tiles
    bool text_encoders_on_host = false;
    std::optional<double> host_flops_per_s;     ///< measured host rate for text_encoders_on_host
    std::optional<double> host_bytes_per_s;
    extent interpolate = 1;                     ///< frame-rate factor after decoding (RIFE)
    extent upscale = 1;                         ///< super-resolution factor (Real-ESRGAN)
    int gpus = 1;
    parallel_mode parallel = parallel_mode::none;
    int ulysses = 0, ring = 0;                  ///< degrees for parallel_mode::usp
    bool cfg_parallel = false;                  ///< parallel_mode::usp: the guidance passes on two halves too
    bool fsdp = false;
    std::optional<link_kind> link;              ///< unset: the GPU's own (NVLink where it has it, else PCIe)
    double network_bytes_per_s = 0;             ///< per GPU per direction, for link_kind::network
    double ring_overlap = 0;
    acceleration accel{};                       ///< step caching and sparse attention (models/accelerators.hpp)
    forcing_schedule forcing{};                 ///< diffusion forcing's asynchronous mode (models/chunking.hpp)
    bool image_stage = true;                    ///< false: skip the model's text-to-image first stage (given image)
    std::optional<bool> stg_pass;               ///< LTX-2's spatio-temporal guidance call; unset: the model's
    std::optional<bool> modality_pass;          ///< LTX-2's modality-isolation guidance call; unset: the model's
};

/// A validated job: everything lowering and pricing need.
struct inference_job {
    std::shared_ptr<const model_spec> model; ///< a preset (not owned) or an imported model (owned)
    video_workload work;
    inference_options inference;
    pipeline_options pipeline;
    bool link_given = false; ///< false: the link is the GPU's own, chosen per GPU by estimate()

    [[nodiscard]] int gpus() const { return inference.parallel.gpus(); }
};

/// A preset as the shared pointer a job holds (not owned: presets live for the program).
[[nodiscard]] inline std::shared_ptr<const model_spec> borrow(const model_spec& m) {
    return std::shared_ptr<const model_spec>(std::shared_ptr<const model_spec>(), &m);
}

/// The link a job's GPUs talk over on `gpu`: the one the job names, else the GPU's own.
[[nodiscard]] inline link_kind link_on(const inference_job& j, const gpu_spec& gpu) {
    if (j.link_given) return j.inference.parallel.link;
    return gpu.nvlink_bandwidth.value() > 0 ? link_kind::nvlink : link_kind::pcie;
}

namespace detail {
inline void require_count(extent v, std::string_view field, extent lo = 1) {
    if (v < lo)
        raise(errc::out_of_range, "inference_request",
              "field '" + std::string(field) + "' must be an integer >= " + std::to_string(lo) + ", got " +
                  std::to_string(v));
}
} // namespace detail

/// Checks a job's rules that do not need a GPU; make_job calls it.
inline void validate(const inference_job& j) {
    if (!j.model) detail::raise(errc::inconsistent, "inference_job", "no model");
    const model_spec& m = *j.model;
    validate(j.work, m.slug);
    (void)latents(m.latent, j.work, m.slug); // frames and sizes the model takes
    validate(j.inference.parallel);
    const auto& par = j.inference.parallel;
    if (par.cfg == 2 && j.work.cfg == cfg_mode::off)
        detail::raise(errc::inconsistent, "--parallel cfg",
                      "CFG parallelism runs the two guidance passes on two halves of the GPUs; this job has "
                      "guidance off");
    if (j.work.compute != dtype::bf16 && j.work.compute != dtype::fp16 && j.work.compute != dtype::fp8_e4m3)
        detail::raise(errc::dtype_not_supported, "--dtype",
                      "the denoiser dtype must be bf16, fp16 or fp8, got '" + std::string(name(j.work.compute)) + "'");
    check_attention(j.work.impl, m.denoiser.code, j.work.attention);
    check_forcing(j.work, m);
    check_audio_video(j.work, m);
    validate(j.work.accel, "inference_request");
    check_applies(j.work.accel, m.denoiser.family, m.slug);
    if (j.inference.interpolation < 1 || j.inference.interpolation > 16)
        detail::raise(errc::out_of_range, "--interpolate",
                      "the frame-rate factor must be an integer in [1, 16], got " +
                          std::to_string(j.inference.interpolation));
    if (j.inference.upscale != 1 && j.inference.upscale != 2 && j.inference.upscale != 4)
        detail::raise(errc::out_of_range, "--upscale",
                      "the super-resolution factor must be 1, 2 or 4 (Real-ESRGAN x2plus / x4plus), got " +
                          std::to_string(j.inference.upscale));
}

/// The job `r` asks of model `m`, validated.
[[nodiscard]] inline inference_job make_job(std::shared_ptr<const model_spec> model, const inference_request& r) {
    if (!model) detail::raise(errc::inconsistent, "inference_request", "no model");
    const model_spec& m = *model;
    inference_job j;
    j.model = std::move(model);
    video_workload& w = j.work;
    w = m.standard;
    if (r.width) w.width = *r.width;
    if (r.height) w.height = *r.height;
    if (r.frames) w.frames = *r.frames;
    if (r.steps) w.steps = *r.steps;
    detail::require_count(w.width, "width");
    detail::require_count(w.height, "height");
    detail::require_count(w.frames, "frames");
    detail::require_count(w.steps, "steps");
    detail::require_count(r.batch, "batch");
    w.batch = r.batch;
    if (r.cfg) w.cfg = *r.cfg;
    w.compute = r.compute;
    w.impl = r.impl.value_or(m.standard.impl);
    w.weights = r.weights.value_or(weight_storage(w.impl, m.denoiser.official_fp32_weights, r.compute));
    w.forcing = r.forcing;
    if (r.stg_pass) w.stg_pass = *r.stg_pass;
    if (r.modality_pass) w.modality_pass = *r.modality_pass;
    // a dense mask leaves flash attention out: PyTorch's SDPA runs its memory-efficient kernel in diffusers; the
    // official code allows flash alone (sdp_kernel(enable_flash=True, enable_math=False,
    // enable_mem_efficient=False), transformer.py:169-176 @ SkyReels-V2@abed76f), which leaves cuDNN's the one
    // kernel PyTorch can run with a mask
    w.attention = r.attention.value_or(
        block_causal_mask(w) ? (w.impl == implementation::official ? attention_kernel::cudnn
                                                                   : attention_kernel::sdpa_efficient)
                             : default_attention(w.impl, m.denoiser.code, m.standard.attention));
    w.accel = r.accel;

    pipeline_options& po = j.pipeline;
    po.offload = r.offload;
    po.text_encoders_on_host = r.text_encoders_on_host;
    po.pageable_offload = offload_from_pageable_memory(w.impl);
    if (r.host_flops_per_s || r.host_bytes_per_s) {
        // the user's measured host; a figure not given stays the calibration's, applied in the pricing walk
        host_spec h{{flops_per_second(0), {provenance_kind::assumed, "the calibration's host_flops_per_s"}, 0},
                    {bytes_per_second(0), {provenance_kind::assumed, "the calibration's host_bandwidth_Bps"}, 0}};
        if (r.host_flops_per_s) {
            detail::require_positive(*r.host_flops_per_s, "--host-tflops", "host_flops_per_s");
            h.rate = {flops_per_second(*r.host_flops_per_s), {provenance_kind::measured, "given by the user"}, 0};
        }
        if (r.host_bytes_per_s) {
            detail::require_positive(*r.host_bytes_per_s, "--host-GBps", "host_bytes_per_s");
            h.memory_bandwidth = {bytes_per_second(*r.host_bytes_per_s), {provenance_kind::measured, "given by the user"}, 0};
        }
        po.host = h;
    }

    inference_options& io = j.inference;
    // enable_tiling() keeps the class's own tiles: the model's standard tiling where its pipeline has one
    if (r.vae_tiling) io.tiling = *r.vae_tiling ? (m.standard_tiling.enabled ? m.standard_tiling : vae_tiling{true})
                                                : vae_tiling{};
    else
        io.tiling = m.standard_tiling;
    if (!r.image_stage && m.first_stage.model == nullptr)
        detail::raise(errc::inconsistent, "--no-image-stage",
                      "'" + std::string(m.slug) + "' has no text-to-image first stage to skip");
    io.image_stage = r.image_stage;
    io.interpolation = r.interpolate;
    io.upscale = r.upscale;

    auto& par = io.parallel;
    if (r.gpus < 1)
        detail::raise(errc::out_of_range, "--gpus", "the GPU count must be an integer >= 1, got " + std::to_string(r.gpus));
    const parallel_mode mode = r.parallel;
    if (r.gpus > 1 && mode == parallel_mode::none)
        detail::raise(errc::inconsistent, "--parallel",
                      std::to_string(r.gpus) + " GPUs need a parallelism; known: " + known_names<parallel_mode>());
    if (r.gpus == 1 && mode != parallel_mode::none && mode != parallel_mode::usp)
        detail::raise(errc::inconsistent, "--parallel",
                      "parallelism '" + std::string(name(mode)) + "' needs --gpus >= 2, got 1");
    if (mode != parallel_mode::usp && (r.ulysses != 0 || r.ring != 0 || r.cfg_parallel))
        detail::raise(errc::inconsistent, "--ulysses",
                      "--ulysses, --ring and --cfg-parallel set the degrees of --parallel usp only");
    switch (mode) {
    case parallel_mode::none: break;
    case parallel_mode::ulysses: par.ulysses = r.gpus; break;
    case parallel_mode::ring: par.ring = r.gpus; break;
    case parallel_mode::tp: par.tp = r.gpus; break;
    case parallel_mode::cfg:
        if (r.gpus % 2 != 0)
            detail::raise(errc::inconsistent, "--gpus",
                          "CFG parallelism needs an even GPU count, got " + std::to_string(r.gpus));
        par.cfg = 2;
        par.ulysses = r.gpus / 2;
        break;
    case parallel_mode::usp:
        if (r.ulysses < 0 || r.ring < 0)
            detail::raise(errc::out_of_range, "--ulysses", "--ulysses and --ring must be >= 1");
        par.ulysses = r.ulysses > 0 ? r.ulysses : 1;
        par.ring = r.ring > 0 ? r.ring : 1;
        par.cfg = r.cfg_parallel ? 2 : 1;
        if (par.gpus() != r.gpus)
            detail::raise(errc::inconsistent, "--parallel usp",
                          "--ulysses " + std::to_string(par.ulysses) + " x --ring " + std::to_string(par.ring) +
                              (r.cfg_parallel ? " x 2 (--cfg-parallel)" : "") + " = " + std::to_string(par.gpus()) +
                              " GPUs, but --gpus is " + std::to_string(r.gpus) +
                              (par.gpus() * 2 == r.gpus && !r.cfg_parallel
                                   ? "; add --cfg-parallel to run the guidance passes on two halves"
                                   : ""));
        break;
    }
    par.fsdp = r.fsdp;
    if (r.fsdp && r.gpus < 2)
        detail::raise(errc::inconsistent, "--fsdp", "FSDP shards the weights over several GPUs; --gpus is 1");
    par.ring_overlap = r.ring_overlap;
    if (r.link) {
        j.link_given = true;
        par.link = *r.link;
        if (par.link == link_kind::network) {
            detail::require_positive(r.network_bytes_per_s, "--network-GBps", "network_bytes_per_s");
            par.network_bandwidth_Bps = r.network_bytes_per_s;
        }
    } else if (r.network_bytes_per_s != 0) {
        detail::raise(errc::inconsistent, "--network-GBps", "a network bandwidth needs --link network");
    }
    validate(j);
    return j;
}

/// A preset's job.
[[nodiscard]] inline inference_job make_job(const model_spec& m, const inference_request& r) {
    return make_job(borrow(m), r);
}

/// The result of one job on one GPU: what `vidperf estimate --json` prints.
struct job_estimate {
    latent_shape latent;
    std::vector<stage> stages;       ///< the lowering, as priced
    pipeline_estimate pipeline;      ///< latency and memory
    link_kind link = link_kind::nvlink; ///< the link the GPUs were priced on (multi-GPU jobs)
    likely_range likely;             ///< the latency's likely range (pipeline/error_band.hpp)

    [[nodiscard]] seconds latency() const { return pipeline.latency; }
    /// The op kind that takes most of the job's time, and its share of the latency.
    [[nodiscard]] std::pair<op_kind, double> dominant_kind() const {
        std::size_t best = 0;
        for (std::size_t k = 1; k < op_kind_count; ++k)
            if (pipeline.by_kind[k] > pipeline.by_kind[best]) best = k;
        const double l = pipeline.latency.value();
        return {static_cast<op_kind>(best), l > 0 ? pipeline.by_kind[best].value() / l : 0.0};
    }
    /// What limits the job: communication (collectives over half the time), offload (weight transfers over
    /// half), else the bound of its slowest stage (compute or memory).
    [[nodiscard]] bound_kind bound() const {
        const double l = pipeline.latency.value();
        if (pipeline.communication_share > 0.5) return bound_kind::communication;
        if (l > 0 && pipeline.transfers.value() > 0.5 * l) return bound_kind::io;
        const stage_estimate* slowest = nullptr;
        for (const auto& s : pipeline.stages)
            if (slowest == nullptr || s.latency > slowest->latency) slowest = &s;
        return slowest != nullptr ? slowest->bound : bound_kind::compute;
    }
    /// GPU-seconds paid: every GPU of the job for the whole latency.
    [[nodiscard]] seconds gpu_time(int gpus) const { return pipeline.latency * static_cast<double>(gpus); }
    /// Latency of the job's stages of `kind` (all text encoders together), 0 when it has none.
    [[nodiscard]] seconds stage_latency(stage_kind kind) const { return vidperf::stage_latency(pipeline, kind); }
};

/// Lowers and prices `j` on `gpu` with `cal`.
[[nodiscard]] inline job_estimate estimate(const inference_job& j, const gpu_spec& gpu, const calibration& cal) {
    validate(j);
    job_estimate out;
    out.latent = latents(j.model->latent, j.work, j.model->slug);
    inference_options io = j.inference;
    io.parallel.link = link_on(j, gpu);
    out.link = io.parallel.link;
    if (io.parallel.gpus() > 1 && io.parallel.link == link_kind::nvlink && gpu.nvlink_bandwidth.value() <= 0)
        detail::raise(errc::inconsistent, "--link",
                      "GPU '" + std::string(gpu.slug) + "' has no NVLink; use --link pcie or network");
    out.stages = lower_inference(*j.model, j.work, io);
    out.pipeline = estimate_pipeline(out.stages, gpu, cal, j.pipeline);
    out.likely = likely_range_of(out.pipeline.latency.value(), gpu.architecture);
    return out;
}

/// What try_estimate gives: the estimate, or the error's code and message.
struct estimate_outcome {
    std::optional<job_estimate> value;
    errc code{};         ///< errc{} with a value
    std::string message; ///< the error's message when estimate() raised it; empty for a runs_on() rejection
    [[nodiscard]] explicit operator bool() const noexcept { return value.has_value(); }
};

/// Whether `gpu` with `cal` can run the job at all, without lowering it: the calibration is this GPU's, the
/// GPU has the arithmetic of the job's dtype, its attention kernel runs there and has constants, and a
/// multi-GPU job's named NVLink exists. errc{} (0) when nothing rules it out. No allocation, no throw.
[[nodiscard]] constexpr errc runs_on(const inference_job& j, const gpu_spec& gpu, const calibration& cal) noexcept {
    if (!cal.gpu_slug.empty() && cal.gpu_slug != gpu.slug) return errc::inconsistent;
    const auto cc = compute_class_of(j.work.compute);
    if (!cc || !gpu.supports(*cc)) return errc::dtype_not_supported;
    if (!kernel_runs_on(j.work.attention, gpu)) return errc::kernel_not_available;
    if (!cal.attn(j.work.attention).available) return errc::no_calibration;
    if (j.inference.parallel.gpus() > 1 && j.link_given && j.inference.parallel.link == link_kind::nvlink &&
        gpu.nvlink_bandwidth.value() <= 0)
        return errc::inconsistent;
    return errc{};
}

/// estimate() that never throws: a scheduler rejecting a candidate reads `code` instead of catching. The
/// cheap rules (runs_on) are checked first, so a rejection costs far less than an estimate.
[[nodiscard]] inline estimate_outcome try_estimate(const inference_job& j, const gpu_spec& gpu,
                                                   const calibration& cal) noexcept {
    estimate_outcome out;
    if (const errc rule = runs_on(j, gpu, cal); rule != errc{}) {
        out.code = rule;
        return out; // no message: estimate() gives the full one
    }
    try {
        out.value = estimate(j, gpu, cal);
    } catch (const error& e) {
        out.code = e.code();
        try {
            out.message = e.what();
        } catch (...) {
        }
    } catch (...) {
        out.code = errc::inconsistent;
    }
    return out;
}

} // namespace vidperf
