// The GEMM section of vidperf-calibrate: cuBLASLt matmuls per dtype (the sweep)
// and the GEMMs of `vidperf shapes` files.
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common.cuh"
#include "cublas_check.cuh"
#include "sections.cuh"


namespace vpcal {
namespace {

struct gemm_type {
    std::string name; ///< vidperf's dtype name of A and B
    cudaDataType_t ab, c;
    cublasComputeType_t compute;
    elem e_ab, e_c;
    int min_sm;                          ///< compute capability x 10
    cudaDataType_t scale = CUDA_R_32F;   ///< alpha and beta (int32 for integer GEMMs)
    float check_value = 0.5f;            ///< every operand for the check before timing
    float random_scale = 1.0f;           ///< operands are uniform in [-random_scale, random_scale]
};

bool lookup(const std::string& a, gemm_type& t) {
    if (a == "bf16") t = {a, CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, elem::bf16, elem::bf16, 80};
    else if (a == "fp16") t = {a, CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, elem::fp16, elem::fp16, 70};
    else if (a == "tf32") t = {a, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, elem::fp32, elem::fp32, 80};
    else if (a == "fp32") t = {a, CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F, elem::fp32, elem::fp32, 0};
    else if (a == "fp8_e4m3") t = {a, CUDA_R_8F_E4M3, CUDA_R_16BF, CUBLAS_COMPUTE_32F, elem::fp8_e4m3, elem::bf16, 89};
    // int8 x int8 -> int32 (IMMA; cuBLASLt wants the TN layout used below); operands 1 for the check
    // (C = k exactly), random integers in [-64, 64] for the timing
    else if (a == "int8")
        t = {a, CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I, elem::int8, elem::int32, 75, CUDA_R_32I, 1.0f, 64.0f};
    else return false;
    return true;
}

/// Owns the cuBLASLt handle and workspace of the section.
struct lt_context {
    cublasLtHandle_t lt = nullptr;
    void* workspace = nullptr;
    std::size_t workspace_bytes = std::size_t(64) << 20;
    lt_context() {
        CUBLAS_CHECK(cublasLtCreate(&lt));
        CUDA_CHECK(cudaMalloc(&workspace, workspace_bytes));
    }
    ~lt_context() {
        cudaFree(workspace);
        cublasLtDestroy(lt);
    }
    lt_context(const lt_context&) = delete;
    lt_context& operator=(const lt_context&) = delete;
};

std::string unsupported(const planned_op& op, const std::string& reason) {
    return "{\"kind\": \"gemm\", \"status\": \"unsupported\", \"reason\": " + jstr(reason) +
           ", \"op\": " + op_json(op.gemm) + ", \"source\": " + jstr(op.source) + "}";
}

/// Measures one planned GEMM (C[m,n] = A[m,k] B[k,n], `batch` strided
/// problems) and writes its records.
void measure(lt_context& ctx, const planned_op& op) {
    const gemm_shape& s = op.gemm;
    gemm_type t;
    if (!lookup(s.a, t) || s.b != s.a) {
        emit(unsupported(op, "dtype " + s.a + " x " + s.b + " is not measured by the suite (bf16, fp16, tf32, fp32, "
                                                            "fp8_e4m3, int8 with equal A and B)"));
        return;
    }
    if (g.sm_version < t.min_sm) {
        if (op.source == "sweep") return; // the sweep covers the dtypes this GPU has
        emit(unsupported(op, s.a + " GEMMs need compute capability " + std::to_string(t.min_sm / 10) + "." +
                                 std::to_string(t.min_sm % 10)));
        return;
    }
    // a batch sharing B (weights applied to every sequence) is one GEMM with batch x m rows
    const long long m = s.shared_b ? s.m * s.batch : s.m;
    const long long batch = s.shared_b ? 1 : s.batch;
    const long long n = s.n, k = s.k;
    const std::size_t ea = elem_size(t.e_ab), ec = elem_size(t.e_c);
    const std::size_t a_elems = std::size_t(m) * k, b_elems = std::size_t(k) * n, c_elems = std::size_t(m) * n;
    const std::size_t nb = static_cast<std::size_t>(batch);
    const std::size_t total = (a_elems + b_elems) * ea * nb + c_elems * ec * nb;
    if (static_cast<double>(total) > 0.8 * static_cast<double>(free_device_bytes())) {
        emit(unsupported(op, "operands (" + std::to_string(total >> 20) + " MiB) do not fit in free device memory"));
        return;
    }
    device_buffer A, B, C;
    if (!A.alloc(a_elems * ea * nb) || !B.alloc(b_elems * ea * nb) || !C.alloc(c_elems * ec * nb)) {
        emit(unsupported(op, "allocation failed"));
        return;
    }
    cublasLtMatmulDesc_t desc;
    CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc, t.compute, t.scale));
    // column-major: C[m,n] = A[m,k] B[k,n] with A stored transposed (k x m), the usual TN layout (FP8 needs it)
    const cublasOperation_t trans_a = CUBLAS_OP_T, trans_b = CUBLAS_OP_N;
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &trans_a, sizeof(trans_a)));
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &trans_b, sizeof(trans_b)));
    cublasLtMatrixLayout_t la, lb, lc;
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la, t.ab, k, m, k));
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb, t.ab, k, n, k));
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lc, t.c, m, n, m));
    if (batch > 1) {
        const int count = static_cast<int>(batch);
        const long long sa = static_cast<long long>(a_elems), sb = static_cast<long long>(b_elems),
                        sc = static_cast<long long>(c_elems);
        for (auto [layout, stride] : {std::pair{la, sa}, std::pair{lb, sb}, std::pair{lc, sc}}) {
            CUBLAS_CHECK(cublasLtMatrixLayoutSetAttribute(layout, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &count,
                                                          sizeof(count)));
            CUBLAS_CHECK(cublasLtMatrixLayoutSetAttribute(layout, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET,
                                                          &stride, sizeof(stride)));
        }
    }
    cublasLtMatmulPreference_t pref;
    CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
    CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                      &ctx.workspace_bytes, sizeof(ctx.workspace_bytes)));
    cublasLtMatmulHeuristicResult_t heuristic{};
    int found = 0;
    const cublasStatus_t hs =
        cublasLtMatmulAlgoGetHeuristic(ctx.lt, desc, la, lb, lc, lc, pref, 1, &heuristic, &found);
    const float alpha_f = 1.0f, beta_f = 0.0f;
    const std::int32_t alpha_i = 1, beta_i = 0;
    const void* alpha = t.scale == CUDA_R_32I ? static_cast<const void*>(&alpha_i) : static_cast<const void*>(&alpha_f);
    const void* beta = t.scale == CUDA_R_32I ? static_cast<const void*>(&beta_i) : static_cast<const void*>(&beta_f);
    auto cleanup = [&] {
        cublasLtMatmulPreferenceDestroy(pref);
        cublasLtMatrixLayoutDestroy(la);
        cublasLtMatrixLayoutDestroy(lb);
        cublasLtMatrixLayoutDestroy(lc);
        cublasLtMatmulDescDestroy(desc);
    };
    if (hs != CUBLAS_STATUS_SUCCESS || found == 0) {
        cleanup();
        emit(unsupported(op, "cuBLASLt has no algorithm for this GEMM"));
        return;
    }
    auto run = [&] {
        CUBLAS_CHECK(cublasLtMatmul(ctx.lt, desc, alpha, A.p, la, B.p, lb, beta, C.p, lc, C.p, lc, &heuristic.algo,
                                    ctx.workspace, ctx.workspace_bytes, 0));
    };
    // check before timing: with every operand v, every entry of C is v^2 k
    fill_constant(A.p, a_elems * nb, t.e_ab, t.check_value);
    fill_constant(B.p, b_elems * nb, t.e_ab, t.check_value);
    run();
    CUDA_CHECK(cudaDeviceSynchronize());
    for (const std::size_t at : {std::size_t(0), c_elems * nb - 1}) {
        const float got = to_host_floats(static_cast<const char*>(C.p) + at * ec, 1, t.e_c)[0];
        const float want = t.check_value * t.check_value * static_cast<float>(k);
        if (!(std::fabs(got - want) <= 0.01f * want)) {
            cleanup();
            throw std::runtime_error("cuBLASLt " + s.a + " GEMM check failed at " + describe(op) + ": " +
                                     std::to_string(got) + " instead of " + std::to_string(want));
        }
    }
    // time on random operands (constant operands draw less power than real data)
    fill_uniform(A.p, a_elems * nb, t.e_ab, 1, t.random_scale);
    fill_uniform(B.p, b_elems * nb, t.e_ab, 2, t.random_scale);
    CUDA_CHECK(cudaDeviceSynchronize());
    const double work = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) *
                        static_cast<double>(batch);
    for (const cache_state cache : cache_states()) {
        const timing tm = time_gpu(run, cache);
        // FP8: cuBLASLt's default (precise) accumulation; CUBLASLT_MATMUL_DESC_FAST_ACCUM is left unset
        const std::string rates = "\"tflops\": " + jnum(work / tm.median_s / 1e12) +
                                  ", \"gbps\": " + jnum(static_cast<double>(total) / tm.median_s / 1e9) +
                                  (s.a == "fp8_e4m3" ? ", \"fast_accum\": false" : "");
        if (op.source == "sweep") {
            emit("{\"kind\": \"gemm\", \"dtype\": " + jstr(s.a) + ", \"m\": " + std::to_string(m) + ", \"n\": " +
                 std::to_string(n) + ", \"k\": " + std::to_string(k) + ", \"source\": \"sweep\", " + rates + ", " +
                 timing_fields(tm) + "}");
        } else {
            // one GEMM (batch 1 after folding a shared B) is a "gemm" record the fitter reads (m, n, k, dtype);
            // a batch of independent GEMMs is a "gemm_batched" record
            emit(std::string("{\"kind\": \"") + (batch > 1 ? "gemm_batched" : "gemm") + "\", \"dtype\": " + jstr(s.a) +
                 ", \"m\": " + std::to_string(m) + ", \"n\": " + std::to_string(n) + ", \"k\": " + std::to_string(k) +
                 ", \"batch\": " + std::to_string(batch) + ", \"op\": " + op_json(s) +
                 ", \"source\": " + jstr(op.source) + ", \"models\": " + json_string_array(op.models) +
                 ", \"share\": " + jnum(op.share) + ", " + rates + ", " + timing_fields(tm) + "}");
        }
    }
    cleanup();
}

} // namespace

void bench_gemm(const std::vector<planned_op>& plan, double end_s) {
    section sec("gemm", end_s, static_cast<int>(plan.size()));
    lt_context ctx;
    for (const planned_op& op : plan) {
        if (op.budget_check && !sec.time_left()) break;
        sec.step(describe(op));
        measure(ctx, op);
    }
}

} // namespace vpcal
