#pragma once
// Looking into lowered stages from the unit tests: a stage by name, and the FLOPs of one op kind; a preset
// read back through diffusers' configs with its vae/config.json replaced.
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <vidperf/io/diffusers.hpp>
#include <vidperf/vidperf.hpp>

namespace vidperf::test {

/// The stage named `name`, or nullptr.
inline const stage* find_stage(const std::vector<stage>& stages, std::string_view name) {
    for (const auto& s : stages)
        if (s.name == name) return &s;
    return nullptr;
}

/// FLOPs of one call of the stage's ops of kind `Op` (gemm_op, conv_op, attention_op, ...).
template <class Op>
double flops_of(const stage& s) {
    double f = 0;
    for (const auto& u : s.ops)
        if (std::holds_alternative<Op>(u.op)) f += u.count * cost(u.op).flops.value();
    return f;
}

/// The preset `slug` exported as diffusers configs, its vae/config.json replaced by `vae`, and read back.
inline model_spec with_vae(std::string_view slug, const nlohmann::json& vae) {
    diffusers_configs c = to_diffusers(find_model(slug));
    c.vae = vae.dump();
    return model_from_diffusers(c, "x").spec;
}

} // namespace vidperf::test
