// The convolution section of vidperf-calibrate: cuDNN 3-D convolutions forward
// (NCDHW, bf16 / fp16, fp32 accumulation, tensor-op math) at the shapes of
// `vidperf shapes` files or of the Wan-VAE decoder.
//
// Asymmetric padding (the causal temporal padding of video VAEs: 2 frames
// before, none after) is applied the way the models do it: the input is
// allocated padded and the convolution runs with zero padding. Tensors over
// 2^31 elements (cuDNN's 32-bit extents) or over the free memory are measured
// on a temporal slice, recorded as its own op with "sliced_from".
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common.cuh"
#include "cudnn_graph.cuh"
#include "sections.cuh"

namespace vpcal {
namespace {


struct conv_geometry {
    int n, c_in, c_out, groups;
    int in[3], k[3], stride[3], pad[3], dil[3], out[3];
};

/// Reference convolution: one thread per output element (NCDHW, filters [c_out, c_in/groups, kd, kh, kw]).
template <class T>
__global__ void naive_conv(const T* x, const T* w, float* y, conv_geometry g) {
    const long long total = static_cast<long long>(g.n) * g.c_out * g.out[0] * g.out[1] * g.out[2];
    const long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
    if (idx >= total) return;
    long long r = idx;
    const int ow = static_cast<int>(r % g.out[2]);
    r /= g.out[2];
    const int oh = static_cast<int>(r % g.out[1]);
    r /= g.out[1];
    const int od = static_cast<int>(r % g.out[0]);
    r /= g.out[0];
    const int co = static_cast<int>(r % g.c_out);
    const int nn = static_cast<int>(r / g.c_out);
    const int cpg = g.c_in / g.groups, group = co / (g.c_out / g.groups);
    float acc = 0;
    for (int ci = 0; ci < cpg; ++ci)
        for (int a = 0; a < g.k[0]; ++a)
            for (int b = 0; b < g.k[1]; ++b)
                for (int c = 0; c < g.k[2]; ++c) {
                    const int id = od * g.stride[0] - g.pad[0] + a * g.dil[0];
                    const int ih = oh * g.stride[1] - g.pad[1] + b * g.dil[1];
                    const int iw = ow * g.stride[2] - g.pad[2] + c * g.dil[2];
                    if (id < 0 || ih < 0 || iw < 0 || id >= g.in[0] || ih >= g.in[1] || iw >= g.in[2]) continue;
                    const long long xi =
                        (((static_cast<long long>(nn) * g.c_in + group * cpg + ci) * g.in[0] + id) * g.in[1] + ih) *
                            g.in[2] +
                        iw;
                    const long long wi = (((static_cast<long long>(co) * cpg + ci) * g.k[0] + a) * g.k[1] + b) * g.k[2] + c;
                    acc += device_float(x[xi]) * device_float(w[wi]);
                }
    y[idx] = acc;
}

const char* algo_name(cudnnConvolutionFwdAlgo_t a) {
    switch (a) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM: return "implicit_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM: return "implicit_precomp_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM: return "gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT: return "direct";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT: return "fft";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING: return "fft_tiling";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD: return "winograd";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED: return "winograd_nonfused";
    default: return "unknown";
    }
}

/// The allocated geometry of a conv_shape: asymmetric padding moved into the input.
conv_geometry geometry_of(const conv_shape& c, bool& explicit_pad) {
    explicit_pad = c.pad_before != c.pad_after;
    conv_geometry g{};
    g.n = static_cast<int>(c.batch);
    g.c_in = static_cast<int>(c.c_in);
    g.c_out = static_cast<int>(c.c_out);
    g.groups = static_cast<int>(c.groups);
    const auto out = c.output();
    for (int i = 0; i < 3; ++i) {
        g.in[i] = static_cast<int>(c.input[i] + (explicit_pad ? c.pad_before[i] + c.pad_after[i] : 0));
        g.pad[i] = explicit_pad ? 0 : static_cast<int>(c.pad_before[i]);
        g.k[i] = static_cast<int>(c.kernel[i]);
        g.stride[i] = static_cast<int>(c.stride[i]);
        g.dil[i] = static_cast<int>(c.dilation[i]);
        g.out[i] = static_cast<int>(out[i]);
    }
    return g;
}

double elems_in(const conv_geometry& g) {
    return static_cast<double>(g.n) * g.c_in * g.in[0] * static_cast<double>(g.in[1]) * g.in[2];
}
double elems_out(const conv_geometry& g) {
    return static_cast<double>(g.n) * g.c_out * g.out[0] * static_cast<double>(g.out[1]) * g.out[2];
}
double elems_w(const conv_geometry& g) {
    return static_cast<double>(g.c_out) * (g.c_in / g.groups) * g.k[0] * g.k[1] * static_cast<double>(g.k[2]);
}

/// One convolution set up in cuDNN with its buffers and chosen algorithm.
struct conv_run {
    cudnnHandle_t h;
    conv_geometry g;
    elem e;
    cudnnTensorDescriptor_t xd = nullptr, yd = nullptr;
    cudnnFilterDescriptor_t wd = nullptr;
    cudnnConvolutionDescriptor_t cd = nullptr;
    std::optional<device_buffer> x, w, y, workspace;
    cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
    float alpha = 1.0f, beta = 0.0f;

