// vidperf-calibrate: microbenchmarks that measure one GPU for vidperf's calibration.
//
//   vidperf-calibrate --out raw.jsonl [--quick]
//
// Writes JSON lines (schema vidperf.calibration-raw/1): a metadata record, then
// one record per measurement: memory copies over working sets from 4 KiB to
// 4 GiB, kernel-launch latency (stream and CUDA-graph replay), host<->device
// copies (pinned and pageable), and cuBLASLt GEMMs per dtype (square sizes and
// the shapes of video DiTs). vidperf-fit turns the file into a calibration.
//
// Timing: every measurement is checked once (the kernel's result is verified)
// before it is timed; then warm-up runs, then CUDA-event timings until the
// median's relative spread is below 1 % or 200 samples / 2 s. The SM clock is
// measured with a clock64() spin kernel before and after each measurement; a
// clock below 75 % of the device's maximum marks the record "throttled" (the
// fitter refuses such records). Only the CUDA toolkit is needed (no NVML, so
// temperature and power are not recorded).
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#if defined(__has_include)
#if __has_include(<cuda_fp8.h>)
#include <cuda_fp8.h>
#define VIDPERF_HAVE_FP8 1
#endif
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#define CUDA_CHECK(expr)                                                                                             \
    do {                                                                                                             \
        const cudaError_t e_ = (expr);                                                                               \
        if (e_ != cudaSuccess)                                                                                       \
            throw std::runtime_error(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + #expr + ": " + \
                                     cudaGetErrorString(e_));                                                        \
    } while (0)
#define CUBLAS_CHECK(expr)                                                                                           \
    do {                                                                                                             \
        const cublasStatus_t s_ = (expr);                                                                            \
        if (s_ != CUBLAS_STATUS_SUCCESS)                                                                             \
            throw std::runtime_error(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + #expr +         \
                                     ": cuBLAS status " + std::to_string(static_cast<int>(s_)));                     \
    } while (0)

namespace {

// ------------------------------------------------------------------ kernels

__global__ void copy_kernel(const float4* __restrict__ in, float4* __restrict__ out, size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        out[i] = in[i];
}

__global__ void fill_kernel(float4* out, size_t n, float v) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        out[i] = make_float4(v, v + 1, v + 2, v + 3);
}

__global__ void empty_kernel() {}

__global__ void spin_kernel(long long cycles, long long* measured) {
    const long long start = clock64();
    while (clock64() - start < cycles) {
    }
    if (threadIdx.x == 0) *measured = clock64() - start;
}

// ------------------------------------------------------------------ output

std::FILE* g_out = nullptr;
bool g_quick = false;
int g_max_clock_khz = 0;

void emit(const std::string& line) {
    std::fputs(line.c_str(), g_out);
    std::fputc('\n', g_out);
    std::fflush(g_out);
}

std::string jstr(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        o += c;
    }
    return o + "\"";
}

void progress(const std::string& what) { std::fprintf(stderr, "\r%-70s", what.c_str()); }

// ------------------------------------------------------------------ timing

/// Effective SM clock in MHz from a clock64() spin of ~2 ms.
double sm_clock_mhz() {
    long long* d = nullptr;
    CUDA_CHECK(cudaMalloc(&d, sizeof(long long)));
    cudaEvent_t a, b;
    CUDA_CHECK(cudaEventCreate(&a));
    CUDA_CHECK(cudaEventCreate(&b));
    const long long cycles = static_cast<long long>(g_max_clock_khz) * 2; // ~2 ms at the max clock
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
    return static_cast<double>(measured) / (ms * 1e3);
}

struct timing {
    double median_s = 0, spread = 0;
    int samples = 0;
    bool throttled = false;
    double clock_mhz = 0;
};

