// Shared by the fuzz harnesses (tests/fuzz/fuzz_*.cpp): what every reader must do with any input.
//
// A harness feeds bytes to one reader. The reader may refuse them, and must do so by throwing
// vidperf::error (a clear message naming the field); anything else is a finding: another exception type
// escapes the harness (libFuzzer reports it as a crash), and a crash or undefined behaviour is caught by the
// sanitizers. What a reader accepts must then be usable: the harness prices a small job or op with it, and
// every time, byte count and memory figure must be finite and not negative — otherwise it traps.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <vidperf/all.hpp>

namespace vidperf_fuzz {

/// Stops the run with a message: a finding.
[[noreturn]] inline void finding(const char* what, double value) {
    std::fprintf(stderr, "fuzz finding: %s = %g\n", what, value);
    __builtin_trap();
}

/// A figure the reader's output produced must be finite and >= 0.
inline void check(double v, const char* what) {
    if (!std::isfinite(v) || v < 0) finding(what, v);
}

[[nodiscard]] inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Runs `body`; a vidperf::error is a refusal (fine), everything else propagates.
template <class F>
int run(F&& body) {
    try {
        body();
    } catch (const vidperf::error&) {
    }
    return 0;
}

/// Prices `job` on `gpu` with `cal`; refusals are vidperf::errors, results must be finite.
inline void price(const vidperf::inference_job& job, const vidperf::gpu_spec& gpu, const vidperf::calibration& cal) {
    const vidperf::job_estimate e = vidperf::estimate(job, gpu, cal);
    check(e.latency().value(), "latency");
    check(e.pipeline.memory.device_total.value(), "device memory");
    check(e.pipeline.memory.activations.value(), "activations");
    for (const auto& k : e.pipeline.by_kind) check(k.value(), "time by op kind");
    for (const auto& s : e.pipeline.stages) {
        check(s.latency.value(), "stage latency");
        check(s.work.value(), "stage FLOPs");
        check(s.traffic.value(), "stage bytes");
    }
}

/// A small standard job: the model's own workload cut down to a few steps.
[[nodiscard]] inline vidperf::inference_job small_job(const vidperf::model_spec& m) {
    vidperf::inference_request r;
    r.steps = 2;
    return vidperf::make_job(m, r);
}

} // namespace vidperf_fuzz
