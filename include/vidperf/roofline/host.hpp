#pragma once
/// \file
/// The host CPU as a pricing target of the engine: stages a job runs on the
/// CPU (text encoders with Wan's --t5_cpu) are priced op by op like GPU
/// stages, each op at the host's FLOP rate or memory bandwidth, whichever is
/// slower (a two-term roofline with no overlap model and no launch overhead).
/// The two constants are calibration constants (host_flops_per_s,
/// host_bandwidth_Bps) with provenance; both are assumptions until a user
/// gives measured figures (--host-tflops, --host-GBps).

#include <vidperf/core/quantity.hpp>
#include <vidperf/ops/op_cost.hpp>
#include <vidperf/ops/ops.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/engine.hpp>

namespace vidperf {

struct host_spec {
    calibrated<flops_per_second> rate{};
    calibrated<bytes_per_second> memory_bandwidth{};
};

/// The host CPU of a calibration (constants host_flops_per_s and host_bandwidth_Bps).
[[nodiscard]] constexpr host_spec host_of(const calibration& cal) { return {cal.host_flops, cal.host_bandwidth}; }

/// Time of one op on the host CPU.
[[nodiscard]] inline prediction<double> predict(const op& o, const host_spec& host) {
    const auto c = cost(o);
    prediction<double> p;
    p.flops = c.flops;
    p.bytes = c.bytes();
    p.compute_time = c.flops / host.rate.value;
    p.memory_time = p.bytes / host.memory_bandwidth.value;
    p.compute_rate = host.rate.value;
    p.memory_bandwidth = host.memory_bandwidth.value;
    p.compute_efficiency = 1;
    const bool compute = p.compute_time >= p.memory_time;
    p.time = compute ? p.compute_time : p.memory_time;
    p.bound = compute ? bound_kind::compute : bound_kind::memory;
    p.compute_basis = host.rate.from.kind;
    p.memory_basis = host.memory_bandwidth.from.kind;
    p.overhead_basis = provenance_kind::measured;
    p.basis = compute ? p.compute_basis : p.memory_basis;
    return p;
}

} // namespace vidperf