/// Times `body` (which launches work on the default stream) with CUDA events.
timing time_gpu(const std::function<void()>& body, const std::function<void()>& before_each = {}) {
    timing t;
    const double clock_before = sm_clock_mhz();
    for (int i = 0; i < 3; ++i) body(); // warm-up
    CUDA_CHECK(cudaDeviceSynchronize());
    cudaEvent_t a, b;
    CUDA_CHECK(cudaEventCreate(&a));
    CUDA_CHECK(cudaEventCreate(&b));
    std::vector<double> samples;
    const auto wall0 = std::chrono::steady_clock::now();
    const int cap = g_quick ? 30 : 200;
    const double time_cap = g_quick ? 0.5 : 2.0;
    while (true) {
        if (before_each) before_each();
        CUDA_CHECK(cudaEventRecord(a));
        body();
        CUDA_CHECK(cudaEventRecord(b));
        CUDA_CHECK(cudaEventSynchronize(b));
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
        samples.push_back(ms * 1e-3);
        if (samples.size() >= 10) {
            std::vector<double> s = samples;
            std::sort(s.begin(), s.end());
            const double med = s[s.size() / 2];
            const double iqr = s[s.size() * 3 / 4] - s[s.size() / 4];
            const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
            if (iqr / med < 0.01 || static_cast<int>(s.size()) >= cap || wall > time_cap) {
                t.median_s = med;
                t.spread = iqr / med;
                break;
            }
        }
    }
    t.samples = static_cast<int>(samples.size());
    CUDA_CHECK(cudaEventDestroy(a));
    CUDA_CHECK(cudaEventDestroy(b));
    const double clock_after = sm_clock_mhz();
    t.clock_mhz = std::min(clock_before, clock_after);
    t.throttled = t.clock_mhz < 0.75 * g_max_clock_khz / 1000.0;
    return t;
}

std::string timing_fields(const timing& t) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "\"time_s\": %.9g, \"spread\": %.4g, \"samples\": %d, \"sm_clock_MHz\": %.0f, \"throttled\": %s",
                  t.median_s, t.spread, t.samples, t.clock_mhz, t.throttled ? "true" : "false");
    return buf;
}

// ------------------------------------------------------------------ benchmarks

void bench_memory(size_t l2_bytes) {
    const size_t max_bytes = g_quick ? (size_t(1) << 30) : (size_t(4) << 30);
    float4 *in = nullptr, *out = nullptr, *flush = nullptr;
    CUDA_CHECK(cudaMalloc(&in, max_bytes));
    CUDA_CHECK(cudaMalloc(&out, max_bytes));
    const size_t flush_bytes = 4 * l2_bytes;
    CUDA_CHECK(cudaMalloc(&flush, flush_bytes));
    for (size_t bytes = 4096; bytes <= max_bytes; bytes *= 4) {
        const size_t n = bytes / sizeof(float4);
        const int threads = 256;
        const int blocks = static_cast<int>(std::min<size_t>((n + threads - 1) / threads, 65535));
        fill_kernel<<<blocks, threads>>>(in, n, 1.0f);
        copy_kernel<<<blocks, threads>>>(in, out, n);
        CUDA_CHECK(cudaDeviceSynchronize());
        float4 probe{};
        CUDA_CHECK(cudaMemcpy(&probe, out + (n - 1), sizeof(probe), cudaMemcpyDeviceToHost));
        if (probe.x != 1.0f || probe.w != 4.0f) throw std::runtime_error("copy kernel produced a wrong result");
        progress("memory copy " + std::to_string(bytes) + " bytes");
        // warm: the working set may sit in L2 (the regime a pipeline of kernels sees)
        const timing warm = time_gpu([&] { copy_kernel<<<blocks, threads>>>(in, out, n); });
        emit("{\"kind\": \"memory\", \"op\": \"copy\", \"cache\": \"warm\", \"bytes\": " + std::to_string(2 * bytes) +
             ", " + timing_fields(warm) + "}");
        // cold: L2 flushed by a write over 4x its size before every sample
        const timing cold = time_gpu([&] { copy_kernel<<<blocks, threads>>>(in, out, n); },
                                     [&] { CUDA_CHECK(cudaMemsetAsync(flush, 0, flush_bytes)); });
        emit("{\"kind\": \"memory\", \"op\": \"copy_cold\", \"cache\": \"flushed\", \"bytes\": " +
             std::to_string(2 * bytes) + ", " + timing_fields(cold) + "}");
    }
    CUDA_CHECK(cudaFree(in));
    CUDA_CHECK(cudaFree(out));
    CUDA_CHECK(cudaFree(flush));
}

