#pragma once
/// \file
/// Inverse questions: the largest frame count that fits on a GPU. Device
/// memory is non-decreasing in the frame count, so the boundary is the root
/// of  g(k) = device_total(F(k)) - capacity  over the index k of valid frame
/// counts F(k) = step * k + 1, linearly interpolated between integers and
/// solved with Boost.Math's TOMS 748 after bracketing; the answer is snapped
/// to the valid frame count below the root and checked on both sides.

#include <cmath>
#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>
#include <string>

#include <vidperf/detail/integer_root.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/roofline/calibration.hpp>

namespace vidperf {

struct max_frames_result {
    extent frames = 0;       ///< largest valid frame count that fits; 0 = not even the smallest
    extent next_frames = 0;  ///< the next valid count (does not fit)
    bytes device_at_frames{};
    bytes device_at_next{};
    int iterations = 0;      ///< root-finder iterations
    /// the search stopped at its limit with `next_frames` still fitting: `frames` is a lower bound
    bool search_limit_reached = false;
};

/// Largest valid frame count of the job's model at the job's width and height that fits in `gpu`'s memory.
/// `limit_frames` bounds the search (a model past it is reported as fitting up to the limit).
[[nodiscard]] inline max_frames_result max_frames(const inference_job& j, const gpu_spec& gpu,
                                                  const calibration& cal, extent limit_frames = 4097) {
    const model_spec& m = *j.model;
    const extent step = frame_step(m.latent);
    const extent offset = m.latent.causal ? 1 : 0;
    auto frames_of = [&](extent k) { return step * k + offset; };
    auto device = [&](extent k) {
        inference_job x = j;
        x.work.frames = frames_of(k);
        return estimate(x, gpu, cal).pipeline.memory.device_total;
    };
    const double cap = gpu.hbm_capacity.value();
    auto excess = [&](extent k) { return device(k).value() - cap; };
    extent k_lo = m.latent.causal ? 0 : 1;
    while (frames_of(k_lo) < m.latent.min_frames) ++k_lo;
    const auto root = detail::largest_fitting_index(excess, k_lo, (limit_frames - offset) / step);
    max_frames_result r;
    r.iterations = root.iterations;
    if (root.k >= k_lo) {
        r.frames = frames_of(root.k);
        r.device_at_frames = device(root.k);
    }
    r.next_frames = frames_of(root.k + 1);
    r.device_at_next = device(root.k + 1);
    r.search_limit_reached = r.device_at_next.value() <= cap;
    return r;
}

} // namespace vidperf

namespace vidperf {

struct max_resolution_result {
    extent width = 0; ///< largest size that fits at the workload's aspect ratio; 0 = none
    extent height = 0;
    extent next_width = 0; ///< the next size up (does not fit)
    extent next_height = 0;
    bytes device_at_size{};
    bytes device_at_next{};
    /// the search stopped at its limit with the next size still fitting: `width` is a lower bound
    bool search_limit_reached = false;
};

/// Largest width x height at the aspect ratio of the job (both multiples of the
/// model's size_multiple) that fits in `gpu`'s memory at `w.frames` frames.
/// Solved over the size index k (width = k x the width step) like max_frames.
[[nodiscard]] inline max_resolution_result max_resolution(const inference_job& j, const gpu_spec& gpu,
                                                          const calibration& cal, extent limit_width = 16384) {
    const model_spec& m = *j.model;
    const video_workload& w = j.work;
    detail::require_positive(static_cast<double>(w.width), "max_resolution", "width");
    detail::require_positive(static_cast<double>(w.height), "max_resolution", "height");
    const extent q = m.latent.size_multiple;
    const double aspect = static_cast<double>(w.height) / static_cast<double>(w.width);
    auto size_of = [&](extent k) {
        const extent width = k * q;
        extent height = static_cast<extent>(std::llround(aspect * static_cast<double>(width) / static_cast<double>(q))) * q;
        if (height < q) height = q;
        return std::pair<extent, extent>{width, height};
    };
    auto device = [&](extent k) {
        inference_job x = j;
        std::tie(x.work.width, x.work.height) = size_of(k);
        return estimate(x, gpu, cal).pipeline.memory.device_total;
    };
    const double cap = gpu.hbm_capacity.value();
    auto excess = [&](extent k) { return device(k).value() - cap; };
    const auto root = detail::largest_fitting_index(excess, 1, limit_width / q);
    max_resolution_result r;
    if (root.k >= 1) {
        std::tie(r.width, r.height) = size_of(root.k);
        r.device_at_size = device(root.k);
    }
    std::tie(r.next_width, r.next_height) = size_of(root.k + 1);
    r.device_at_next = device(root.k + 1);
    r.search_limit_reached = r.device_at_next.value() <= cap;
    return r;
}

/// A GPU and its price per GPU-hour, as the user quotes it.
struct priced_gpu {
    const gpu_spec* gpu = nullptr;
    const calibration* cal = nullptr;
    double dollars_per_hour = 0;
};

struct gpu_choice {
    const gpu_spec* gpu = nullptr; ///< nullptr when no candidate fits
    seconds latency{};
    dollars cost{}; ///< price x latency x the job's GPUs (no utilisation or reruns: see the cost model)
    bytes device{};
};

/// Of `candidates`, the GPU that fits the job and runs it for the fewest dollars; a multi-GPU job pays for
/// all its GPUs.
[[nodiscard]] inline gpu_choice cheapest_fitting_gpu(const inference_job& j, const std::vector<priced_gpu>& candidates) {
    gpu_choice best;
    for (const auto& c : candidates) {
        if (c.gpu == nullptr || c.cal == nullptr)
            detail::raise(errc::inconsistent, "cheapest_fitting_gpu", "a candidate has no GPU or calibration");
        detail::require_positive(c.dollars_per_hour, "cheapest_fitting_gpu",
                                 "price of " + std::string(c.gpu->slug) + " (dollars_per_hour)");
        const auto e = estimate(j, *c.gpu, *c.cal).pipeline;
        if (!e.fits) continue;
        const dollars cost = per_hour(dollars(c.dollars_per_hour)) * e.latency * static_cast<double>(j.gpus());
        if (best.gpu == nullptr || cost < best.cost) best = {c.gpu, e.latency, cost, e.memory.device_total};
    }
    return best;
}

} // namespace vidperf
