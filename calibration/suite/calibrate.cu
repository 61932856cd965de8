// vidperf-calibrate: microbenchmarks that measure one GPU (and, with several,
// its collectives) for vidperf's calibration.
//
//   vidperf-calibrate --out raw.jsonl [--quick] [--shapes FILE]... [--cache cold|warm|both]
//                     [--budget-s S] [--sustained-s S] [--only SECTIONS] [--plan]
//
// Writes JSON lines (schema vidperf.calibration-raw/1): a metadata record, then
// one record per measurement, section by section:
//   launch       kernel-launch latency (stream and CUDA-graph replay)
//   host         host<->device copies (pinned and pageable), device-to-device cudaMemcpy
//   memory       a copy kernel over working sets from 4 KiB to 4 GiB, warm and cold; then read,
//                write and STREAM-triad kernels over the same sizes (warm)
//   gemm         cuBLASLt GEMMs per dtype (bf16, fp16, tf32, fp8 on sm_89+, int8; square
//                sizes and DiT shapes), then the
//                GEMMs of the --shapes files, heaviest first; SIMT fp32 (squares to 4096,
//                small k, thin n) before the files' long tail
//   attention    cuDNN fused SDPA (backend graph API), forward and backward: a sweep
//                over sequence lengths at d = 64 and 128, then the attention shapes of
//                the --shapes files (or built-in video-DiT shapes)
//   conv         cuDNN 3-D convolutions at the --shapes files' shapes (or built-in
//                Wan-VAE decoder shapes)
//   collectives  NCCL all-reduce / all-gather / all-to-all, 8 B .. 1 GiB (>= 2 GPUs)
//   sustained    bf16 8192^3 cuBLASLt GEMMs back to back for --sustained-s seconds, with the
//                throughput and an NVML reading (SM clock, power, temperature, clock-event
//                reasons) every 100 ms: the clocks a long job runs at (sustained.cu)
// vidperf-fit turns the file into a calibration.
//
// Timing (common.cu): every kernel's result is checked once before it is timed;
// then warm-up, then CUDA-event samples until the inter-quartile range is under
// 1 % of the median (or a sample / time cap). Cold samples (the default for GEMM,
// attention and convolution) follow a write of 4x the L2 size. The SM clock is
// measured with a clock64() spin before and after, and NVML (when the driver's
// libnvidia-ml is there) is read before, during and after each measurement: a
// clock under 75 % of the maximum or a thermal / hardware slowdown marks the
// record "throttled", which the fitter refuses. Each section has a share of the
// time budget (default 450 s) and reports progress on stderr. The sustained
// section runs last and takes its seconds (plus about 5 s of set-up) off the top
// of the budget; the other sections share the rest.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "common.cuh"
#include "sections.cuh"
#include "shapes.hpp"

namespace vpcal {
namespace {

__global__ void copy_kernel(const float4* __restrict__ in, float4* __restrict__ out, size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        out[i] = in[i];
}

__global__ void fill_kernel(float4* out, size_t n, float v) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        out[i] = make_float4(v, v + 1, v + 2, v + 3);
}

// read: every element loaded once, one partial sum per block written (negligible traffic), so the
// loads cannot be optimised away and the result can be checked
__global__ void read_kernel(const float4* __restrict__ in, size_t n, float* __restrict__ block_sums) {
    __shared__ float partial[256];
    float acc = 0;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
        const float4 v = in[i];
        acc += (v.x + v.y) + (v.z + v.w);
    }
    partial[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s /= 2) {
        if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) block_sums[blockIdx.x] = partial[0];
}

// STREAM triad: a = b + s c
__global__ void triad_kernel(float4* __restrict__ a, const float4* __restrict__ b, const float4* __restrict__ c,
                             size_t n, float s) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
        const float4 x = b[i], y = c[i];
        a[i] = make_float4(x.x + s * y.x, x.y + s * y.y, x.z + s * y.z, x.w + s * y.w);
    }
}

__global__ void empty_kernel() {}

std::string guess_slug(const cudaDeviceProp& p) {
    const std::string n = p.name;
    const double gb = static_cast<double>(p.totalGlobalMem) / 1e9;
    if (n.find("H200") != std::string::npos) return n.find("NVL") != std::string::npos ? "unknown" : "h200-sxm-141gb";
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
    if (n.size() >= 3 && n.compare(n.size() - 3, 3, " L4") == 0) return "l4-24gb"; // not L40 / L40S
    if (n.find("4090") != std::string::npos) return "rtx4090-24gb";
    if (n.find("B200") != std::string::npos) return "b200-sxm-180gb";
    return "unknown";
}

