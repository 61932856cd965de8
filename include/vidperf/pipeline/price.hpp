#pragma once
/// \file
/// The one pricing walk: a stage's ops, each predicted on a target (a GPU with
/// its calibration, or the host CPU) and multiplied by its count. Every caller
/// that turns ops into time (the inference pipeline, training steps, time
/// sensitivities, the validation measurements) goes through `price`, so they
/// cannot disagree about what a stage costs. Allocates nothing.

#include <array>
#include <span>

#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/engine.hpp>
#include <vidperf/roofline/host.hpp>

namespace vidperf {

/// One call of a stage (or one list of ops), priced.
template <class Real = double>
struct ops_price {
    seconds_t<Real> time{};          ///< sum over ops of count x time
    seconds_t<Real> compute{};       ///< the part spent in compute-bound ops
    seconds_t<Real> memory{};        ///< ... memory-bound ops
    seconds_t<Real> overhead{};      ///< ... overhead-bound ops
    seconds_t<Real> communication{}; ///< ... collectives
    flops_t<Real> work{};
    bytes_t<Real> traffic{};
    std::array<seconds_t<Real>, op_kind_count> by_kind{}; ///< the time by op kind (GEMM, attention, ...)

    /// The bound that takes most of the time (communication counts as overhead, as the stage table shows it).
    [[nodiscard]] constexpr bound_kind bound() const {
        const auto other = overhead + communication;
        if (compute >= memory && compute >= other) return bound_kind::compute;
        return memory >= other ? bound_kind::memory : bound_kind::overhead;
    }
};

/// Prices `ops` with `predict_op` (any callable op -> prediction<Real>).
template <class Real = double, class Predictor>
[[nodiscard]] constexpr ops_price<Real> price_ops(std::span<const op_use> ops, Predictor&& predict_op) {
    ops_price<Real> out;
    for (const auto& u : ops) {
        const prediction<Real> p = predict_op(u.op);
        const Real n(u.count);
        const auto t = p.time * n;
        out.time += t;
        out.by_kind[static_cast<std::size_t>(kind_of(u.op))] += t;
        out.work += p.flops * n;
        out.traffic += p.bytes * n;
        switch (p.bound) {
        case bound_kind::compute: out.compute += t; break;
        case bound_kind::memory: out.memory += t; break;
        case bound_kind::communication: out.communication += t; break;
        default: out.overhead += t; break;
        }
    }
    return out;
}

/// One call of `s` on a GPU.
template <class Real>
[[nodiscard]] constexpr ops_price<Real> price(const stage& s, const basic_gpu_spec<Real>& gpu,
                                              const basic_calibration<Real>& cal) {
    return price_ops<Real>(s.ops, [&](const op& o) { return predict(o, gpu, cal); });
}

/// A list of ops (a training step's forward, backward or recompute) on a GPU.
template <class Real>
[[nodiscard]] constexpr ops_price<Real> price(std::span<const op_use> ops, const basic_gpu_spec<Real>& gpu,
                                              const basic_calibration<Real>& cal) {
    return price_ops<Real>(ops, [&](const op& o) { return predict(o, gpu, cal); });
}

/// One call of `s` on the host CPU.
[[nodiscard]] inline ops_price<double> price(const stage& s, const host_spec& host) {
    return price_ops<double>(s.ops, [&](const op& o) { return predict(o, host); });
}

} // namespace vidperf
