#pragma once
/// \file
/// Fits named calibration constants to timed ops: the exact prediction
/// engine is the model, and the constants are those that minimise the sum of
/// squared log errors log(predicted / measured) over the points (so a 5 us
/// GEMM and a 5 ms GEMM weigh alike). Used to fit the `literature` profiles
/// to the fit part of the public op corpus (validation/public) and usable on
/// any set of (op, time) pairs. Standard errors come from a deterministic
/// bootstrap over the points. Needs no third-party library.
///
/// Parameters are searched with Nelder-Mead in an unbounded space: a constant
/// whose key names an efficiency or a ratio through the logistic function, so
/// it stays in (0, 1) (above the peak is not a physical answer), every other
/// constant through exp, so it stays positive.
///
/// Harness offsets: some published timings put the host's dispatch inside the
/// timed window (CUDA events around one eager framework call on an idle GPU:
/// the start event fires at once, the kernel only once the host has launched
/// it). Points tagged with a `harness` group get that group's offset added to
/// the prediction: the median of (measured - predicted) over the group's
/// points, at least 0, recomputed for every trial set of constants. It is a
/// property of how a source timed, not of the GPU, and is never part of a
/// calibration.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vidperf/core/error.hpp>
#include <vidperf/roofline/calibration.hpp>
#include <vidperf/roofline/engine.hpp>