    conv_run(cudnnHandle_t handle, const conv_geometry& geo, elem el) : h(handle), g(geo), e(el) {}
    ~conv_run() {
        if (xd) cudnnDestroyTensorDescriptor(xd);
        if (yd) cudnnDestroyTensorDescriptor(yd);
        if (wd) cudnnDestroyFilterDescriptor(wd);
        if (cd) cudnnDestroyConvolutionDescriptor(cd);
    }
    conv_run(const conv_run&) = delete;
    conv_run& operator=(const conv_run&) = delete;

    void run() const {
        CUDNN_CHECK(cudnnConvolutionForward(h, &alpha, xd, x->p, wd, w->p, cd, algo, workspace->p, workspace->bytes, &beta,
                                            yd, y->p));
    }

    /// Descriptors, buffers and the algorithm: cuDNN's heuristic ranking, then the
    /// fastest of its first three candidates that fit the workspace limit, each run once.
    bool setup(std::string& reason) {
        const cudnnDataType_t dt = e == elem::bf16 ? CUDNN_DATA_BFLOAT16 : CUDNN_DATA_HALF;
        auto packed = [](const int* d, int* s) {
            s[4] = 1;
            for (int i = 3; i >= 0; --i) s[i] = s[i + 1] * d[i + 1];
        };
        const int xdims[5] = {g.n, g.c_in, g.in[0], g.in[1], g.in[2]};
        int xstr[5];
        packed(xdims, xstr);
        const int wdims[5] = {g.c_out, g.c_in / g.groups, g.k[0], g.k[1], g.k[2]};
        const int ydims_expected[5] = {g.n, g.c_out, g.out[0], g.out[1], g.out[2]};
        CUDNN_CHECK(cudnnCreateTensorDescriptor(&xd));
        CUDNN_CHECK(cudnnCreateTensorDescriptor(&yd));
        CUDNN_CHECK(cudnnCreateFilterDescriptor(&wd));
        CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&cd));
        CUDNN_CHECK(cudnnSetTensorNdDescriptor(xd, dt, 5, xdims, xstr));
        CUDNN_CHECK(cudnnSetFilterNdDescriptor(wd, dt, CUDNN_TENSOR_NCHW, 5, wdims));
        CUDNN_CHECK(cudnnSetConvolutionNdDescriptor(cd, 3, g.pad, g.stride, g.dil, CUDNN_CROSS_CORRELATION,
                                                    CUDNN_DATA_FLOAT));
        CUDNN_CHECK(cudnnSetConvolutionMathType(cd, CUDNN_TENSOR_OP_MATH));
        CUDNN_CHECK(cudnnSetConvolutionGroupCount(cd, g.groups));
        int ydims[5];
        CUDNN_CHECK(cudnnGetConvolutionNdForwardOutputDim(cd, xd, wd, 5, ydims));
        if (!std::equal(ydims, ydims + 5, ydims_expected)) {
            reason = "cuDNN's output extents differ from the op's";
            return false;
        }
        int ystr[5];
        packed(ydims, ystr);
        CUDNN_CHECK(cudnnSetTensorNdDescriptor(yd, dt, 5, ydims, ystr));
        const std::size_t es = elem_size(e);
        x.emplace(static_cast<std::size_t>(elems_in(g)) * es);
        w.emplace(static_cast<std::size_t>(elems_w(g)) * es);
        y.emplace(static_cast<std::size_t>(elems_out(g)) * es);
        fill_uniform(x->p, static_cast<std::size_t>(elems_in(g)), e, 21, 1.0f);
        fill_uniform(w->p, static_cast<std::size_t>(elems_w(g)), e, 22, 0.1f);
        CUDA_CHECK(cudaDeviceSynchronize());

        cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
        int returned = 0;
        CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, xd, wd, cd, yd, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
                                                           &returned, perf));
        const std::size_t limit = std::min<std::size_t>(free_device_bytes() / 2, std::size_t(4) << 30);
        cudaEvent_t a, b;
        CUDA_CHECK(cudaEventCreate(&a));
        CUDA_CHECK(cudaEventCreate(&b));
        float best = INFINITY;
        int tried = 0;
        for (int i = 0; i < returned && tried < 3; ++i) {
            if (perf[i].status != CUDNN_STATUS_SUCCESS) continue;
            std::size_t ws = 0;
            if (cudnnGetConvolutionForwardWorkspaceSize(h, xd, wd, cd, yd, perf[i].algo, &ws) != CUDNN_STATUS_SUCCESS ||
                ws > limit)
                continue;
            ++tried;
            device_buffer scratch(ws);
            CUDA_CHECK(cudaEventRecord(a));
            const cudnnStatus_t s = cudnnConvolutionForward(h, &alpha, xd, x->p, wd, w->p, cd, perf[i].algo, scratch.p,
                                                            ws, &beta, yd, y->p);
            CUDA_CHECK(cudaEventRecord(b));
            CUDA_CHECK(cudaEventSynchronize(b));
            if (s != CUDNN_STATUS_SUCCESS) continue;
            float ms = 0;
            CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
            if (ms < best) {
                best = ms;
                algo = perf[i].algo;
            }
        }
        CUDA_CHECK(cudaEventDestroy(a));
        CUDA_CHECK(cudaEventDestroy(b));
        if (!std::isfinite(best)) {
            reason = "no cuDNN forward algorithm runs this convolution within the workspace limit";
            return false;
        }
        std::size_t ws = 0;
        CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(h, xd, wd, cd, yd, algo, &ws));
        workspace.emplace(ws);
        return true;
    }
};

/// Checks cuDNN against naive_conv on small shapes (causal padding, stride 2, groups); "" when they agree.
std::string check_conv(cudnnHandle_t h, elem e) {
    std::vector<conv_shape> shapes(3);
    shapes[0].c_in = 8;
    shapes[0].c_out = 16;
    shapes[0].input = {5, 9, 10};
    shapes[0].kernel = {3, 3, 3};
    shapes[0].pad_before = {2, 1, 1};
    shapes[0].pad_after = {0, 1, 1};
    shapes[1] = shapes[0];
    shapes[1].stride = {1, 2, 2};
    shapes[1].pad_after = {2, 1, 1};
    shapes[2] = shapes[0];
    shapes[2].groups = 2;
    shapes[2].kernel = {1, 3, 3};
    shapes[2].pad_before = shapes[2].pad_after = {0, 1, 1};
    for (const conv_shape& c : shapes) {
        bool explicit_pad = false;
        const conv_geometry g = geometry_of(c, explicit_pad);
        conv_run r(h, g, e);
        std::string reason;
        if (!r.setup(reason)) return "the check shape is unsupported: " + reason;
        r.run();
        const std::size_t n = static_cast<std::size_t>(elems_out(g));
        device_buffer ref(n * 4);
        const int threads = 128;
        const int blocks = static_cast<int>((n + threads - 1) / threads);
        if (e == elem::bf16)
            naive_conv<<<blocks, threads>>>(static_cast<const __nv_bfloat16*>(r.x->p), static_cast<const __nv_bfloat16*>(r.w->p),
                                            static_cast<float*>(ref.p), g);
        else
            naive_conv<<<blocks, threads>>>(static_cast<const __half*>(r.x->p), static_cast<const __half*>(r.w->p),
                                            static_cast<float*>(ref.p), g);
        CUDA_CHECK(cudaGetLastError());
        CUDA_CHECK(cudaDeviceSynchronize());
        const auto got = to_host_floats(r.y->p, n, e);
        const auto want = to_host_floats(ref.p, n, elem::fp32);
        double err = 0, norm = 0;
        for (std::size_t i = 0; i < n; ++i) {
            err += (static_cast<double>(got[i]) - want[i]) * (static_cast<double>(got[i]) - want[i]);
            norm += static_cast<double>(want[i]) * want[i];
        }
        const double rel = std::sqrt(err / std::max(norm, 1e-30));
        if (!(norm > 0) || !(rel < 0.02))
            return "cuDNN convolution differs from the reference (" + op_json(c) + "): relative RMS error " +
                   std::to_string(rel);
    }
    return "";
}

void emit_status(const planned_op& op, const char* status, const std::string& reason) {
    emit("{\"kind\": \"conv\", \"status\": \"" + std::string(status) + "\", \"reason\": " + jstr(reason) +
         ", \"source\": " + jstr(op.source) + ", \"op\": " + op_json(op.conv) + "}");
}

/// The largest number of input frames (unpadded) whose tensors keep 32-bit extents and fit in `bytes`.
long long frames_that_fit(const conv_shape& c, double bytes) {
    conv_shape t = c;
    for (long long d = c.input[0]; d >= 1; d = d > 16 ? d * 3 / 4 : d - 1) {
        t.input[0] = d;
        if (t.input[0] + t.pad_before[0] + t.pad_after[0] < t.dilation[0] * (t.kernel[0] - 1) + 1) return 0;
        bool explicit_pad = false;
        const conv_geometry g = geometry_of(t, explicit_pad);
        const double in = elems_in(g), out = elems_out(g);
        const double es = static_cast<double>(dtype_bytes(c.dtype));
        if (in < INT_MAX && out < INT_MAX && (in + out + elems_w(g)) * es < bytes) return d;
    }
    return 0;
}

