// Shared machinery of vidperf-calibrate (see common.cuh).
#include "common.cuh"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

namespace vpcal {

run_state g;

namespace {

const auto g_start = std::chrono::steady_clock::now();
void* g_flush = nullptr;
std::size_t g_flush_bytes = 0;
long long* g_spin_out = nullptr; ///< where the stream-holding spin kernel writes its cycle count
float* g_flush_sink = nullptr;

__global__ void spin_kernel(long long cycles, long long* measured) {
    const long long start = clock64();
    while (clock64() - start < cycles) {
    }
    if (threadIdx.x == 0) *measured = clock64() - start;
}

// Reads the flush buffer: every L2 line it leaves is clean, so the timed kernel after it pays no
// write-back of the flush (a memset would leave dirty lines that drain inside the timed interval).
__global__ void flush_read_kernel(const float4* __restrict__ p, std::size_t n, float* sink) {
    float acc = 0;
    for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
        const float4 v = p[i];
        acc += v.x + v.y + v.z + v.w;
    }
    if (acc == 1234.5f) *sink = acc; // never true for the zero-filled buffer; keeps the loads
}

__device__ float hash_uniform(unsigned long long i, std::uint32_t seed) {
    std::uint32_t x = static_cast<std::uint32_t>(i ^ (i >> 32)) * 0x9E3779B1u ^ (seed * 0x85EBCA6Bu + 0x632BE59Bu);
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    x ^= x >> 16;
    return static_cast<float>(x >> 8) * (2.0f / 16777216.0f) - 1.0f;
}

template <class T>
__device__ T from_float(float v);
template <>
__device__ float from_float<float>(float v) {
    return v;
}
template <>
__device__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) {
    return __float2bfloat16(v);
}
template <>
__device__ __half from_float<__half>(float v) {
    return __float2half(v);
}
template <>
__device__ __nv_fp8_e4m3 from_float<__nv_fp8_e4m3>(float v) {
    return __nv_fp8_e4m3(v);
}
template <>
__device__ std::int8_t from_float<std::int8_t>(float v) {
    return static_cast<std::int8_t>(fminf(127.0f, fmaxf(-128.0f, rintf(v))));
}
template <>
__device__ std::int32_t from_float<std::int32_t>(float v) {
    return static_cast<std::int32_t>(rintf(v));
}

template <class T>
__global__ void fill_uniform_kernel(T* p, std::size_t n, std::uint32_t seed, float scale) {
    for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x)
        p[i] = from_float<T>(scale * hash_uniform(i, seed));
}

template <class T>
__global__ void fill_constant_kernel(T* p, std::size_t n, float v) {
    for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x)
        p[i] = from_float<T>(v);
}

int fill_blocks(std::size_t n) { return static_cast<int>(std::min<std::size_t>((n + 255) / 256, 8192)); }

std::string nvml_reading(const nvml_sample& s) {
    if (!s.ok) return "null";
    return "{\"sm_MHz\": " + std::to_string(s.sm_mhz) + ", \"mem_MHz\": " + std::to_string(s.mem_mhz) +
           ", \"temp_C\": " + std::to_string(s.temp_c) + ", \"power_W\": " + jnum(s.power_w) +
           ", \"reasons\": " + nvml_reason_names(s.reasons) + "}";
}

