#pragma once
/// \file
/// The vidperf error hierarchy. Every error carries a stable numeric id and a
/// message of the form
///     [vidperf.<kind>.<id>] <where>: <what was wrong, naming the field and value>
/// Errors are raised from one place, detail::raise(), so the format never drifts.
///
/// Ids (stable; never reused):
///   100-199 invalid_argument   a value out of range (zero/negative size, NaN, ...)
///   200-299 not_found          an unknown slug or name
///   300-399 unsupported        a valid request the hardware or calibration cannot serve
///   400-499 parse_error        malformed input text (JSON), with line and column
///   500-599 schema_error       well-formed input with wrong/missing fields

#include <array>
#include <charconv>
#include <limits>
#include <system_error>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vidperf {

enum class errc : int {
    // invalid_argument
    not_positive = 101,       ///< a size, count or rate must be > 0
    negative = 102,           ///< a value must be >= 0
    not_finite = 103,         ///< NaN or infinity
    out_of_range = 104,       ///< outside a stated range
    inconsistent = 105,       ///< fields contradict each other
    // not_found
    unknown_gpu = 201,
    unknown_profile = 202,
    unknown_name = 203,
    // unsupported
    dtype_not_supported = 301,  ///< e.g. fp8 on a GPU without fp8 tensor cores
    kernel_not_available = 302, ///< e.g. FlashAttention-3 on a pre-Hopper GPU
    no_calibration = 303,
    not_representable = 304,    ///< e.g. a model with no diffusers class exported to diffusers
    // parse_error
    json_syntax = 401,
    // schema_error
    json_missing_field = 501,
    json_wrong_type = 502,
    json_bad_value = 503,
    schema_version = 504,
};

/// Base of every vidperf exception.
class error : public std::runtime_error {
public:
    error(errc code, const std::string& what) : std::runtime_error(what), m_code(code) {}
    [[nodiscard]] errc code() const noexcept { return m_code; }
    [[nodiscard]] int id() const noexcept { return static_cast<int>(m_code); }

private:
    errc m_code;
};

class invalid_argument : public error {
    using error::error;
};
class not_found : public error {
    using error::error;
};
class unsupported : public error {
    using error::error;
};
class parse_error : public error {
public:
    parse_error(errc code, const std::string& what, std::size_t line, std::size_t column)
        : error(code, what), m_line(line), m_column(column) {}
    [[nodiscard]] std::size_t line() const noexcept { return m_line; }
    [[nodiscard]] std::size_t column() const noexcept { return m_column; }

private:
    std::size_t m_line;
    std::size_t m_column;
};
class schema_error : public error {
    using error::error;
};

namespace detail {

[[nodiscard]] constexpr std::string_view kind_name(errc code) noexcept {
    const int id = static_cast<int>(code);
    if (id < 200) return "invalid_argument";
    if (id < 300) return "not_found";
    if (id < 400) return "unsupported";
    if (id < 500) return "parse_error";
    return "schema_error";
}

[[nodiscard]] inline std::string format_message(errc code, std::string_view where, std::string_view what) {
    std::string msg = "[vidperf.";
    msg += kind_name(code);
    msg += '.';
    msg += std::to_string(static_cast<int>(code));
    msg += "] ";
    msg += where;
    msg += ": ";
    msg += what;
    return msg;
}

/// The one place errors are raised.
[[noreturn]] inline void raise(errc code, std::string_view where, std::string_view what) {
    const std::string msg = format_message(code, where, what);
    const int id = static_cast<int>(code);
    if (id < 200) throw invalid_argument(code, msg);
    if (id < 300) throw not_found(code, msg);
    if (id < 400) throw unsupported(code, msg);
    if (id < 500) throw parse_error(code, msg, 0, 0);
    throw schema_error(code, msg);
}

[[noreturn]] inline void raise_parse(std::string_view where, std::string_view what, std::size_t line,
                                     std::size_t column) {
    std::string detail_what(what);
    detail_what += " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
    throw parse_error(errc::json_syntax, format_message(errc::json_syntax, where, detail_what), line, column);
}

/// A printable double for any scalar (double, float, or Boost autodiff fvar, whose conversion to its root
/// type is explicit).
template <class Real>
[[nodiscard]] constexpr double to_double(const Real& x) {
    return static_cast<double>(x);
}

[[nodiscard]] constexpr bool is_nan(double v) noexcept { return v != v; }
[[nodiscard]] constexpr bool is_inf(double v) noexcept {
    return v == std::numeric_limits<double>::infinity() || v == -std::numeric_limits<double>::infinity();
}

/// A number as messages show it: fixed notation with at most 6 decimals, trailing zeros trimmed; values so
/// small that 6 decimals would lose them (|v| < 1e-4, not 0) or so large that fixed notation runs to many digits
/// (|v| >= 1e15) in the shortest exponent form that reads back exactly (1e-09, 1e+300), so a bound of 1e-9 never
/// reads as 0.
[[nodiscard]] inline std::string number_text(double v) {
    if (is_nan(v)) return "NaN";
    if (is_inf(v)) return v > 0 ? "inf" : "-inf";
    const double mag = v < 0 ? -v : v;
    if (mag != 0 && (mag < 1e-4 || mag >= 1e15)) {
        std::array<char, 64> buf{};
        const auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific);
        if (ec == std::errc()) return std::string(buf.data(), ptr);
    }
    std::string s = std::to_string(v);
    // trim trailing zeros of std::to_string's fixed format
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

/// Checks a value is finite and > 0; otherwise raises naming `field` and the value.
template <class Real>
constexpr void require_positive(const Real& value, std::string_view where, std::string_view field) {
    const double v = to_double(value);
    if (!(v > 0.0) || is_inf(v)) {
        raise(is_nan(v) || is_inf(v) ? errc::not_finite : errc::not_positive, where,
              std::string("field '") + std::string(field) + "' must be a finite number > 0, got " + number_text(v));
    }
}

/// Checks a value is finite and >= 0.
template <class Real>
constexpr void require_non_negative(const Real& value, std::string_view where, std::string_view field) {
    const double v = to_double(value);
    if (!(v >= 0.0) || is_inf(v)) {
        raise(is_nan(v) || is_inf(v) ? errc::not_finite : errc::negative, where,
              std::string("field '") + std::string(field) + "' must be a finite number >= 0, got " + number_text(v));
    }
}

/// Checks lo <= value <= hi.
template <class Real>
constexpr void require_in_range(const Real& value, double lo, double hi, std::string_view where,
                                std::string_view field) {
    const double v = to_double(value);
    if (!(v >= lo && v <= hi)) {
        raise(is_nan(v) ? errc::not_finite : errc::out_of_range, where,
              std::string("field '") + std::string(field) + "' must be in [" + number_text(lo) + ", " +
                  number_text(hi) + "], got " + number_text(v));
    }
}

} // namespace detail

// The error helpers are public: tools built on vidperf raise the same errors, in the same format.
using detail::number_text;
using detail::raise;
using detail::require_in_range;
using detail::require_non_negative;
using detail::require_positive;

} // namespace vidperf