namespace vidperf {

/// One measured call: the ops it ran (their predicted times add up) and its time.
struct timed_ops {
    std::vector<op> ops;
    double seconds = 0;
    int harness = -1; ///< harness-offset group (see the file comment); < 0 = none
};

struct fitted_constant {
    std::string key;
    double value = 0;
    double std_error = 0;
};

struct ops_fit {
    calibration cal;                          ///< the base with the fitted constants set (provenance as given)
    std::vector<fitted_constant> constants;   ///< in the order asked
    std::size_t points = 0;
    double median_abs_error = 0;              ///< median |predicted / measured - 1| after the fit
    double max_abs_error = 0;
    double median_abs_error_before = 0;       ///< the same with the base's values
    std::vector<double> harness_s;            ///< fitted offset of each harness group, seconds
};

namespace detail {

/// `s` escaped for a C++ string literal (the generated headers quote provenance sources).
[[nodiscard]] inline std::string cpp_escape(std::string_view s) {
    std::string o;
    for (char ch : s) {
        if (ch == '"' || ch == '\\') o += '\\';
        o += ch;
    }
    return o;
}

[[nodiscard]] inline bool bounded_by_one(std::string_view key) {
    return (key.find("efficiency") != std::string_view::npos && key != "conv_relative_efficiency") ||
           key == "sustained_clock_ratio" || key == "pageable_factor";
}

/// A constant of `c` by key, as a plain number in SI units; raises for an unknown key.
template <class F>
void with_constant(calibration& c, std::string_view key, F&& f) {
    bool found = false;
    for_each_constant(c, [&](std::string_view k, auto& constant) {
        if (k != key) return;
        found = true;
        f(constant);
    });
    if (!found) raise(errc::unknown_name, "fit_constants", "unknown calibration constant '" + std::string(key) + "'");
}

[[nodiscard]] inline double get_constant(calibration& c, std::string_view key) {
    double v = 0;
    with_constant(c, key, [&](auto& k) { v = constant_value(k); });
    return v;
}

inline void set_constant(calibration& c, std::string_view key, double v, provenance from, double se) {
    with_constant(c, key, [&](auto& k) {
        using T = std::remove_cvref_t<decltype(k.value)>;
        k.value = T(v);
        k.from = from;
        k.std_error = se;
    });
}

/// One step of the 64-bit linear congruential generator (Knuth's MMIX constants) behind the bootstrap, modulo
/// 2^64 through a 128-bit product, so that no 64-bit product wraps (the sanitize preset holds vidperf's own code to
/// no unsigned wrap-around, well defined or not).
[[nodiscard]] inline std::uint64_t lcg_next(std::uint64_t s) {
    __extension__ using u128 = unsigned __int128;
    const u128 next = static_cast<u128>(s) * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint64_t>(next & 0xFFFFFFFFFFFFFFFFULL);
}

[[nodiscard]] inline double predict_sum(const timed_ops& p, const gpu_spec& gpu, const calibration& c) {
    double t = 0;
    for (const auto& o : p.ops) t += predict(o, gpu, c).time.value();
    return t;
}

/// A harness offset from a group's gaps (measured - predicted): their median (the upper one of an even count), at
/// least 0; 0 for no gaps. The fit and the public-corpus validation both price a harness with it.
[[nodiscard]] inline double harness_median(std::vector<double> gaps) {
    if (gaps.empty()) return 0.0;
    const auto mid = gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2);
    std::nth_element(gaps.begin(), mid, gaps.end());
    return std::max(0.0, *mid);
}

/// Offset of each harness group 0..groups-1 over its points in `idx` (harness_median).
[[nodiscard]] inline std::vector<double> harness_offsets(std::span<const timed_ops> points,
                                                         std::span<const double> predicted,
                                                         std::span<const std::size_t> idx, int groups) {
    std::vector<std::vector<double>> gaps(static_cast<std::size_t>(std::max(groups, 0)));
    for (std::size_t i : idx)
        if (points[i].harness >= 0 && points[i].harness < groups)
            gaps[static_cast<std::size_t>(points[i].harness)].push_back(points[i].seconds - predicted[i]);
    std::vector<double> out;
    out.reserve(gaps.size());
    for (auto& v : gaps) out.push_back(harness_median(std::move(v)));
    return out;
}

/// The offset a point carries: its group's, or 0 for a point without a group.
[[nodiscard]] inline double harness_of_point(const timed_ops& p, const std::vector<double>& offsets) {
    return p.harness >= 0 ? offsets[static_cast<std::size_t>(p.harness)] : 0.0;
}

/// Nelder-Mead minimisation of f over R^n from x0 with initial step `step`.
template <class F>
[[nodiscard]] std::vector<double> nelder_mead(F&& f, const std::vector<double>& x0, double step, int max_evals) {
    const std::size_t n = x0.size();
    std::vector<std::vector<double>> s(n + 1, x0);
    std::vector<double> fv(n + 1);
    for (std::size_t i = 0; i < n; ++i) s[i + 1][i] += step;
    for (std::size_t i = 0; i <= n; ++i) fv[i] = f(s[i]);
    int evals = static_cast<int>(n + 1);
    std::vector<std::size_t> order(n + 1);
    while (evals < max_evals) {
        for (std::size_t i = 0; i <= n; ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fv[a] < fv[b]; });
        const std::size_t best = order.front(), worst = order.back(), second = order[n - 1];
        if (std::abs(fv[worst] - fv[best]) <= 1e-12 * (1 + std::abs(fv[best]))) break;
        std::vector<double> centre(n, 0.0);
        for (std::size_t i = 0; i <= n; ++i)
            if (i != worst)
                for (std::size_t d = 0; d < n; ++d) centre[d] += s[i][d] / static_cast<double>(n);
        auto along = [&](double t) {
            std::vector<double> x(n);
            for (std::size_t d = 0; d < n; ++d) x[d] = centre[d] + t * (s[worst][d] - centre[d]);
            return x;
        };
        const auto xr = along(-1.0);
        const double fr = f(xr);
        ++evals;
        if (fr < fv[best]) {
            const auto xe = along(-2.0);
            const double fe = f(xe);
            ++evals;
            if (fe < fr) {
                s[worst] = xe;
                fv[worst] = fe;
            } else {
                s[worst] = xr;
                fv[worst] = fr;
            }
        } else if (fr < fv[second]) {
            s[worst] = xr;
            fv[worst] = fr;
        } else {
            const auto xc = fr < fv[worst] ? along(-0.5) : along(0.5);
            const double fc = f(xc);
            ++evals;
            if (fc < std::min(fr, fv[worst])) {
                s[worst] = xc;
                fv[worst] = fc;
            } else { // shrink towards the best vertex
                for (std::size_t i = 0; i <= n; ++i) {
                    if (i == best) continue;
                    for (std::size_t d = 0; d < n; ++d) s[i][d] = s[best][d] + 0.5 * (s[i][d] - s[best][d]);
                    fv[i] = f(s[i]);
                    ++evals;
                }
            }
        }
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i <= n; ++i)
        if (fv[i] < fv[best]) best = i;
    return s[best];
}

} // namespace detail

