#pragma once
/// \file
/// Internal: the largest integer at which a non-decreasing "excess" (memory
/// needed minus memory available) is still <= 0. The bracket doubles from
/// `lo`; inside it, Boost.Math's TOMS 748 solves the root of the excess
/// linearly interpolated between integers, and the answer is snapped to the
/// integer grid and checked on both sides (the interpolation can land one off).

#include <cmath>
#include <cstdint>

#include <boost/math/tools/roots.hpp>

namespace vidperf::detail {

struct integer_root {
    std::int64_t k = 0;  ///< largest index that fits; lo - 1 when not even lo does
    int iterations = 0;  ///< TOMS 748 iterations (0 when no root finding was needed)
};

template <class Excess>
[[nodiscard]] integer_root largest_fitting_index(Excess&& excess, std::int64_t lo, std::int64_t k_max) {
    if (excess(lo) > 0) return {lo - 1, 0};
    std::int64_t hi = lo + 1;
    while (hi < k_max && excess(hi) <= 0) {
        lo = hi;
        hi = hi * 2 > k_max ? k_max : hi * 2;
    }
    if (excess(hi) <= 0) return {hi, 0};
    auto g = [&](double x) {
        const auto k0 = static_cast<std::int64_t>(std::floor(x));
        const double f = x - static_cast<double>(k0);
        const double a = excess(k0);
        return f == 0.0 ? a : a + f * (excess(k0 + 1) - a);
    };
    boost::uintmax_t iters = 64;
    const auto root = boost::math::tools::toms748_solve(g, static_cast<double>(lo), static_cast<double>(hi),
                                                        boost::math::tools::eps_tolerance<double>(20), iters);
    auto k = static_cast<std::int64_t>(std::floor((root.first + root.second) / 2));
    while (k > lo && excess(k) > 0) --k;
    while (k + 1 < hi && excess(k + 1) <= 0) ++k;
    return {k, static_cast<int>(iters)};
}

} // namespace vidperf::detail
