#pragma once
/// \file
/// Fine-tuning a video denoiser: one training step's ops (forward, backward
/// from the forward's real op list, recomputation under activation
/// checkpointing, optimizer update, gradient collectives), its memory (weights,
/// gradients, optimizer states, saved activations, sharding), and the step
/// time once data loading is counted: the step takes the slowest of compute
/// with its exposed communication, and the input pipeline.
///
/// Backward of each forward op:
///  - GEMM y = x W: dX = dY W^T (always) and dW = x^T dY (trainable weights only);
///  - attention: the kernel's backward (2.5x forward FLOPs);
///  - convolution: data and weight gradients;
///  - pointwise: one pass reading the gradient and the saved input.
/// Mixed precision: bf16 compute and weights, fp32 master weights, fp32
/// gradients and optimizer states (AdamW m and v; 8-bit Adam one byte each;
/// Adafactor factored row and column statistics).

#include <array>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/detail/integer_root.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/models/parallel.hpp>
#include <vidperf/memory/precision.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/pipeline/price.hpp>
#include <vidperf/roofline/engine.hpp>

#include <vidperf/core/names.hpp>

namespace vidperf {

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

struct training_memory {
    bytes weights{}, master_weights{}, gradients{}, optimizer_states{}, saved_activations{}, working{};
    bytes workspace{}, context{};
    bytes total{}; ///< device total per GPU
};

struct training_step {
    seconds encode{}; ///< VAE and text encoding of the step's samples when latents are not cached
    seconds forward{}, backward{}, recompute{}, optimizer{};
    seconds communication{};         ///< all collectives of the step (data-parallel and tensor-parallel)
    seconds exposed_communication{}; ///< the data-parallel part not hidden behind backward (TP's is inside the passes)
    seconds compute_step{};          ///< forward + backward + recompute + optimizer + exposed communication
    seconds input{};                 ///< storage read, decode and host-to-device copy of the step's samples
    seconds step{};                  ///< the slowest of compute_step and input (their sum without prefetch)
    bound_kind bound = bound_kind::compute;
    double trainable_parameters = 0, total_parameters = 0;
    double samples_per_second = 0; ///< over all GPUs
    training_memory memory;
    bool fits = false;
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

/// Bytes an op keeps for its backward pass (its inputs; attention also O and the log-sum-exp).
[[nodiscard]] inline double saved_bytes(const op& o) {
    if (const auto* g = std::get_if<gemm_op>(&o))
        return static_cast<double>(g->batch * g->m * g->k) * size_bytes(g->a);
    if (const auto* a = std::get_if<attention_op>(&o)) return cost(*a).bytes().value();
    if (const auto* c = std::get_if<conv_op>(&o))
        return static_cast<double>(c->batch * c->c_in * c->input[0] * c->input[1] * c->input[2]) * size_bytes(c->type);
    if (const auto* p = std::get_if<pointwise_op>(&o)) return static_cast<double>(p->elements) * size_bytes(p->type);
    return 0;
}

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

[[nodiscard]] inline seconds time_of(const std::vector<op_use>& ops, const gpu_spec& gpu, const calibration& cal,
                                     seconds* communication = nullptr) {
    const auto p = price(std::span<const op_use>(ops), gpu, cal);
    if (communication != nullptr) *communication += p.communication;
    return p.time;
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

} // namespace detail

/// One training step of `m`'s denoiser on clips of `w` (frames, size) on `gpu`.
[[nodiscard]] inline training_step estimate_training(const model_spec& m, const video_workload& w,
                                                     const training_options& t, const gpu_spec& gpu,
                                                     const calibration& burst) {
    validate(t);
    const calibration cal = sustained(burst); // a training run runs at its sustained clocks
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
    training_step r;
    r.total_parameters = full_parameters;

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
    r.trainable_parameters = t.method == finetune_method::lora ? lora_params * t.tp : full_parameters;
    const double tp_share = 1.0 / t.tp; // weights, gradients and states each GPU holds under TP

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
    seconds tp_comm{}; // tensor-parallel all-reduces: blocking, inside forward, backward and recompute
    r.forward = detail::time_of(forward_ops, gpu, cal, &tp_comm);
    r.backward = detail::time_of(backward_ops, gpu, cal, &tp_comm);
    r.recompute = detail::time_of(recompute_ops, gpu, cal, &tp_comm);

    // optimizer update over this GPU's shard of the trainable parameters
    const double dp = static_cast<double>(t.gpus / (t.tp * t.ulysses * t.ring));
    const double shard = t.zero_stage >= 1 ? static_cast<double>(t.gpus / t.tp) : 1.0;
    const double own = r.trainable_parameters * tp_share / shard;
    const training_precision prec = precision_for(w.weights, t.optimizer);
    const double state_bytes = prec.optimizer_state_bytes;
    {
        pointwise_op upd; // read master, grad, states; write master, states and the bf16 copy
        upd.kind = pointwise_kind::elementwise;
        upd.elements = static_cast<extent>(own + 0.5) + 1;
        upd.type = dtype::fp32;
        upd.inputs = 2 + static_cast<int>(state_bytes / 4);
        upd.outputs = 1 + static_cast<int>(state_bytes / 4);
        upd.flops_per_element = 12;
        r.optimizer = predict(upd, gpu, cal).time;
    }

    // gradient / parameter communication
    std::vector<op_use> comm;
    if (t.gpus / t.tp > 1) { // gradient reduction over every GPU holding the same shard (DP and SP)
        const double g = r.trainable_parameters * tp_share;
        if (t.zero_stage <= 1) {
            comm.push_back({detail::grad_collective(collective_kind::all_reduce, g, t), 1, op_role::replicated});
        } else {
            comm.push_back({detail::grad_collective(collective_kind::reduce_scatter, g, t), 1, op_role::replicated});
            // the updated shard goes back to every GPU (ZeRO-2), or is gathered per layer in forward and backward (ZeRO-3)
            const double gathers = t.zero_stage == 3 ? 2.0 : 1.0;
            const double gathered = t.zero_stage == 3 ? r.total_parameters * tp_share : g;
            comm.push_back({detail::grad_collective(collective_kind::all_gather, gathered, t), gathers,
                            op_role::replicated});
        }
    }
    // without cached latents every step encodes its clips (VAE) and captions (text encoders) on the GPU
    if (t.data.format != sample_format::cached_latents) {
        const stage enc = lower_vae_encode(m.vae, w.frames, w.height, w.width, t.micro_batch, w.compute, {});
        r.encode = detail::time_of(enc.ops, gpu, cal);
        for (int i = 0; i < m.text_encoder_count; ++i) {
            const stage te = lower_encoder(m.text_encoders[static_cast<std::size_t>(i)], t.micro_batch, w.compute,
                                           w.compute, "text_encoder", 1);
            r.encode += detail::time_of(te.ops, gpu, cal);
        }
    }
    const seconds dp_comm = detail::time_of(comm, gpu, cal);
    r.communication = dp_comm + tp_comm;
    r.exposed_communication = dp_comm * (1 - t.comm_overlap); // TP's is already in the passes' times
    r.compute_step = r.encode + r.forward + r.backward + r.recompute + r.optimizer + r.exposed_communication;

    // input: bytes per sample from storage, decode, host-to-device copy
    const auto& d = t.data;
    const double latent_bytes = static_cast<double>(m.denoiser.in_channels * lat.frames * lat.height * lat.width) * 2.0 +
                                static_cast<double>(m.denoiser.text_tokens * m.denoiser.text_dim) * 2.0;
    const double raw_bytes = static_cast<double>(w.frames * w.width * w.height) * 3.0;
    const double sample_bytes = d.format == sample_format::cached_latents ? latent_bytes
                                : d.format == sample_format::encoded_video ? d.encoded_bytes_per_sample
                                                                           : raw_bytes;
    const double batch_bytes = sample_bytes * static_cast<double>(t.micro_batch);
    seconds read{}, decode{};
    if (d.storage) {
        const int readers =
            std::max(1, std::min(t.gpus, d.gpus_per_node) / (t.tp * t.ulysses * t.ring)); // one reader per replica
        const double per_gpu = d.storage->aggregate_Bps(readers) / readers;
        detail::require_positive(per_gpu, "storage_curve", "read throughput");
        read = seconds(batch_bytes / per_gpu);
    }
    if (d.format == sample_format::encoded_video)
        decode = seconds(static_cast<double>(w.frames * t.micro_batch) /
                         (d.decode_frames_per_s_per_core * d.cpu_cores_per_gpu));
    const double to_device = d.format == sample_format::cached_latents ? latent_bytes : raw_bytes;
    const seconds h2d =
        predict(copy_op{copy_kind::host_to_device, static_cast<extent>(to_device * t.micro_batch) + 1, true}, gpu, cal)
            .time;
    r.input = (read > decode ? read : decode) + h2d; // reading and decoding run as a pipeline
    if (d.prefetch) {
        r.step = r.compute_step > r.input ? r.compute_step : r.input;
    } else {
        r.step = r.compute_step + r.input;
    }
    if (r.input > r.compute_step)
        r.bound = bound_kind::io;
    else if (r.exposed_communication > r.forward + r.backward + r.recompute)
        r.bound = bound_kind::communication;
    else
        r.bound = bound_kind::compute;
    r.samples_per_second = static_cast<double>(t.micro_batch) * dp / r.step.value();

    // memory per GPU
    auto& mem = r.memory;
    const double P = r.total_parameters * tp_share, T = r.trainable_parameters * tp_share;
    const double n = static_cast<double>(t.gpus / t.tp); // ZeRO shards over every GPU holding the same weights
    mem.weights = bytes(P * prec.weight_bytes / (t.zero_stage == 3 ? n : 1.0) +
                        (t.method == finetune_method::lora ? T * prec.adapter_bytes : 0));
    mem.master_weights = bytes(T * prec.master_bytes / (t.zero_stage >= 1 ? n : 1.0));
    mem.gradients = bytes(T * prec.gradient_bytes / (t.zero_stage >= 2 ? n : 1.0));
    if (t.optimizer == optimizer_kind::adafactor) {
        double factored = 0; // row and column second moments of each trainable matrix
        for (std::size_t i = 0; i < forward_ops.size(); ++i) {
            const auto* g = std::get_if<gemm_op>(&forward_ops[i].op);
            const bool trainable = t.method == finetune_method::full ? i < base_count : i >= base_count;
            if (g && g->shared_b && trainable) factored += forward_ops[i].count * 4.0 * static_cast<double>(g->k + g->n);
        }
        mem.optimizer_states = bytes(factored / (t.zero_stage >= 1 ? n : 1.0));
    } else {
        mem.optimizer_states = bytes(T * state_bytes / (t.zero_stage >= 1 ? n : 1.0));
    }
    double saved_all = 0, saved_pointwise = 0, layer_max = 0, layers = 0;
    for (std::size_t i = 0; i < forward_ops.size(); ++i) {
        const auto& u = forward_ops[i];
        double b = detail::saved_bytes(u.op);
        // a LoRA down-projection reads the same input its base linear saved already
        if (i >= base_count)
            if (const auto* g = std::get_if<gemm_op>(&u.op); g && g->n == t.lora_rank) b = 0;
        if (u.count > 1 && !std::holds_alternative<collective_op>(u.op)) {
            saved_all += b * u.count;
            if (std::holds_alternative<pointwise_op>(u.op)) saved_pointwise += b * u.count;
            layer_max += b;
            layers = u.count > layers ? u.count : layers;
        }
    }
    const double residual = static_cast<double>(t.micro_batch * lat.tokens * m.denoiser.hidden) *
                            size_bytes(unquantised(w.compute)) /
                            static_cast<double>(t.ulysses * t.ring); // the residual stream splits by sequence
    switch (t.ckpt) {
    case checkpointing::none: mem.saved_activations = bytes(saved_all); break;
    case checkpointing::full: mem.saved_activations = bytes(layers * residual + layer_max); break;
    case checkpointing::selective: mem.saved_activations = bytes(saved_all - saved_pointwise); break;
    }
    mem.working = fwd.activation_bytes;
    if (t.zero_stage == 3) mem.working += bytes(P * prec.weight_bytes / std::max(layers, 1.0)); // one gathered layer
    mem.workspace = cal.workspace.value;
    mem.context = cal.cuda_context.value;
    const bytes allocated = mem.weights + mem.master_weights + mem.gradients + mem.optimizer_states +
                            mem.saved_activations + mem.working + mem.workspace;
    mem.total = device_total(allocated, cal);
    r.fits = mem.total <= gpu.hbm_capacity;
    return r;
}

/// A whole fine-tuning run from one step: the optimizer steps over `dataset_videos` x `epochs` samples (or
/// `steps` given outright), the wall time, and the GPU-hours paid.
struct training_run {
    double steps = 0;
    seconds wall{};
    double gpu_hours = 0;
};

[[nodiscard]] inline training_run run_of(const training_step& step, const training_options& t,
                                         std::optional<double> dataset_videos, std::optional<double> epochs,
                                         std::optional<double> steps) {
    training_run r;
    if (steps) {
        detail::require_positive(*steps, "--steps", "steps");
        r.steps = *steps;
    } else {
        if (!dataset_videos || !epochs)
            detail::raise(errc::inconsistent, "--dataset-videos", "a run needs --dataset-videos and --epochs, or --steps");
        detail::require_positive(*dataset_videos, "--dataset-videos", "dataset_videos");
        detail::require_positive(*epochs, "--epochs", "epochs");
        const double per_step = static_cast<double>(t.micro_batch) * (t.gpus / (t.tp * t.ulysses * t.ring));
        r.steps = std::ceil(*dataset_videos * *epochs / per_step);
    }
    r.wall = step.step * r.steps;
    r.gpu_hours = r.wall.value() * t.gpus / 3600.0;
    return r;
}

} // namespace vidperf

namespace vidperf {

/// The longest clip (valid frame count) whose training step fits in `gpu`'s
/// memory: TOMS 748 over the valid-frame index on the interpolated memory
/// excess, snapped and checked on both sides (0 when not even the shortest fits).
[[nodiscard]] inline extent max_training_frames(const model_spec& m, const video_workload& w,
                                                const training_options& t, const gpu_spec& gpu,
                                                const calibration& cal, extent limit_frames = 2049) {
    const extent step = frame_step(m.latent);
    const extent offset = m.latent.causal ? 1 : 0;
    auto frames_of = [&](extent k) { return step * k + offset; };
    auto excess = [&](extent k) {
        video_workload x = w;
        x.frames = frames_of(k);
        return estimate_training(m, x, t, gpu, cal).memory.total.value() - gpu.hbm_capacity.value();
    };
    extent lo = m.latent.causal ? 0 : 1;
    while (frames_of(lo) < m.latent.min_frames) ++lo;
    const auto root = detail::largest_fitting_index(excess, lo, (limit_frames - offset) / step);
    return root.k >= lo ? frames_of(root.k) : 0;
}

} // namespace vidperf
