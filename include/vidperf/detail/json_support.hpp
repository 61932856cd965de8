#pragma once
/// \file
/// Internal: parsing JSON text with vidperf errors (line and column) and typed
/// field access that names the field on every failure. Needs nlohmann-json.

#include <cstddef>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
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

/// Why JSON text did not parse: the parser's own words (without nlohmann's exception prefix) and the 1-based
/// line and column of the offending token.
struct json_syntax_failure {
    std::string what;
    std::size_t line = 1;
    std::size_t column = 1;
};

/// Where the first number of `text` that overflows a double (1e400) starts: nlohmann's DOM parser throws
/// out_of_range.406 without a position, so the text is walked again with a SAX handler, which is told it.
/// {offset, token}; offset npos when no such number is found.
[[nodiscard]] inline std::pair<std::size_t, std::string> json_overflow_at(std::string_view text) {
    struct finder : nlohmann::json_sax<nlohmann::json> {
        std::size_t at = std::string_view::npos;
        std::string token;
        bool null() override { return true; }
        bool boolean(bool) override { return true; }
        bool number_integer(number_integer_t) override { return true; }
        bool number_unsigned(number_unsigned_t) override { return true; }
        bool number_float(number_float_t, const string_t&) override { return true; }
        bool string(string_t&) override { return true; }
        bool binary(binary_t&) override { return true; }
        bool start_object(std::size_t) override { return true; }
        bool key(string_t&) override { return true; }
        bool end_object() override { return true; }
        bool start_array(std::size_t) override { return true; }
        bool end_array() override { return true; }
        bool parse_error(std::size_t position, const std::string& last_token,
                         const nlohmann::detail::exception&) override {
            // position counts the characters read, the token included: the token starts before it
            token = last_token;
            at = position >= last_token.size() ? position - last_token.size() : 0;
            return false;
        }
    } f;
    try {
        (void)nlohmann::json::sax_parse(text.begin(), text.end(), &f);
    } catch (const nlohmann::json::exception&) {
        return {std::string_view::npos, {}};
    }
    return {f.at, f.token};
}

/// Parses `text`. Malformed JSON (syntax, a number out of double's range such as 1e400) sets `failure` with
/// the line and column of the offending token; a key repeated in one object (nlohmann keeps the last silently)
/// sets `duplicate` to the first such key. Either way the returned value is to be discarded.
[[nodiscard]] inline nlohmann::json parse_json_checked(std::string_view text, std::optional<json_syntax_failure>& failure,
                                                       std::string& duplicate) {
    // duplicate keys: a stack of the keys seen in each open object
    std::vector<std::vector<std::string>> keys;
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
    failure.reset();
    duplicate.clear();
    try {
        return nlohmann::json::parse(text.begin(), text.end(), refuse_duplicates);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann reports the byte just past the offending token
        const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
        const auto [line, col] = line_column(text, at);
        // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error while parsing value -
        // invalid literal; last read: 'th'": the words after the position (the position is given as ours)
        std::string what = e.what();
        const auto column_at = what.find("column ");
        const auto colon = what.find(": ", column_at == std::string::npos ? 0 : column_at);
        if (colon != std::string::npos) what = what.substr(colon + 2);
        failure = json_syntax_failure{what, line, col};
    } catch (const nlohmann::json::exception& e) { // e.g. out_of_range.406: a number overflows a double
        std::string what = e.what();
        const auto bracket = what.find("] ");
        if (bracket != std::string::npos) what = what.substr(bracket + 2);
        const auto [at, token] = json_overflow_at(text);
        const auto [line, col] = line_column(text, at == std::string_view::npos ? 0 : at);
        failure = json_syntax_failure{what, line, col};
    }
    return nullptr;
}

/// Parses `text`; malformed JSON (syntax, a number out of double's range such as 1e400, a key repeated in
/// one object) raises naming `where`: parse_error with the line and column of the offending token, or
/// schema_error naming the repeated key.
[[nodiscard]] inline nlohmann::json parse_json(std::string_view text, std::string_view where) {
    std::optional<json_syntax_failure> failure;
    std::string duplicate;
    nlohmann::json j = parse_json_checked(text, failure, duplicate);
    if (failure) raise_parse(where, "malformed JSON: " + failure->what, failure->line, failure->column);
    if (!duplicate.empty())
        raise(errc::json_bad_value, where, "key '" + duplicate + "' appears twice in one object");
    return j;
}

/// A JSON value as a message shows it: as written (nlohmann's dump), lists with ", " between their items, cut
/// to about 80 characters.
[[nodiscard]] inline std::string json_text(const nlohmann::json& v) {
    std::string s;
    if (v.is_array()) {
        s = "[";
        for (std::size_t i = 0; i < v.size() && s.size() < 80; ++i) {
            if (i > 0) s += ", ";
            s += v[i].dump();
        }
        s += "]";
    } else {
        s = v.dump();
    }
    if (s.size() > 80) s = s.substr(0, 77) + "...";
    return s;
}

