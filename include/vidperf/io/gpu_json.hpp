#pragma once
/// \file
/// A user's own GPU from JSON (schema `vidperf.gpu/1`), keys carrying units:
///
///   { "schema": "vidperf.gpu/1", "base": "h100-sxm5-80gb",      // optional: start from a catalog entry
///     "slug": "my-h100-300w", "name": "H100 SXM5 at 300 W",
///     "vendor": "nvidia", "architecture": "hopper", "sm_version": 90, "sm_count": 132,
///     "boost_clock_MHz": 1830,
///     "dense_peak_TFLOPps": { "fp32": 66.9, "tf32": 494.7, "bf16": 989.4, "fp16": 989.4,
///                             "fp8": 1978.9, "int8": 1978.9, "int4": 0 },
///     "hbm_capacity_GB": 80, "hbm_bandwidth_GBps": 3350, "l2_size_MiB": 50,
///     "nvlink_generation": 4, "nvlink_bandwidth_GBps": 450,
///     "pcie_generation": 5, "pcie_bandwidth_GBps": 64, "tdp_W": 700, "source": "..." }
///
/// Without "base" every field except "source", "name", "tdp_W" and
/// "boost_clock_MHz" is required. Unknown keys are errors (a misspelt key
/// must not silently keep a default). Numbers are checked in the file's own
/// units, and refused naming the field and the value as written: a clock,
/// TDP, HBM capacity or HBM bandwidth must be > 0, a peak, L2 size or link
/// bandwidth >= 0; none may exceed gpu_json_max (1e6 of its unit: far past any
/// GPU, and a bound on what the arithmetic downstream must carry), and none but 0
/// may fall below gpu_json_min (1e-3 of its unit: 1 GFLOP/s, 1 MB/s, 1 MB, 1 MHz,
/// 1 mW; a 1e-300 GB/s bandwidth priced jobs at 1e300 s and their sensitivities at -inf).

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>
#include <vidperf/detail/json_support.hpp>
#include <vidperf/hardware/catalog.hpp>
#include <vidperf/hardware/gpu_spec.hpp>

