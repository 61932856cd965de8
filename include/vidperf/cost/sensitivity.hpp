#pragma once
/// \file
/// Which figure of the cost worksheet matters: the derivative of the total
/// cost per finished job with respect to each input, by forward-mode automatic
/// differentiation (Boost.Math autodiff) through the same cost_per_job code,
/// and the elasticity (percent change of cost per percent change of input).

#include <array>
#include <string_view>

#include <boost/math/differentiation/autodiff.hpp>

#include <vidperf/cost/cost.hpp>

namespace vidperf {

struct cost_sensitivity {
    std::string_view input;
    double value = 0;      ///< the input, in the unit of `unit`
    std::string_view unit;
    double derivative = 0; ///< dollars per unit of the input
    double elasticity = 0; ///< (d cost / cost) / (d input / input)
};

/// Sensitivities of the total cost per job to each of the worksheet's inputs.
[[nodiscard]] inline std::array<cost_sensitivity, 6> cost_sensitivities(const cost_inputs<double>& in) {
    using ad = boost::math::differentiation::autodiff_fvar<double, 1>;
    using boost::math::differentiation::make_fvar;
    const double total = cost_per_job(in).total.value();
    auto lift = [&](int seed) {
        cost_inputs<ad> x;
        const double h = units::seconds_per_hour;
        // inputs in the units users quote (hours, $/h) so derivatives read naturally
        const ad runtime_h = seed == 0 ? make_fvar<double, 1>(in.runtime.value() / h) : ad(in.runtime.value() / h);
        const ad price = seed == 1 ? make_fvar<double, 1>(in.price_per_gpu_hour.value()) : ad(in.price_per_gpu_hour.value());
        const ad util = seed == 2 ? make_fvar<double, 1>(in.utilisation) : ad(in.utilisation);
        const ad reruns = seed == 3 ? make_fvar<double, 1>(in.reruns_per_100) : ad(in.reruns_per_100);
        const ad queue_h = seed == 4 ? make_fvar<double, 1>(in.queue_delay.value() / h) : ad(in.queue_delay.value() / h);
        const ad value = seed == 5 ? make_fvar<double, 1>(in.value_per_hour_of_waiting.value())
                                   : ad(in.value_per_hour_of_waiting.value());
        x.runtime = seconds_t<ad>(runtime_h * h);
        x.gpus = ad(in.gpus);
        x.price_per_gpu_hour = dollars_t<ad>(price);
        x.utilisation = util;
        x.reruns_per_100 = reruns;
        x.queue_delay = seconds_t<ad>(queue_h * h);
        x.value_per_hour_of_waiting = dollars_t<ad>(value);
        x.board_power_watts = ad(in.board_power_watts);
        x.price_per_kwh = dollars_t<ad>(ad(in.price_per_kwh.value()));
        return cost_per_job(x).total.value().derivative(1);
    };
    const double h = units::seconds_per_hour;
    std::array<cost_sensitivity, 6> s{{{"runtime", in.runtime.value() / h, "h", 0, 0},
                                       {"price_per_hour", in.price_per_gpu_hour.value(), "$/h", 0, 0},
                                       {"utilisation", in.utilisation, "fraction", 0, 0},
                                       {"reruns_per_100", in.reruns_per_100, "per 100 jobs", 0, 0},
                                       {"queue_delay", in.queue_delay.value() / h, "h", 0, 0},
                                       {"value_per_hour", in.value_per_hour_of_waiting.value(), "$/h", 0, 0}}};
    for (int i = 0; i < 6; ++i) {
        s[static_cast<std::size_t>(i)].derivative = lift(i);
        s[static_cast<std::size_t>(i)].elasticity =
            total > 0 ? s[static_cast<std::size_t>(i)].derivative * s[static_cast<std::size_t>(i)].value / total : 0;
    }
    return s;
}

} // namespace vidperf