void measure(cudnnHandle_t h, const planned_op& op, std::map<std::string, std::string>& checks) {
    const conv_shape& c = op.conv;
    if (c.direction != "forward") {
        emit_status(op, "unsupported", "the suite measures forward convolutions");
        return;
    }
    if (c.dtype != "bf16" && c.dtype != "fp16") {
        emit_status(op, "unsupported", "dtype " + c.dtype + ": the suite measures convolutions in bf16 and fp16");
        return;
    }
    const elem e = c.dtype == "bf16" ? elem::bf16 : elem::fp16;
    if (!checks.count(c.dtype)) {
        std::string failed;
        try {
            failed = check_conv(h, e);
        } catch (const cudnn::error& ex) { // cuDNN refused the check's graph: the kind is unsupported
            failed = std::string("the check shape is not supported by cuDNN: ") + ex.what();
        } catch (const std::runtime_error& ex) {
            failed = std::string("the check shape could not run: ") + ex.what();
        }
        checks[c.dtype] = failed;
        if (!failed.empty()) std::fprintf(stderr, "[conv] check failed for %s: %s\n", c.dtype.c_str(), failed.c_str());
    }
    if (!checks[c.dtype].empty()) {
        const bool unsupported = checks[c.dtype].rfind("the check shape", 0) == 0;
        emit_status(op, unsupported ? "unsupported" : "failed-check", checks[c.dtype]);
        return;
    }
    // a temporal slice when the tensors exceed 32-bit extents or 60 % of the free memory
    conv_shape measured = c;
    const long long frames = frames_that_fit(c, 0.6 * static_cast<double>(free_device_bytes()));
    if (frames == 0) {
        emit_status(op, "unsupported", "even one frame of this convolution does not fit");
        return;
    }
    measured.input[0] = frames;
    const bool sliced = frames != c.input[0];
    bool explicit_pad = false;
    const conv_geometry g = geometry_of(measured, explicit_pad);
    try {
        conv_run r(h, g, e);
        std::string reason;
        if (!r.setup(reason)) {
            emit_status(op, "unsupported", reason);
            return;
        }
        const double work = flops(measured);
        const double bytes = (elems_in(g) + elems_w(g) + elems_out(g)) * static_cast<double>(elem_size(e));
        for (const cache_state cache : cache_states()) {
            const timing t = time_gpu([&] { r.run(); }, cache);
            std::string rec = "{\"kind\": \"conv\", \"backend\": \"cudnn-conv\", \"source\": " + jstr(op.source) +
                              ", \"op\": " + op_json(measured) + ", \"models\": " + json_string_array(op.models);
            if (op.source == "shapes") rec += ", \"share\": " + jnum(op.share);
            if (sliced)
                rec += ", \"sliced_from\": " + op_json(c) +
                       ", \"note\": \"a temporal slice: the whole tensor exceeds 32-bit extents or the free memory\"";
            rec += ", \"layout\": \"NCDHW\", \"padding\": " +
                   std::string(explicit_pad ? "\"explicit (input allocated padded)\"" : "\"in the convolution\"") +
                   ", \"algo\": " + jstr(algo_name(r.algo)) + ", \"workspace_bytes\": " +
                   std::to_string(r.workspace->bytes) + ", \"flops\": " + jnum(work) +
                   ", \"tflops\": " + jnum(work / t.median_s / 1e12) + ", \"gbps\": " + jnum(bytes / t.median_s / 1e9) +
                   ", " + timing_fields(t) + "}";
            emit(rec);
        }
    } catch (const cudnn::error& ex) {
        emit_status(op, "unsupported", ex.what());
    } catch (const std::runtime_error& ex) { // e.g. out of memory for a workspace: this op only, the run goes on
        (void)cudaGetLastError();
        emit_status(op, "unsupported", std::string("CUDA: ") + ex.what());
    }
}

} // namespace

void bench_conv(const std::vector<planned_op>& plan, double end_s) {
    section sec("conv", end_s, static_cast<int>(plan.size()));
    cudnnHandle_t h = nullptr;
    CUDNN_CHECK(cudnnCreate(&h));
    CUDNN_CHECK(cudnnSetStream(h, nullptr));
    std::map<std::string, std::string> checks;
    int done = 0;
    for (const planned_op& op : plan) {
        // at least four convolutions whatever the budget: the fitter needs four compute-bound points or none
        if (done >= 4 && op.budget_check && !sec.time_left()) break;
        sec.step(describe(op));
        measure(h, op, checks);
        ++done;
    }
    cudnnDestroy(h);
}

} // namespace vpcal
