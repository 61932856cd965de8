#pragma once
/// \file
/// The memory of one fine-tuning step per GPU, in bytes: weights, fp32 master
/// weights, gradients and optimizer states by the precision policy
/// (memory/precision.hpp), sharded by ZeRO stage and tensor parallelism; the
/// activations saved for backward (all, under full checkpointing one residual
/// stream per block plus one block's, under selective all but the pointwise
/// ops'); the forward's working set; workspace, CUDA context and allocator
/// overhead from the calibration. Bytes only: nothing here prices time.

#include <algorithm>
#include <variant>

#include <vidperf/core/quantity.hpp>
#include <vidperf/memory/precision.hpp>
#include <vidperf/memory/residency.hpp>
#include <vidperf/models/training_step.hpp>
#include <vidperf/ops/op_cost.hpp>
#include <vidperf/roofline/calibration.hpp>

namespace vidperf {

struct training_memory {
    bytes weights{}, master_weights{}, gradients{}, optimizer_states{}, saved_activations{}, working{};
    bytes workspace{}, context{};
    bytes total{}; ///< device total per GPU
};

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

/// Per-GPU memory of the step `s` lowered for `m`, `w` and `t`.
[[nodiscard]] inline training_memory training_footprint(const model_spec& m, const video_workload& w,
                                                        const training_options& t, const training_stages& s,
                                                        const calibration& cal) {
    // memory per GPU
    training_memory mem;
    const auto& forward_ops = s.forward.ops;
    const std::size_t base_count = s.base_ops;
    const training_precision prec = precision_for(w.weights, t.optimizer);
    const double state_bytes = prec.optimizer_state_bytes;
    const double P = s.total_parameters * s.tp_share, T = s.trainable_parameters * s.tp_share;
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
        double b = saved_bytes(u.op);
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
    const double residual = static_cast<double>(t.micro_batch * s.latent.tokens * m.denoiser.hidden) *
                            size_bytes(unquantised(w.compute)) /
                            static_cast<double>(t.ulysses * t.ring); // the residual stream splits by sequence
    switch (t.ckpt) {
    case checkpointing::none: mem.saved_activations = bytes(saved_all); break;
    case checkpointing::full: mem.saved_activations = bytes(layers * residual + layer_max); break;
    case checkpointing::selective: mem.saved_activations = bytes(saved_all - saved_pointwise); break;
    }
    mem.working = s.forward.activation_bytes;
    if (t.zero_stage == 3) mem.working += bytes(P * prec.weight_bytes / std::max(layers, 1.0)); // one gathered layer
    mem.workspace = cal.workspace.value;
    mem.context = cal.cuda_context.value;
    const bytes allocated = mem.weights + mem.master_weights + mem.gradients + mem.optimizer_states +
                            mem.saved_activations + mem.working + mem.workspace;
    mem.total = device_total(allocated, cal);
    return mem;
}

} // namespace vidperf