void bench_launch() {
    const int n = 1000;
    progress("launch latency");
    const timing stream = time_gpu([&] {
        for (int i = 0; i < n; ++i) empty_kernel<<<1, 32>>>();
    });
    timing per = stream;
    per.median_s /= n;
    emit("{\"kind\": \"launch\", \"mode\": \"stream\", " + timing_fields(per) + "}");
    cudaStream_t s;
    CUDA_CHECK(cudaStreamCreate(&s));
    cudaGraph_t graph;
    cudaGraphExec_t exec;
    CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    for (int i = 0; i < n; ++i) empty_kernel<<<1, 32, 0, s>>>();
    CUDA_CHECK(cudaStreamEndCapture(s, &graph));
    CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));
    const timing g = time_gpu([&] { CUDA_CHECK(cudaGraphLaunch(exec, 0)); });
    timing gper = g;
    gper.median_s /= n;
    emit("{\"kind\": \"launch\", \"mode\": \"graph\", " + timing_fields(gper) + "}");
    CUDA_CHECK(cudaGraphExecDestroy(exec));
    CUDA_CHECK(cudaGraphDestroy(graph));
    CUDA_CHECK(cudaStreamDestroy(s));
}

void bench_host_copies() {
    const size_t bytes = size_t(256) << 20;
    void* dev = nullptr;
    void* pinned = nullptr;
    CUDA_CHECK(cudaMalloc(&dev, bytes));
    CUDA_CHECK(cudaMallocHost(&pinned, bytes));
    std::vector<char> pageable(bytes, 1);
    std::memset(pinned, 1, bytes);
    struct variant {
        const char* dir;
        bool pinned;
    };
    for (const variant v : {variant{"h2d", true}, variant{"d2h", true}, variant{"h2d", false}, variant{"d2h", false}}) {
        progress(std::string("host copy ") + v.dir + (v.pinned ? " pinned" : " pageable"));
        void* host = v.pinned ? pinned : static_cast<void*>(pageable.data());
        const bool h2d = std::string(v.dir) == "h2d";
        const timing t = time_gpu([&] {
            CUDA_CHECK(cudaMemcpy(h2d ? dev : host, h2d ? host : dev, bytes,
                                  h2d ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost));
        });
        emit(std::string("{\"kind\": \"copy\", \"direction\": \"") + v.dir + "\", \"pinned\": " +
             (v.pinned ? "true" : "false") + ", \"bytes\": " + std::to_string(bytes) + ", " + timing_fields(t) + "}");
    }
    CUDA_CHECK(cudaFree(dev));
    CUDA_CHECK(cudaFreeHost(pinned));
}

struct gemm_type {
    const char* name;
    cudaDataType_t ab, c;
    cublasComputeType_t compute;
    size_t size;
    int min_sm; // compute capability x10
};

__global__ void fill_ones_bf16(__nv_bfloat16* p, size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        p[i] = __float2bfloat16(0.5f);
}
__global__ void fill_bytes(unsigned char* p, size_t n, unsigned char v) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        p[i] = v;
}