/// Re-raises a vidperf error from reading the file `path` with the path in front of its message
/// ("[vidperf.<kind>.<id>] <path>: <message>"), keeping its code, its class and (parse errors) line and column.
[[noreturn]] inline void raise_in_file(const error& e, const std::filesystem::path& path) {
    std::string what = e.what();
    if (!what.empty() && what.front() == '[') {
        const auto close = what.find("] ");
        if (close != std::string::npos) what = what.substr(close + 2);
    }
    const std::string msg = format_message(e.code(), path.string(), what);
    if (const auto* p = dynamic_cast<const parse_error*>(&e)) throw parse_error(e.code(), msg, p->line(), p->column());
    const int id = e.id();
    if (id < 200) throw invalid_argument(e.code(), msg);
    if (id < 300) throw not_found(e.code(), msg);
    if (id < 400) throw unsupported(e.code(), msg);
    if (id < 500) throw parse_error(e.code(), msg, 0, 0);
    throw schema_error(e.code(), msg);
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

/// `read(text)` on the text of the file `path`; its errors name the path (raise_in_file). Errors reading the file
/// itself name it already.
template <class Read>
[[nodiscard]] auto read_file_with(const std::filesystem::path& path, std::string_view where, Read&& read) {
    const std::string text = read_text_file(path, where);
    try {
        return read(std::string_view(text));
    } catch (const error& e) {
        raise_in_file(e, path);
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

/// The JSON number `v` if it is a whole number in [lo, hi] (integers compared as integers, so 2^63 - 1 is never
/// rounded into range), else nothing.
[[nodiscard]] inline std::optional<std::int64_t> whole_number(const nlohmann::json& v, std::int64_t lo, std::int64_t hi) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        const auto i = static_cast<std::int64_t>(u);
        if (i < lo || i > hi) return std::nullopt;
        return i;
    }
    if (v.is_number_integer()) {
        const auto i = v.get<std::int64_t>();
        if (i < lo || i > hi) return std::nullopt;
        return i;
    }
    if (v.is_number_float()) {
        const double d = v.get<double>();
        // 2^63 is the first double past int64: a cast from it or beyond is undefined
        if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi) && d < 9223372036854775808.0) ||
            d != std::floor(d))
            return std::nullopt;
        const auto i = static_cast<std::int64_t>(d);
        if (i < lo || i > hi) return std::nullopt;
        return i;
    }
    return std::nullopt;
}

/// A whole number in [lo, hi] (sizes, counts), refused naming the field and the value as written otherwise.
[[nodiscard]] inline std::int64_t whole_field(const nlohmann::json& j, std::string_view key, std::string_view where,
                                              std::int64_t lo, std::int64_t hi) {
    const auto& v = require_field(j, key, where);
    if (!v.is_number())
        raise(errc::json_wrong_type, where,
              "field '" + std::string(key) + "' must be a number, got " + std::string(v.type_name()));
    const auto n = whole_number(v, lo, hi);
    if (!n)
        raise(errc::json_bad_value, where,
              "field '" + std::string(key) + "' must be a whole number in [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "], got " + json_text(v));
    return *n;
}

/// A whole number in [lo, hi] (counts: SMs, GPUs, generations), refused with the field named otherwise.
[[nodiscard]] inline int integer_field(const nlohmann::json& j, std::string_view key, std::string_view where, int lo,
                                       int hi) {
    return static_cast<int>(whole_field(j, key, where, lo, hi));
}

/// The JSON number `v` (field `field`, as the message names it) if it is > 0 (`positive`) or >= 0 and at most
/// `hi`, in the file's own unit; otherwise raises naming the field and the value as written (e.g.
/// `hbm_bandwidth_GBps` -3350, not the bytes per second it becomes).
[[nodiscard]] inline double bounded_number(const nlohmann::json& v, std::string_view field, std::string_view where,
                                           double hi, bool positive, double least_nonzero = 0.0) {
    if (!v.is_number())
        raise(errc::json_wrong_type, where,
              "field '" + std::string(field) + "' must be a number, got " + std::string(v.type_name()));
    const double x = v.get<double>();
    const std::string named = "field '" + std::string(field) + "'";
    if (positive && !(x > 0.0)) raise(errc::not_positive, where, named + " must be a finite number > 0, got " + json_text(v));
    if (!positive && !(x >= 0.0))
        raise(errc::negative, where, named + " must be a finite number >= 0, got " + json_text(v));
    if (!(x <= hi)) raise(errc::out_of_range, where, named + " must be at most " + number_text(hi) + ", got " + json_text(v));
    if (x != 0.0 && x < least_nonzero)
        raise(errc::out_of_range, where,
              named + " must be " + (positive ? "" : "0 or ") + "at least " + number_text(least_nonzero) + ", got " +
                  json_text(v));
    return x;
}

/// bounded_number of the field `key` of `j`.
[[nodiscard]] inline double bounded_field(const nlohmann::json& j, std::string_view key, std::string_view where,
                                          double hi, bool positive, double least_nonzero = 0.0) {
    return bounded_number(require_field(j, key, where), key, where, hi, positive, least_nonzero);
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
