#pragma once
/// \file
/// Lowering one fine-tuning step of a video denoiser into stages of ops:
/// the forward (with LoRA adapters when only they train), the backward derived
/// from the forward's real op list, recomputation under activation
/// checkpointing, the optimizer update and the gradient collectives, and the
/// encoders when latents are not cached. Nothing here prices: the pipeline
/// layer (pipeline/training.hpp) prices these stages and adds data loading;
/// the memory layer (memory/training_memory.hpp) sizes them.
///
/// Backward of each forward op:
///  - GEMM y = x W: dX = dY W^T (always) and dW = x^T dY (trainable weights only);
///  - attention: the kernel's backward (2.5x forward FLOPs);
///  - convolution: data and weight gradients;
///  - pointwise: one pass reading the gradient and the saved input.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/models/parallel.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/ops/op_cost.hpp>

namespace vidperf {

enum class optimizer_kind : std::uint8_t { adamw, adam8bit, adafactor };

template <>
struct enum_names<optimizer_kind> {
    static constexpr std::string_view what = "optimizer";
    static constexpr auto entries = std::to_array<name_entry<optimizer_kind>>(
        {{optimizer_kind::adamw, "adamw"}, {optimizer_kind::adam8bit, "adam8bit"}, {optimizer_kind::adafactor, "adafactor"}});
};

/// Optimizer state per trainable parameter: AdamW two fp32 moments (8 B), bitsandbytes 8-bit Adam two
/// 8-bit moments (2 B), Adafactor factored statistics (counted per matrix by the memory layer: 0 here).
[[nodiscard]] constexpr double optimizer_state_bytes(optimizer_kind o) noexcept {
    return o == optimizer_kind::adamw ? 8.0 : o == optimizer_kind::adam8bit ? 2.0 : 0.0;
}

enum class finetune_method : std::uint8_t { full, lora };
enum class checkpointing : std::uint8_t { none, full, selective };

template <>
struct enum_names<finetune_method> {
    static constexpr std::string_view what = "fine-tuning method";
    static constexpr auto entries = std::to_array<name_entry<finetune_method>>({{finetune_method::full, "full"},
                                        {finetune_method::lora, "lora"}});
};


template <>
struct enum_names<checkpointing> {
    static constexpr std::string_view what = "checkpointing mode";
    static constexpr auto entries = std::to_array<name_entry<checkpointing>>({
        {checkpointing::none, "none"},
        {checkpointing::full, "full"},
        {checkpointing::selective, "selective"}});
};

/// Aggregate read throughput of one node's storage when `gpus` GPUs of the node
/// read at once: measured points (a user's figures, or the storage probe's),
/// linearly interpolated, held flat past the last point. Not a law: the
/// points say what the storage does.
struct storage_curve {
    std::vector<std::pair<int, double>> points; ///< (GPUs reading, aggregate bytes/s)

