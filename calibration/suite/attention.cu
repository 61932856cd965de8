// The attention section of vidperf-calibrate: cuDNN's fused scaled-dot-product
// attention (flash attention), forward and backward, built as a backend
// operation graph that the SDPA runtime-fusion engines recognise.
//
// Forward graph (Q [b,h,sq,d], K given transposed as [b,hk,d,skv], V [b,hk,skv,dv]):
//   S = matmul(Q, K^T) * scale; M = rowmax(S); E = exp(S - M); Z = rowsum(E);
//   P = E / Z (bf16/fp16); O = matmul(P, V); training also writes Stats = M + log(Z).
// Backward graph (from Q, K^T, V^T, O, dO, Stats):
//   D = rowsum(dO * O); P = exp(scale * Q K^T - Stats); dV = P^T dO;
//   dS = P * (dO V^T - D) * scale; dK = dS^T Q; dQ = dS K (accumulated in fp32).
// FLOPs: forward 2 b h sq skv (d + dv) (= 4 b h s^2 d), backward 2.5x forward.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

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


/// Reference attention: one thread per output element, two passes over the keys.
template <class T>
__global__ void naive_sdpa(const T* q, const T* k, const T* v, float* o, int b, int h, int hk, int sq, int skv, int d,
                           int dv, float scale) {
    const long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
    if (idx >= static_cast<long long>(b) * h * sq * dv) return;
    const int c = static_cast<int>(idx % dv);
    const int i = static_cast<int>((idx / dv) % sq);
    const long long bh = idx / (static_cast<long long>(dv) * sq);
    const int bb = static_cast<int>(bh / h), hh = static_cast<int>(bh % h), kh = hh / (h / hk);
    const T* qrow = q + (bh * sq + i) * d;
    const T* kb = k + (static_cast<long long>(bb) * hk + kh) * skv * d;
    const T* vb = v + (static_cast<long long>(bb) * hk + kh) * skv * dv;
    float m = -INFINITY;
    for (int j = 0; j < skv; ++j) {
        float s = 0;
        for (int x = 0; x < d; ++x) s += device_float(qrow[x]) * device_float(kb[static_cast<long long>(j) * d + x]);
        m = fmaxf(m, s * scale);
    }
    float z = 0, acc = 0;
    for (int j = 0; j < skv; ++j) {
        float s = 0;
        for (int x = 0; x < d; ++x) s += device_float(qrow[x]) * device_float(kb[static_cast<long long>(j) * d + x]);
        const float p = expf(s * scale - m);
        z += p;
        acc += p * device_float(vb[static_cast<long long>(j) * dv + c]);
    }
    o[idx] = acc / z;
}

struct sdpa {
    std::int64_t b, h, hk, sq, skv, d, dv;
    cudnnDataType_t io;
    elem e;
    float scale;
};

std::optional<sdpa> dims_of(const attention_shape& a, std::string& reason) {
    sdpa s{a.batch, a.heads_q, a.heads_kv, a.seq_q, a.seq_kv, a.head_dim, a.head_dim_v, CUDNN_DATA_BFLOAT16,
           elem::bf16, 1.0f / std::sqrt(static_cast<float>(a.head_dim))};
    if (a.dtype == "fp16") {
        s.io = CUDNN_DATA_HALF;
        s.e = elem::fp16;
    } else if (a.dtype != "bf16") {
        reason = "dtype " + a.dtype + ": the suite measures cuDNN SDPA in bf16 and fp16";
        return std::nullopt;
    }
    if (a.causal) {
        reason = "causal masks are not built by the suite (video DiTs attend without one)";
        return std::nullopt;
    }
    if (a.direction == "backward" && a.heads_kv != a.heads_q) {
        reason = "backward with heads_kv != heads_q is not built by the suite";
        return std::nullopt;
    }
    return s;
}

/// Tensors of the forward graph; `stats` < 0 unless built for training.
struct forward_ids {
    std::int64_t q, k, v, o, scale, stats = -1;
};