const char* const usage =
    "usage: vidperf-calibrate [--out raw.jsonl] [--quick] [--shapes FILE]... [--cache cold|warm|both]\n"
    "                         [--budget-s SECONDS] [--sustained-s SECONDS] [--only SECTIONS] [--plan] [--help]\n"
    "\n"
    "Measures this GPU for vidperf's calibration and writes JSON lines (vidperf.calibration-raw/1).\n"
    "  --out FILE       where to write the records (default raw.jsonl)\n"
    "  --quick          smaller sweeps and shorter timing loops (about 3 minutes)\n"
    "  --shapes FILE    a `vidperf shapes` file (vidperf.shapes/1); repeatable. Its distinct GEMM,\n"
    "                   attention and convolution ops are measured, heaviest first, within the time\n"
    "                   budget; without one, built-in video-DiT and Wan-VAE shapes are measured\n"
    "  --cache MODE     cache state of GEMM / attention / convolution samples: cold (L2 flushed before\n"
    "                   every sample; the default), warm, or both\n"
    "  --budget-s S     time budget of the measurements (default 450, --quick 180)\n"
    "  --sustained-s S  seconds of back-to-back GEMMs in the sustained-load section, taken from the\n"
    "                   budget (default 30 % of the budget, at most 120; the section is left out when\n"
    "                   that is under 30 s); 0 leaves the section out\n"
    "  --only LIST      comma-separated sections: launch,host,memory,gemm,attention,conv,collectives,\n"
    "                   sustained\n"
    "  --plan           print what would be measured, in order, and exit (needs no GPU)\n"
    "  --help           this text\n";

const char* const all_sections[] = {"launch", "host", "memory", "gemm", "attention", "conv", "collectives", "sustained"};

/// Seconds the sustained section needs beyond its GEMMs: set-up, the check, the short probe
/// through the usual timing loop and the idle second before the run.
constexpr double sustained_overhead_s = 5;
/// Shortest default sustained run: under this the last-window median says little about heat.
constexpr double sustained_min_default_s = 30;

} // namespace

// ------------------------------------------------------------------ launch, host copies, memory

void bench_launch(double end_s) {
    section sec("launch", end_s, 2);
    const int n = 1000;
    sec.step("stream launches");
    const timing stream = time_gpu(
        [&] {
            for (int i = 0; i < n; ++i) empty_kernel<<<1, 32>>>();
        },
        cache_state::warm);
    timing per = stream;
    per.median_s /= n;
    emit("{\"kind\": \"launch\", \"mode\": \"stream\", " + timing_fields(per) + "}");
    if (!sec.time_left()) return;
    sec.step("CUDA-graph replay");
    cudaStream_t s;
    CUDA_CHECK(cudaStreamCreate(&s));
    cudaGraph_t graph;
    cudaGraphExec_t exec;
    CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
    for (int i = 0; i < n; ++i) empty_kernel<<<1, 32, 0, s>>>();
    CUDA_CHECK(cudaStreamEndCapture(s, &graph));
    CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));
    const timing gt = time_gpu([&] { CUDA_CHECK(cudaGraphLaunch(exec, 0)); }, cache_state::warm);
    timing gper = gt;
    gper.median_s /= n;
    emit("{\"kind\": \"launch\", \"mode\": \"graph\", " + timing_fields(gper) + "}");
    CUDA_CHECK(cudaGraphExecDestroy(exec));
    CUDA_CHECK(cudaGraphDestroy(graph));
    CUDA_CHECK(cudaStreamDestroy(s));
}

