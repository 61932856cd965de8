#pragma once
/// \file
/// Fine-tuning a video denoiser, priced: one step's stages (models/training_step.hpp) through the one
/// pricing walk, the step time once data loading is counted (the step takes the slowest of compute with its
/// exposed communication, and the input pipeline), its memory (memory/training_memory.hpp), whole runs, and
/// the longest clip a step fits.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/detail/integer_root.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/memory/training_memory.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/models/training_step.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/price.hpp>
#include <vidperf/roofline/engine.hpp>

namespace vidperf {

struct training_step {
    seconds encode{}; ///< VAE and text encoding of the step's samples when latents are not cached
    seconds forward{}, backward{}, recompute{}, optimizer{};
    seconds communication{};         ///< all collectives of the step (data-parallel and tensor-parallel)
    seconds exposed_communication{}; ///< the data-parallel part not hidden behind backward (TP's is inside the passes)
    seconds compute_step{};          ///< forward + backward + recompute + optimizer + exposed communication
    seconds input{};                 ///< storage read, decode and host-to-device copy of the step's samples
    seconds step{};                  ///< the slowest of compute_step and input (their sum without prefetch)
    bound_kind bound = bound_kind::compute;
    double trainable_parameters = 0, total_parameters = 0;
    double samples_per_second = 0; ///< over all GPUs
    training_memory memory;
    bool fits = false;
};

/// One training step of `m`'s denoiser on clips of `w` (frames, size) on `gpu`: the stages of
/// models/training_step.hpp priced (pipeline/price.hpp), the input pipeline, and the memory of
/// memory/training_memory.hpp.
[[nodiscard]] inline training_step estimate_training(const model_spec& m, const video_workload& w,
                                                     const training_options& t, const gpu_spec& gpu,
                                                     const calibration& burst) {
    const calibration cal = sustained(burst); // a training run runs at its sustained clocks
    const training_stages s = lower_training_step(m, w, t);
    const latent_shape& lat = s.latent;
    training_step r;
    r.total_parameters = s.total_parameters;
    r.trainable_parameters = s.trainable_parameters;
    seconds tp_comm{}; // tensor-parallel all-reduces: blocking, inside forward, backward and recompute
    auto timed = [&](const stage& st) {
        const auto p = price(st, gpu, cal);
        tp_comm += p.communication;
        return p.time;
    };
    r.forward = timed(s.forward);
    r.backward = timed(s.backward);
    r.recompute = timed(s.recompute);
    r.optimizer = price(s.optimizer, gpu, cal).time;
    for (const auto& e : s.encode) r.encode += price(e, gpu, cal).time;
    const double dp = static_cast<double>(t.gpus / (t.tp * t.ulysses * t.ring));
    const seconds dp_comm = price(s.gradient_sync, gpu, cal).time;
    r.communication = dp_comm + tp_comm;
    r.exposed_communication = dp_comm * (1 - t.comm_overlap); // TP's is already in the passes' times
    r.compute_step = r.encode + r.forward + r.backward + r.recompute + r.optimizer + r.exposed_communication;

    // input: bytes per sample from storage, decode, host-to-device copy
    const auto& d = t.data;
    const double latent_bytes = static_cast<double>(m.denoiser.in_channels * lat.frames * lat.height * lat.width) * 2.0 +
                                static_cast<double>(m.denoiser.text_tokens * m.denoiser.text_dim) * 2.0;
    const double raw_bytes = static_cast<double>(w.frames * w.width * w.height) * 3.0;
    const double sample_bytes = d.format == sample_format::cached_latents ? latent_bytes
                                : d.format == sample_format::encoded_video ? d.encoded_bytes_per_sample
                                                                           : raw_bytes;
    const double batch_bytes = sample_bytes * static_cast<double>(t.micro_batch);
    seconds read{}, decode{};
    if (d.storage) {
        const int readers =
            std::max(1, std::min(t.gpus, d.gpus_per_node) / (t.tp * t.ulysses * t.ring)); // one reader per replica
        const double per_gpu = d.storage->aggregate_Bps(readers) / readers;
        detail::require_positive(per_gpu, "storage_curve", "read throughput");
        read = seconds(batch_bytes / per_gpu);
    }
    if (d.format == sample_format::encoded_video)
        decode = seconds(static_cast<double>(w.frames * t.micro_batch) /
                         (d.decode_frames_per_s_per_core * d.cpu_cores_per_gpu));
    const double to_device = d.format == sample_format::cached_latents ? latent_bytes : raw_bytes;
    const seconds h2d =
        predict(copy_op{copy_kind::host_to_device, static_cast<extent>(to_device * t.micro_batch) + 1, true}, gpu, cal)
            .time;
    r.input = (read > decode ? read : decode) + h2d; // reading and decoding run as a pipeline
    if (d.prefetch) {
        r.step = r.compute_step > r.input ? r.compute_step : r.input;
    } else {
        r.step = r.compute_step + r.input;
    }
    if (r.input > r.compute_step)
        r.bound = bound_kind::io;
    else if (r.exposed_communication > r.forward + r.backward + r.recompute)
        r.bound = bound_kind::communication;
    else
        r.bound = bound_kind::compute;
    r.samples_per_second = static_cast<double>(t.micro_batch) * dp / r.step.value();

    r.memory = training_footprint(m, w, t, s, cal);
    r.fits = r.memory.total <= gpu.hbm_capacity;
    return r;
}

/// A whole fine-tuning run from one step: the optimizer steps over `dataset_videos` x `epochs` samples (or
/// `steps` given outright), the wall time, and the GPU-hours paid.
struct training_run {
    double steps = 0;
    seconds wall{};
    double gpu_hours = 0;
};

[[nodiscard]] inline training_run run_of(const training_step& step, const training_options& t,
                                         std::optional<double> dataset_videos, std::optional<double> epochs,
                                         std::optional<double> steps) {
    training_run r;
    if (steps) {
        detail::require_positive(*steps, "--steps", "steps");
        r.steps = *steps;
    } else {
        if (!dataset_videos || !epochs)
            detail::raise(errc::inconsistent, "--dataset-videos", "a run needs --dataset-videos and --epochs, or --steps");
        detail::require_positive(*dataset_videos, "--dataset-videos", "dataset_videos");
        detail::require_positive(*epochs, "--epochs", "epochs");
        const double per_step = static_cast<double>(t.micro_batch) * (t.gpus / (t.tp * t.ulysses * t.ring));
        r.steps = std::ceil(*dataset_videos * *epochs / per_step);
    }
    r.wall = step.step * r.steps;
    r.gpu_hours = r.wall.value() * t.gpus / 3600.0;
    return r;
}

} // namespace vidperf

namespace vidperf {

/// The longest clip (valid frame count) whose training step fits in `gpu`'s
/// memory: TOMS 748 over the valid-frame index on the interpolated memory
/// excess, snapped and checked on both sides (0 when not even the shortest fits).
[[nodiscard]] inline extent max_training_frames(const model_spec& m, const video_workload& w,
                                                const training_options& t, const gpu_spec& gpu,
                                                const calibration& cal, extent limit_frames = 2049) {
    const extent step = frame_step(m.latent);
    const extent offset = m.latent.causal ? 1 : 0;
    auto frames_of = [&](extent k) { return step * k + offset; };
    auto excess = [&](extent k) {
        video_workload x = w;
        x.frames = frames_of(k);
        return estimate_training(m, x, t, gpu, cal).memory.total.value() - gpu.hbm_capacity.value();
    };
    extent lo = m.latent.causal ? 0 : 1;
    while (frames_of(lo) < m.latent.min_frames) ++lo;
    const auto root = detail::largest_fitting_index(excess, lo, (limit_frames - offset) / step);
    return root.k >= lo ? frames_of(root.k) : 0;
}

} // namespace vidperf