/// Fits the constants `keys` of `base` to `points` on `gpu` (see the file comment).
/// `bootstrap` resamples give the standard errors (0 = none).
[[nodiscard]] inline ops_fit fit_constants(std::span<const timed_ops> points, const gpu_spec& gpu,
                                           const calibration& base, std::span<const std::string_view> keys,
                                           provenance from, int bootstrap = 20) {
    const std::size_t n = keys.size();
    if (n == 0) detail::raise(errc::json_bad_value, "fit_constants", "no constant to fit");
    if (points.size() < n + 2)
        detail::raise(errc::json_bad_value, "fit_constants",
                      "only " + std::to_string(points.size()) + " points for " + std::to_string(n) +
                          " constants; the fit needs at least " + std::to_string(n + 2));
    for (const auto& p : points)
        if (!(p.seconds > 0) || !std::isfinite(p.seconds) || p.ops.empty())
            detail::raise(errc::json_bad_value, "fit_constants", "a point has no op or a non-positive time");
    calibration work = base;
    std::vector<double> x0(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = detail::get_constant(work, keys[i]);
        if (detail::bounded_by_one(keys[i])) {
            const double p = std::clamp(v > 0 ? v : 0.5, 0.01, 0.99);
            x0[i] = std::log(p / (1 - p));
        } else {
            x0[i] = std::log(v > 0 ? v : 1.0);
        }
    }
    // x -> constant values: logistic for efficiencies and ratios, exp for the rest
    auto values_of = [&](const std::vector<double>& x) {
        std::vector<double> v(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double xi = std::clamp(x[i], -60.0, 60.0);
            v[i] = detail::bounded_by_one(keys[i]) ? 1 / (1 + std::exp(-xi)) : std::exp(xi);
        }
        return v;
    };
    int groups = 0;
    for (const auto& p : points) groups = std::max(groups, p.harness + 1);
    std::vector<double> predicted(points.size(), 0.0);
    auto objective_on = [&](const std::vector<std::size_t>& idx) {
        return [&, idx](const std::vector<double>& x) {
            const auto v = values_of(x);
            for (std::size_t i = 0; i < n; ++i) detail::set_constant(work, keys[i], v[i], from, 0);
            for (std::size_t i : idx) {
                try {
                    predicted[i] = detail::predict_sum(points[i], gpu, work);
                } catch (const vidperf::error&) {
                    return std::numeric_limits<double>::max();
                }
            }
            const auto offset = detail::harness_offsets(points, predicted, idx, groups);
            double sum = 0;
            for (std::size_t i : idx) {
                const double e =
                    std::log((predicted[i] + detail::harness_of_point(points[i], offset)) / points[i].seconds);
                sum += e * e;
            }
            return sum;
        };
    };
    std::vector<std::size_t> all(points.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    const int evals = 400 * static_cast<int>(n);
    std::vector<double> x = detail::nelder_mead(objective_on(all), x0, 0.3, evals);
    x = detail::nelder_mead(objective_on(all), x, 0.05, evals); // restart: Nelder-Mead can stall
    const auto best = values_of(x);

    // bootstrap: refit on resampled points (a fixed linear congruential sequence, so reruns agree)
    std::vector<std::vector<double>> samples;
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    for (int b = 0; b < bootstrap; ++b) {
        std::vector<std::size_t> idx(points.size());
        for (auto& i : idx) {
            state = detail::lcg_next(state);
            i = static_cast<std::size_t>((state >> 33) % points.size());
        }
        samples.push_back(values_of(detail::nelder_mead(objective_on(idx), x, 0.05, 200 * static_cast<int>(n))));
    }

    ops_fit out;
    out.points = points.size();
    out.cal = base;
    // errors with each calibration's own harness offsets
    auto abs_errors = [&](const calibration& c, std::vector<double>* offsets) {
        for (std::size_t i = 0; i < points.size(); ++i) predicted[i] = detail::predict_sum(points[i], gpu, c);
        const auto offset = detail::harness_offsets(points, predicted, all, groups);
        std::vector<double> e;
        for (std::size_t i = 0; i < points.size(); ++i)
            e.push_back(std::abs((predicted[i] + detail::harness_of_point(points[i], offset)) / points[i].seconds - 1));
        if (offsets != nullptr) *offsets = offset;
        return e;
    };
    {
        std::vector<double> before = abs_errors(base, nullptr);
        std::nth_element(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(before.size() / 2), before.end());
        out.median_abs_error_before = before[before.size() / 2];
    }
    for (std::size_t i = 0; i < n; ++i) {
        double se = 0;
        if (samples.size() > 1) {
            double m = 0;
            for (const auto& s : samples) m += s[i];
            m /= static_cast<double>(samples.size());
            for (const auto& s : samples) se += (s[i] - m) * (s[i] - m);
            se = std::sqrt(se / static_cast<double>(samples.size() - 1));
        }
        detail::set_constant(out.cal, keys[i], best[i], from, se);
        out.constants.push_back({std::string(keys[i]), best[i], se});
    }
    std::vector<double> after = abs_errors(out.cal, &out.harness_s);
    for (double e : after) out.max_abs_error = std::max(out.max_abs_error, e);
    std::nth_element(after.begin(), after.begin() + static_cast<std::ptrdiff_t>(after.size() / 2), after.end());
    out.median_abs_error = after[after.size() / 2];
    return out;
}

} // namespace vidperf