/// Polls NVML on a thread while a measurement runs.
class nvml_poller {
public:
    nvml_poller() {
        if (!g.nvml.available()) return;
        thread_ = std::thread([this] {
            while (!stop_.load()) {
                const nvml_sample s = g.nvml.sample();
                if (s.ok) {
                    std::lock_guard<std::mutex> lock(mutex_);
                    ++polls_;
                    sm_min_ = std::min(sm_min_, s.sm_mhz);
                    sm_max_ = std::max(sm_max_, s.sm_mhz);
                    temp_max_ = std::max(temp_max_, s.temp_c);
                    power_max_ = std::max(power_max_, s.power_w);
                    reasons_ |= s.reasons & ~nvml_reason::gpu_idle;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    ~nvml_poller() { stop(); }
    nvml_poller(const nvml_poller&) = delete;
    nvml_poller& operator=(const nvml_poller&) = delete;
    void stop() {
        stop_.store(true);
        if (thread_.joinable()) thread_.join();
    }
    [[nodiscard]] unsigned long long reasons() const { return reasons_; }
    [[nodiscard]] std::string json() const {
        if (polls_ == 0) return "null";
        return "{\"sm_MHz_min\": " + std::to_string(sm_min_) + ", \"sm_MHz_max\": " + std::to_string(sm_max_) +
               ", \"temp_C_max\": " + std::to_string(temp_max_) + ", \"power_W_max\": " + jnum(power_max_) +
               ", \"reasons\": " + nvml_reason_names(reasons_) + ", \"polls\": " + std::to_string(polls_) + "}";
    }

private:
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    int polls_ = 0;
    unsigned sm_min_ = UINT_MAX, sm_max_ = 0, temp_max_ = 0;
    double power_max_ = 0;
    unsigned long long reasons_ = 0;
};

double quantile(const std::vector<double>& sorted, double q) {
    const double pos = q * static_cast<double>(sorted.size() - 1);
    const std::size_t lo = static_cast<std::size_t>(pos);
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double f = pos - static_cast<double>(lo);
    return sorted[lo] * (1 - f) + sorted[hi] * f;
}

} // namespace

// ------------------------------------------------------------------ output

void emit(const std::string& line) {
    std::fputs(line.c_str(), g.out);
    std::fputc('\n', g.out);
    std::fflush(g.out);
}

std::string jstr(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            o += '\\';
            o += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            o += buf;
        } else {
            o += c;
        }
    }
    return o + "\"";
}

std::string jnum(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

double elapsed_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now() - g_start).count(); }

// ------------------------------------------------------------------ timing

const char* name(cache_state c) { return c == cache_state::cold ? "cold" : "warm"; }

std::vector<cache_state> cache_states() {
    std::vector<cache_state> v;
    if (g.cold) v.push_back(cache_state::cold);
    if (g.warm) v.push_back(cache_state::warm);
    return v;
}

void init_flush(std::size_t l2_bytes) {
    g_flush_bytes = std::max<std::size_t>(4 * l2_bytes, std::size_t(64) << 20);
    CUDA_CHECK(cudaMalloc(&g_flush, g_flush_bytes));
    CUDA_CHECK(cudaMemset(g_flush, 0, g_flush_bytes));
    CUDA_CHECK(cudaMalloc(&g_spin_out, sizeof(long long)));
    CUDA_CHECK(cudaMalloc(&g_flush_sink, sizeof(float)));
    CUDA_CHECK(cudaDeviceSynchronize());
}

void flush_l2() {
    const std::size_t n = g_flush_bytes / sizeof(float4);
    flush_read_kernel<<<static_cast<int>(std::min<std::size_t>((n + 255) / 256, 65535)), 256>>>(
        static_cast<const float4*>(g_flush), n, g_flush_sink);
    CUDA_CHECK(cudaGetLastError());
}

void warm_up_gpu(double seconds, int sm_count) {
    // every SM busy until the clocks have ramped from idle
    const long long cycles = static_cast<long long>(g.max_clock_khz) * 50; // ~50 ms at the max clock
    const auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < seconds) {
        spin_kernel<<<4 * sm_count, 256>>>(cycles, g_spin_out);
        CUDA_CHECK(cudaDeviceSynchronize());
    }
}

double sm_clock_mhz() {
    long long* d = nullptr;
    CUDA_CHECK(cudaMalloc(&d, sizeof(long long)));
    cudaEvent_t a, b;
    CUDA_CHECK(cudaEventCreate(&a));
    CUDA_CHECK(cudaEventCreate(&b));
    const long long cycles = static_cast<long long>(g.max_clock_khz) * 2; // ~2 ms at the max clock
    spin_kernel<<<1, 32>>>(cycles / 10, d);                                 // warm-up
    CUDA_CHECK(cudaEventRecord(a));
    spin_kernel<<<1, 32>>>(cycles, d);
    CUDA_CHECK(cudaEventRecord(b));
    CUDA_CHECK(cudaEventSynchronize(b));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
    long long measured = 0;
    CUDA_CHECK(cudaMemcpy(&measured, d, sizeof(measured), cudaMemcpyDeviceToHost));
    CUDA_CHECK(cudaFree(d));
    CUDA_CHECK(cudaEventDestroy(a));
    CUDA_CHECK(cudaEventDestroy(b));
    return static_cast<double>(measured) / (static_cast<double>(ms) * 1e3);
}

