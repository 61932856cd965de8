#pragma once
/// \file
/// Multi-GPU inference of the denoiser: sequence parallelism (DeepSpeed-Ulysses
/// all-to-all, ring attention, and their product, USP), classifier-free-guidance
/// parallelism, and FSDP-sharded weights. Compute is divided by the ops' roles
/// (stage.hpp) and the communication is added as collective ops, priced on the
/// GPUs' link by the roofline engine.
///
/// Per GPU, with S = ulysses x ring:
///  - `sequence` ops run on rows / S;
///  - `self_attention`: Ulysses gathers the whole sequence for heads / ulysses
///    with one all-to-all of Q, K, V before and one of O after (per-rank
///    buffers 3 R A / S and R A / S elements); ring attention computes its
///    rows / ring queries against every key, passing K and V blocks round the
///    ring in (ring - 1) send/recv steps of 2 (R / S)(A / ulysses) elements,
///    of which the fraction `ring_overlap` hides behind compute (a policy, not
///    a constant);
///  - `cross_attention` runs its queries / S against the replicated text;
///  - CFG parallelism (degree 2) gives each half of the GPUs one guidance pass
///    and all-gathers the noise prediction every step;
///  - FSDP shards the weights over all GPUs and all-gathers every layer's
///    weights on each call;
///  - tensor parallelism (degree tp) splits every block GEMM's output columns
///    (column-parallel) or input rows (row-parallel) and the attention heads
///    tp ways; both divide the GEMM's work, modelled here as n / tp for every
///    GEMM over video rows; norms and elementwise ops on the full width stay
///    replicated; each block all-reduces its attention and MLP outputs
///    (rows x width elements, twice per block), and each GPU holds 1/tp of the
///    block weights.

#include <algorithm>
#include <string>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/ops/ops.hpp>

namespace vidperf {

struct parallel_plan {
    int ulysses = 1;
    int ring = 1;
    int cfg = 1;                       ///< 1 or 2
    int tp = 1;                        ///< tensor (Megatron) parallel degree
    int tp_layers = 0;                 ///< blocks that all-reduce their output twice under TP (set by the lowering)
    extent tp_width = 0;               ///< residual-stream width those all-reduces carry (set by the lowering)
    bool fsdp = false;                 ///< shard the denoiser's weights over all GPUs
    link_kind link = link_kind::nvlink;
    double network_bandwidth_Bps = 0;  ///< for link_kind::network
    double ring_overlap = 0;           ///< share of ring send/recv time hidden behind attention, [0, 1]