    [[nodiscard]] double aggregate_Bps(int gpus) const {
        if (points.empty()) detail::raise(errc::inconsistent, "storage_curve", "no measured points");
        auto p = points;
        std::sort(p.begin(), p.end());
        if (gpus <= p.front().first) return p.front().second;
        for (std::size_t i = 1; i < p.size(); ++i)
            if (gpus <= p[i].first) {
                const double f = static_cast<double>(gpus - p[i - 1].first) /
                                 static_cast<double>(p[i].first - p[i - 1].first);
                return p[i - 1].second + f * (p[i].second - p[i - 1].second);
            }
        return p.back().second;
    }
};

enum class sample_format : std::uint8_t { cached_latents, encoded_video, raw_frames };

template <>
struct enum_names<sample_format> {
    static constexpr std::string_view what = "sample format";
    static constexpr auto entries = std::to_array<name_entry<sample_format>>({{sample_format::cached_latents, "latents"},
                                        {sample_format::encoded_video, "encoded"},
                                        {sample_format::raw_frames, "raw"}});
};

struct data_options {
    sample_format format = sample_format::cached_latents;
    double encoded_bytes_per_sample = 0;    ///< encoded_video: the clip's file size
    double decode_frames_per_s_per_core = 0; ///< encoded_video on the CPU: decoder throughput per core
    int cpu_cores_per_gpu = 8;
    std::optional<storage_curve> storage;   ///< none = storage never limits
    int gpus_per_node = 8;
    bool prefetch = true; ///< input overlaps compute (data-loader workers); otherwise it adds up
};

struct training_options {
    finetune_method method = finetune_method::full;
    extent lora_rank = 64;
    checkpointing ckpt = checkpointing::none;
    optimizer_kind optimizer = optimizer_kind::adamw;
    int zero_stage = 0;  ///< 0 (DDP), 1, 2, 3 (= FSDP full shard)
    int gpus = 1;        ///< all GPUs of the job: tp x data-parallel
    int tp = 1;          ///< tensor-parallel degree inside each data-parallel replica
    int ulysses = 1;     ///< sequence-parallel (all-to-all) degree inside each replica
    int ring = 1;        ///< ring-attention degree inside each replica
    extent micro_batch = 1; ///< videos per GPU per step
    double comm_overlap = 0; ///< share of gradient/parameter communication hidden behind backward, [0, 1]
    link_kind link = link_kind::nvlink;
    double network_bandwidth_Bps = 0; ///< when the GPUs span nodes (link_kind::network)
    data_options data{};
};

inline void validate(const training_options& t) {
    constexpr std::string_view w = "training_options";
    detail::require_in_range(t.zero_stage, 0, 3, w, "zero_stage");
    detail::require_positive(t.gpus, w, "gpus");
    detail::require_positive(t.tp, w, "tp");
    detail::require_positive(t.ulysses, w, "ulysses");
    detail::require_positive(t.ring, w, "ring");
    if (t.gpus % (t.tp * t.ulysses * t.ring) != 0)
        detail::raise(errc::inconsistent, w,
                      "field 'gpus' (" + std::to_string(t.gpus) + ") must be a multiple of tp x ulysses x ring (" +
                          std::to_string(t.tp * t.ulysses * t.ring) + ")");
    detail::require_positive(static_cast<double>(t.micro_batch), w, "micro_batch");
    detail::require_in_range(t.comm_overlap, 0.0, 1.0, w, "comm_overlap");
    if (t.method == finetune_method::lora) detail::require_positive(static_cast<double>(t.lora_rank), w, "lora_rank");
    if (t.data.format == sample_format::encoded_video) {
        detail::require_positive(t.data.encoded_bytes_per_sample, w, "encoded_bytes_per_sample");
        detail::require_positive(t.data.decode_frames_per_s_per_core, w, "decode_frames_per_s_per_core");
    }
    detail::require_positive(t.data.gpus_per_node, w, "gpus_per_node");
}

namespace detail {

/// The backward ops of one forward op; `train_weight` says whether its weight gets a gradient.
inline void backward_of(const op_use& u, bool train_weight, std::vector<op_use>& out) {
    if (const auto* g = std::get_if<gemm_op>(&u.op)) {
        gemm_op dx = *g; // dX[m,k] = dY[m,n] W^T[n,k]
        dx.n = g->k;
        dx.k = g->n;
        out.push_back({dx, u.count, u.role});
        if (train_weight) {
            gemm_op dw = *g; // dW[k,n] = X^T[k,m] dY[m,n]
            dw.m = g->k;
            dw.n = g->n;
            dw.k = g->m;
            dw.shared_b = false;
            out.push_back({dw, u.count, u.role});
        }
    } else if (const auto* a = std::get_if<attention_op>(&u.op)) {
        attention_op b = *a;
        b.direction = pass::backward;
        out.push_back({b, u.count, u.role});
    } else if (const auto* c = std::get_if<conv_op>(&u.op)) {
        conv_op b = *c;
        b.direction = pass::backward;
        out.push_back({b, u.count, u.role});
    } else if (const auto* p = std::get_if<pointwise_op>(&u.op)) {
        pointwise_op b = *p;
        b.inputs = p->inputs + 1; // the incoming gradient and the saved input(s)
        out.push_back({b, u.count, u.role});
    } else {
        out.push_back(u); // collectives: their transposes move the same bytes
    }
}

inline collective_op grad_collective(collective_kind k, double elements, const training_options& t) {
    collective_op c;
    c.kind = k;
    c.elements = static_cast<extent>(elements + 0.5);
    // data-parallel replicas exchange gradients; sequence-parallel GPUs hold the same weights, so they reduce too
    c.ranks = t.gpus / t.tp;
    c.type = dtype::bf16;
    c.link = t.link;
    c.network_bandwidth_Bps = t.network_bandwidth_Bps;
    return c;
}

[[nodiscard]] inline stage named_stage(std::string name, stage_kind kind, std::vector<op_use> ops) {
    stage s;
    s.name = std::move(name);
    s.module = "denoiser";
    s.kind = kind;
    s.ops = std::move(ops);
    return s;
}

} // namespace detail

/// One training step as stages of ops (each run once per step).
struct training_stages {
    latent_shape latent;
    stage forward;             ///< the denoiser's forward; ops [0, base_ops) the model's, the rest LoRA adapters
    stage backward;
    stage recompute;           ///< empty without checkpointing
    stage optimizer;           ///< the update over this GPU's shard of the trainable parameters
    stage gradient_sync;       ///< data-parallel collectives (every GPU holding the same shard)
    std::vector<stage> encode; ///< VAE encode and text encoders, when the loader does not read cached latents
    std::size_t base_ops = 0;
    double total_parameters = 0;     ///< of the whole model
    double trainable_parameters = 0; ///< of the whole model (LoRA: the adapters)
    double tp_share = 1;             ///< share of the weights each GPU holds under tensor parallelism
};

/// The stages of one training step of `m`'s denoiser on clips of `w` (frames, size) with `t`.
[[nodiscard]] inline training_stages lower_training_step(const model_spec& m, const video_workload& w,
                                                         const training_options& t) {
    validate(t);
    using detail::named_stage;
    const latent_shape lat = latents(m.latent, w, m.slug);
    video_workload fw = w;
    fw.batch = t.micro_batch;
    fw.cfg = cfg_mode::off; // training runs one conditional pass (caption dropout instead of CFG)
    stage fwd = lower_denoiser(m.denoiser, m.latent, lat, t.micro_batch, fw, 1);
    const double full_parameters = fwd.parameters;
    if (t.tp > 1 || t.ulysses > 1 || t.ring > 1) {
        // Megatron-style and sequence-parallel splits of the blocks; their collectives travel with the
        // forward ops into backward and recompute
        parallel_plan tp;
        tp.tp = t.tp;
        tp.ulysses = t.ulysses;
        tp.ring = t.ring;
        tp.link = t.link;
        tp.network_bandwidth_Bps = t.network_bandwidth_Bps;
        tp.tp_layers = static_cast<int>(m.denoiser.layers + m.denoiser.single_layers);
        tp.tp_width = m.denoiser.hidden;
        fwd = parallelize(fwd, tp, w.compute);
        fwd.parameters = full_parameters / t.tp; // what one GPU holds and updates
    }
    training_stages s;
    s.latent = lat;
    s.total_parameters = full_parameters;

    // LoRA targets every linear of the blocks (repeated ops); frozen weights get no dW
    double lora_params = 0;
    std::vector<op_use> forward_ops = fwd.ops;
    if (t.method == finetune_method::lora) {
        const extent rk = t.lora_rank;
        std::vector<op_use> adapters;
        for (const auto& u : fwd.ops)
            if (const auto* g = std::get_if<gemm_op>(&u.op); g && g->shared_b && u.count > 1) {
                lora_params += u.count * static_cast<double>(rk) * static_cast<double>(g->k + g->n);
                gemm_op down = *g; // x A: [m,k] x [k,r]
                down.n = rk;
                gemm_op up = *g; // (x A) B: [m,r] x [r,n]
                up.k = rk;
                adapters.push_back({down, u.count, u.role});
                adapters.push_back({up, u.count, u.role});
            }
        forward_ops.insert(forward_ops.end(), adapters.begin(), adapters.end());
    }
    // LoRA adapters were counted on this GPU's (TP-split) linears
    s.trainable_parameters = t.method == finetune_method::lora ? lora_params * t.tp : full_parameters;
    const double tp_share = 1.0 / t.tp; // weights, gradients and states each GPU holds under TP
    s.tp_share = tp_share;

    s.base_ops = fwd.ops.size();
    // backward: dX for every op; dW for trainable weights (LoRA: the adapters only)
    std::vector<op_use> backward_ops;
    const std::size_t base_count = fwd.ops.size();
    for (std::size_t i = 0; i < forward_ops.size(); ++i) {
        const bool is_adapter = i >= base_count;
        const bool trainable = t.method == finetune_method::full || is_adapter;
        detail::backward_of(forward_ops[i], trainable, backward_ops);
    }
    // recomputation under checkpointing: full re-runs every block's forward, selective the pointwise ops
    std::vector<op_use> recompute_ops;
    for (const auto& u : forward_ops) {
        if (u.count <= 1) continue; // outside the repeated blocks nothing is checkpointed
        if (t.ckpt == checkpointing::full ||
            (t.ckpt == checkpointing::selective && std::holds_alternative<pointwise_op>(u.op)))
            recompute_ops.push_back(u);
    }
    s.forward = fwd;
    s.forward.kind = stage_kind::denoiser;
    s.forward.ops = std::move(forward_ops);
    s.backward = named_stage("backward", stage_kind::backward, std::move(backward_ops));
    s.recompute = named_stage("recompute", stage_kind::recompute, std::move(recompute_ops));
    // optimizer update over this GPU's shard of the trainable parameters
    const double shard = t.zero_stage >= 1 ? static_cast<double>(t.gpus / t.tp) : 1.0;
    const double own = s.trainable_parameters * tp_share / shard;
    const double state_bytes = optimizer_state_bytes(t.optimizer);
    {
        pointwise_op upd; // read master, grad, states; write master, states and the bf16 copy
        upd.kind = pointwise_kind::elementwise;
        upd.elements = static_cast<extent>(own + 0.5) + 1;
        upd.type = dtype::fp32;
        upd.inputs = 2 + static_cast<int>(state_bytes / 4);
        upd.outputs = 1 + static_cast<int>(state_bytes / 4);
        upd.flops_per_element = 12;
        s.optimizer = named_stage("optimizer", stage_kind::optimizer, {{upd, 1, op_role::replicated}});
    }

    // gradient / parameter communication
    std::vector<op_use> comm;
    if (t.gpus / t.tp > 1) { // gradient reduction over every GPU holding the same shard (DP and SP)
        const double g = s.trainable_parameters * tp_share;
        if (t.zero_stage <= 1) {
            comm.push_back({detail::grad_collective(collective_kind::all_reduce, g, t), 1, op_role::replicated});
        } else {
            comm.push_back({detail::grad_collective(collective_kind::reduce_scatter, g, t), 1, op_role::replicated});
            // the updated shard goes back to every GPU (ZeRO-2), or is gathered per layer in forward and backward (ZeRO-3)
            const double gathers = t.zero_stage == 3 ? 2.0 : 1.0;
            const double gathered = t.zero_stage == 3 ? s.total_parameters * tp_share : g;
            comm.push_back({detail::grad_collective(collective_kind::all_gather, gathered, t), gathers,
                            op_role::replicated});
        }
    }
    // without cached latents every step encodes its clips (VAE) and captions (text encoders) on the GPU
    if (t.data.format != sample_format::cached_latents) {
        stage enc = lower_vae_encode(m.vae, w.frames, w.height, w.width, t.micro_batch, w.compute, {});
        enc.kind = stage_kind::vae_encode;
        s.encode.push_back(std::move(enc));
        for (int i = 0; i < m.text_encoder_count; ++i) {
            stage te = lower_encoder(m.text_encoders[static_cast<std::size_t>(i)], t.micro_batch, w.compute, w.compute,
                                     "text_encoder", 1);
            te.kind = stage_kind::text_encoder;
            s.encode.push_back(std::move(te));
        }
    }
    s.gradient_sync = named_stage("gradient_sync", stage_kind::gradient_sync, std::move(comm));
    return s;
}

} // namespace vidperf
