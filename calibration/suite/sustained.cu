// The sustained-load section of vidperf-calibrate: minutes of back-to-back
// bf16 GEMMs (cuBLASLt, 8192^3, random operands) with the throughput of every
// ~100 ms interval and an NVML reading (SM clock, board power, temperature,
// clock-event reasons) at its end.
//
// A video job keeps the tensor cores busy for tens of minutes, so it runs at
// the clocks the board's power limit and cooling allow; the other sections
// time short samples, which see the clocks of the first fractions of a
// second. The ratio of the two throughputs is vidperf's
// sustained_clock_ratio (the fitter derives it from the interval records).
//
// Records (kind "sustained"):
//   one per interval: {"record": "interval", "t_s", "dt_s", "gemms", "tflops", "sm_clock_MHz",
//                      "power_W", "temp_C", "throttle_reasons"}
//   one summary:      {"record": "summary", "burst_tflops" (median over the first burst_window_s),
//                      "sustained_tflops" (median over the last sustained_window_s), "ratio", ...}
// t_s is GPU time since the first GEMM started (cumulative event time), dt_s the
// interval's length. The records carry no "throttled" flag: clocks falling at
// the power or thermal limit are what this section measures.
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "common.cuh"
#include "cublas_check.cuh"
#include "sections.cuh"


namespace vpcal {
namespace {

struct interval_reading {
    double t_s = 0, dt_s = 0, tflops = 0;
    long long gemms = 0;
    nvml_sample nvml;
};

[[nodiscard]] double median_of(std::vector<double> v) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

[[nodiscard]] std::string nvml_or_null(bool ok, double v) { return ok ? jnum(v) : std::string("null"); }

/// One bf16 GEMM C[m,n] = A[m,k] B[k,n] through cuBLASLt (the TN layout of the GEMM section), with its
/// descriptors and the heuristic's first algorithm; the destructor releases them.
class lt_gemm {
public:
    lt_gemm(long long m, long long n, long long k, void* a, void* b, void* c) : a_(a), b_(b), c_(c) {
        CUBLAS_CHECK(cublasLtCreate(&lt_));
        CUDA_CHECK(cudaMalloc(&workspace_, workspace_bytes_));
        CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
        const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
        CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof(ta)));
        CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc_, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof(tb)));
        CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la_, CUDA_R_16BF, k, m, k));
        CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb_, CUDA_R_16BF, k, n, k));
        CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lc_, CUDA_R_16BF, m, n, m));
        CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref_));
        CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref_, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                          &workspace_bytes_, sizeof(workspace_bytes_)));
        int found = 0;
        const cublasStatus_t hs =
            cublasLtMatmulAlgoGetHeuristic(lt_, desc_, la_, lb_, lc_, lc_, pref_, 1, &heuristic_, &found);
        ok_ = hs == CUBLAS_STATUS_SUCCESS && found > 0;
    }
    ~lt_gemm() {
        if (pref_ != nullptr) cublasLtMatmulPreferenceDestroy(pref_);
        if (la_ != nullptr) cublasLtMatrixLayoutDestroy(la_);
        if (lb_ != nullptr) cublasLtMatrixLayoutDestroy(lb_);
        if (lc_ != nullptr) cublasLtMatrixLayoutDestroy(lc_);
        if (desc_ != nullptr) cublasLtMatmulDescDestroy(desc_);
        if (workspace_ != nullptr) cudaFree(workspace_);
        if (lt_ != nullptr) cublasLtDestroy(lt_);
    }
    lt_gemm(const lt_gemm&) = delete;
    lt_gemm& operator=(const lt_gemm&) = delete;
    [[nodiscard]] bool ok() const { return ok_; }
    void run() {
        const float alpha = 1.0f, beta = 0.0f;
        CUBLAS_CHECK(cublasLtMatmul(lt_, desc_, &alpha, a_, la_, b_, lb_, &beta, c_, lc_, c_, lc_, &heuristic_.algo,
                                    workspace_, workspace_bytes_, 0));
    }

private:
    void *a_, *b_, *c_;
    cublasLtHandle_t lt_ = nullptr;
    void* workspace_ = nullptr;
    std::size_t workspace_bytes_ = std::size_t(64) << 20;
    cublasLtMatmulDesc_t desc_ = nullptr;
    cublasLtMatrixLayout_t la_ = nullptr, lb_ = nullptr, lc_ = nullptr;
    cublasLtMatmulPreference_t pref_ = nullptr;
    cublasLtMatmulHeuristicResult_t heuristic_{};
    bool ok_ = false;
};

