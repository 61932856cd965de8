#pragma once
/// \file
/// Two denoising experts switched by timestep (Wan2.2 T2V-A14B and I2V-A14B).
///
/// A high-noise expert runs the sampling steps whose timestep t is at or
/// above `boundary` x 1000 (the number of training timesteps) and a
/// low-noise expert of the same architecture runs the rest:
///
///   `model = high_noise_model if t >= boundary * num_train_timesteps else low_noise_model`
///     (Wan2.2 wan/text2video.py:186-196, image2video.py:189-199 @ Wan2.2@42bf4cf)
///   `current_model = transformer if t >= boundary_timestep else transformer_2`
///     (diffusers pipeline_wan.py:584-602 @ diffusers@58eb52c)
///
/// Which step switches depends on the sampler's timestep grid and flow shift,
/// which differ between the two codes:
///
///   official  FlowUniPCMultistepScheduler.set_timesteps (wan/utils/fm_solvers_unipc.py:184-207):
///             sigma_i = 0.999 (1 - i/N) (0.999 as float32), shifted s(sigma) = k sigma / (1 + (k-1) sigma),
///             t_i = int64(1000 s) (truncated); k = sample_shift (T2V 12.0, I2V 5.0)
///   diffusers UniPCMultistepScheduler with use_flow_sigmas (scheduling_unipc_multistep.py:428-434):
///             sigma_i = 1 - 0.999 i/N, t_i = 1000 s(sigma_i) (not truncated); k = flow_shift,
///             3.0 for both A14B pipelines (scripts/convert_wan_to_diffusers.py:1187-1192)
///
/// Each expert is a stage of its own (module `denoiser` and `denoiser_2`), so
/// the residency walk sees what the codes do: both experts' weights resident
/// without offload, one at a time under model offload (the other moved to
/// the host when the switch comes: `_prepare_model_for_timestep`, and
/// diffusers' `model_cpu_offload_seq` "text_encoder->transformer->transformer_2->vae").

#include <cmath>
#include <cstdint>

#include <vidperf/models/implementation.hpp>
#include <vidperf/ops/ops.hpp>

namespace vidperf {

struct expert_switch {
    bool two_experts = false;
    double boundary = 0;        ///< boundary_ratio: the high-noise expert runs t >= boundary x 1000
    double official_shift = 1;  ///< the official sampler's sample_shift
    double diffusers_shift = 1; ///< the diffusers scheduler's flow_shift
};

/// Sampling steps (of `steps`) the high-noise expert runs under implementation `impl` (`ideal` follows the
/// official sampler). All of them when the model has one expert.
[[nodiscard]] inline extent high_noise_steps(const expert_switch& e, extent steps, implementation impl) noexcept {
    if (!e.two_experts || steps <= 0) return steps;
    const bool diffusers = impl == implementation::diffusers;
    const double k = diffusers ? e.diffusers_shift : e.official_shift;
    // numpy.linspace(start, stop, N + 1)[i] = i * ((stop - start) / N) + start
    // the official sigma_max is the float32 sigmas[0] of the training grid (0.999 as float32)
    const double start = diffusers ? 1.0 : static_cast<double>(0.999f);
    const double stop = diffusers ? 0.001 : 0.0;
    const double step = (stop - start) / static_cast<double>(steps);
    const double boundary_t = e.boundary * 1000.0;
    extent high = 0;
    for (extent i = 0; i < steps; ++i) { // the grid falls monotonically: count until the first low-noise step
        const double sigma = static_cast<double>(i) * step + start;
        const double shifted = k * sigma / (1.0 + (k - 1.0) * sigma);
        const double t = diffusers ? 1000.0 * shifted : std::trunc(1000.0 * shifted);
        if (t < boundary_t) break;
        ++high;
    }
    return high;
}

} // namespace vidperf
