#pragma once
/// \file
/// Strong quantity types: bytes, FLOPs, seconds, dollars and their rates.
///
/// A quantity carries the exponents of four base dimensions in its type
/// (bytes, floating-point operations, seconds, dollars), so that
///  - a bandwidth (bytes/s) can never be passed where a FLOP rate is meant,
///  - FLOPs / (FLOP/s) gives seconds and bytes / (bytes/s) gives seconds,
///  - a ratio of two quantities of the same dimension is a plain number.
/// The scalar is a template parameter (`double` by default) so the same model
/// runs with `float` for bulk sweeps and with Boost.Math autodiff numbers for
/// sensitivities. Construction from a raw number is explicit.

#include <compare>
#include <type_traits>

namespace vidperf {

/// Exponents of the base dimensions: bytes, FLOPs, seconds, dollars.
template <int Bytes, int Flops, int Seconds, int Dollars>
struct dimension {
    static constexpr int bytes = Bytes;
    static constexpr int flops = Flops;
    static constexpr int seconds = Seconds;
    static constexpr int dollars = Dollars;
};

namespace detail {
template <class A, class B>
using dim_product = dimension<A::bytes + B::bytes, A::flops + B::flops, A::seconds + B::seconds,
                              A::dollars + B::dollars>;
template <class A, class B>
using dim_quotient = dimension<A::bytes - B::bytes, A::flops - B::flops, A::seconds - B::seconds,
                               A::dollars - B::dollars>;
template <class D>
inline constexpr bool is_dimensionless =
    D::bytes == 0 && D::flops == 0 && D::seconds == 0 && D::dollars == 0;
} // namespace detail

template <class Dim, class Real = double>
class quantity {
public:
    using dimension_type = Dim;
    using scalar_type = Real;

    constexpr quantity() : m_value(0) {}
    constexpr explicit quantity(Real value) : m_value(value) {}

    /// Converting between scalar types of the same dimension is explicit
    /// (double -> float loses precision; double -> autodiff seeds a constant).
    template <class Other>
        requires(!std::is_same_v<Other, Real> && std::is_constructible_v<Real, Other>)
    constexpr explicit quantity(const quantity<Dim, Other>& other) : m_value(other.value()) {}

    [[nodiscard]] constexpr const Real& value() const { return m_value; }

    constexpr quantity& operator+=(const quantity& rhs) {
        m_value += rhs.m_value;
        return *this;
    }
    constexpr quantity& operator-=(const quantity& rhs) {
        m_value -= rhs.m_value;
        return *this;
    }
    constexpr quantity& operator*=(const Real& s) {
        m_value *= s;
        return *this;
    }
    constexpr quantity& operator/=(const Real& s) {
        m_value /= s;
        return *this;
    }

    [[nodiscard]] friend constexpr quantity operator+(quantity a, const quantity& b) { return a += b; }
    [[nodiscard]] friend constexpr quantity operator-(quantity a, const quantity& b) { return a -= b; }
    [[nodiscard]] friend constexpr quantity operator-(const quantity& a) { return quantity(-a.m_value); }
    [[nodiscard]] friend constexpr quantity operator*(quantity a, const Real& s) { return a *= s; }
    [[nodiscard]] friend constexpr quantity operator*(const Real& s, quantity a) { return a *= s; }
    [[nodiscard]] friend constexpr quantity operator/(quantity a, const Real& s) { return a /= s; }

