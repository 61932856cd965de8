#pragma once
/// \file
/// Inference pipeline: stages x repeats, priced by the roofline engine, with
/// the residency policy deciding which weights are on the GPU at each moment.
///
/// Latency = sum over stages of calls x (sum of op times) + weight transfers.
/// Peak memory = the maximum over the pipeline's moments (one per stage) of
///   resident weights + live activations of the running stage + workspace,
/// not a sum over stages. Two figures are reported:
///   allocator peak  (what torch.cuda.max_memory_allocated shows)
///   device total    = allocator peak x allocator overhead + CUDA context
///                     (what nvidia-smi shows).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/memory/residency.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/pipeline/price.hpp>
#include <vidperf/roofline/engine.hpp>
#include <vidperf/roofline/host.hpp>


namespace vidperf {

struct stage_estimate {
    std::string name;
    stage_kind kind = stage_kind::other;
    double calls = 0;
    seconds latency{};  ///< all calls, including weight transfers charged to the stage
    seconds transfer{}; ///< weight movement (offload) included in latency
    flops work{};
    bytes traffic{};
    bound_kind bound = bound_kind::compute;
    bytes activations{};
    bool on_host = false; ///< ran on the CPU
    std::array<seconds, op_kind_count> by_kind{}; ///< all calls' op time by op kind (transfers not included)
};

struct memory_estimate {
    bytes weights{};     ///< resident at the peak moment
    bytes activations{}; ///< of the stage running at the peak
    bytes workspace{};
    bytes context{};
    bytes allocator_peak{};
    bytes device_total{};
    std::string peak_stage;
};

struct pipeline_estimate {
    std::vector<stage_estimate> stages;
    seconds latency{};
    std::array<seconds, op_kind_count> by_kind{}; ///< the job's op time by op kind (all stages)
    seconds transfers{};                          ///< offload weight movement
    double communication_share = 0; ///< share of the latency spent in collectives (multi-GPU)
    memory_estimate memory;
    bool fits = false;
};

struct pipeline_options {
    offload_policy offload = offload_policy::none;
    bool text_encoders_on_host = false; ///< Wan --t5_cpu: encoders run on the CPU, their weights never reach the GPU
    /// offloaded weights sit in pageable host memory (what the reference implementations do:
    /// offload_from_pageable_memory() in models/implementation.hpp); false: pinned buffers
    bool pageable_offload = false;
    /// the host CPU as the user measured it (a zero figure: the calibration's); unset: the calibration's
    /// host_flops_per_s and host_bandwidth_Bps
    std::optional<host_spec> host{};
};

/// Prices `stages` on `gpu` with `cal` and works out the memory peak.
/// Parameters of one module (its stages, e.g. VAE encode and decode, each carry the whole module's count).
[[nodiscard]] inline double module_parameters(const std::vector<stage>& stages, std::string_view module) {
    double p = 0;
    for (const auto& s : stages)
        if (s.module == module && s.parameters > p) p = s.parameters;
    return p;
}

/// What the pricing walk knows about one stage as it passes it.
struct stage_walk {
    ops_price<double> per_call; ///< one call's ops (on the host when on_host)
    seconds latency{};          ///< all calls and the weight transfer charged to the stage
    seconds transfer{};
    bytes resident_weights{};   ///< weights on the GPU while the stage runs
    bytes allocated{};          ///< resident weights + the stage's activations + workspace
    bytes activations{};        ///< the activations in `allocated` (none at a swap of offload groups)
    bool on_host = false;
};

/// The one walk over a job's stages: prices each (GPU or host), charges offload transfers, and reports the
/// memory of each moment to `on_stage(const stage&, const stage_walk&)`. Allocates nothing itself.
template <class OnStage>
inline void walk_pipeline(const std::vector<stage>& stages, const gpu_spec& gpu, const calibration& cal,
                          const pipeline_options& opt, OnStage&& on_stage) {
    const bytes everything = all_resident_weights(stages, opt.text_encoders_on_host);
    host_spec host = host_of(cal); // the user's measured figures replace the calibration's
    if (opt.host && opt.host->rate.value.value() > 0) host.rate = opt.host->rate;
    if (opt.host && opt.host->memory_bandwidth.value.value() > 0) host.memory_bandwidth = opt.host->memory_bandwidth;
    std::string_view moved_in; // the module on the GPU under model offload
    bool any_moved = false;
    // offload groups (models/stage.hpp offload_group): the group-0 modules stay, the code swaps the others whole,
    // moving the next group in before the last one out; the first group is loaded where it is used
    const bool grouped = opt.offload == offload_policy::model && has_offload_groups(stages);
    int group_on = 0; // the group on the GPU: at first, the first group the job uses
    for (const auto& s : stages)
        if (grouped && group_on == 0 && s.offload_group > 0) group_on = s.offload_group;
    // the staying modules' weights and the group on the GPU's, recomputed only when the group changes
    const bytes stay = grouped ? group_weight_bytes(stages, 0, opt.text_encoders_on_host) : bytes{};
    bytes on = grouped ? group_weight_bytes(stages, group_on, opt.text_encoders_on_host) : bytes{};
    for (const auto& s : stages) {
        stage_walk w;
        if (s.calls <= 0) { // never runs (an expert the sampler does not reach): no transfer, no moment of its own
            on_stage(s, w);
            continue;
        }
        if (opt.text_encoders_on_host && is_text_encoder(s)) { // on the host CPU; no GPU memory
            w.per_call = price(s, host);
            w.latency = w.per_call.time * s.calls;
            w.on_host = true;
            on_stage(s, w);
            continue;
        }
        w.per_call = price(s, gpu, cal);
        w.latency = w.per_call.time * s.calls;
        // weight movement
        if (grouped) {
            bytes swap{}; // the moment both groups are on the GPU
            if (s.offload_group > 0 && s.offload_group != group_on) { // a swap: `on` out, `next` in
                const bytes next = group_weight_bytes(stages, s.offload_group, opt.text_encoders_on_host);
                const copy_op in{copy_kind::host_to_device, static_cast<extent>(next.value()), !opt.pageable_offload};
                const copy_op out{copy_kind::device_to_host, static_cast<extent>(on.value()), !opt.pageable_offload};
                w.transfer = predict(in, gpu, cal).time + predict(out, gpu, cal).time;
                w.latency += w.transfer;
                swap = stay + on + next;
                group_on = s.offload_group;
                on = next;
            }
            w.resident_weights = stay + on;
            w.activations = s.activation_bytes;
            w.allocated = w.resident_weights + s.activation_bytes + cal.workspace.value;
            if (swap + cal.workspace.value > w.allocated) {
                w.resident_weights = swap;
                w.activations = bytes{};
                w.allocated = swap + cal.workspace.value;
            }
            on_stage(s, w);
            continue;
        }
        const bytes module_bytes = module_weight_bytes(stages, s.module);
        if (opt.offload != offload_policy::none && s.weight_bytes.value() > 0) {
            const bytes moved = opt.offload == offload_policy::sequential ? s.weight_bytes : module_bytes;
            const copy_op in{copy_kind::host_to_device, static_cast<extent>(moved.value()), !opt.pageable_offload};
            const seconds one = predict(in, gpu, cal).time;
            if (opt.offload == offload_policy::sequential) {
                w.transfer = one * s.calls; // every call streams every layer in
            } else if (!any_moved || moved_in != s.module) {
                // moved in once; the module it replaces is moved out (device -> host)
                const copy_op back{copy_kind::device_to_host, static_cast<extent>(moved.value()), !opt.pageable_offload};
                w.transfer = one + predict(back, gpu, cal).time;
                moved_in = s.module;
                any_moved = true;
            }
            w.latency += w.transfer;
        }
        w.resident_weights = resident_weights(s, module_bytes, everything, opt.offload);
        w.activations = s.activation_bytes;
        w.allocated = w.resident_weights + s.activation_bytes + cal.workspace.value;
        on_stage(s, w);
    }
}

/// Prices `stages` on `gpu` with `burst` (run at its sustained clocks) and works out the memory peak.
[[nodiscard]] inline pipeline_estimate estimate_pipeline(const std::vector<stage>& stages, const gpu_spec& gpu,
                                                         const calibration& burst, const pipeline_options& opt) {
    const calibration cal = sustained(burst); // a whole job runs at its sustained clocks
    pipeline_estimate out;
    out.stages.reserve(stages.size());
    seconds comm_time{};
    walk_pipeline(stages, gpu, cal, opt, [&](const stage& s, const stage_walk& w) {
        stage_estimate e;
        e.name = s.name;
        e.kind = s.kind;
        e.calls = s.calls;
        e.latency = w.latency;
        e.transfer = w.transfer;
        e.work = w.per_call.work;
        e.traffic = w.per_call.traffic;
        e.bound = w.per_call.bound();
        e.on_host = w.on_host;
        for (std::size_t k = 0; k < op_kind_count; ++k) e.by_kind[k] = w.per_call.by_kind[k] * s.calls;
        e.activations = w.on_host ? bytes{} : s.activation_bytes;
        out.latency += w.latency;
        out.transfers += w.transfer;
        for (std::size_t k = 0; k < op_kind_count; ++k) out.by_kind[k] += e.by_kind[k];
        comm_time += w.per_call.communication * s.calls;
        if (!w.on_host && w.allocated > out.memory.allocator_peak) { // a stage that never runs allocates 0
            out.memory.allocator_peak = w.allocated;
            out.memory.weights = w.resident_weights;
            out.memory.activations = w.activations;
            out.memory.workspace = cal.workspace.value;
            out.memory.peak_stage = s.name;
        }
        out.stages.push_back(std::move(e));
    });
    out.communication_share = out.latency.value() > 0 ? comm_time.value() / out.latency.value() : 0;
    out.memory.context = cal.cuda_context.value;
    out.memory.device_total = device_total(out.memory.allocator_peak, cal);
    out.fits = out.memory.device_total <= gpu.hbm_capacity;
    return out;
}

/// Latency of every stage of `kind` (a two-expert model, or one with a step cache, has several denoiser stages).
[[nodiscard]] inline seconds stage_latency(const pipeline_estimate& e, stage_kind kind) {
    seconds t{};
    for (const auto& s : e.stages)
        if (s.kind == kind) t += s.latency;
    return t;
}

/// Latency and memory verdict of already-lowered stages, with no allocation: the scheduler's re-price
/// (another GPU, another calibration). The same walk and the same figures as estimate_pipeline.
struct quick_estimate {
    seconds latency{};
    bytes device_total{};
    bool fits = false;
};

[[nodiscard]] inline quick_estimate reprice(const std::vector<stage>& stages, const gpu_spec& gpu,
                                            const calibration& burst, const pipeline_options& opt) {
    const calibration cal = sustained(burst);
    quick_estimate out;
    bytes peak{};
    walk_pipeline(stages, gpu, cal, opt, [&](const stage&, const stage_walk& w) {
        out.latency += w.latency;
        if (!w.on_host && w.allocated > peak) peak = w.allocated;
    });
    out.device_total = device_total(peak, cal);
    out.fits = out.device_total <= gpu.hbm_capacity;
    return out;
}

} // namespace vidperf
