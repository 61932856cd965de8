#pragma once
/// \file
/// Internal: parsing JSON text with vidperf errors (line and column) and typed
/// field access that names the field on every failure. Needs nlohmann-json.

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/core/names.hpp>

namespace vidperf::detail {

/// 1-based line and column of byte offset `pos` in `text`.
[[nodiscard]] inline std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t pos) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return {line, col};
}

/// Parses `text`; malformed JSON raises `parse_error` with line and column.
[[nodiscard]] inline nlohmann::json parse_json(std::string_view text, std::string_view where) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann reports the byte just past the offending token
        const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        const auto [line, col] = line_column(text, at);
        std::string what = e.what();
        const auto colon = what.rfind(": ");
        if (colon != std::string::npos) what = what.substr(colon + 2);
        raise_parse(where, "malformed JSON: " + what, line, col);
    }
}

/// Strings a loaded object's string_views point into; a deque never moves its elements.
using string_store = std::deque<std::string>;

[[nodiscard]] inline std::string_view keep(string_store& store, std::string s) {
    store.push_back(std::move(s));
    return store.back();
}

[[nodiscard]] inline const nlohmann::json& require_field(const nlohmann::json& j, std::string_view key,
                                                         std::string_view where) {
    if (!j.is_object()) raise(errc::json_wrong_type, where, "expected a JSON object");
    const auto it = j.find(std::string(key));
    if (it == j.end()) raise(errc::json_missing_field, where, "missing field '" + std::string(key) + "'");
    return *it;
}

[[nodiscard]] inline double number_field(const nlohmann::json& j, std::string_view key, std::string_view where) {
    const auto& v = require_field(j, key, where);
    if (!v.is_number())
        raise(errc::json_wrong_type, where,
              "field '" + std::string(key) + "' must be a number, got " + std::string(v.type_name()));
    return v.get<double>();
}

[[nodiscard]] inline std::string string_field(const nlohmann::json& j, std::string_view key, std::string_view where) {
    const auto& v = require_field(j, key, where);
    if (!v.is_string())
        raise(errc::json_wrong_type, where,
              "field '" + std::string(key) + "' must be a string, got " + std::string(v.type_name()));
    return v.get<std::string>();
}

[[nodiscard]] inline bool has(const nlohmann::json& j, std::string_view key) {
    return j.is_object() && j.contains(std::string(key));
}

/// An enum field by its names table (core/names.hpp): `fallback` when absent; an unknown name raises
/// naming the field and the known names.
template <named_enum E>
[[nodiscard]] E enum_field(const nlohmann::json& j, std::string_view key, std::string_view where, E fallback) {
    if (!has(j, key)) return fallback;
    const std::string s = string_field(j, key, where);
    return parse<E>(s, std::string(where) + " field '" + std::string(key) + "'", errc::json_bad_value);
}

inline void check_schema(const nlohmann::json& j, std::string_view expected, std::string_view where) {
    const std::string got = string_field(j, "schema", where);
    if (got != expected)
        raise(errc::schema_version, where,
              "field 'schema' is '" + got + "'; this version of vidperf reads '" + std::string(expected) + "'");
}

} // namespace vidperf::detail