forward_ids build_forward(cudnn::graph& gr, const sdpa& s, bool stats) {
    using V = std::vector<std::int64_t>;
    forward_ids ids{};
    const auto Q = gr.add({s.b, s.h, s.sq, s.d}, cudnn::packed({s.b, s.h, s.sq, s.d}), s.io, false);
    const auto KT = gr.add({s.b, s.hk, s.d, s.skv}, V{s.hk * s.skv * s.d, s.skv * s.d, 1, s.d}, s.io, false);
    const auto Vt = gr.add({s.b, s.hk, s.skv, s.dv}, cudnn::packed({s.b, s.hk, s.skv, s.dv}), s.io, false);
    const auto O = gr.add({s.b, s.h, s.sq, s.dv}, cudnn::packed({s.b, s.h, s.sq, s.dv}), s.io, false);
    const auto scale = gr.add({1, 1, 1, 1}, V{1, 1, 1, 1}, CUDNN_DATA_FLOAT, false, true);
    const V scores{s.b, s.h, s.sq, s.skv};
    const V row{s.b, s.h, s.sq, 1};
    const V row_strides{s.h * s.sq, s.sq, 1, 1};
    const auto S1 = gr.add_virtual(scores);
    gr.matmul(Q, KT, S1);
    const auto S2 = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_MUL, S1, &scale, S2);
    const auto M = gr.add(row, row_strides, CUDNN_DATA_FLOAT, true);
    gr.reduction(CUDNN_REDUCE_TENSOR_MAX, S2, M);
    const auto S3 = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_SUB, S2, &M, S3);
    const auto E = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_EXP, S3, nullptr, E);
    const auto Z = gr.add(row, row_strides, CUDNN_DATA_FLOAT, true);
    gr.reduction(CUDNN_REDUCE_TENSOR_ADD, E, Z);
    // the flash-attention engines match a softmax that always ends in Stats = M + log(Z); for inference
    // Stats is virtual (cudnn_frontend's composite softmax does the same)
    const auto L = gr.add(row, row_strides, CUDNN_DATA_FLOAT, true);
    gr.pointwise(CUDNN_POINTWISE_LOG, Z, nullptr, L);
    const auto Stats = gr.add(row, row_strides, CUDNN_DATA_FLOAT, !stats);
    gr.pointwise(CUDNN_POINTWISE_ADD, M, &L, Stats);
    if (stats) ids.stats = Stats.uid;
    const auto P = gr.add_virtual(scores, s.io); // the second matmul takes P in the I/O type
    gr.pointwise(CUDNN_POINTWISE_DIV, E, &Z, P);
    gr.matmul(P, Vt, O);
    ids.q = Q.uid;
    ids.k = KT.uid;
    ids.v = Vt.uid;
    ids.o = O.uid;
    ids.scale = scale.uid;
    return ids;
}

struct backward_ids {
    std::int64_t q, k, v, o, dO, stats, scale, one, dq, dk, dv, dq_accum, softmax_sum;
};