namespace vidperf {

/// A GPU spec that owns the strings its string_views point to.
struct loaded_gpu {
    gpu_spec spec;
    std::shared_ptr<detail::string_store> strings = std::make_shared<detail::string_store>();
};

inline constexpr std::string_view gpu_schema = "vidperf.gpu/1";

/// The largest number a GPU JSON field may hold, in its own unit (MHz, W, TFLOP/s, GB, GB/s, MiB).
inline constexpr double gpu_json_max = 1e6;
inline constexpr double gpu_json_min = 1e-3;

namespace detail {
inline constexpr std::array<std::string_view, 19> gpu_json_keys{
    "schema",         "base",       "slug",          "name",           "vendor",
    "architecture",   "sm_version", "sm_count",      "boost_clock_MHz", "dense_peak_TFLOPps",
    "hbm_capacity_GB", "hbm_bandwidth_GBps", "l2_size_MiB", "nvlink_generation", "nvlink_bandwidth_GBps",
    "pcie_generation", "pcie_bandwidth_GBps", "tdp_W", "source"};
}

/// Reads a GPU spec from JSON text; raises parse_error / schema_error / invalid_argument naming the field.
[[nodiscard]] inline loaded_gpu gpu_from_json(std::string_view text) {
    constexpr std::string_view where = "gpu JSON";
    const nlohmann::json j = detail::parse_json(text, where);
    detail::check_schema(j, gpu_schema, where);
    for (const auto& [key, value] : j.items()) {
        bool known = false;
        for (auto k : detail::gpu_json_keys) known = known || k == key;
        if (!known)
            detail::raise(errc::json_bad_value, where,
                          "unknown field '" + key + "'; closest: " + detail::closest_names(key, detail::gpu_json_keys));
    }
    loaded_gpu out;
    auto& s = *out.strings;
    const bool based = detail::has(j, "base");
    if (based) out.spec = find_gpu(detail::string_field(j, "base", where));
    auto text_field = [&](std::string_view key, std::string_view& dst, bool required) {
        if (detail::has(j, key))
            dst = detail::keep(s, detail::string_field(j, key, where));
        else if (required && !based)
            detail::raise(errc::json_missing_field, where, "missing field '" + std::string(key) + "'");
        else
            dst = detail::keep(s, std::string(dst)); // own a copy either way
    };
    // positive: 0 is refused (a clock, a TDP, an HBM size or rate); else 0 means "none" (no NVLink, no L2)
    auto num = [&](std::string_view key, bool required, bool positive, auto&& assign) {
        if (detail::has(j, key))
            assign(detail::bounded_field(j, key, where, gpu_json_max, positive, gpu_json_min));
        else if (required && !based)
            detail::raise(errc::json_missing_field, where, "missing field '" + std::string(key) + "'");
    };
    text_field("slug", out.spec.slug, true);
    text_field("name", out.spec.name, false);
    text_field("architecture", out.spec.architecture, true);
    text_field("source", out.spec.source, false);
    out.spec.vendor = detail::enum_field<gpu_vendor>(j, "vendor", where, gpu_vendor::nvidia);
    auto count = [&](std::string_view key, bool required, int lo, int hi, int& dst) {
        if (detail::has(j, key))
            dst = detail::integer_field(j, key, where, lo, hi);
        else if (required && !based)
            detail::raise(errc::json_missing_field, where, "missing field '" + std::string(key) + "'");
    };
    count("sm_version", false, 0, 1000, out.spec.sm_version);
    count("sm_count", true, 1, 100000, out.spec.sm_count);
    num("boost_clock_MHz", false, true, [&](double v) { out.spec.boost_clock_mhz = v; });
    if (detail::has(j, "dense_peak_TFLOPps")) {
        const auto& p = j.at("dense_peak_TFLOPps");
        if (!p.is_object())
            detail::raise(errc::json_wrong_type, where, "field 'dense_peak_TFLOPps' must be an object");
        for (const auto& [key, value] : p.items()) {
            bool found = false;
            for (std::size_t i = 0; i < compute_class_count; ++i) {
                if (name(static_cast<compute_class>(i)) != key) continue;
                found = true;
                if (!value.is_number())
                    detail::raise(errc::json_wrong_type, where, "field 'dense_peak_TFLOPps." + key + "' must be a number");
                const double tflops =
                    detail::bounded_number(value, "dense_peak_TFLOPps." + key, where, gpu_json_max, false, gpu_json_min);
                out.spec.dense_peak[i] = flops_per_second(tflops * units::tera);
            }
            if (!found)
                detail::raise(errc::json_bad_value, where,
                              "unknown field 'dense_peak_TFLOPps." + key +
                                  "'; known: fp32, tf32, bf16, fp16, fp8, int8, int4");
        }
    } else if (!based) {
        detail::raise(errc::json_missing_field, where, "missing field 'dense_peak_TFLOPps'");
    }
    num("hbm_capacity_GB", true, true, [&](double v) { out.spec.hbm_capacity = bytes(v * units::giga); });
    num("hbm_bandwidth_GBps", true, true, [&](double v) { out.spec.hbm_bandwidth = bytes_per_second(v * units::giga); });
    num("l2_size_MiB", true, false, [&](double v) { out.spec.l2_size = bytes(v * units::mebi); });
    count("nvlink_generation", true, 0, 100, out.spec.nvlink_generation);
    num("nvlink_bandwidth_GBps", true, false,
        [&](double v) { out.spec.nvlink_bandwidth = bytes_per_second(v * units::giga); });
    count("pcie_generation", true, 0, 100, out.spec.pcie_generation);
    num("pcie_bandwidth_GBps", true, false, [&](double v) { out.spec.pcie_bandwidth = bytes_per_second(v * units::giga); });
    num("tdp_W", false, true, [&](double v) { out.spec.tdp_watts = v; });
    out.spec.validate();
    return out;
}

/// The JSON form of a spec (round-trips through gpu_from_json).
[[nodiscard]] inline nlohmann::json to_json(const gpu_spec& g) {
    nlohmann::json peaks = nlohmann::json::object();
    for (std::size_t i = 0; i < compute_class_count; ++i)
        peaks[std::string(name(static_cast<compute_class>(i)))] = g.dense_peak[i].value() / units::tera;
    return {{"schema", gpu_schema},
            {"slug", g.slug},
            {"name", g.name},
            {"vendor", name(g.vendor)},
            {"architecture", g.architecture},
            {"sm_version", g.sm_version},
            {"sm_count", g.sm_count},
            {"boost_clock_MHz", g.boost_clock_mhz},
            {"dense_peak_TFLOPps", peaks},
            {"hbm_capacity_GB", g.hbm_capacity.value() / units::giga},
            {"hbm_bandwidth_GBps", g.hbm_bandwidth.value() / units::giga},
            {"l2_size_MiB", g.l2_size.value() / units::mebi},
            {"nvlink_generation", g.nvlink_generation},
            {"nvlink_bandwidth_GBps", g.nvlink_bandwidth.value() / units::giga},
            {"pcie_generation", g.pcie_generation},
            {"pcie_bandwidth_GBps", g.pcie_bandwidth.value() / units::giga},
            {"tdp_W", g.tdp_watts},
            {"source", g.source}};
}

/// A GPU JSON file; its errors name the file ("[vidperf...] <path>: gpu JSON: ...").
[[nodiscard]] inline loaded_gpu load_gpu_file(const std::filesystem::path& path) {
    return detail::read_file_with(path, "load_gpu_file", [](std::string_view text) { return gpu_from_json(text); });
}

} // namespace vidperf
