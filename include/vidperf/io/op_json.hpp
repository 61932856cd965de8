#pragma once
/// \file
/// Ops as JSON objects: the form in which `vidperf shapes` exports the
/// distinct ops of a job (for the calibration suite and the validation
/// measurements to run exactly those shapes) and in which measured records
/// carry them back. Needs nlohmann-json.
///
///   {"kind":"gemm","m":..,"n":..,"k":..,"batch":1,"a":"bf16","b":"bf16","c":"bf16","shared_b":true}
///   {"kind":"attention","batch","heads_q","heads_kv","seq_q","seq_kv","head_dim","head_dim_v",
///    "causal","dtype","kernel","direction"}
///   {"kind":"conv","batch","c_in","c_out","input":[D,H,W],"kernel":[..],"stride":[..],"pad_before":[..],
///    "pad_after":[..],"dilation":[..],"groups","dtype","direction"}
///   {"kind":"pointwise","pointwise":"rmsnorm","elements","inputs","outputs","output_elements",
///    "param_elements","flops_per_element","dtype","output_dtype","output_dtype_inputs","row_length"}
///    (output_dtype*: only for a kernel whose outputs have another dtype than its inputs;
///    row_length: only for a row-wise kernel whose row is known)
///   {"kind":"copy","copy":"h2d|d2h|d2d|peer","bytes","pinned"}                    (read only)
///   {"kind":"collective","collective":"all_reduce|all_gather|reduce_scatter|all_to_all|send_recv",
///    "elements","ranks","dtype","link":"nvlink|pcie|network","network_GBps"}       (read only)
/// Defaults that mean "same as" (heads_kv, seq_kv, head_dim_v, output_elements)
/// are written resolved. Copies and collectives are read (public measurement
/// corpora carry them) but not exported: a job's shapes file holds only the
/// kernels the calibration suite and the validation scripts run.

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <vidperf/detail/json_support.hpp>
#include <vidperf/ops/op_cost.hpp>
#include <vidperf/ops/ops.hpp>