void bench_host_copies(double end_s) {
    section sec("host", end_s, 5);
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
        if (!sec.time_left()) break;
        sec.step(std::string(v.dir) + (v.pinned ? " pinned" : " pageable"));
        void* host = v.pinned ? pinned : static_cast<void*>(pageable.data());
        const bool h2d = std::string(v.dir) == "h2d";
        const timing t = time_gpu(
            [&] {
                CUDA_CHECK(cudaMemcpy(h2d ? dev : host, h2d ? host : dev, bytes,
                                      h2d ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost));
            },
            cache_state::warm);
        emit(std::string("{\"kind\": \"copy\", \"direction\": \"") + v.dir + "\", \"pinned\": " +
             (v.pinned ? "true" : "false") + ", \"bytes\": " + std::to_string(bytes) +
             ", \"gbps\": " + jnum(static_cast<double>(bytes) / t.median_s / 1e9) + ", " + timing_fields(t) + "}");
    }
    // device to device (cudaMemcpy within one GPU's memory: a read and a write of every byte)
    void* dev2 = nullptr;
    if (sec.time_left() && cudaMalloc(&dev2, bytes) == cudaSuccess) {
        sec.step("d2d");
        CUDA_CHECK(cudaMemset(dev, 7, bytes));
        CUDA_CHECK(cudaMemcpy(dev2, dev, bytes, cudaMemcpyDeviceToDevice));
        unsigned char probe[2] = {0, 0};
        CUDA_CHECK(cudaMemcpy(&probe[0], dev2, 1, cudaMemcpyDeviceToHost));
        CUDA_CHECK(cudaMemcpy(&probe[1], static_cast<char*>(dev2) + bytes - 1, 1, cudaMemcpyDeviceToHost));
        if (probe[0] != 7 || probe[1] != 7) throw std::runtime_error("device-to-device cudaMemcpy produced a wrong result");
        const timing t = time_gpu([&] { CUDA_CHECK(cudaMemcpy(dev2, dev, bytes, cudaMemcpyDeviceToDevice)); },
                                  cache_state::warm);
        emit("{\"kind\": \"copy\", \"direction\": \"d2d\", \"bytes\": " + std::to_string(bytes) +
             ", \"gbps\": " + jnum(2.0 * static_cast<double>(bytes) / t.median_s / 1e9) +
             ", \"note\": \"gbps counts the read and the write\", " + timing_fields(t) + "}");
        CUDA_CHECK(cudaFree(dev2));
    } else {
        (void)cudaGetLastError();
    }
    CUDA_CHECK(cudaFree(dev));
    CUDA_CHECK(cudaFreeHost(pinned));
}

