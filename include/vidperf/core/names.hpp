#pragma once
/// \file
/// One names table per enum, and the one parser every reader uses.
///
/// An enum takes part by specialising `enum_names<E>` next to its definition:
///
///     template <> struct enum_names<cfg_mode> {
///         static constexpr std::string_view what = "guidance mode";
///         static constexpr auto entries = std::to_array<name_entry<cfg_mode>>({{cfg_mode::off, "off"}, ...});
///     };
///
/// The first entry of a value is its canonical name (what `name()` prints and
/// what `known_names()` lists); later entries of the same value are aliases
/// that `parse` also accepts ("fp8" for fp8_e4m3). `parse<E>(text, field)`
/// raises `unknown_name` naming the field, the value and every known name, so
/// the CLI, the JSON readers and the validation corpus refuse a bad value the
/// same way.

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>
#include <optional>
#include <string>
#include <string_view>

#include <vidperf/core/error.hpp>

namespace vidperf {

template <class E>
struct name_entry {
    E value;
    std::string_view text;
};

/// Specialised per enum (see the file comment).
template <class E>
struct enum_names;

template <class E>
concept named_enum = requires {
    enum_names<E>::entries;
    enum_names<E>::what;
};

/// The canonical name of a value ("?" for a value outside the table).
template <named_enum E>
[[nodiscard]] constexpr std::string_view name(E value) noexcept {
    for (const auto& e : enum_names<E>::entries)
        if (e.value == value) return e.text;
    return "?";
}

/// The value a name (canonical or alias) stands for; exact, case-sensitive match.
template <named_enum E>
[[nodiscard]] constexpr std::optional<E> try_parse(std::string_view text) noexcept {
    for (const auto& e : enum_names<E>::entries)
        if (e.text == text) return e.value;
    return std::nullopt;
}

/// The canonical names, space-separated, in table order.
template <named_enum E>
[[nodiscard]] inline std::string known_names() {
    std::string out;
    const auto& entries = enum_names<E>::entries;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        bool alias = false;
        for (std::size_t j = 0; j < i; ++j) alias = alias || entries[j].value == entries[i].value;
        if (alias) continue;
        if (!out.empty()) out += ' ';
        out += entries[i].text;
    }
    return out;
}

/// The number of distinct values in the table.
template <named_enum E>
[[nodiscard]] constexpr std::size_t value_count() noexcept {
    std::size_t n = 0;
    const auto& entries = enum_names<E>::entries;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        bool alias = false;
        for (std::size_t j = 0; j < i; ++j) alias = alias || entries[j].value == entries[i].value;
        n += alias ? 0 : 1;
    }
    return n;
}

/// The value `text` names; raises unknown_name naming `field`, the text and the known names.
/// `code`: unknown_name for a flag; a reader of a file passes json_bad_value (a schema error).
template <named_enum E>
[[nodiscard]] E parse(std::string_view text, std::string_view field, errc code = errc::unknown_name) {
    if (const auto v = try_parse<E>(text)) return *v;
    std::string shown(text.substr(0, 64));
    if (text.size() > 64) shown += "...";
    detail::raise(code, field,
                  "unknown " + std::string(enum_names<E>::what) + " '" + shown + "'; known: " + known_names<E>());
}

namespace detail {
/// Levenshtein distance, used to suggest the closest slugs on a miss.
[[nodiscard]] inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/// The `count` names of `names` closest to `key`, comma-separated.
template <class Range>
[[nodiscard]] std::string closest_names(std::string_view key, const Range& names, std::size_t count = 3) {
    std::vector<std::pair<std::size_t, std::string_view>> scored;
    for (std::string_view n : names) {
        // a substring match is the best hint there is
        const std::size_t d = n.find(key) != std::string_view::npos ? 0 : edit_distance(key, n);
        scored.emplace_back(d, n);
    }
    std::stable_sort(scored.begin(), scored.end(), [](auto& x, auto& y) { return x.first < y.first; });
    std::string out;
    for (std::size_t i = 0; i < scored.size() && i < count; ++i) {
        if (i) out += ", ";
        out += scored[i].second;
    }
    return out;
}
} // namespace detail

} // namespace vidperf