namespace vidperf {

namespace detail {

[[nodiscard]] inline nlohmann::json triple(const std::array<extent, 3>& a) { return {a[0], a[1], a[2]}; }

/// The most FLOPs a pointwise op's `flops_per_element` may give: far past any kernel's (a few hundred).
inline constexpr double max_flops_per_element = 1e6;
/// The fastest network link a collective's `network_GBps` may give, in GB/s: far past any NIC's.
inline constexpr double max_network_GBps = 1e6;

/// The largest count of tensors a pointwise op reads or writes, or of ranks in a collective.
inline constexpr int max_op_count = 1 << 20;

/// The largest size an op field may hold: 2^53, the largest integer a JSON number (a double) carries exactly.
inline constexpr extent max_op_extent = extent{1} << 53;

/// The JSON number `v` (field `field`, as the message names it) as an extent in [min_value, max_op_extent];
/// a fraction, a value below min_value or beyond max_op_extent is refused naming the field and the value.
[[nodiscard]] inline extent op_extent_of(const nlohmann::json& v, std::string_view field, std::string_view where,
                                         extent min_value, extent max_value = max_op_extent) {
    if (!v.is_number())
        raise(errc::json_wrong_type, where,
              "field '" + std::string(field) + "' must be a number, got " + std::string(v.type_name()));
    if (const auto n = whole_number(v, min_value, max_value)) return *n;
    const double d = v.get<double>();
    if (d > static_cast<double>(max_value))
        raise(errc::json_bad_value, where,
              "field '" + std::string(field) + "' must be an integer in [" + std::to_string(min_value) + ", " +
                  std::to_string(max_value) + "], got " + json_text(v));
    raise(errc::json_bad_value, where,
          "field '" + std::string(field) + "' must be an integer >= " + std::to_string(min_value) + ", got " +
              json_text(v));
}

[[nodiscard]] inline extent op_extent(const nlohmann::json& j, std::string_view key, std::string_view where,
                                      extent min_value) {
    return op_extent_of(require_field(j, key, where), key, where, min_value);
}

/// A small count (tensor inputs and outputs, ranks) in [min_value, max_value], `fallback` when absent; `int` sized.
[[nodiscard]] inline int op_count_or(const nlohmann::json& j, std::string_view key, std::string_view where,
                                     int min_value, int max_value, int fallback) {
    if (!has(j, key)) return fallback;
    return static_cast<int>(op_extent_of(j.at(std::string(key)), key, where, min_value, max_value));
}

[[nodiscard]] inline extent op_extent_or(const nlohmann::json& j, std::string_view key, std::string_view where,
                                         extent min_value, extent fallback) {
    return has(j, key) ? op_extent(j, key, where, min_value) : fallback;
}

[[nodiscard]] inline std::array<extent, 3> op_triple(const nlohmann::json& j, std::string_view key,
                                                     std::string_view where, extent min_value,
                                                     std::array<extent, 3> fallback) {
    if (!has(j, key)) return fallback;
    const auto& v = j.at(std::string(key));
    if (!v.is_array() || v.size() != 3)
        raise(errc::json_wrong_type, where, "field '" + std::string(key) + "' must be an array of 3 integers");
    std::array<extent, 3> out{};
    for (std::size_t i = 0; i < 3; ++i)
        out[i] = op_extent_of(v[i], std::string(key) + "[" + std::to_string(i) + "]", where, min_value);
    return out;
}

/// A true/false field, `fallback` when absent; another type is refused naming the field and the value.
[[nodiscard]] inline bool op_flag(const nlohmann::json& j, std::string_view key, std::string_view where,
                                  bool fallback) {
    if (!has(j, key)) return fallback;
    const auto& v = j.at(std::string(key));
    if (!v.is_boolean())
        raise(errc::json_wrong_type, where,
              "field '" + std::string(key) + "' must be true or false, got " + json_text(v) + " (" +
                  std::string(v.type_name()) + ")");
    return v.get<bool>();
}

[[nodiscard]] inline dtype op_dtype(const nlohmann::json& j, std::string_view key, std::string_view where,
                                    dtype fallback) {
    return enum_field<dtype>(j, key, where, fallback);
}

[[nodiscard]] inline pass op_pass(const nlohmann::json& j, std::string_view where) {
    return enum_field<pass>(j, "direction", where, pass::forward);
}

} // namespace detail

/// The op as a JSON object; nullptr JSON for copies and collectives (not exported).
[[nodiscard]] inline nlohmann::json op_to_json(const op& o) {
    using nlohmann::json;
    if (const auto* g = std::get_if<gemm_op>(&o))
        return json{{"kind", "gemm"},          {"m", g->m},
                    {"n", g->n},               {"k", g->k},
                    {"batch", g->batch},       {"a", std::string(name(g->a))},
                    {"b", std::string(name(g->b))}, {"c", std::string(name(g->c))},
                    {"shared_b", g->shared_b}};
    if (const auto* a = std::get_if<attention_op>(&o))
        return json{{"kind", "attention"},
                    {"batch", a->batch},
                    {"heads_q", a->heads_q},
                    {"heads_kv", a->heads_kv > 0 ? a->heads_kv : a->heads_q},
                    {"seq_q", a->seq_q},
                    {"seq_kv", a->seq_kv > 0 ? a->seq_kv : a->seq_q},
                    {"head_dim", a->head_dim},
                    {"head_dim_v", a->head_dim_v > 0 ? a->head_dim_v : a->head_dim},
                    {"causal", a->causal},
                    {"dtype", std::string(name(a->type))},
                    {"kernel", std::string(name(a->kernel))},
                    {"direction", std::string(name(a->direction))}};
    if (const auto* c = std::get_if<conv_op>(&o))
        return json{{"kind", "conv"},
                    {"batch", c->batch},
                    {"c_in", c->c_in},
                    {"c_out", c->c_out},
                    {"input", detail::triple(c->input)},
                    {"kernel", detail::triple(c->kernel)},
                    {"stride", detail::triple(c->stride)},
                    {"pad_before", detail::triple(c->pad_before)},
                    {"pad_after", detail::triple(c->pad_after)},
                    {"dilation", detail::triple(c->dilation)},
                    {"groups", c->groups},
                    {"dtype", std::string(name(c->type))},
                    {"direction", std::string(name(c->direction))}};
    if (const auto* p = std::get_if<pointwise_op>(&o)) {
        json out{{"kind", "pointwise"},
                 {"pointwise", std::string(name(p->kind))},
                 {"elements", p->elements},
                 {"inputs", p->inputs},
                 {"outputs", p->outputs},
                 {"output_elements", p->output_elements > 0 ? p->output_elements : p->elements},
                 {"param_elements", p->param_elements},
                 {"flops_per_element",
                  p->flops_per_element >= 0 ? p->flops_per_element : default_flops_per_element(p->kind)},
                 {"dtype", std::string(name(p->type))}};
        if (p->output_type) {
            out["output_dtype"] = std::string(name(*p->output_type));
            out["output_dtype_inputs"] = p->output_type_inputs;
        }
        if (p->row_length > 0) out["row_length"] = p->row_length;
        return out;
    }
    return nullptr;
}

/// Reads an op object written by op_to_json (or by hand); every failure names
/// `where` and the field.
[[nodiscard]] inline op op_from_json(const nlohmann::json& j, std::string_view where) {
    using namespace detail;
    const std::string kind = string_field(j, "kind", where);
    if (kind == "gemm") {
        gemm_op g;
        g.m = op_extent(j, "m", where, 1);
        g.n = op_extent(j, "n", where, 1);
        g.k = op_extent(j, "k", where, 1);
        g.batch = op_extent_or(j, "batch", where, 1, 1);
        g.a = op_dtype(j, "a", where, dtype::bf16);
        g.b = op_dtype(j, "b", where, g.a);
        g.c = op_dtype(j, "c", where, g.a);
        g.shared_b = op_flag(j, "shared_b", where, false);
        return g;
    }
    if (kind == "attention") {
        attention_op a;
        a.batch = op_extent_or(j, "batch", where, 1, 1);
        a.heads_q = op_extent(j, "heads_q", where, 1);
        a.heads_kv = op_extent_or(j, "heads_kv", where, 1, a.heads_q);
        a.seq_q = op_extent(j, "seq_q", where, 1);
        a.seq_kv = op_extent_or(j, "seq_kv", where, 1, a.seq_q);
        a.head_dim = op_extent(j, "head_dim", where, 1);
        a.head_dim_v = op_extent_or(j, "head_dim_v", where, 1, a.head_dim);
        a.causal = op_flag(j, "causal", where, false);
        a.type = op_dtype(j, "dtype", where, dtype::bf16);
        a.kernel = enum_field<attention_kernel>(j, "kernel", where, attention_kernel::fa2);
        a.direction = op_pass(j, where);
        if (a.heads_q % a.heads_kv != 0)
            raise(errc::json_bad_value, where,
                  "field 'heads_q' (" + std::to_string(a.heads_q) + ") must be a multiple of field 'heads_kv' (" +
                      std::to_string(a.heads_kv) + ")");
        return a;
    }
    if (kind == "conv") {
        conv_op c;
        c.batch = op_extent_or(j, "batch", where, 1, 1);
        c.c_in = op_extent(j, "c_in", where, 1);
        c.c_out = op_extent(j, "c_out", where, 1);
        c.input = op_triple(j, "input", where, 1, {1, 1, 1});
        if (!has(j, "input")) raise(errc::json_missing_field, where, "missing field 'input'");
        c.kernel = op_triple(j, "kernel", where, 1, {1, 1, 1});
        c.stride = op_triple(j, "stride", where, 1, {1, 1, 1});
        c.pad_before = op_triple(j, "pad_before", where, 0, {0, 0, 0});
        c.pad_after = op_triple(j, "pad_after", where, 0, {0, 0, 0});
        c.dilation = op_triple(j, "dilation", where, 1, {1, 1, 1});
        c.groups = op_extent_or(j, "groups", where, 1, 1);
        c.type = op_dtype(j, "dtype", where, dtype::bf16);
        c.direction = op_pass(j, where);
        if (c.c_in % c.groups != 0 || c.c_out % c.groups != 0)
            raise(errc::json_bad_value, where,
                  "c_in and c_out must be multiples of groups, got c_in " + std::to_string(c.c_in) + ", c_out " +
                      std::to_string(c.c_out) + ", groups " + std::to_string(c.groups));
        for (std::size_t i = 0; i < 3; ++i) {
            // every extent is <= 2^53: these sums and products fit an extent
            const extent padded = c.input[i] + c.pad_before[i] + c.pad_after[i];
            const extent span = c.dilation[i] * (c.kernel[i] - 1) + 1;
            if (padded < span) {
                const std::string at = "[" + std::to_string(i) + "]";
                raise(errc::json_bad_value, where,
                      "the padded input is smaller than the kernel in dimension " + std::to_string(i) + ": input" +
                          at + " " + std::to_string(c.input[i]) + " + pad_before" + at + " " +
                          std::to_string(c.pad_before[i]) + " + pad_after" + at + " " +
                          std::to_string(c.pad_after[i]) + " = " + std::to_string(padded) + " < " +
                          (c.dilation[i] != 1 ? std::to_string(span) + ", the span of kernel" + at + " " +
                                                    std::to_string(c.kernel[i]) + " at dilation" + at + " " +
                                                    std::to_string(c.dilation[i])
                                              : "kernel" + at + " " + std::to_string(c.kernel[i])));
            }
        }
        return c;
    }
    if (kind == "pointwise") {
        pointwise_op p;
        (void)require_field(j, "pointwise", where);
        p.kind = enum_field<pointwise_kind>(j, "pointwise", where, pointwise_kind::elementwise);
        p.elements = op_extent(j, "elements", where, 1);
        p.inputs = op_count_or(j, "inputs", where, 0, max_op_count, 1);
        p.outputs = op_count_or(j, "outputs", where, 0, max_op_count, 1);
        p.output_elements = op_extent_or(j, "output_elements", where, 0, 0);
        p.param_elements = op_extent_or(j, "param_elements", where, 0, 0);
        if (has(j, "flops_per_element")) {
            p.flops_per_element = number_field(j, "flops_per_element", where);
            if (!(p.flops_per_element >= 0) || !(p.flops_per_element <= max_flops_per_element))
                raise(errc::json_bad_value, where,
                      "field 'flops_per_element' must be >= 0 and at most " + number_text(max_flops_per_element) +
                          ", got " + json_text(j.at("flops_per_element")));
        }
        p.type = op_dtype(j, "dtype", where, dtype::bf16);
        if (has(j, "output_dtype")) p.output_type = op_dtype(j, "output_dtype", where, p.type);
        p.output_type_inputs = op_count_or(j, "output_dtype_inputs", where, 0, max_op_count, 0);
        if (p.output_type_inputs > p.inputs)
            raise(errc::json_bad_value, where,
                  "field 'output_dtype_inputs' (" + std::to_string(p.output_type_inputs) + ") must be <= 'inputs' (" +
                      std::to_string(p.inputs) + ")");
        if (p.output_type_inputs > 0 && !p.output_type)
            raise(errc::json_missing_field, where, "field 'output_dtype_inputs' needs 'output_dtype'");
        p.row_length = op_extent_or(j, "row_length", where, 0, 0);
        if (p.row_length > p.elements)
            raise(errc::json_bad_value, where,
                  "field 'row_length' (" + std::to_string(p.row_length) + ") must be <= 'elements' (" +
                      std::to_string(p.elements) + ")");
        return p;
    }
    if (kind == "copy") {
        copy_op c;
        (void)require_field(j, "copy", where);
        c.kind = enum_field<copy_kind>(j, "copy", where, copy_kind::host_to_device);
        c.bytes = op_extent(j, "bytes", where, 1);
        c.pinned = op_flag(j, "pinned", where, c.pinned);
        return c;
    }
    if (kind == "collective") {
        collective_op c;
        (void)require_field(j, "collective", where);
        c.kind = enum_field<collective_kind>(j, "collective", where, collective_kind::all_reduce);
        c.elements = op_extent(j, "elements", where, 1);
        c.ranks = static_cast<int>(op_extent_of(require_field(j, "ranks", where), "ranks", where, 2, max_op_count));
        c.type = op_dtype(j, "dtype", where, dtype::bf16);
        c.link = enum_field<link_kind>(j, "link", where, link_kind::nvlink);
        if (c.link == link_kind::network) {
            const double gbps = number_field(j, "network_GBps", where);
            if (!(gbps > 0) || !(gbps <= max_network_GBps))
                raise(errc::json_bad_value, where,
                      "field 'network_GBps' must be > 0 and at most " + number_text(max_network_GBps) + ", got " +
                          json_text(j.at("network_GBps")));
            c.network_bandwidth_Bps = gbps * 1e9;
        }
        return c;
    }
    raise(errc::unknown_name, where,
          "field 'kind': unknown op kind '" + kind + "'; known: gemm attention conv pointwise copy collective");
}

} // namespace vidperf
