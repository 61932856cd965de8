#pragma once
// Looking into lowered stages from the unit tests: a stage by name, and the FLOPs of one op kind.
#include <string_view>
#include <variant>
#include <vector>

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

} // namespace vidperf::test