    [[nodiscard]] constexpr int sequence_degree() const { return ulysses * ring; }
    [[nodiscard]] constexpr int gpus() const { return ulysses * ring * cfg * tp; }
};

inline void validate(const parallel_plan& p) {
    constexpr std::string_view w = "parallel_plan";
    detail::require_positive(p.ulysses, w, "ulysses");
    detail::require_positive(p.ring, w, "ring");
    detail::require_positive(p.tp, w, "tp");
    if (p.cfg != 1 && p.cfg != 2)
        detail::raise(errc::out_of_range, w, "field 'cfg' must be 1 or 2, got " + std::to_string(p.cfg));
    detail::require_in_range(p.ring_overlap, 0.0, 1.0, w, "ring_overlap");
}

namespace detail {
[[nodiscard]] constexpr extent split(extent v, extent parts) { return (v + parts - 1) / parts; }

inline collective_op collective(collective_kind k, double elements, int ranks, dtype t, const parallel_plan& p) {
    collective_op c;
    c.kind = k;
    c.elements = static_cast<extent>(elements + 0.5);
    c.ranks = ranks;
    c.type = t;
    c.link = p.link;
    c.network_bandwidth_Bps = p.network_bandwidth_Bps;
    return c;
}
} // namespace detail

/// The denoiser stage as one GPU of `p` runs it (CFG parallelism is applied by
/// the caller, which lowers each GPU's share of the guidance passes).
[[nodiscard]] inline stage parallelize(const stage& s, const parallel_plan& p, dtype compute) {
    validate(p);
    const extent S = p.sequence_degree();
    const extent T = p.tp;
    stage out = s;
    if (p.gpus() == 1 && !p.fsdp) return out;
    out.ops.clear();
    double tp_rows = 0; // the most rows any video-token GEMM runs on, for the TP all-reduces
    for (const auto& u : s.ops) {
        switch (u.role) {
        case op_role::replicated: out.ops.push_back(u); break;
        case op_role::sequence: {
            op_use v = u;
            if (auto* g = std::get_if<gemm_op>(&v.op)) {
                g->m = detail::split(g->m, S);
                if (T > 1 && u.count > 1) g->n = detail::split(g->n, T); // block GEMMs only
                tp_rows = std::max(tp_rows, static_cast<double>(g->m));
            }
            if (auto* q = std::get_if<pointwise_op>(&v.op)) {
                q->elements = detail::split(q->elements, S);
                if (q->output_elements) q->output_elements = detail::split(q->output_elements, S);
            }
            if (auto* c = std::get_if<conv_op>(&v.op)) c->batch = detail::split(c->batch, S);
            out.ops.push_back(v);
            break;
        }
        case op_role::cross_attention: {
            op_use v = u;
            if (auto* a = std::get_if<attention_op>(&v.op)) {
                a->seq_q = detail::split(a->seq_q, S);
                if (T > 1) {
                    a->heads_q = detail::split(a->heads_q, T);
                    if (a->heads_kv) a->heads_kv = detail::split(a->heads_kv, T);
                }
            }
            out.ops.push_back(v);
            break;
        }
        case op_role::self_attention: {
            const auto* a = std::get_if<attention_op>(&u.op);
            if (a == nullptr) {
                out.ops.push_back(u);
                break;
            }
            if (a->heads_q % p.ulysses != 0)
                detail::raise(errc::inconsistent, "parallelize",
                              "Ulysses degree " + std::to_string(p.ulysses) + " does not divide the " +
                                  std::to_string(a->heads_q) + " attention heads");
            const double rows = static_cast<double>(a->batch) * static_cast<double>(a->seq_q);
            const double width = static_cast<double>(a->heads_q) * static_cast<double>(a->head_dim);
            if (a->heads_q % (p.ulysses * T) != 0)
                detail::raise(errc::inconsistent, "parallelize",
                              "Ulysses x TP degree " + std::to_string(p.ulysses * T) + " does not divide the " +
                                  std::to_string(a->heads_q) + " attention heads");
            op_use v = u;
            auto& b = std::get<attention_op>(v.op);
            b.heads_q = a->heads_q / p.ulysses / T;
            if (b.heads_kv) b.heads_kv = a->heads_kv / p.ulysses / T;
            b.seq_kv = resolved(*a).seq_kv;
            b.seq_q = detail::split(a->seq_q, p.ring);
            out.ops.push_back(v);
            if (p.ulysses > 1) {
                out.ops.push_back({detail::collective(collective_kind::all_to_all, 3 * rows * width / S, p.ulysses,
                                                      compute, p),
                                   u.count, op_role::replicated});
                out.ops.push_back({detail::collective(collective_kind::all_to_all, rows * width / S, p.ulysses,
                                                      compute, p),
                                   u.count, op_role::replicated});
            }
            if (p.ring > 1) {
                const double block = 2 * rows / S * width / p.ulysses;
                out.ops.push_back({detail::collective(collective_kind::send_recv, block, 2, compute, p),
                                   u.count * (p.ring - 1) * (1 - p.ring_overlap), op_role::replicated});
            }
            break;
        }
        }
    }
    if (T > 1) {
        if (p.tp_layers <= 0 || p.tp_width <= 0)
            detail::raise(errc::inconsistent, "parallelize",
                          "tensor parallelism needs the block count and width (tp_layers, tp_width)");
        // two all-reduces of the block output per block (after attention and after the MLP)
        out.ops.push_back({detail::collective(collective_kind::all_reduce, tp_rows * static_cast<double>(p.tp_width),
                                              p.tp, compute, p),
                           2.0 * p.tp_layers, op_role::replicated});
        out.weight_bytes = s.weight_bytes / static_cast<double>(T);
    }
    if (p.fsdp) {
        // every call gathers the whole model layer by layer; each GPU keeps 1/N of the weights
        out.ops.push_back({detail::collective(collective_kind::all_gather, s.parameters, p.gpus(), compute, p), 1,
                           op_role::replicated});
        out.weight_bytes = s.weight_bytes / static_cast<double>(p.gpus());
    }
    out.activation_bytes = s.activation_bytes / static_cast<double>(S * T);
    return out;
}

} // namespace vidperf