    [[nodiscard]] friend constexpr bool operator==(const quantity& a, const quantity& b) {
        return a.m_value == b.m_value;
    }
    [[nodiscard]] friend constexpr bool operator<(const quantity& a, const quantity& b) {
        return a.m_value < b.m_value;
    }
    [[nodiscard]] friend constexpr bool operator>(const quantity& a, const quantity& b) { return b < a; }
    [[nodiscard]] friend constexpr bool operator<=(const quantity& a, const quantity& b) { return !(b < a); }
    [[nodiscard]] friend constexpr bool operator>=(const quantity& a, const quantity& b) { return !(a < b); }

private:
    Real m_value;
};

/// Product of two quantities: dimensions add; a dimensionless result is a plain number.
template <class D1, class D2, class Real>
[[nodiscard]] constexpr auto operator*(const quantity<D1, Real>& a, const quantity<D2, Real>& b) {
    using D = detail::dim_product<D1, D2>;
    if constexpr (detail::is_dimensionless<D>) {
        return Real(a.value() * b.value());
    } else {
        return quantity<D, Real>(a.value() * b.value());
    }
}

/// Quotient of two quantities: dimensions subtract; a dimensionless result is a plain number.
template <class D1, class D2, class Real>
[[nodiscard]] constexpr auto operator/(const quantity<D1, Real>& a, const quantity<D2, Real>& b) {
    using D = detail::dim_quotient<D1, D2>;
    if constexpr (detail::is_dimensionless<D>) {
        return Real(a.value() / b.value());
    } else {
        return quantity<D, Real>(a.value() / b.value());
    }
}

namespace dims {
using bytes = dimension<1, 0, 0, 0>;
using flops = dimension<0, 1, 0, 0>;
using seconds = dimension<0, 0, 1, 0>;
using dollars = dimension<0, 0, 0, 1>;
using bytes_per_second = dimension<1, 0, -1, 0>;
using flops_per_second = dimension<0, 1, -1, 0>;
using dollars_per_second = dimension<0, 0, -1, 1>;
using flops_per_byte = dimension<-1, 1, 0, 0>;
} // namespace dims

// Alias templates take the scalar; the short names are the double versions.
template <class Real = double> using bytes_t = quantity<dims::bytes, Real>;
template <class Real = double> using flops_t = quantity<dims::flops, Real>;
template <class Real = double> using seconds_t = quantity<dims::seconds, Real>;
template <class Real = double> using dollars_t = quantity<dims::dollars, Real>;
template <class Real = double> using bytes_per_second_t = quantity<dims::bytes_per_second, Real>;
template <class Real = double> using flops_per_second_t = quantity<dims::flops_per_second, Real>;
template <class Real = double> using dollars_per_second_t = quantity<dims::dollars_per_second, Real>;

using bytes = bytes_t<>;
using flops = flops_t<>;
using seconds = seconds_t<>;
using dollars = dollars_t<>;
using bytes_per_second = bytes_per_second_t<>;
using flops_per_second = flops_per_second_t<>;
using dollars_per_second = dollars_per_second_t<>;

/// Unit factors (decimal SI prefixes as datasheets use them; binary for memory sizes where named).
namespace units {
inline constexpr double kilo = 1e3;
inline constexpr double mega = 1e6;
inline constexpr double giga = 1e9;
inline constexpr double tera = 1e12;
inline constexpr double peta = 1e15;
inline constexpr double kibi = 1024.0;
inline constexpr double mebi = 1024.0 * 1024.0;
inline constexpr double gibi = 1024.0 * 1024.0 * 1024.0;
inline constexpr double seconds_per_hour = 3600.0;
} // namespace units

/// Dollars per GPU-hour, the unit prices are quoted in.
template <class Real = double>
[[nodiscard]] constexpr dollars_per_second_t<Real> per_hour(const dollars_t<Real>& d) {
    return dollars_per_second_t<Real>(d.value() / Real(units::seconds_per_hour));
}

namespace literals {
// clang-format off
constexpr bytes operator""_B(unsigned long long v) { return bytes(static_cast<double>(v)); }
constexpr bytes operator""_KiB(unsigned long long v) { return bytes(static_cast<double>(v) * units::kibi); }
constexpr bytes operator""_MiB(unsigned long long v) { return bytes(static_cast<double>(v) * units::mebi); }
constexpr bytes operator""_GiB(unsigned long long v) { return bytes(static_cast<double>(v) * units::gibi); }
constexpr bytes operator""_GB(long double v) { return bytes(static_cast<double>(v) * units::giga); }
constexpr bytes operator""_GB(unsigned long long v) { return bytes(static_cast<double>(v) * units::giga); }
constexpr flops operator""_GFLOP(long double v) { return flops(static_cast<double>(v) * units::giga); }
constexpr flops operator""_GFLOP(unsigned long long v) { return flops(static_cast<double>(v) * units::giga); }
constexpr flops operator""_TFLOP(long double v) { return flops(static_cast<double>(v) * units::tera); }
constexpr flops operator""_TFLOP(unsigned long long v) { return flops(static_cast<double>(v) * units::tera); }
constexpr seconds operator""_s(long double v) { return seconds(static_cast<double>(v)); }
constexpr seconds operator""_s(unsigned long long v) { return seconds(static_cast<double>(v)); }
constexpr seconds operator""_ms(long double v) { return seconds(static_cast<double>(v) * 1e-3); }
constexpr seconds operator""_ms(unsigned long long v) { return seconds(static_cast<double>(v) * 1e-3); }
constexpr seconds operator""_us(long double v) { return seconds(static_cast<double>(v) * 1e-6); }
constexpr seconds operator""_us(unsigned long long v) { return seconds(static_cast<double>(v) * 1e-6); }
constexpr seconds operator""_h(long double v) { return seconds(static_cast<double>(v) * units::seconds_per_hour); }
constexpr seconds operator""_h(unsigned long long v) { return seconds(static_cast<double>(v) * units::seconds_per_hour); }
constexpr bytes_per_second operator""_GBps(long double v) { return bytes_per_second(static_cast<double>(v) * units::giga); }
constexpr bytes_per_second operator""_GBps(unsigned long long v) { return bytes_per_second(static_cast<double>(v) * units::giga); }
constexpr bytes_per_second operator""_TBps(long double v) { return bytes_per_second(static_cast<double>(v) * units::tera); }
constexpr bytes_per_second operator""_TBps(unsigned long long v) { return bytes_per_second(static_cast<double>(v) * units::tera); }
constexpr flops_per_second operator""_TFLOPps(long double v) { return flops_per_second(static_cast<double>(v) * units::tera); }
constexpr flops_per_second operator""_TFLOPps(unsigned long long v) { return flops_per_second(static_cast<double>(v) * units::tera); }
constexpr dollars operator""_usd(long double v) { return dollars(static_cast<double>(v)); }
constexpr dollars operator""_usd(unsigned long long v) { return dollars(static_cast<double>(v)); }
// clang-format on
} // namespace literals

} // namespace vidperf
