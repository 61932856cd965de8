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

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/hardware/gpu_spec.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/engine.hpp>

namespace vidperf {

/// Where module weights live between uses, as the frameworks implement it.
enum class offload_policy : std::uint8_t {
    none,       ///< everything stays on the GPU
    model,      ///< whole-model offload: a module is moved in when its stage runs (diffusers
                ///< enable_model_cpu_offload, Wan --offload_model)
    sequential, ///< per-layer streaming from host memory on every call (enable_sequential_cpu_offload)
};

[[nodiscard]] constexpr std::string_view name(offload_policy p) noexcept {
    switch (p) {
    case offload_policy::none: return "none";
    case offload_policy::model: return "model";
    case offload_policy::sequential: return "sequential";
    }
    return "?";
}

/// Memory constants outside the kernels, each with provenance.
struct memory_constants {
    calibrated<bytes> cuda_context{bytes(0.5e9),
                                   {provenance_kind::assumed,
                                    "assumed: typical PyTorch CUDA context (300-600 MB in nvidia-smi); not yet measured"},
                                   0};
    calibrated<bytes> workspace{bytes(32.0 * 1024 * 1024),
                                {provenance_kind::assumed,
                                 "assumed: cuBLAS workspace on Hopper (32 MiB, CUBLAS_WORKSPACE_CONFIG docs)"},
                                0};
    calibrated<double> allocator_overhead{
        1.10,
        {provenance_kind::assumed,
         "assumed: caching-allocator reserved/allocated ratio; to be fitted from measured reserved/allocated"},
        0};
};

struct stage_estimate {
    std::string name;
    double calls = 0;
    seconds latency{};  ///< all calls, including weight transfers charged to the stage
    seconds transfer{}; ///< weight movement (offload) included in latency
    flops work{};
    bytes traffic{};
    bound_kind bound = bound_kind::compute;
    bytes activations{};
    bool on_host = false; ///< ran on the CPU
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
    double communication_share = 0; ///< share of the latency spent in collectives (multi-GPU)
    memory_estimate memory;
    bool fits = false;
};

/// The host CPU, for stages run there (text encoders with --text-encoder-on-cpu).
struct host_spec {
    calibrated<flops_per_second> rate{
        flops_per_second(2e12),
        {provenance_kind::assumed,
         "assumed: a two-socket server CPU running a PyTorch bf16 encoder at ~2 TFLOP/s sustained; not measured"},
        0};
    calibrated<bytes_per_second> memory_bandwidth{
        bytes_per_second(200e9),
        {provenance_kind::assumed, "assumed: ~200 GB/s sustained DDR5 over two sockets; not measured"},
        0};
};

struct pipeline_options {
    offload_policy offload = offload_policy::none;
    bool text_encoders_on_host = false; ///< Wan --t5_cpu: encoders run on the CPU, their weights never reach the GPU
    /// offloaded weights sit in pageable host memory (what the reference implementations do:
    /// offload_from_pageable_memory() in models/implementation.hpp); false: pinned buffers
    bool pageable_offload = false;
    host_spec host{};
    memory_constants memory{};
};

/// True for the stages of text encoders (their names start with "text_encoder").
[[nodiscard]] inline bool is_text_encoder(const stage& s) { return s.name.rfind("text_encoder", 0) == 0; }

/// Prices `stages` on `gpu` with `cal` and works out the memory peak.
/// Parameters of one module (its stages, e.g. VAE encode and decode, each carry the whole module's count).
[[nodiscard]] inline double module_parameters(const std::vector<stage>& stages, std::string_view module) {
    double p = 0;
    for (const auto& s : stages)
        if (s.module == module && s.parameters > p) p = s.parameters;
    return p;
}

[[nodiscard]] inline pipeline_estimate estimate_pipeline(const std::vector<stage>& stages, const gpu_spec& gpu,
                                                         const calibration& burst, const pipeline_options& opt) {
    const calibration cal = sustained(burst); // a whole job runs at its sustained clocks
    pipeline_estimate out;
    // modules and their weights: every stage of a module (e.g. VAE encode and decode) carries the whole module,
    // which is loaded whole
    std::vector<std::pair<std::string, bytes>> modules;
    for (const auto& s : stages) {
        if (opt.text_encoders_on_host && is_text_encoder(s)) continue; // never on the GPU
        bool seen = false;
        for (auto& m : modules)
            if (m.first == s.module) {
                if (s.weight_bytes > m.second) m.second = s.weight_bytes;
                seen = true;
            }
        if (!seen) modules.emplace_back(s.module, s.weight_bytes);
    }
    auto module_weights = [&](const std::string& module) {
        for (const auto& m : modules)
            if (m.first == module) return m.second;
        return bytes{};
    };
    bytes all_weights{};
    for (const auto& m : modules) all_weights += m.second;

    std::vector<std::string> moved_in; // modules already on the GPU under model offload
    seconds comm_time{};
    for (const auto& s : stages) {
        stage_estimate e;
        e.name = s.name;
        e.calls = s.calls;
        e.activations = s.activation_bytes;
        seconds per_call{};
        seconds compute_part{}, memory_part{}, overhead_part{};
        if (opt.text_encoders_on_host && is_text_encoder(s)) {
            // on the host: each op at the host's FLOP rate or memory bandwidth, whichever is slower
            for (const auto& u : s.ops) {
                const auto c = cost(u.op);
                const seconds tc = c.flops / opt.host.rate.value;
                const seconds tm = c.bytes() / opt.host.memory_bandwidth.value;
                per_call += (tc > tm ? tc : tm) * u.count;
                (tc > tm ? compute_part : memory_part) += (tc > tm ? tc : tm) * u.count;
                e.work += c.flops * u.count;
                e.traffic += c.bytes() * u.count;
            }
            e.latency = per_call * s.calls;
            e.bound = compute_part >= memory_part ? bound_kind::compute : bound_kind::memory;
            e.activations = bytes{};
            e.on_host = true;
            out.latency += e.latency;
            out.stages.push_back(std::move(e));
            continue;
        }
        for (const auto& u : s.ops) {
            const auto p = predict(u.op, gpu, cal);
            per_call += p.time * u.count;
            e.work += p.flops * u.count;
            e.traffic += p.bytes * u.count;
            if (p.bound == bound_kind::communication) comm_time += p.time * u.count * s.calls;
            switch (p.bound) {
            case bound_kind::compute: compute_part += p.time * u.count; break;
            case bound_kind::memory: memory_part += p.time * u.count; break;
            default: overhead_part += p.time * u.count; break;
            }
        }
        e.latency = per_call * s.calls;
        e.bound = compute_part >= memory_part && compute_part >= overhead_part ? bound_kind::compute
                  : memory_part >= overhead_part                              ? bound_kind::memory
                                                                              : bound_kind::overhead;
        // weight movement
        const bytes module_bytes = module_weights(s.module);
        if (opt.offload != offload_policy::none && s.weight_bytes.value() > 0) {
            const bytes moved = opt.offload == offload_policy::sequential ? s.weight_bytes : module_bytes;
            copy_op in{copy_kind::host_to_device, static_cast<extent>(moved.value()), !opt.pageable_offload};
            const seconds one = predict(in, gpu, cal).time;
            if (opt.offload == offload_policy::sequential) {
                e.transfer = one * s.calls; // every call streams every layer in
            } else {
                bool resident = false;
                for (const auto& m : moved_in) resident = resident || m == s.module;
                if (!resident) {
                    // moved in once; the module it replaces is moved out (device -> host)
                    copy_op out_copy{copy_kind::device_to_host, static_cast<extent>(moved.value()),
                                     !opt.pageable_offload};
                    e.transfer = one + predict(out_copy, gpu, cal).time;
                    moved_in.clear();
                    moved_in.push_back(s.module);
                }
            }
            e.latency += e.transfer;
        }
        out.latency += e.latency;

        // memory at this moment
        bytes weights_now{};
        switch (opt.offload) {
        case offload_policy::none: weights_now = all_weights; break;
        case offload_policy::model: weights_now = module_bytes; break;
        case offload_policy::sequential: {
            // one layer's worth at a time: the largest op's weights are a fair upper bound; use the
            // module's weights spread over its GEMMs
            double largest = 0;
            for (const auto& u : s.ops)
                if (const auto* g = std::get_if<gemm_op>(&u.op)) {
                    const double w = static_cast<double>(g->k) * static_cast<double>(g->n) * size_bytes(g->b);
                    largest = w > largest ? w : largest;
                }
            weights_now = bytes(largest);
            break;
        }
        }
        const bytes allocated = weights_now + s.activation_bytes + opt.memory.workspace.value;
        if (allocated > out.memory.allocator_peak) {
            out.memory.allocator_peak = allocated;
            out.memory.weights = weights_now;
            out.memory.activations = s.activation_bytes;
            out.memory.workspace = opt.memory.workspace.value;
            out.memory.peak_stage = s.name;
        }
        out.stages.push_back(std::move(e));
    }
    out.communication_share = out.latency.value() > 0 ? comm_time.value() / out.latency.value() : 0;
    out.memory.context = opt.memory.cuda_context.value;
    out.memory.device_total = out.memory.allocator_peak * opt.memory.allocator_overhead.value + out.memory.context;
    out.fits = out.memory.device_total <= gpu.hbm_capacity;
    return out;
}

} // namespace vidperf