std::string interval_json(const interval_reading& r) {
    const bool ok = r.nvml.ok;
    return "{\"kind\": \"sustained\", \"record\": \"interval\", \"t_s\": " + jnum(r.t_s) + ", \"dt_s\": " +
           jnum(r.dt_s) + ", \"gemms\": " + std::to_string(r.gemms) + ", \"tflops\": " + jnum(r.tflops) +
           ", \"sm_clock_MHz\": " + nvml_or_null(ok, r.nvml.sm_mhz) + ", \"power_W\": " +
           nvml_or_null(ok, r.nvml.power_w) + ", \"temp_C\": " + nvml_or_null(ok, r.nvml.temp_c) +
           ", \"throttle_reasons\": " + (ok ? nvml_reason_names(r.nvml.reasons) : std::string("null")) + "}";
}

} // namespace

void bench_sustained(const sustained_plan& p) {
    const long long m = p.size, n = p.size, k = p.size;
    const std::size_t elems = static_cast<std::size_t>(p.size) * static_cast<std::size_t>(p.size);
    const std::string shape = "\"dtype\": \"bf16\", \"m\": " + std::to_string(m) + ", \"n\": " + std::to_string(n) +
                              ", \"k\": " + std::to_string(k);
    auto skipped = [&](const std::string& why) {
        emit("{\"kind\": \"sustained\", \"status\": \"unsupported\", \"reason\": " + jstr(why) + ", " + shape + "}");
    };
    if (g.sm_version < 80) return skipped("bf16 GEMMs need compute capability 8.0");
    device_buffer A, B, C;
    if (!A.alloc(elems * 2) || !B.alloc(elems * 2) || !C.alloc(elems * 2))
        return skipped("the three " + std::to_string(elems * 2 >> 20) + " MiB operands do not fit in device memory");
    lt_gemm gemm(m, n, k, A.p, B.p, C.p);
    if (!gemm.ok()) return skipped("cuBLASLt has no algorithm for this GEMM");

    section sec("sustained", elapsed_s() + p.duration_s + 4, 1);
    sec.step("bf16 " + std::to_string(m) + "^3 GEMMs back to back for " + jnum(p.duration_s) + " s");
    // check before timing: with every operand 0.5, every entry of C is 0.25 k (exact in bf16 for k = 2^j)
    fill_constant(A.p, elems, elem::bf16, 0.5f);
    fill_constant(B.p, elems, elem::bf16, 0.5f);
    gemm.run();
    CUDA_CHECK(cudaDeviceSynchronize());
    for (const std::size_t at : {std::size_t(0), elems - 1}) {
        const float got = to_host_floats(static_cast<const char*>(C.p) + at * 2, 1, elem::bf16)[0];
        const float want = 0.25f * static_cast<float>(k);
        if (!(std::fabs(got - want) <= 0.01f * want))
            throw std::runtime_error("sustained-section GEMM check failed: " + std::to_string(got) + " instead of " +
                                     std::to_string(want));
    }
    // random operands: constant or low-entropy data toggles fewer bits and draws less power, which would
    // flatter exactly the clocks this section measures
    fill_uniform(A.p, elems, elem::bf16, 11, 1.0f);
    fill_uniform(B.p, elems, elem::bf16, 12, 1.0f);
    CUDA_CHECK(cudaDeviceSynchronize());
    const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
    // the same GEMM through the suite's usual short timing loop, for comparison with the burst window
    const timing probe = time_gpu([&] { gemm.run(); }, cache_state::cold);

    // an idle second first, as the FlashAttention-3 benchmark does before each measurement, so that the
    // power limiter's averaging starts from rest and the first interval shows burst clocks
    std::this_thread::sleep_for(std::chrono::seconds(1));

    // GEMMs are queued about 20 ms deep, an event behind each: the GPU does not wait for the host through
    // an NVML read or a scheduling hiccup, and the host, waiting on the oldest event, reads NVML within
    // ~20 ms of the interval it closes
    const long long depth = std::clamp(static_cast<long long>(std::ceil(0.02 / probe.median_s)), 4LL, 64LL);
    const long long ring = depth + 2; // event i is re-recorded only after events i and i + 1 were read
    std::vector<cudaEvent_t> events(static_cast<std::size_t>(ring));
    for (auto& e : events) CUDA_CHECK(cudaEventCreate(&e));
    cudaEvent_t start;
    CUDA_CHECK(cudaEventCreate(&start));

    std::vector<interval_reading> intervals;
    interval_reading current;
    double gpu_time = 0;      // seconds of GPU time since `start`
    long long total_gemms = 0;
    double next_progress_s = 10;
    cudaEvent_t previous = start;
    auto read_one = [&](long long i) {
        cudaEvent_t e = events[static_cast<std::size_t>(i % ring)];
        CUDA_CHECK(cudaEventSynchronize(e));
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, previous, e));
        previous = e;
        const double dt = static_cast<double>(ms) * 1e-3;
        gpu_time += dt;
        current.dt_s += dt;
        ++current.gemms;
        ++total_gemms;
        if (current.dt_s >= p.interval_s) {
            current.t_s = gpu_time;
            current.tflops = flops * static_cast<double>(current.gemms) / current.dt_s / 1e12;
            current.nvml = g.nvml.sample();
            emit(interval_json(current));
            intervals.push_back(current);
            if (gpu_time >= next_progress_s) {
                std::fprintf(stderr, "[sustained] %.0f s: %.1f TFLOP/s, %u MHz, %.0f W, %u C\n", gpu_time,
                             current.tflops, current.nvml.sm_mhz, current.nvml.power_w, current.nvml.temp_c);
                next_progress_s += 10;
            }
            current = interval_reading{};
        }
    };
    const auto wall0 = std::chrono::steady_clock::now();
    CUDA_CHECK(cudaEventRecord(start));
    long long issued = 0;
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count() < p.duration_s) {
        gemm.run();
        CUDA_CHECK(cudaEventRecord(events[static_cast<std::size_t>(issued % ring)]));
        ++issued;
        if (issued > depth) read_one(issued - 1 - depth);
    }
    for (long long i = std::max(0LL, issued - depth); i < issued; ++i) read_one(i);
    for (auto& e : events) CUDA_CHECK(cudaEventDestroy(e));
    CUDA_CHECK(cudaEventDestroy(start));
    if (intervals.empty()) return skipped("the run was shorter than one interval");

    // the summary: medians over the first burst_window_s and over the last sustained_window_s
    const double end_s = intervals.back().t_s;
    const double window_s = std::min(p.sustained_window_s, 0.5 * end_s);
    std::vector<double> burst, sustained, burst_mhz, sustained_mhz, sustained_w, sustained_c;
    unsigned long long reasons = 0;
    unsigned max_temp = 0;
    for (const auto& r : intervals) {
        const bool in_burst = r.t_s <= p.burst_window_s || (burst.empty() && &r == &intervals.front());
        if (in_burst) {
            burst.push_back(r.tflops);
            if (r.nvml.ok) burst_mhz.push_back(r.nvml.sm_mhz);
        } else if (r.t_s >= end_s - window_s) {
            sustained.push_back(r.tflops);
            if (r.nvml.ok) {
                sustained_mhz.push_back(r.nvml.sm_mhz);
                sustained_w.push_back(r.nvml.power_w);
                sustained_c.push_back(r.nvml.temp_c);
                reasons |= r.nvml.reasons & ~nvml_reason::gpu_idle;
            }
        }
        if (r.nvml.ok) max_temp = std::max(max_temp, r.nvml.temp_c);
    }
    const double b = median_of(burst), s = median_of(sustained);
    const double b_mhz = median_of(burst_mhz), s_mhz = median_of(sustained_mhz);
    const bool have_nvml = !sustained_mhz.empty();
    emit("{\"kind\": \"sustained\", \"record\": \"summary\", " + shape + ", \"duration_s\": " + jnum(end_s) +
         ", \"interval_s\": " + jnum(p.interval_s) + ", \"intervals\": " + std::to_string(intervals.size()) +
         ", \"gemms\": " + std::to_string(total_gemms) + ", \"queue_depth\": " + std::to_string(depth) +
         ", \"burst_window_s\": " + jnum(p.burst_window_s) +
         ", \"sustained_window_s\": " + jnum(window_s) + ", \"burst_tflops\": " + jnum(b) +
         ", \"sustained_tflops\": " + jnum(s) + ", \"ratio\": " + jnum(s / b) +
         ", \"burst_sm_clock_MHz\": " + jnum(b_mhz) + ", \"sustained_sm_clock_MHz\": " + jnum(s_mhz) +
         ", \"clock_ratio\": " + jnum(s_mhz / b_mhz) + ", \"sustained_power_W\": " + jnum(median_of(sustained_w)) +
         ", \"sustained_temp_C\": " + jnum(median_of(sustained_c)) +
         ", \"max_temp_C\": " + (have_nvml ? std::to_string(max_temp) : std::string("null")) +
         ", \"power_limit_W\": " + (g.nvml.available() ? jnum(g.nvml.power_limit_w()) : std::string("null")) +
         ", \"throttle_reasons\": " + (have_nvml ? nvml_reason_names(reasons) : std::string("null")) +
         ", \"probe_tflops\": " + jnum(flops / probe.median_s / 1e12) + ", \"probe_samples\": " +
         std::to_string(probe.samples) + "}");
    std::fprintf(stderr, "[sustained] burst %.1f TFLOP/s, sustained %.1f TFLOP/s: ratio %.3f\n", b, s, s / b);
}

} // namespace vpcal