void bench_gemm(int sm_version) {
    std::vector<gemm_type> types{
        {"bf16", CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, 2, 80},
        {"fp16", CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, 2, 70},
        {"tf32", CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, 4, 80},
#ifdef VIDPERF_HAVE_FP8
        {"fp8_e4m3", CUDA_R_8F_E4M3, CUDA_R_16BF, CUBLAS_COMPUTE_32F, 1, 89},
#endif
    };
    std::vector<std::array<long long, 3>> shapes;
    for (long long n : {256LL, 512LL, 1024LL, 2048LL, 4096LL, 8192LL, 16384LL})
        if (!g_quick || n <= 8192) shapes.push_back({n, n, n});
    // DiT shapes (tokens x out x in): Wan 1.3B / 14B projections and MLPs at 480p and 720p
    for (const auto& s : std::vector<std::array<long long, 3>>{{32760, 1536, 1536},
                                                               {32760, 8960, 1536},
                                                               {75600, 5120, 5120},
                                                               {75600, 13824, 5120},
                                                               {75600, 5120, 13824}})
        shapes.push_back(s);
    cublasLtHandle_t lt;
    CUBLAS_CHECK(cublasLtCreate(&lt));
    const size_t workspace_bytes = size_t(64) << 20;
    void* workspace = nullptr;
    CUDA_CHECK(cudaMalloc(&workspace, workspace_bytes));
    for (const auto& t : types) {
        if (sm_version < t.min_sm) continue;
        for (const auto& s : shapes) {
            const long long m = s[0], n = s[1], k = s[2];
            const size_t a_bytes = size_t(m) * k * t.size, b_bytes = size_t(k) * n * t.size;
            const size_t c_elem = std::string(t.name) == "tf32" ? 4 : 2;
            const size_t c_bytes = size_t(m) * n * c_elem;
            void *A = nullptr, *B = nullptr, *C = nullptr;
            if (cudaMalloc(&A, a_bytes) != cudaSuccess || cudaMalloc(&B, b_bytes) != cudaSuccess ||
                cudaMalloc(&C, c_bytes) != cudaSuccess) {
                cudaFree(A);
                cudaFree(B);
                cudaFree(C);
                cudaGetLastError();
                continue; // does not fit: skip the shape
            }
            // operands hold small constants so the result can be checked: bf16 0.5 -> C = 0.25 k
            if (std::string(t.name) == "bf16") {
                fill_ones_bf16<<<1024, 256>>>(static_cast<__nv_bfloat16*>(A), a_bytes / 2);
                fill_ones_bf16<<<1024, 256>>>(static_cast<__nv_bfloat16*>(B), b_bytes / 2);
            } else {
                fill_bytes<<<1024, 256>>>(static_cast<unsigned char*>(A), a_bytes, 0);
                fill_bytes<<<1024, 256>>>(static_cast<unsigned char*>(B), b_bytes, 0);
            }
            cublasLtMatmulDesc_t op;
            CUBLAS_CHECK(cublasLtMatmulDescCreate(&op, t.compute, CUDA_R_32F));
            // column-major: C[m,n] = A[m,k] B[k,n] with A stored transposed (k x m), the usual TN layout
            const cublasOperation_t trans_a = CUBLAS_OP_T, trans_b = CUBLAS_OP_N;
            CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &trans_a, sizeof(trans_a)));
            CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &trans_b, sizeof(trans_b)));
            cublasLtMatrixLayout_t la, lb, lc;
            CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la, t.ab, k, m, k));
            CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb, t.ab, k, n, k));
            CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lc, t.c, m, n, m));
            cublasLtMatmulPreference_t pref;
            CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
            CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                              &workspace_bytes, sizeof(workspace_bytes)));
            cublasLtMatmulHeuristicResult_t heuristic{};
            int found = 0;
            const cublasStatus_t hs = cublasLtMatmulAlgoGetHeuristic(lt, op, la, lb, lc, lc, pref, 1, &heuristic, &found);
            const float alpha = 1.0f, beta = 0.0f;
            if (hs == CUBLAS_STATUS_SUCCESS && found > 0) {
                auto run = [&] {
                    CUBLAS_CHECK(cublasLtMatmul(lt, op, &alpha, A, la, B, lb, &beta, C, lc, C, lc, &heuristic.algo,
                                                workspace, workspace_bytes, 0));
                };
                run();
                CUDA_CHECK(cudaDeviceSynchronize());
                if (std::string(t.name) == "bf16") { // check before timing: every C entry is 0.25 k
                    __nv_bfloat16 c0;
                    CUDA_CHECK(cudaMemcpy(&c0, C, sizeof(c0), cudaMemcpyDeviceToHost));
                    const float got = __bfloat162float(c0), want = 0.25f * static_cast<float>(k);
                    if (std::fabs(got - want) > 0.01f * want)
                        throw std::runtime_error("cuBLASLt bf16 GEMM check failed: " + std::to_string(got) +
                                                 " instead of " + std::to_string(want));
                }
                progress(std::string("gemm ") + t.name + " " + std::to_string(m) + "x" + std::to_string(n) + "x" +
                         std::to_string(k));
                const timing tm = time_gpu(run);
                emit(std::string("{\"kind\": \"gemm\", \"dtype\": \"") + t.name + "\", \"m\": " + std::to_string(m) +
                     ", \"n\": " + std::to_string(n) + ", \"k\": " + std::to_string(k) + ", " + timing_fields(tm) +
                     "}");
            }
            cublasLtMatmulPreferenceDestroy(pref);
            cublasLtMatrixLayoutDestroy(la);
            cublasLtMatrixLayoutDestroy(lb);
            cublasLtMatrixLayoutDestroy(lc);
            cublasLtMatmulDescDestroy(op);
            CUDA_CHECK(cudaFree(A));
            CUDA_CHECK(cudaFree(B));
            CUDA_CHECK(cudaFree(C));
        }
    }
    CUDA_CHECK(cudaFree(workspace));
    cublasLtDestroy(lt);
}