backward_ids build_backward(cudnn::graph& gr, const sdpa& s) {
    using V = std::vector<std::int64_t>;
    backward_ids ids{};
    const V qd{s.b, s.h, s.sq, s.d}, kd{s.b, s.h, s.skv, s.d}, vd{s.b, s.h, s.skv, s.dv}, od{s.b, s.h, s.sq, s.dv};
    const V row{s.b, s.h, s.sq, 1}, row_strides{s.h * s.sq, s.sq, 1, 1};
    const V scores{s.b, s.h, s.sq, s.skv};
    const V scores_t{s.b, s.h, s.skv, s.sq}, scores_t_strides{s.h * s.sq * s.skv, s.sq * s.skv, 1, s.skv};
    const auto Q = gr.add(qd, cudnn::packed(qd), s.io, false);
    const auto KT = gr.add({s.b, s.h, s.d, s.skv}, V{s.h * s.skv * s.d, s.skv * s.d, 1, s.d}, s.io, false);
    const auto VT = gr.add({s.b, s.h, s.dv, s.skv}, V{s.h * s.skv * s.dv, s.skv * s.dv, 1, s.dv}, s.io, false);
    const auto O = gr.add(od, cudnn::packed(od), s.io, false);
    const auto dO = gr.add(od, cudnn::packed(od), s.io, false);
    const auto Stats = gr.add(row, row_strides, CUDNN_DATA_FLOAT, false);
    const auto scale = gr.add({1, 1, 1, 1}, V{1, 1, 1, 1}, CUDNN_DATA_FLOAT, false, true);
    const auto one = gr.add({1, 1, 1, 1}, V{1, 1, 1, 1}, CUDNN_DATA_FLOAT, false, true);
    const auto dQ = gr.add(qd, cudnn::packed(qd), s.io, false);
    const auto dK = gr.add(kd, cudnn::packed(kd), s.io, false);
    const auto dV = gr.add(vd, cudnn::packed(vd), s.io, false);
    const auto dQ_accum = gr.add(qd, cudnn::packed(qd), CUDNN_DATA_FLOAT, false);
    const auto softmax_sum = gr.add(row, row_strides, CUDNN_DATA_FLOAT, false);

    // D = rowsum(dO * O), kept in softmax_sum
    const auto dOO = gr.add_virtual(od);
    gr.pointwise(CUDNN_POINTWISE_MUL, dO, &O, dOO);
    const auto D = gr.add(row, row_strides, CUDNN_DATA_FLOAT, true);
    gr.reduction(CUDNN_REDUCE_TENSOR_ADD, dOO, D);
    gr.pointwise(CUDNN_POINTWISE_MUL, D, &one, softmax_sum);
    // P = exp(scale * Q K^T - Stats)
    const auto S1 = gr.add_virtual(scores);
    gr.matmul(Q, KT, S1);
    const auto S2 = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_MUL, S1, &scale, S2);
    const auto S3 = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_SUB, S2, &Stats, S3);
    const auto P = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_EXP, S3, nullptr, P);
    // dV = P^T dO
    const auto PT = gr.add(scores_t, scores_t_strides, s.io, true);
    gr.reshape(P, PT);
    gr.matmul(PT, dO, dV);
    // dS = P * (dO V^T - D) * scale
    const auto dP = gr.add_virtual(scores);
    gr.matmul(dO, VT, dP);
    const auto dP1 = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_SUB, dP, &softmax_sum, dP1);
    const auto dP2 = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_MUL, dP1, &P, dP2);
    const auto dS = gr.add_virtual(scores);
    gr.pointwise(CUDNN_POINTWISE_MUL, dP2, &scale, dS);
    // dK = dS^T Q
    const auto dST = gr.add(scores_t, scores_t_strides, s.io, true);
    gr.reshape(dS, dST);
    gr.matmul(dST, Q, dK);
    // dQ = dS K, accumulated in fp32, then converted
    const auto K = gr.add(kd, V{s.h * s.skv * s.d, s.skv * s.d, s.d, 1}, s.io, true);
    gr.reshape(KT, K);
    gr.matmul(dS, K, dQ_accum);
    gr.pointwise(CUDNN_POINTWISE_IDENTITY, dQ_accum, nullptr, dQ);

    ids = {Q.uid,    KT.uid,   VT.uid,   O.uid,          dO.uid,         Stats.uid, scale.uid, one.uid,
           dQ.uid,   dK.uid,   dV.uid,   dQ_accum.uid,   softmax_sum.uid};
    return ids;
}