timing time_gpu(const std::function<void()>& body, cache_state cache, const std::function<void()>& before_each) {
    timing t;
    t.cache = cache;
    double clock_before = sm_clock_mhz();
    if (clock_before < 0.75 * g.max_clock_khz / 1000.0) { // a GPU coming out of idle: ramp, then read again
        warm_up_gpu(0.2, 1);
        clock_before = sm_clock_mhz();
    }
    auto prepare = [&] {
        if (cache == cache_state::cold) flush_l2();
        if (before_each) before_each();
    };
    cudaEvent_t a, b;
    CUDA_CHECK(cudaEventCreate(&a));
    CUDA_CHECK(cudaEventCreate(&b));
    // a short spin holds the stream while the host enqueues the body, so the interval between the events
    // is GPU time only (no host launch or library-call latency), warm or cold
    const long long hold_cycles = static_cast<long long>(g.max_clock_khz) / 20; // ~50 us at the max clock
    auto timed = [&] {
        prepare();
        spin_kernel<<<1, 32>>>(hold_cycles, g_spin_out);
        CUDA_CHECK(cudaEventRecord(a));
        body();
        CUDA_CHECK(cudaEventRecord(b));
        CUDA_CHECK(cudaEventSynchronize(b));
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
        return static_cast<double>(ms) * 1e-3;
    };
    // warm-up: 3 calls, or 1 when a call takes over 50 ms
    const double first = timed();
    for (int i = 0; i < (first > 0.05 ? 0 : 2); ++i) (void)timed();
    const nvml_sample before = g.nvml.sample();
    nvml_poller poller;
    std::vector<double> samples;
    const int min_samples = first > 1.0 ? 3 : first > 0.1 ? 5 : 10;
    const int cap = g.quick ? 30 : 200;
    const double time_cap = g.quick ? 0.5 : 2.0;
    const auto wall0 = std::chrono::steady_clock::now();
    while (true) {
        samples.push_back(timed());
        if (static_cast<int>(samples.size()) < min_samples) continue;
        std::vector<double> s = samples;
        std::sort(s.begin(), s.end());
        const double med = quantile(s, 0.5);
        const double iqr = quantile(s, 0.75) - quantile(s, 0.25);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        if (iqr / med < 0.01 || static_cast<int>(s.size()) >= cap || wall > time_cap) {
            t.median_s = med;
            t.spread = (quantile(s, 0.9) - quantile(s, 0.1)) / med;
            break;
        }
    }
    poller.stop();
    const nvml_sample after = g.nvml.sample();
    t.samples = static_cast<int>(samples.size());
    CUDA_CHECK(cudaEventDestroy(a));
    CUDA_CHECK(cudaEventDestroy(b));
    const double clock_after = sm_clock_mhz();
    t.clock_mhz = std::min(clock_before, clock_after);

    std::vector<std::string> why;
    if (t.clock_mhz < 0.75 * g.max_clock_khz / 1000.0) why.push_back("\"clock64\"");
    const unsigned long long reasons = (before.reasons | poller.reasons() | after.reasons) & nvml_reason::throttling;
    if (reasons != 0) {
        const std::string names = nvml_reason_names(reasons); // ["hw_slowdown", ...]
        why.push_back(names.substr(1, names.size() - 2));
    }
    t.throttled = !why.empty();
    if (t.throttled) {
        t.throttled_by = "[";
        for (std::size_t i = 0; i < why.size(); ++i) t.throttled_by += (i ? ", " : "") + why[i];
        t.throttled_by += "]";
    }
    if (g.nvml.available())
        t.nvml = "{\"before\": " + nvml_reading(before) + ", \"during\": " + poller.json() +
                 ", \"after\": " + nvml_reading(after) + "}";
    else
        t.nvml = "null";
    return t;
}

std::string timing_fields(const timing& t) {
    std::string s = "\"time_s\": " + jnum(t.median_s) + ", \"spread\": " + jnum(t.spread) +
                    ", \"samples\": " + std::to_string(t.samples) + ", \"cache\": \"" + name(t.cache) +
                    "\", \"sm_clock_MHz\": " + jnum(std::round(t.clock_mhz));
    s += ", \"nvml\": " + t.nvml + ", \"throttled\": " + (t.throttled ? "true" : "false");
    if (t.throttled) s += ", \"throttled_by\": " + t.throttled_by;
    return s;
}

// ------------------------------------------------------------------ budgets and progress

section::section(std::string name, double end_s, int items) : name_(std::move(name)), end_s_(end_s), items_(items) {
    std::fprintf(stderr, "[%s] start at %.1f s (budget until %.0f s), %d items\n", name_.c_str(), elapsed_s(), end_s_,
                 items_);
}

section::~section() {
    std::fprintf(stderr, "[%s] done at %.1f s: %d of %d items\n", name_.c_str(), elapsed_s(), done_, items_);
}

bool section::time_left() {
    if (cut_) return false;
    if (elapsed_s() < end_s_) return true;
    cut_ = true;
    const int left = std::max(0, items_ - done_);
    std::fprintf(stderr, "[%s] time budget spent at %.1f s: %d items left unmeasured\n", name_.c_str(), elapsed_s(),
                 left);
    emit("{\"kind\": \"skipped\", \"section\": " + jstr(name_) + ", \"reason\": \"time budget\", \"items_left\": " +
         std::to_string(left) + "}");
    return false;
}

