#pragma once
/// \file
/// Internal: parsing JSON text with vidperf errors (line and column) and typed
/// field access that names the field on every failure. Needs nlohmann-json.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>
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

/// Parses `text`; malformed JSON (syntax, a number out of double's range such as 1e400, a key repeated in
/// one object) raises `parse_error` naming `where`, with line and column where the parser knows them.
[[nodiscard]] inline nlohmann::json parse_json(std::string_view text, std::string_view where) {
    // duplicate keys: nlohmann keeps the last silently; a stack of the keys seen in each open object
    std::vector<std::vector<std::string>> keys;
    std::string duplicate;
    const nlohmann::json::parser_callback_t refuse_duplicates = [&](int, nlohmann::json::parse_event_t event,
                                                                    nlohmann::json& parsed) {
        using ev = nlohmann::json::parse_event_t;
        if (event == ev::object_start) keys.emplace_back();
        if (event == ev::object_end && !keys.empty()) keys.pop_back();
        if (event == ev::key && !keys.empty() && parsed.is_string()) {
            const auto& k = parsed.get_ref<const std::string&>();
            for (const auto& seen : keys.back())
                if (seen == k && duplicate.empty()) duplicate = k;
            keys.back().push_back(k);
        }
        return true;
    };
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.begin(), text.end(), refuse_duplicates);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann reports the byte just past the offending token
        const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        const auto [line, col] = line_column(text, at);
        std::string what = e.what();
        const auto colon = what.rfind(": ");
        if (colon != std::string::npos) what = what.substr(colon + 2);
        raise_parse(where, "malformed JSON: " + what, line, col);
    } catch (const nlohmann::json::exception& e) { // e.g. out_of_range.406: a number overflows a double
        std::string what = e.what();
        const auto bracket = what.find("] ");
        if (bracket != std::string::npos) what = what.substr(bracket + 2);
        raise_parse(where, "malformed JSON: " + what, 0, 0);
    }
    if (!duplicate.empty())
        raise(errc::json_bad_value, where, "key '" + duplicate + "' appears twice in one object");
    return j;
}

/// Files vidperf reads are small (specs, calibrations, configs, measurement logs): at most this many bytes.
inline constexpr std::uintmax_t max_input_file_bytes = 64ull * 1024 * 1024;

/// The text of a regular file of at most max_input_file_bytes; a directory, a device, a missing or an
/// oversized file is an error naming it.
[[nodiscard]] inline std::string read_text_file(const std::filesystem::path& path, std::string_view where) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        raise(errc::unknown_name, where, "cannot open file '" + path.string() + "': it does not exist");
    if (!std::filesystem::is_regular_file(status))
        raise(errc::json_bad_value, where,
              "'" + path.string() + "' is not a regular file (a directory, device or pipe cannot be read as one)");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > max_input_file_bytes)
        raise(errc::out_of_range, where,
              "file '" + path.string() + "' is larger than " + std::to_string(max_input_file_bytes >> 20) + " MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) raise(errc::unknown_name, where, "cannot open file '" + path.string() + "'");
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
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

/// A whole number in [lo, hi] (counts: SMs, GPUs, generations), refused with the field named otherwise.
[[nodiscard]] inline int integer_field(const nlohmann::json& j, std::string_view key, std::string_view where, int lo,
                                       int hi) {
    const double v = number_field(j, key, where);
    if (!(v >= lo && v <= hi) || v != static_cast<double>(static_cast<long long>(v)))
        raise(errc::json_bad_value, where,
              "field '" + std::string(key) + "' must be a whole number in [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "], got " + j.at(std::string(key)).dump());
    return static_cast<int>(v);
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