void bench_memory(double end_s) {
    const size_t max_bytes = g.quick ? (size_t(1) << 30) : (size_t(4) << 30);
    int sizes = 0;
    for (size_t bytes = 4096; bytes <= max_bytes; bytes *= 4) ++sizes;
    // copy (warm and cold) at every size first: the fitter reads those; then read, write and triad
    section sec("memory", end_s, 5 * sizes);
    float4 *in = nullptr, *out = nullptr, *third = nullptr;
    CUDA_CHECK(cudaMalloc(&in, max_bytes));
    CUDA_CHECK(cudaMalloc(&out, max_bytes));
    for (size_t bytes = 4096; bytes <= max_bytes; bytes *= 4) {
        if (!sec.time_left()) break;
        const size_t n = bytes / sizeof(float4);
        const int threads = 256;
        const int blocks = static_cast<int>(std::min<size_t>((n + threads - 1) / threads, 65535));
        fill_kernel<<<blocks, threads>>>(in, n, 1.0f);
        copy_kernel<<<blocks, threads>>>(in, out, n);
        CUDA_CHECK(cudaDeviceSynchronize());
        float4 probe{};
        CUDA_CHECK(cudaMemcpy(&probe, out + (n - 1), sizeof(probe), cudaMemcpyDeviceToHost));
        if (probe.x != 1.0f || probe.w != 4.0f) throw std::runtime_error("copy kernel produced a wrong result");
        const double moved = 2.0 * static_cast<double>(bytes);
        // warm: the working set may sit in L2 (the regime a pipeline of kernels sees); the fitter reads these
        sec.step("copy " + std::to_string(bytes) + " B warm");
        const timing warm = time_gpu([&] { copy_kernel<<<blocks, threads>>>(in, out, n); }, cache_state::warm);
        emit("{\"kind\": \"memory\", \"op\": \"copy\", \"bytes\": " + std::to_string(2 * bytes) +
             ", \"gbps\": " + jnum(moved / warm.median_s / 1e9) + ", " + timing_fields(warm) + "}");
        // cold: L2 flushed by a write over 4x its size before every sample
        sec.step("copy " + std::to_string(bytes) + " B cold");
        const timing cold = time_gpu([&] { copy_kernel<<<blocks, threads>>>(in, out, n); }, cache_state::cold);
        emit("{\"kind\": \"memory\", \"op\": \"copy_cold\", \"bytes\": " + std::to_string(2 * bytes) +
             ", \"gbps\": " + jnum(moved / cold.median_s / 1e9) + ", " + timing_fields(cold) + "}");
    }
    if (cudaMalloc(&third, max_bytes) != cudaSuccess) {
        (void)cudaGetLastError();
        third = nullptr;
    }
    const int max_blocks = 65535;
    float* block_sums = nullptr;
    CUDA_CHECK(cudaMalloc(&block_sums, max_blocks * sizeof(float)));
    for (size_t bytes = 4096; bytes <= max_bytes; bytes *= 4) {
        if (!sec.time_left()) break;
        const size_t n = bytes / sizeof(float4);
        const int threads = 256;
        const int blocks = static_cast<int>(std::min<size_t>((n + threads - 1) / threads, max_blocks));
        auto record = [&](const char* op, double moved, const timing& t) {
            emit(std::string("{\"kind\": \"memory\", \"op\": \"") + op + "\", \"bytes\": " +
                 std::to_string(static_cast<size_t>(moved)) + ", \"gbps\": " + jnum(moved / t.median_s / 1e9) + ", " +
                 timing_fields(t) + "}");
        };
        // read: check the block sums (each float4 of the fill sums to 10) before timing
        fill_kernel<<<blocks, threads>>>(in, n, 1.0f);
        read_kernel<<<blocks, threads>>>(in, n, block_sums);
        CUDA_CHECK(cudaDeviceSynchronize());
        std::vector<float> sums(static_cast<size_t>(blocks));
        CUDA_CHECK(cudaMemcpy(sums.data(), block_sums, sums.size() * sizeof(float), cudaMemcpyDeviceToHost));
        double total = 0;
        for (float v : sums) total += v;
        if (std::fabs(total - 10.0 * static_cast<double>(n)) > 1e-6 * 10.0 * static_cast<double>(n))
            throw std::runtime_error("read kernel produced a wrong sum");
        sec.step("read " + std::to_string(bytes) + " B warm");
        record("read", static_cast<double>(bytes),
               time_gpu([&] { read_kernel<<<blocks, threads>>>(in, n, block_sums); }, cache_state::warm));
        if (!sec.time_left()) break;
        // write: the fill kernel, checked at the last element
        fill_kernel<<<blocks, threads>>>(out, n, 5.0f);
        CUDA_CHECK(cudaDeviceSynchronize());
        float4 probe{};
        CUDA_CHECK(cudaMemcpy(&probe, out + (n - 1), sizeof(probe), cudaMemcpyDeviceToHost));
        if (probe.x != 5.0f || probe.w != 8.0f) throw std::runtime_error("write kernel produced a wrong result");
        sec.step("write " + std::to_string(bytes) + " B warm");
        record("write", static_cast<double>(bytes),
               time_gpu([&] { fill_kernel<<<blocks, threads>>>(out, n, 5.0f); }, cache_state::warm));
        if (!sec.time_left()) break;
        if (third == nullptr) continue;
        // triad: third = in + 0.5 out = (1, 2, 3, 4) + 0.5 (5, 6, 7, 8)
        triad_kernel<<<blocks, threads>>>(third, in, out, n, 0.5f);
        CUDA_CHECK(cudaDeviceSynchronize());
        CUDA_CHECK(cudaMemcpy(&probe, third + (n - 1), sizeof(probe), cudaMemcpyDeviceToHost));
        if (probe.x != 3.5f || probe.w != 8.0f) throw std::runtime_error("triad kernel produced a wrong result");
        sec.step("triad " + std::to_string(bytes) + " B warm");
        record("triad", 3.0 * static_cast<double>(bytes),
               time_gpu([&] { triad_kernel<<<blocks, threads>>>(third, in, out, n, 0.5f); }, cache_state::warm));
    }
    if (third == nullptr)
        emit("{\"kind\": \"memory\", \"op\": \"triad\", \"status\": \"unsupported\", \"reason\": \"a third " +
             std::to_string(max_bytes >> 20) + " MiB buffer does not fit in device memory\"}");
    CUDA_CHECK(cudaFree(block_sums));
    if (third != nullptr) CUDA_CHECK(cudaFree(third));
    CUDA_CHECK(cudaFree(in));
    CUDA_CHECK(cudaFree(out));
}