/// Device tensors of one attention problem.
struct problem {
    sdpa s;
    std::size_t q_elems, k_elems, v_elems, o_elems, row_elems;
    device_buffer q, k, v, o, stats;
    std::optional<device_buffer> dO, dq, dk, dv, dq_accum, softmax_sum;
    float scale_value, one_value = 1.0f;
    problem(const sdpa& dims, bool backward)
        : s(dims), q_elems(std::size_t(s.b * s.h * s.sq * s.d)), k_elems(std::size_t(s.b * s.hk * s.skv * s.d)),
          v_elems(std::size_t(s.b * s.hk * s.skv * s.dv)), o_elems(std::size_t(s.b * s.h * s.sq * s.dv)),
          row_elems(std::size_t(s.b * s.h * s.sq)), q(q_elems * elem_size(s.e)), k(k_elems * elem_size(s.e)),
          v(v_elems * elem_size(s.e)), o(o_elems * elem_size(s.e)), stats(row_elems * 4), scale_value(s.scale) {
        if (backward) {
            dO.emplace(o_elems * elem_size(s.e));
            dq.emplace(q_elems * elem_size(s.e));
            dk.emplace(k_elems * elem_size(s.e));
            dv.emplace(v_elems * elem_size(s.e));
            dq_accum.emplace(q_elems * 4);
            softmax_sum.emplace(row_elems * 4);
        }
        fill_uniform(q.p, q_elems, s.e, 11, 1.0f);
        fill_uniform(k.p, k_elems, s.e, 12, 1.0f);
        fill_uniform(v.p, v_elems, s.e, 13, 1.0f);
        if (backward) fill_uniform(dO->p, o_elems, s.e, 14, 1.0f);
        CUDA_CHECK(cudaDeviceSynchronize());
    }
    static std::size_t bytes_needed(const sdpa& s, bool backward) {
        const std::size_t es = elem_size(s.e);
        const std::size_t q = std::size_t(s.b * s.h * s.sq * s.d), k = std::size_t(s.b * s.hk * s.skv * s.d),
                          v = std::size_t(s.b * s.hk * s.skv * s.dv), o = std::size_t(s.b * s.h * s.sq * s.dv),
                          r = std::size_t(s.b * s.h * s.sq);
        std::size_t n = (q + k + v + o) * es + r * 4;
        if (backward) n += (o + q + k + v) * es + q * 4 + r * 4;
        return n;
    }
};

struct runner {
    cudnn::graph graph;
    std::optional<device_buffer> workspace;
    explicit runner(cudnnHandle_t h) : graph(h) {}
};

/// The forward plan of `p` bound to its buffers; nullopt with `reason` when unsupported.
std::unique_ptr<runner> forward_runner(cudnnHandle_t h, problem& p, bool stats, std::string& reason) {
    auto r = std::make_unique<runner>(h);
    const forward_ids ids = build_forward(r->graph, p.s, stats);
    if (!r->graph.build(reason)) return nullptr;
    r->workspace.emplace(static_cast<std::size_t>(r->graph.workspace_bytes()));
    std::vector<std::pair<std::int64_t, void*>> data{
        {ids.q, p.q.p}, {ids.k, p.k.p}, {ids.v, p.v.p}, {ids.o, p.o.p}, {ids.scale, &p.scale_value}};
    if (stats) data.emplace_back(ids.stats, p.stats.p);
    r->graph.bind(data, r->workspace->p);
    return r;
}

std::unique_ptr<runner> backward_runner(cudnnHandle_t h, problem& p, std::string& reason) {
    auto r = std::make_unique<runner>(h);
    const backward_ids ids = build_backward(r->graph, p.s);
    if (!r->graph.build(reason)) return nullptr;
    r->workspace.emplace(static_cast<std::size_t>(r->graph.workspace_bytes()));
    r->graph.bind({{ids.q, p.q.p},
                   {ids.k, p.k.p},
                   {ids.v, p.v.p},
                   {ids.o, p.o.p},
                   {ids.dO, p.dO->p},
                   {ids.stats, p.stats.p},
                   {ids.scale, &p.scale_value},
                   {ids.one, &p.one_value},
                   {ids.dq, p.dq->p},
                   {ids.dk, p.dk->p},
                   {ids.dv, p.dv->p},
                   {ids.dq_accum, p.dq_accum->p},
                   {ids.softmax_sum, p.softmax_sum->p}},
                  r->workspace->p);
    return r;
}