void section::step(const std::string& what) {
    ++done_;
    std::fprintf(stderr, "[%s] %d/%d %.1f s: %s\n", name_.c_str(), done_, items_, elapsed_s(), what.c_str());
}

budget_plan plan_budget(double total_s) {
    budget_plan p{};
    double t = 0;
    p.launch = t += 0.01 * total_s;
    p.host = t += 0.03 * total_s;
    p.memory = t += 0.13 * total_s;
    p.gemm = t += 0.24 * total_s;
    p.attention = t += 0.33 * total_s;
    p.conv = t += 0.18 * total_s;
    p.collectives = t += 0.08 * total_s;
    return p;
}

// ------------------------------------------------------------------ device data

std::size_t elem_size(elem e) {
    switch (e) {
    case elem::bf16:
    case elem::fp16: return 2;
    case elem::fp32: return 4;
    case elem::fp8_e4m3:
    case elem::int8: return 1;
    case elem::int32: return 4;
    }
    return 1;
}

void fill_uniform(void* p, std::size_t n, elem e, std::uint32_t seed, float scale) {
    const int blocks = fill_blocks(n);
    switch (e) {
    case elem::bf16: fill_uniform_kernel<<<blocks, 256>>>(static_cast<__nv_bfloat16*>(p), n, seed, scale); break;
    case elem::fp16: fill_uniform_kernel<<<blocks, 256>>>(static_cast<__half*>(p), n, seed, scale); break;
    case elem::fp32: fill_uniform_kernel<<<blocks, 256>>>(static_cast<float*>(p), n, seed, scale); break;
    case elem::fp8_e4m3: fill_uniform_kernel<<<blocks, 256>>>(static_cast<__nv_fp8_e4m3*>(p), n, seed, scale); break;
    case elem::int8: fill_uniform_kernel<<<blocks, 256>>>(static_cast<std::int8_t*>(p), n, seed, scale); break;
    case elem::int32: fill_uniform_kernel<<<blocks, 256>>>(static_cast<std::int32_t*>(p), n, seed, scale); break;
    }
    CUDA_CHECK(cudaGetLastError());
}

void fill_constant(void* p, std::size_t n, elem e, float v) {
    const int blocks = fill_blocks(n);
    switch (e) {
    case elem::bf16: fill_constant_kernel<<<blocks, 256>>>(static_cast<__nv_bfloat16*>(p), n, v); break;
    case elem::fp16: fill_constant_kernel<<<blocks, 256>>>(static_cast<__half*>(p), n, v); break;
    case elem::fp32: fill_constant_kernel<<<blocks, 256>>>(static_cast<float*>(p), n, v); break;
    case elem::fp8_e4m3: fill_constant_kernel<<<blocks, 256>>>(static_cast<__nv_fp8_e4m3*>(p), n, v); break;
    case elem::int8: fill_constant_kernel<<<blocks, 256>>>(static_cast<std::int8_t*>(p), n, v); break;
    case elem::int32: fill_constant_kernel<<<blocks, 256>>>(static_cast<std::int32_t*>(p), n, v); break;
    }
    CUDA_CHECK(cudaGetLastError());
}

std::vector<float> to_host_floats(const void* p, std::size_t n, elem e) {
    std::vector<unsigned char> raw(n * elem_size(e));
    CUDA_CHECK(cudaMemcpy(raw.data(), p, raw.size(), cudaMemcpyDeviceToHost));
    std::vector<float> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char* q = raw.data() + i * elem_size(e);
        switch (e) {
        case elem::bf16: {
            __nv_bfloat16 v;
            std::memcpy(&v, q, 2);
            out[i] = __bfloat162float(v);
            break;
        }
        case elem::fp16: {
            __half v;
            std::memcpy(&v, q, 2);
            out[i] = __half2float(v);
            break;
        }
        case elem::fp32: std::memcpy(&out[i], q, 4); break;
        case elem::fp8_e4m3: {
            __nv_fp8_e4m3 v;
            std::memcpy(&v, q, 1);
            out[i] = static_cast<float>(v);
            break;
        }
        case elem::int8: out[i] = static_cast<float>(*reinterpret_cast<const std::int8_t*>(q)); break;
        case elem::int32: {
            std::int32_t v;
            std::memcpy(&v, q, 4);
            out[i] = static_cast<float>(v);
            break;
        }
        }
    }
    return out;
}

std::size_t free_device_bytes() {
    std::size_t free_b = 0, total_b = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    return free_b;
}

} // namespace vpcal
