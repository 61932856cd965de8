#pragma once
/// \file
/// Residency: which weights are on the GPU at each moment of a job, and the
/// memory outside the kernels (CUDA context, library workspace, the caching
/// allocator's overhead). Bytes only: nothing here prices time.
///
/// Peak memory is the maximum over the pipeline's moments (one per stage) of
///   resident weights + live activations of the running stage + workspace;
/// the device total adds the allocator's overhead and the CUDA context.

#include <array>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include <vidperf/core/dtype.hpp>
#include <vidperf/core/names.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/models/stage.hpp>
#include <vidperf/roofline/calibration.hpp>

namespace vidperf {

/// Where module weights live between uses, as the frameworks implement it.
enum class offload_policy : std::uint8_t {
    none,       ///< everything stays on the GPU
    model,      ///< whole-model offload: a module is moved in when its stage runs (diffusers
                ///< enable_model_cpu_offload, Wan --offload_model)
    sequential, ///< per-layer streaming from host memory on every call (enable_sequential_cpu_offload)
};

template <>
struct enum_names<offload_policy> {
    static constexpr std::string_view what = "offload policy";
    static constexpr auto entries = std::to_array<name_entry<offload_policy>>({
        {offload_policy::none, "none"},
        {offload_policy::model, "model"},
        {offload_policy::sequential, "sequential"}});
};

/// True for the stages of text encoders.
[[nodiscard]] constexpr bool is_text_encoder(const stage& s) noexcept { return s.kind == stage_kind::text_encoder; }

/// Weights of a module: every stage of a module (VAE encode and decode) carries the whole module; the
/// largest count is the module's.
[[nodiscard]] inline bytes module_weight_bytes(const std::vector<stage>& stages, std::string_view module) {
    bytes b{};
    for (const auto& s : stages)
        if (s.module == module && s.weight_bytes > b) b = s.weight_bytes;
    return b;
}

/// Weights of the modules whose stages `keep` selects, each module counted once (text encoders run on the host
/// never reach the GPU and are left out).
template <class Keep>
[[nodiscard]] inline bytes module_weights_where(const std::vector<stage>& stages, bool text_encoders_on_host,
                                                Keep&& keep) {
    const auto counted = [&](const stage& s) { return keep(s) && !(text_encoders_on_host && is_text_encoder(s)); };
    bytes total{};
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const auto& s = stages[i];
        if (!counted(s)) continue;
        bool first = true; // count each module once, at its first counted stage
        for (std::size_t k = 0; k < i && first; ++k) first = !(stages[k].module == s.module && counted(stages[k]));
        if (first) total += module_weight_bytes(stages, s.module);
    }
    return total;
}

/// Weights of every module that ever reaches the GPU (text encoders run on the host never do).
[[nodiscard]] inline bytes all_resident_weights(const std::vector<stage>& stages, bool text_encoders_on_host) {
    return module_weights_where(stages, text_encoders_on_host, [](const stage&) { return true; });
}

/// True when a stage names an offload group (models/stage.hpp offload_group).
[[nodiscard]] inline bool has_offload_groups(const std::vector<stage>& stages) noexcept {
    for (const auto& s : stages)
        if (s.offload_group > 0) return true;
    return false;
}

/// Weights of the modules of offload group `group`, each counted once (text encoders run on the host excluded).
[[nodiscard]] inline bytes group_weight_bytes(const std::vector<stage>& stages, int group, bool text_encoders_on_host) {
    return module_weights_where(stages, text_encoders_on_host, [group](const stage& s) { return s.offload_group == group; });
}

/// Weights on the GPU while `s` runs under `policy`: all of them, its module's, or (sequential streaming)
/// one layer's worth, taken as the largest GEMM's weights.
[[nodiscard]] inline bytes resident_weights(const stage& s, bytes module_bytes, bytes all_weights,
                                            offload_policy policy) {
    switch (policy) {
    case offload_policy::none: return all_weights;
    case offload_policy::model: return module_bytes;
    case offload_policy::sequential: {
        double largest = 0;
        for (const auto& u : s.ops)
            if (const auto* g = std::get_if<gemm_op>(&u.op)) {
                const double w = static_cast<double>(g->k) * static_cast<double>(g->n) * size_bytes(g->b);
                largest = w > largest ? w : largest;
            }
        return bytes(largest);
    }
    }
    return all_weights;
}

/// What nvidia-smi shows for an allocator peak: the caching allocator's overhead and the CUDA context
/// (calibration constants allocator_overhead and cuda_context_bytes).
[[nodiscard]] inline bytes device_total(bytes allocator_peak, const calibration& cal) {
    return allocator_peak * cal.allocator_overhead.value + cal.cuda_context.value;
}

} // namespace vidperf