/// Checks the forward output against naive_sdpa on a small problem; "" when it agrees.
std::string check_forward(cudnnHandle_t h, const sdpa& dims) {
    sdpa s = dims;
    s.b = 1;
    s.h = 2;
    s.hk = dims.hk == dims.h ? 2 : 1;
    s.sq = s.skv = 256;
    problem p(s, false);
    std::string reason;
    auto r = forward_runner(h, p, false, reason);
    if (!r) return "the check shape is unsupported: " + reason;
    r->graph.run();
    device_buffer ref(p.o_elems * 4);
    const int threads = 128;
    const int blocks = static_cast<int>((p.o_elems + threads - 1) / threads);
    if (s.e == elem::bf16)
        naive_sdpa<<<blocks, threads>>>(static_cast<const __nv_bfloat16*>(p.q.p), static_cast<const __nv_bfloat16*>(p.k.p),
                                        static_cast<const __nv_bfloat16*>(p.v.p), static_cast<float*>(ref.p), 1, 2,
                                        static_cast<int>(s.hk), 256, 256, static_cast<int>(s.d), static_cast<int>(s.dv),
                                        s.scale);
    else
        naive_sdpa<<<blocks, threads>>>(static_cast<const __half*>(p.q.p), static_cast<const __half*>(p.k.p),
                                        static_cast<const __half*>(p.v.p), static_cast<float*>(ref.p), 1, 2,
                                        static_cast<int>(s.hk), 256, 256, static_cast<int>(s.d), static_cast<int>(s.dv),
                                        s.scale);
    CUDA_CHECK(cudaGetLastError());
    CUDA_CHECK(cudaDeviceSynchronize());
    const auto got = to_host_floats(p.o.p, p.o_elems, s.e);
    const auto want = to_host_floats(ref.p, p.o_elems, elem::fp32);
    double err = 0, norm = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        err += (static_cast<double>(got[i]) - want[i]) * (static_cast<double>(got[i]) - want[i]);
        norm += static_cast<double>(want[i]) * want[i];
    }
    const double rel = std::sqrt(err / std::max(norm, 1e-30));
    if (!(norm > 0) || !(rel < 0.02))
        return "cuDNN SDPA forward differs from the reference: relative RMS error " + std::to_string(rel);
    return "";
}

