#pragma once
/// \file
/// Calibration files (schema `vidperf.calibration/1`), keys carrying units:
///
///   { "schema": "vidperf.calibration/1", "profile": "measured", "gpu": "h100-sxm5-80gb",
///     "base": "literature",                 // optional: where missing constants come from (default datasheet)
///     "constants": {
///       "gemm_efficiency_bf16": { "value": 0.79, "provenance": "measured",
///                                 "source": "calibration/data/h100-sxm5-80gb/2026-11-24/gemm.jsonl",
///                                 "std_error": 0.004 },
///       "gemm_overhead_s": { "value": 3.1e-6, "provenance": "measured", "source": "..." } },
///     "flags": { "attention_sage_available": true } }
///
/// The constant keys are those of for_each_constant(); an unknown key is an
/// error naming the closest known keys.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/detail/json_support.hpp>
#include <vidperf/hardware/catalog.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/profiles.hpp>

namespace vidperf {

inline constexpr std::string_view calibration_schema = "vidperf.calibration/1";

/// A calibration that owns the strings its provenance views point to.
struct loaded_calibration {
    calibration cal;
    std::shared_ptr<detail::string_store> strings = std::make_shared<detail::string_store>();
};


/// Reads a calibration from JSON text.
[[nodiscard]] inline loaded_calibration calibration_from_json(std::string_view text) {
    constexpr std::string_view where = "calibration JSON";
    const nlohmann::json j = detail::parse_json(text, where);
    detail::check_schema(j, calibration_schema, where);
    loaded_calibration out;
    auto& store = *out.strings;
    const std::string gpu = detail::string_field(j, "gpu", where);
    const std::string base = detail::has(j, "base") ? detail::string_field(j, "base", where) : "datasheet";
    if (base != "datasheet" && try_find_gpu(gpu) == nullptr) {
        // a built-in base other than the datasheet ideal is per GPU of the catalog
        std::vector<std::string_view> slugs;
        slugs.reserve(gpu_catalog.size());
        for (const auto& g : gpu_catalog) slugs.push_back(g.slug);
        detail::raise(errc::unknown_gpu, where,
                      "field 'gpu': unknown GPU slug '" + gpu + "'; closest: " + detail::closest_names(gpu, slugs) +
                          " (field 'base' is '" + base + "', which exists only for GPUs of the catalog)");
    }
    const calibration_choice chosen = builtin_calibration(base, gpu);
    if (chosen.fell_back && base != "datasheet")
        detail::raise(errc::no_calibration, where,
                      "field 'base' is '" + base + "', which has no calibration for GPU '" + gpu + "'");
    out.cal = *chosen.cal; // views into static storage stay valid
    out.cal.profile = detail::keep(store, detail::string_field(j, "profile", where));
    out.cal.gpu_slug = detail::keep(store, gpu);

    std::vector<std::string_view> keys;
    for_each_constant(out.cal, [&](std::string_view k, auto&) { keys.push_back(k); });
    if (detail::has(j, "constants")) {
        const auto& cs = j.at("constants");
        if (!cs.is_object()) detail::raise(errc::json_wrong_type, where, "field 'constants' must be an object");
        for (const auto& item : cs.items()) {
            const std::string& key = item.key();
            const nlohmann::json& entry = item.value();
            bool found = false;
            for_each_constant(out.cal, [&](std::string_view k, auto& constant) {
                if (k != key) return;
                found = true;
                const std::string at = std::string(where) + " constants." + key;
                const double v = detail::number_field(entry, "value", at);
                detail::require_non_negative(v, at, "value");
                using T = std::remove_cvref_t<decltype(constant.value)>;
                if constexpr (std::is_same_v<T, double>)
                    constant.value = v;
                else
                    constant.value = T(v);
                const std::string prov = detail::string_field(entry, "provenance", at);
                const auto pk = parse<provenance_kind>(prov, std::string(at) + " field 'provenance'", errc::json_bad_value);
                constant.from = {pk, detail::keep(store, detail::string_field(entry, "source", at))};
                constant.std_error = 0.0;
                if (detail::has(entry, "std_error")) {
                    constant.std_error = detail::number_field(entry, "std_error", at);
                    if (!(constant.std_error >= 0.0))
                        detail::raise(errc::negative, at,
                                      "field 'std_error' must be a finite number >= 0, got " +
                                          detail::json_text(entry.at("std_error")));
                }
            });
            if (!found)
                detail::raise(errc::json_bad_value, where,
                              "unknown constant '" + key + "'; closest: " + detail::closest_names(key, keys));
        }
    }
    if (detail::has(j, "flags")) {
        const auto& fs = j.at("flags");
        if (!fs.is_object()) detail::raise(errc::json_wrong_type, where, "field 'flags' must be an object");
        for (const auto& item : fs.items()) {
            const std::string& key = item.key();
            const nlohmann::json& value = item.value();
            bool found = false;
            for_each_flag(out.cal, [&](std::string_view k, bool& flag) {
                if (k != key) return;
                found = true;
                if (!value.is_boolean())
                    detail::raise(errc::json_wrong_type, where, "field 'flags." + key + "' must be true or false");
                flag = value.get<bool>();
            });
            if (!found) detail::raise(errc::json_bad_value, where, "unknown flag '" + key + "'");
        }
    }
    validate(out.cal, where); // an efficiency above the peak, a negative time ... is refused
    return out;
}

/// The JSON form of a calibration: every constant, with provenance (round-trips).
[[nodiscard]] inline nlohmann::json to_json(const calibration& c) {
    nlohmann::json constants = nlohmann::json::object();
    for_each_constant(c, [&](std::string_view k, const auto& constant) {
        nlohmann::json e = {{"value", constant_value(constant)},
                            {"provenance", name(constant.from.kind)},
                            {"source", constant.from.source}};
        if (constant.std_error != 0) e["std_error"] = constant.std_error;
        constants[std::string(k)] = std::move(e);
    });
    nlohmann::json flags = nlohmann::json::object();
    for_each_flag(c, [&](std::string_view k, const bool& f) { flags[std::string(k)] = f; });
    return {{"schema", calibration_schema},
            {"profile", c.profile},
            {"gpu", c.gpu_slug},
            {"constants", constants},
            {"flags", flags}};
}

/// A calibration JSON file; its errors name the file.
[[nodiscard]] inline loaded_calibration load_calibration_file(const std::filesystem::path& path) {
    return detail::read_file_with(path, "load_calibration_file",
                                  [](std::string_view text) { return calibration_from_json(text); });
}

} // namespace vidperf
