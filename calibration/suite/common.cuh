#pragma once
// Shared machinery of vidperf-calibrate: output records, the timing loop
// (CUDA events, L2 flush before cold samples, clock64() and NVML checks),
// per-section time budgets with progress on stderr, and device fills.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nvml_probe.hpp"

#define CUDA_CHECK(expr)                                                                                             \
    do {                                                                                                             \
        const cudaError_t e_ = (expr);                                                                               \
        if (e_ != cudaSuccess)                                                                                       \
            throw std::runtime_error(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + #expr + ": " + \
                                     cudaGetErrorString(e_));                                                        \
    } while (0)

namespace vpcal {

/// A 16-bit element as a float, on the device (the reference kernels accumulate in float).
__device__ inline float device_float(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ inline float device_float(__half v) { return __half2float(v); }

/// Device memory owned for a scope: the constructor throws on failure (CUDA_CHECK), alloc() returns false.
struct device_buffer {
    void* p = nullptr;
    std::size_t bytes = 0;
    device_buffer() = default;
    explicit device_buffer(std::size_t n) : bytes(n) {
        if (n > 0) CUDA_CHECK(cudaMalloc(&p, n));
    }
    [[nodiscard]] bool alloc(std::size_t n) {
        if (cudaMalloc(&p, n) != cudaSuccess) {
            (void)cudaGetLastError();
            p = nullptr;
            return false;
        }
        bytes = n;
        return true;
    }
    ~device_buffer() {
        if (p != nullptr) cudaFree(p);
    }
    device_buffer(const device_buffer&) = delete;
    device_buffer& operator=(const device_buffer&) = delete;
};

// ------------------------------------------------------------------ run-wide state

struct run_state {
    std::FILE* out = nullptr;
    bool quick = false;
    int max_clock_khz = 0;         ///< cudaDevAttrClockRate of device 0
    int sm_version = 0;            ///< compute capability x 10
    std::size_t l2_bytes = 0;
    bool cold = true, warm = false; ///< which cache states compute ops are measured in (--cache)
    double budget_s = 450;         ///< the whole run's measurement budget
    nvml_probe nvml;
};
extern run_state g;

// ------------------------------------------------------------------ output

void emit(const std::string& line);
[[nodiscard]] std::string jstr(const std::string& s);
/// A JSON number ("%.9g"); null for NaN and infinities.
[[nodiscard]] std::string jnum(double v);

/// Seconds since the run started.
[[nodiscard]] double elapsed_s();

// ------------------------------------------------------------------ timing

enum class cache_state { cold, warm };
[[nodiscard]] const char* name(cache_state c);
/// The cache states selected with --cache, cold first.
[[nodiscard]] std::vector<cache_state> cache_states();

struct timing {
    double median_s = 0, spread = 0; ///< spread = (p90 - p10) / median
    int samples = 0;
    bool throttled = false;
    std::string throttled_by; ///< JSON array: "clock64" and/or NVML reasons, when throttled
    double clock_mhz = 0;     ///< clock64() estimate, the lower of before and after
    std::string nvml;         ///< JSON object: before / during / after readings, or null
    cache_state cache = cache_state::warm;
};

/// Allocates the L2 flush buffer (4x the L2 size, at least 64 MiB).
void init_flush(std::size_t l2_bytes);
/// Reads the flush buffer on the default stream: evicts everything from L2 and leaves it clean.
void flush_l2();
/// Keeps the GPU busy for `seconds` so that its clocks ramp up from idle before measuring.
void warm_up_gpu(double seconds, int sm_count);

/// Times `body` (work on the default stream) with CUDA events: warm-up, then
/// samples until the inter-quartile range is under 1 % of the median, or the
/// sample / time cap. With cache_state::cold the L2 is flushed before every
/// sample, outside the timed interval; `before_each` also runs there. A short
/// spin kernel holds the stream before the first event, so host enqueue
/// latency is not timed.
[[nodiscard]] timing time_gpu(const std::function<void()>& body, cache_state cache,
                              const std::function<void()>& before_each = {});

/// "time_s", "spread", "samples", "cache", "sm_clock_MHz", "nvml", "throttled"[, "throttled_by"] fields.
[[nodiscard]] std::string timing_fields(const timing& t);

/// Effective SM clock in MHz from a clock64() spin of about 2 ms.
[[nodiscard]] double sm_clock_mhz();

// ------------------------------------------------------------------ budgets and progress

/// A section of the run: it may run until `end_s` seconds after the start
/// (time a section leaves unused passes on to the next); prints progress.
class section {
public:
    section(std::string name, double end_s, int items);
    ~section();
    section(const section&) = delete;
    section& operator=(const section&) = delete;
    /// False once the section's time is spent; then records how many items were left.
    [[nodiscard]] bool time_left();
    /// Starts item i (1-based) of N: prints "[name] i/N elapsed: what".
    void step(const std::string& what);
    void add_items(int n) { items_ += n; }
    [[nodiscard]] const std::string& name() const { return name_; }

private:
    std::string name_;
    double end_s_;
    int items_, done_ = 0;
    bool cut_ = false;
};

/// Cumulative end times of the sections (seconds from the start), from the budget.
struct budget_plan {
    double launch, host, memory, gemm, attention, conv, collectives;
};
[[nodiscard]] budget_plan plan_budget(double total_s);

// ------------------------------------------------------------------ device data

enum class elem { bf16, fp16, fp32, fp8_e4m3, int8, int32 };
[[nodiscard]] std::size_t elem_size(elem e);
/// Uniform values in [-scale, scale] (deterministic in `seed`; integers rounded to nearest).
void fill_uniform(void* p, std::size_t n, elem e, std::uint32_t seed, float scale);
/// Every element = v.
void fill_constant(void* p, std::size_t n, elem e, float v);
/// Copies n elements to the host as floats.
[[nodiscard]] std::vector<float> to_host_floats(const void* p, std::size_t n, elem e);

/// Free device memory in bytes.
[[nodiscard]] std::size_t free_device_bytes();

} // namespace vpcal