/// Checks the backward outputs on a small problem by two identities that hold for
/// any softmax: the key-sum of dV equals the query-sum of dO, and the key-sum of dK is 0.
std::string check_backward(cudnnHandle_t h, const sdpa& dims) {
    sdpa s = dims;
    s.b = 1;
    s.h = s.hk = 2;
    s.sq = s.skv = 256;
    problem p(s, true);
    std::string reason;
    auto f = forward_runner(h, p, true, reason);
    if (!f) return "the check shape's training forward is unsupported: " + reason;
    auto b = backward_runner(h, p, reason);
    if (!b) return "the check shape is unsupported: " + reason;
    f->graph.run();
    CUDA_CHECK(cudaMemset(p.dq_accum->p, 0, p.dq_accum->bytes));
    b->graph.run();
    CUDA_CHECK(cudaDeviceSynchronize());
    const auto dv = to_host_floats(p.dv->p, p.v_elems, s.e);
    const auto dk = to_host_floats(p.dk->p, p.k_elems, s.e);
    const auto dq = to_host_floats(p.dq->p, p.q_elems, s.e);
    const auto dO = to_host_floats(p.dO->p, p.o_elems, s.e);
    for (float x : dq)
        if (!std::isfinite(x)) return "cuDNN SDPA backward wrote a non-finite dQ";
    for (std::int64_t hh = 0; hh < s.h; ++hh) {
        for (std::int64_t c = 0; c < s.dv; ++c) {
            double sum_dv = 0, sum_do = 0, abs_do = 0;
            for (std::int64_t j = 0; j < s.skv; ++j) sum_dv += dv[std::size_t((hh * s.skv + j) * s.dv + c)];
            for (std::int64_t i = 0; i < s.sq; ++i) {
                const double x = dO[std::size_t((hh * s.sq + i) * s.dv + c)];
                sum_do += x;
                abs_do += std::fabs(x);
            }
            if (!(std::fabs(sum_dv - sum_do) <= 0.02 * abs_do + 1e-6))
                return "cuDNN SDPA backward: sum of dV over keys " + std::to_string(sum_dv) + " != sum of dO " +
                       std::to_string(sum_do);
        }
        for (std::int64_t c = 0; c < s.d; ++c) {
            double sum = 0, abs_sum = 0;
            for (std::int64_t j = 0; j < s.skv; ++j) {
                const double x = dk[std::size_t((hh * s.skv + j) * s.d + c)];
                sum += x;
                abs_sum += std::fabs(x);
            }
            if (!(abs_sum > 0) || !(std::fabs(sum) <= 0.02 * abs_sum))
                return "cuDNN SDPA backward: sum of dK over keys is " + std::to_string(sum) + " (should be 0; sum of |dK| " +
                       std::to_string(abs_sum) + ")";
        }
    }
    return "";
}

std::string record_head(const planned_op& op) {
    std::string s = "{\"kind\": \"attention\", \"kernel\": \"cudnn\", \"backend\": \"cudnn-sdpa\", \"direction\": " +
                    jstr(op.attention.direction) + ", \"dtype\": " + jstr(op.attention.dtype) +
                    ", \"source\": " + jstr(op.source) + ", \"op\": " + op_json(op.attention, "cudnn");
    if (op.source != "sweep") s += ", \"models\": " + json_string_array(op.models);
    if (op.source == "shapes") s += ", \"share\": " + jnum(op.share);
    return s;
}

void emit_status(const planned_op& op, const char* status, const std::string& reason) {
    emit("{\"kind\": \"attention\", \"status\": \"" + std::string(status) + "\", \"kernel\": \"cudnn\", \"reason\": " +
         jstr(reason) + ", \"source\": " + jstr(op.source) + ", \"op\": " + op_json(op.attention, "cudnn") + "}");
}

/// Minimum bytes by vidperf's convention: Q, K, V, O (and dO, LSE, dQ, dK, dV backward) once each.
double min_bytes(const problem& p, bool backward) {
    const double es = static_cast<double>(elem_size(p.s.e));
    const double qkv = static_cast<double>(p.q_elems + p.k_elems + p.v_elems), o = static_cast<double>(p.o_elems);
    const double lse = 4.0 * static_cast<double>(p.row_elems);
    return backward ? (qkv + 2 * o) * es + lse + qkv * es : (qkv + o) * es + lse;
}

