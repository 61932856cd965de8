#pragma once
/// \file
/// Which GPU figure or calibration constant a job's time depends on: the
/// derivative of the job's latency with respect to each input, by
/// forward-mode automatic differentiation (Boost.Math autodiff) through the
/// same pricing walk (pipeline/price.hpp) and roofline engine, and the
/// elasticity (percent change of the latency per percent change of the input).
/// The latency explained is the one estimate_pipeline reports: stages run on
/// the host CPU and offload weight transfers are in it, as terms that do not
/// depend on the six inputs (host stages) or are held at their value
/// (transfers, priced by the copy constants).

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/math/differentiation/autodiff.hpp>

#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/pipeline/job.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/price.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/engine.hpp>

namespace vidperf {

struct time_sensitivity {
    std::string_view input;
    double value = 0;      ///< the input's value (SI units, or a fraction)
    double elasticity = 0; ///< (d time / time) / (d input / input)
};

/// Sensitivities of the latency of `stages` run with `opt` (as estimate_pipeline prices them) to: the BF16
/// dense peak, the HBM bandwidth, the BF16 GEMM efficiency, the HBM streaming efficiency, the efficiency of
/// attention kernel `kernel`, and the launch overhead.
[[nodiscard]] inline std::array<time_sensitivity, 6> time_sensitivities(const std::vector<stage>& stages,
                                                                        const gpu_spec& gpu, const calibration& cal,
                                                                        attention_kernel kernel,
                                                                        const pipeline_options& opt = {},
                                                                        std::optional<seconds> known_latency = {}) {
    using ad = boost::math::differentiation::autodiff_fvar<double, 1>;
    using boost::math::differentiation::make_fvar;
    // the GPU stages' op time, differentiated; everything else in the latency is a constant term
    auto total = [&](const basic_gpu_spec<ad>& g, const basic_calibration<ad>& c) {
        ad t(0.0);
        for (const auto& s : stages)
            if (!(opt.text_encoders_on_host && is_text_encoder(s))) t += price(s, g, c).time.value() * ad(s.calls);
        return t;
    };
    const auto g0 = rebind<ad>(gpu);
    const auto c0 = rebind<ad>(sustained(cal)); // priced as estimate_pipeline prices a whole job
    // the latency explained: the caller's estimate of these stages, or priced here
    const double latency =
        known_latency ? known_latency->value() : estimate_pipeline(stages, gpu, cal, opt).latency.value();

    const std::size_t bf16 = static_cast<std::size_t>(compute_class::bf16);
    const std::size_t att = static_cast<std::size_t>(kernel);
    std::array<time_sensitivity, 6> out{{{"bf16_dense_peak_flops_per_s", gpu.dense_peak[bf16].value(), 0},
                                         {"hbm_bandwidth_bytes_per_s", gpu.hbm_bandwidth.value(), 0},
                                         {"gemm_efficiency_bf16", cal.gemm_efficiency[bf16].value, 0},
                                         {"hbm_efficiency", cal.hbm_efficiency.value, 0},
                                         {"attention_efficiency", cal.attention[att].efficiency.value, 0},
                                         {"launch_overhead_s", cal.launch_overhead.value.value(), 0}}};
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto g = g0;
        auto c = c0;
        const ad x = make_fvar<double, 1>(out[i].value);
        switch (i) {
        case 0: g.dense_peak[bf16] = flops_per_second_t<ad>(x); break;
        case 1: g.hbm_bandwidth = bytes_per_second_t<ad>(x); break;
        case 2: c.gemm_efficiency[bf16].value = x; break;
        case 3: c.hbm_efficiency.value = x; break;
        case 4: c.attention[att].efficiency.value = x; break;
        default: c.launch_overhead.value = seconds_t<ad>(x); break;
        }
        const double d = total(g, c).derivative(1);
        out[i].elasticity = latency > 0 ? d * out[i].value / latency : 0;
    }
    return out;
}

/// The time sensitivities of an estimate (pipeline/time_sensitivity.hpp).
[[nodiscard]] inline std::array<time_sensitivity, 6> sensitivities(const inference_job& j, const job_estimate& e,
                                                                   const gpu_spec& gpu, const calibration& cal) {
    return time_sensitivities(e.stages, gpu, cal, j.work.attention, j.pipeline, e.latency());
}

} // namespace vidperf