std::string guess_slug(const cudaDeviceProp& p) {
    const std::string n = p.name;
    const double gb = static_cast<double>(p.totalGlobalMem) / 1e9;
    if (n.find("H200") != std::string::npos) return "h200-sxm-141gb";
    if (n.find("H100") != std::string::npos) {
        if (n.find("PCIe") != std::string::npos) return "h100-pcie-80gb";
        if (n.find("NVL") != std::string::npos || gb > 90) return "h100-nvl-94gb";
        return "h100-sxm5-80gb";
    }
    if (n.find("H800") != std::string::npos) return "h800-sxm5-80gb";
    if (n.find("A100") != std::string::npos) {
        const bool pcie = n.find("PCIe") != std::string::npos;
        return std::string("a100-") + (pcie ? "pcie-" : "sxm4-") + (gb > 50 ? "80gb" : "40gb");
    }
    if (n.find("L40S") != std::string::npos) return "l40s-48gb";
    if (n.find("L4") != std::string::npos) return "l4-24gb";
    if (n.find("4090") != std::string::npos) return "rtx4090-24gb";
    if (n.find("B200") != std::string::npos) return "b200-sxm-180gb";
    return "unknown";
}

} // namespace

int main(int argc, char** argv) {
    std::string out_path = "raw.jsonl";
    std::string command;
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--out" && i + 1 < argc)
            out_path = argv[++i];
        else if (a == "--quick")
            g_quick = true;
        else {
            std::fprintf(stderr, "usage: vidperf-calibrate --out raw.jsonl [--quick]\n");
            return 2;
        }
    }
    try {
        int devices = 0;
        if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
            std::fprintf(stderr, "vidperf-calibrate: no CUDA GPU visible; nothing measured\n");
            return 3;
        }
        cudaDeviceProp p{};
        CUDA_CHECK(cudaGetDeviceProperties(&p, 0));
        CUDA_CHECK(cudaDeviceGetAttribute(&g_max_clock_khz, cudaDevAttrClockRate, 0));
        int mem_clock_khz = 0, bus_width = 0, driver = 0, runtime = 0;
        cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, 0);
        cudaDeviceGetAttribute(&bus_width, cudaDevAttrGlobalMemoryBusWidth, 0);
        CUDA_CHECK(cudaDriverGetVersion(&driver));
        CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
        g_out = std::fopen(out_path.c_str(), "w");
        if (g_out == nullptr) throw std::runtime_error("cannot write " + out_path);
        const std::time_t now = std::time(nullptr);
        char date[64];
        std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
        const int sm_version = p.major * 10 + p.minor;
        emit("{\"kind\": \"meta\", \"schema\": \"vidperf.calibration-raw/1\", \"gpu\": " + jstr(p.name) +
             ", \"slug\": " + jstr(guess_slug(p)) + ", \"sm_count\": " + std::to_string(p.multiProcessorCount) +
             ", \"compute_capability\": \"" + std::to_string(p.major) + "." + std::to_string(p.minor) +
             "\", \"memory_bytes\": " + std::to_string(p.totalGlobalMem) +
             ", \"l2_bytes\": " + std::to_string(p.l2CacheSize) +
             ", \"max_sm_clock_MHz\": " + std::to_string(g_max_clock_khz / 1000) +
             ", \"memory_clock_MHz\": " + std::to_string(mem_clock_khz / 1000) +
             ", \"memory_bus_bits\": " + std::to_string(bus_width) + ", \"driver\": " + std::to_string(driver) +
             ", \"cuda_runtime\": " + std::to_string(runtime) + ", \"command\": " + jstr(command) +
             ", \"date\": \"" + date + "\", \"quick\": " + (g_quick ? "true" : "false") +
             ", \"note\": \"temperature and power not recorded (no NVML in the build)\"}");
        bench_launch();
        bench_host_copies();
        bench_memory(static_cast<size_t>(p.l2CacheSize));
        bench_gemm(sm_version);
        std::fprintf(stderr, "\rdone: %s\n", out_path.c_str());
        std::fclose(g_out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "\nvidperf-calibrate: %s\n", e.what());
        return 1;
    }
    return 0;
}