void measure(cudnnHandle_t h, const planned_op& op, std::map<std::string, std::string>& checks, int runtime_version) {
    std::string reason;
    const auto dims = dims_of(op.attention, reason);
    if (!dims) {
        emit_status(op, "unsupported", reason);
        return;
    }
    const bool backward = op.attention.direction == "backward";
    const std::size_t need = problem::bytes_needed(*dims, backward);
    if (static_cast<double>(need) > 0.85 * static_cast<double>(free_device_bytes())) {
        emit_status(op, "unsupported", "tensors (" + std::to_string(need >> 20) + " MiB) do not fit in free device memory");
        return;
    }
    // check each (dtype, head dims, direction) once against the reference before timing it
    const std::string key = op.attention.dtype + "/" + std::to_string(dims->d) + "/" + std::to_string(dims->dv) + "/" +
                            (dims->hk == dims->h ? "mha" : "gqa") + "/" + op.attention.direction;
    if (!checks.count(key)) {
        std::string failed;
        try {
            failed = backward ? check_backward(h, *dims) : check_forward(h, *dims);
        } catch (const cudnn::error& e) { // cuDNN refused the check's graph: the kind is unsupported
            failed = std::string("the check shape is not supported by cuDNN: ") + e.what();
        } catch (const std::runtime_error& e) {
            failed = std::string("the check shape could not run: ") + e.what();
        }
        checks[key] = failed;
        if (!failed.empty()) std::fprintf(stderr, "[attention] check failed for %s: %s\n", key.c_str(), failed.c_str());
    }
    if (!checks[key].empty()) {
        // a check shape cuDNN cannot run means the kind is unsupported, not wrong
        const bool unsupported = checks[key].rfind("the check shape", 0) == 0;
        emit_status(op, unsupported ? "unsupported" : "failed-check", checks[key]);
        return;
    }
    try {
        problem p(*dims, backward);
        auto fwd = forward_runner(h, p, backward, reason);
        if (!fwd) {
            emit_status(op, "unsupported", reason);
            return;
        }
        std::unique_ptr<runner> bwd;
        if (backward) {
            bwd = backward_runner(h, p, reason);
            if (!bwd) {
                emit_status(op, "unsupported", reason);
                return;
            }
            fwd->graph.run(); // O and Stats for the backward pass
            CUDA_CHECK(cudaDeviceSynchronize());
        }
        const runner& timed = backward ? *bwd : *fwd;
        // cuDNN before 9.6 expects the fp32 dQ accumulator zeroed before each backward call
        std::function<void()> before;
        if (backward && runtime_version < 90600)
            before = [&] { CUDA_CHECK(cudaMemsetAsync(p.dq_accum->p, 0, p.dq_accum->bytes)); };
        const double work = flops(op.attention);
        const double bytes = min_bytes(p, backward);
        for (const cache_state cache : cache_states()) {
            const timing t = time_gpu([&] { timed.graph.run(); }, cache, before);
            emit(record_head(op) + ", \"engine\": " + std::to_string(timed.graph.engine_index()) +
                 ", \"heuristic\": " + jstr(timed.graph.heuristic()) +
                 ", \"workspace_bytes\": " + std::to_string(timed.graph.workspace_bytes()) + ", \"flops\": " + jnum(work) +
                 ", \"tflops\": " + jnum(work / t.median_s / 1e12) + ", \"gbps\": " + jnum(bytes / t.median_s / 1e9) +
                 ", " + timing_fields(t) + "}");
        }
    } catch (const cudnn::error& e) {
        emit_status(op, "unsupported", e.what());
    } catch (const std::runtime_error& e) { // e.g. out of memory for a workspace: this op only, the run goes on
        (void)cudaGetLastError();
        emit_status(op, "unsupported", std::string("CUDA: ") + e.what());
    }
}

} // namespace

std::string cudnn_version_json() {
    const std::size_t v = cudnnGetVersion();
    return "\"" + std::to_string(v / 10000) + "." + std::to_string((v % 10000) / 100) + "." + std::to_string(v % 100) +
           "\"";
}

void bench_attention(const std::vector<planned_op>& plan, double end_s) {
    section sec("attention", end_s, static_cast<int>(plan.size()));
    cudnnHandle_t h = nullptr;
    CUDNN_CHECK(cudnnCreate(&h));
    CUDNN_CHECK(cudnnSetStream(h, nullptr));
    const int runtime_version = static_cast<int>(cudnnGetVersion());
    std::map<std::string, std::string> checks;
    for (const planned_op& op : plan) {
        if (op.budget_check && !sec.time_left()) break;
        sec.step(describe(op));
        measure(h, op, checks, runtime_version);
    }
    cudnnDestroy(h);
}

} // namespace vpcal