// ------------------------------------------------------------------ sections not built in

#ifndef VIDPERF_HAVE_CUDNN
void bench_attention(const std::vector<planned_op>&, double) {
    emit("{\"kind\": \"attention\", \"status\": \"skipped\", \"kernel\": \"cudnn\", \"reason\": \"vidperf-calibrate was "
         "built without cuDNN\"}");
}
void bench_conv(const std::vector<planned_op>&, double) {
    emit("{\"kind\": \"conv\", \"status\": \"skipped\", \"reason\": \"vidperf-calibrate was built without cuDNN\"}");
}
std::string cudnn_version_json() { return "null"; }
#endif

#ifndef VIDPERF_HAVE_NCCL
void bench_collectives(double) {
    emit("{\"kind\": \"collective\", \"status\": \"skipped\", \"reason\": \"vidperf-calibrate was built without "
         "NCCL\"}");
}
std::string nccl_version_json() { return "null"; }
#endif

} // namespace vpcal

int main(int argc, char** argv) {
    using namespace vpcal;
    std::string out_path = "raw.jsonl";
    std::string command;
    std::vector<std::string> shapes_files;
    std::vector<std::string> only;
    bool plan_only = false;
    double budget = -1;
    double sustained_arg = -1;
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
    auto bad = [](const std::string& why) {
        std::fprintf(stderr, "vidperf-calibrate: %s\n%s", why.c_str(), usage);
        return 2;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            return 0;
        } else if (a == "--out" && has_value) {
            out_path = argv[++i];
        } else if (a == "--quick") {
            g.quick = true;
        } else if (a == "--plan") {
            plan_only = true;
        } else if (a == "--shapes" && has_value) {
            shapes_files.push_back(argv[++i]);
        } else if (a == "--cache" && has_value) {
            const std::string m = argv[++i];
            if (m != "cold" && m != "warm" && m != "both") return bad("--cache must be cold, warm or both");
            g.cold = m != "warm";
            g.warm = m != "cold";
        } else if (a == "--budget-s" && has_value) {
            char* end = nullptr;
            budget = std::strtod(argv[++i], &end);
            if (end == argv[i] || *end != '\0' || !(budget > 0)) return bad("--budget-s needs a positive number");
        } else if (a == "--sustained-s" && has_value) {
            char* end = nullptr;
            sustained_arg = std::strtod(argv[++i], &end);
            if (end == argv[i] || *end != '\0' || !(sustained_arg >= 0) || !std::isfinite(sustained_arg))
                return bad("--sustained-s needs a number of seconds, 0 or more");
        } else if (a == "--only" && has_value) {
            std::stringstream ss(argv[++i]);
            std::string s;
            while (std::getline(ss, s, ',')) {
                if (std::find_if(std::begin(all_sections), std::end(all_sections),
                                 [&](const char* k) { return s == k; }) == std::end(all_sections))
                    return bad("unknown section '" + s + "' in --only");
                only.push_back(s);
            }
        } else {
            return bad("unknown or incomplete argument '" + a + "'");
        }
    }
    g.budget_s = budget > 0 ? budget : (g.quick ? 180 : 450);
    auto wanted = [&](const char* s) { return only.empty() || std::find(only.begin(), only.end(), s) != only.end(); };
    // the sustained section's seconds come off the top of the budget: by default 30 % of it, at most 120 s
    // (120 s of the default 450 s, 54 s of --quick's 180 s), and none when that is under 30 s
    sustained_plan sustained;
    sustained.duration_s = sustained_arg >= 0 ? sustained_arg : std::min(120.0, 0.3 * g.budget_s);
    std::string sustained_note;
    if (!wanted("sustained")) {
        sustained.duration_s = 0;
    } else if (sustained_arg < 0 && sustained.duration_s < sustained_min_default_s) {
        sustained_note = "the default share of a " + jnum(g.budget_s) + " s budget is under " +
                         jnum(sustained_min_default_s) + " s; give --sustained-s to run it";
        sustained.duration_s = 0;
    }
    const double sustained_share = sustained.duration_s > 0 ? sustained.duration_s + sustained_overhead_s : 0;
    const bool other_sections = std::any_of(std::begin(all_sections), std::end(all_sections), [&](const char* s) {
        return std::string(s) != "sustained" && wanted(s);
    });
    if (other_sections && g.budget_s - sustained_share < 30)
        return bad("--sustained-s " + jnum(sustained.duration_s) + " leaves under 30 s of the " + jnum(g.budget_s) +
                   " s budget to the other sections");
    const double others_budget_s = g.budget_s - sustained_share;

    // the work, from the shapes files or the built-in lists (no GPU needed)
    shapes_plan shapes;
    try {
        shapes = read_shapes(shapes_files);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vidperf-calibrate: %s\n", e.what());
        return 2;
    }
    const bool from_files = !shapes_files.empty();
    const auto gemm_work = gemm_plan(shapes.gemm, g.quick);
    const auto attention_work = attention_plan(from_files ? shapes.attention : builtin_attention_shapes(), g.quick);
    const auto conv_work = conv_plan(from_files ? shapes.conv : builtin_conv_shapes(g.quick));
    if (plan_only) {
        std::printf("shapes files: %d, op entries: %d (pointwise, not measured here: %d; repeated: %d)\n", shapes.files,
                    shapes.ops_read, shapes.pointwise, shapes.duplicates);
        std::printf("from the files: %zu gemm, %zu attention, %zu conv\n", shapes.gemm.size(), shapes.attention.size(),
                    shapes.conv.size());
        const budget_plan b = plan_budget(others_budget_s);
        std::printf("budget %.0f s; sections end at: launch %.0f, host %.0f, memory %.0f, gemm %.0f, attention %.0f, "
                    "conv %.0f, collectives %.0f s; sustained: %.0f s of GEMMs (%s)\n",
                    g.budget_s, b.launch, b.host, b.memory, b.gemm, b.attention, b.conv, b.collectives,
                    sustained.duration_s, sustained.duration_s > 0 ? "runs last" : "left out");
#ifndef VIDPERF_HAVE_CUDNN
        std::printf("built without cuDNN: the attention and conv sections are skipped\n");
#endif
#ifndef VIDPERF_HAVE_NCCL
        std::printf("built without NCCL: the collectives section is skipped\n");
#endif
        auto list = [&](const char* name, const std::vector<planned_op>& v) {
            if (!wanted(name)) return;
            std::printf("[%s] %zu items\n", name, v.size());
            for (std::size_t i = 0; i < v.size(); ++i)
                std::printf("  %zu. %s%s\n", i + 1, describe(v[i]).c_str(), v[i].source == "sweep" ? " (sweep)" : "");
        };
        list("gemm", gemm_work);
        list("attention", attention_work);
        list("conv", conv_work);
        return 0;
    }

    try {
        int devices = 0;
        const cudaError_t count_status = cudaGetDeviceCount(&devices);
        if (count_status != cudaSuccess || devices == 0) {
            // e.g. cudaErrorInsufficientDriver: the driver is older than the CUDA runtime linked in
            std::fprintf(stderr, "vidperf-calibrate: no usable CUDA GPU (%s); nothing measured\n",
                         count_status != cudaSuccess ? cudaGetErrorString(count_status) : "0 devices visible");
            return 3;
        }
        cudaDeviceProp p{};
        CUDA_CHECK(cudaGetDeviceProperties(&p, 0));
        CUDA_CHECK(cudaDeviceGetAttribute(&g.max_clock_khz, cudaDevAttrClockRate, 0));
        int mem_clock_khz = 0, bus_width = 0, driver = 0, runtime = 0;
        cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, 0);
        cudaDeviceGetAttribute(&bus_width, cudaDevAttrGlobalMemoryBusWidth, 0);
        CUDA_CHECK(cudaDriverGetVersion(&driver));
        CUDA_CHECK(cudaRuntimeGetVersion(&runtime));
        g.sm_version = p.major * 10 + p.minor;
        g.l2_bytes = static_cast<std::size_t>(p.l2CacheSize);
        char bus_id[32] = {};
        CUDA_CHECK(cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, 0));
        g.nvml.open(bus_id);
        g.out = std::fopen(out_path.c_str(), "w");
        if (g.out == nullptr) throw std::runtime_error("cannot write " + out_path);
        const std::time_t now = std::time(nullptr);
        char date[64];
        std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));

        std::string nvml = "null", nvml_note;
        double power_limit = 0;
        if (g.nvml.available()) {
            const nvml_sample s = g.nvml.sample();
            power_limit = g.nvml.power_limit_w();
            nvml = "{\"sm_MHz\": " + std::to_string(s.sm_mhz) + ", \"sm_max_MHz\": " + std::to_string(g.nvml.max_sm_mhz()) +
                   ", \"mem_MHz\": " + std::to_string(s.mem_mhz) + ", \"mem_max_MHz\": " +
                   std::to_string(g.nvml.max_mem_mhz()) + ", \"temp_C\": " + std::to_string(s.temp_c) +
                   ", \"power_W\": " + jnum(s.power_w) + ", \"power_limit_W\": " + jnum(power_limit) +
                   ", \"reasons\": " + nvml_reason_names(s.reasons) + ", \"driver\": " + jstr(g.nvml.driver_version()) +
                   "}";
        } else {
            nvml_note = ", \"note\": " + jstr("NVML not read: " + g.nvml.why() +
                                              "; temperature and power not recorded, throttling judged by clock64() only");
        }
        std::string cache = "[";
        for (const cache_state c : cache_states()) cache += std::string(cache.size() > 1 ? ", " : "") + "\"" + name(c) + "\"";
        cache += "]";
        std::vector<std::string> sections_run;
        for (const char* s : all_sections)
            if (wanted(s)) sections_run.push_back(s);
        emit("{\"kind\": \"meta\", \"schema\": \"vidperf.calibration-raw/1\", \"gpu\": " + jstr(p.name) +
             ", \"slug\": " + jstr(guess_slug(p)) + ", \"sm_count\": " + std::to_string(p.multiProcessorCount) +
             ", \"compute_capability\": \"" + std::to_string(p.major) + "." + std::to_string(p.minor) +
             "\", \"memory_bytes\": " + std::to_string(p.totalGlobalMem) +
             ", \"l2_bytes\": " + std::to_string(p.l2CacheSize) +
             ", \"max_sm_clock_MHz\": " + std::to_string(g.max_clock_khz / 1000) +
             ", \"memory_clock_MHz\": " + std::to_string(mem_clock_khz / 1000) +
             ", \"memory_bus_bits\": " + std::to_string(bus_width) + ", \"driver\": " + std::to_string(driver) +
             ", \"cuda_runtime\": " + std::to_string(runtime) + ", \"cudnn\": " + cudnn_version_json() +
             ", \"nccl\": " + nccl_version_json() + ", \"gpus_visible\": " + std::to_string(devices) +
             ", \"power_limit_W\": " + (power_limit > 0 ? jnum(power_limit) : std::string("null")) +
             ", \"nvml\": " + nvml + ", \"command\": " + jstr(command) + ", \"date\": \"" + date +
             "\", \"quick\": " + (g.quick ? "true" : "false") + ", \"cache\": " + cache +
             ", \"budget_s\": " + jnum(g.budget_s) + ", \"sustained_s\": " + jnum(sustained.duration_s) +
             ", \"sections\": " + json_string_array(sections_run) +
             ", \"shapes_files\": " + json_string_array(shapes_files) + nvml_note + "}");
        init_flush(g.l2_bytes);
        std::fprintf(stderr, "warming the GPU up for 1 s (clocks ramp from idle)\n");
        warm_up_gpu(1.0, p.multiProcessorCount);
        const budget_plan b = plan_budget(others_budget_s);
        if (wanted("launch")) bench_launch(b.launch);
        if (wanted("host")) bench_host_copies(b.host);
        if (wanted("memory")) bench_memory(b.memory);
        if (wanted("gemm")) bench_gemm(gemm_work, b.gemm);
        if (wanted("attention")) bench_attention(attention_work, b.attention);
        if (wanted("conv")) bench_conv(conv_work, b.conv);
        if (wanted("collectives")) bench_collectives(b.collectives);
        if (sustained.duration_s > 0)
            bench_sustained(sustained);
        else if (!sustained_note.empty())
            emit("{\"kind\": \"skipped\", \"section\": \"sustained\", \"reason\": " + jstr(sustained_note) + "}");
        std::fprintf(stderr, "done in %.1f s: %s\n", elapsed_s(), out_path.c_str());
        std::fclose(g.out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "\nvidperf-calibrate: %s\n", e.what());
        return 1;
    }
    return 0;
}
