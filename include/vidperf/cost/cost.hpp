#pragma once
/// \file
/// Cost per finished job: the worksheet a GPU buyer fills in.
///
///   paid GPU time   = runtime x GPUs x (1 + reruns/100) / utilisation
///   compute cost    = paid GPU time x price per GPU-hour
///   waiting cost    = value per hour x (queue delay + runtime x (1 + reruns/100))
///   total           = compute cost + waiting cost
///   jobs per day    = 24 h x utilisation / (runtime x (1 + reruns/100) x GPUs)   per GPU
///   break-even price of B against A: the price at which B's total equals A's.
///
/// A rerun repeats the whole job; utilisation is the share of paid time doing
/// useful work (idle reservation, start-up, data staging count against it).
/// Templated on the scalar so autodiff gives every input's sensitivity.

#include <array>
#include <cmath>
#include <string_view>

#include <vector>

#include <boost/math/distributions/poisson.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/core/quantity.hpp>

namespace vidperf {

template <class Real = double>
struct cost_inputs {
    seconds_t<Real> runtime{};                   ///< one attempt of the job, wall time
    Real gpus = Real(1);                         ///< GPUs the job holds
    dollars_t<Real> price_per_gpu_hour{};        ///< what one GPU-hour costs
    Real utilisation = Real(1);                  ///< useful share of paid time, (0, 1]
    Real reruns_per_100 = Real(0);               ///< failed attempts per 100 jobs
    seconds_t<Real> queue_delay{};               ///< waiting before the job starts
    dollars_t<Real> value_per_hour_of_waiting{}; ///< what an hour of waiting for the result costs the buyer
    Real board_power_watts = Real(0);            ///< power of one GPU under load (energy; 0 = not counted)
    dollars_t<Real> price_per_kwh{};             ///< electricity; 0 = energy not charged (it is in a rental price)
};

template <class Real = double>
struct cost_breakdown {
    dollars_t<Real> compute{};      ///< GPU rental including reruns and idle time
    dollars_t<Real> waiting{};      ///< value of the time until delivery
    dollars_t<Real> total{};
    seconds_t<Real> paid_gpu_time{};
    seconds_t<Real> delivery{};     ///< queue + runtime including reruns
    Real jobs_per_day_per_gpu{};
    Real energy_kwh{};              ///< board power x GPUs x runtime including reruns
    dollars_t<Real> energy{};       ///< energy_kwh x price_per_kwh (in total)
};

template <class Real>
constexpr void validate(const cost_inputs<Real>& in) {
    constexpr std::string_view w = "cost";
    detail::require_positive(in.runtime.value(), w, "runtime_h");
    detail::require_positive(in.gpus, w, "gpus");
    detail::require_non_negative(in.price_per_gpu_hour.value(), w, "price_per_hour");
    detail::require_in_range(in.utilisation, 1e-9, 1.0, w, "utilisation");
    detail::require_non_negative(in.reruns_per_100, w, "reruns_per_100");
    detail::require_non_negative(in.queue_delay.value(), w, "queue_delay_h");
    detail::require_non_negative(in.value_per_hour_of_waiting.value(), w, "value_per_hour");
    detail::require_non_negative(in.board_power_watts, w, "board_power_watts");
    detail::require_non_negative(in.price_per_kwh.value(), w, "price_per_kwh");
}

template <class Real>
[[nodiscard]] constexpr cost_breakdown<Real> cost_per_job(const cost_inputs<Real>& in) {
    validate(in);
    const Real attempts = Real(1) + in.reruns_per_100 / Real(100);
    cost_breakdown<Real> c;
    const seconds_t<Real> run = in.runtime * attempts;
    c.paid_gpu_time = run * in.gpus / in.utilisation;
    c.compute = per_hour(in.price_per_gpu_hour) * c.paid_gpu_time;
    c.delivery = in.queue_delay + run;
    c.waiting = per_hour(in.value_per_hour_of_waiting) * c.delivery;
    c.energy_kwh = in.board_power_watts * in.gpus * run.value() / Real(3.6e6);
    c.energy = dollars_t<Real>(c.energy_kwh * in.price_per_kwh.value());
    c.total = c.compute + c.waiting + c.energy;
    c.jobs_per_day_per_gpu = Real(24.0 * units::seconds_per_hour) * in.utilisation / (run.value() * in.gpus);
    return c;
}

/// The price per GPU-hour at which job `b` costs the same in total as job `a`
/// (b's other inputs as given). Negative when b's waiting cost alone exceeds a's total.
template <class Real>
[[nodiscard]] constexpr dollars_t<Real> break_even_price(const cost_inputs<Real>& a, const cost_inputs<Real>& b) {
    const cost_breakdown<Real> ca = cost_per_job(a);
    cost_inputs<Real> unit = b;
    unit.price_per_gpu_hour = dollars_t<Real>(Real(1));
    const cost_breakdown<Real> cb = cost_per_job(unit); // compute cost at $1/h is linear in the price
    return dollars_t<Real>((ca.total - cb.waiting - cb.energy) / cb.compute);
}

/// One column of a cost worksheet: a GPU's inputs, its cost, and its break-even price against the first.
struct worksheet_row {
    cost_inputs<double> in;
    cost_breakdown<double> cost;
    dollars break_even{}; ///< price per GPU-hour at which this GPU's job costs what the first's does
};

/// Side-by-side cost of the same job on several GPUs (each with its own runtime, GPU count and price).
[[nodiscard]] inline std::vector<worksheet_row> cost_worksheet(const std::vector<cost_inputs<double>>& columns) {
    if (columns.empty()) detail::raise(errc::inconsistent, "cost_worksheet", "no GPU given");
    std::vector<worksheet_row> rows;
    rows.reserve(columns.size());
    for (const auto& in : columns) rows.push_back({in, cost_per_job(in), break_even_price(columns.front(), in)});
    return rows;
}

// ------------------------------------------------------------------ checkpointing under failures

struct checkpoint_plan {
    seconds interval{};      ///< compute time between checkpoints (Daly's higher-order optimum)
    seconds young_interval{};///< Young's first-order sqrt(2 delta M)
    seconds expected_wall{}; ///< expected wall time of the job with failures, checkpoints and restarts
    double overhead = 0;     ///< expected wall / failure-free compute - 1
};

/// Young (1974) / Daly (2006): checkpoint write time delta, mean time between
/// failures M (of the whole job's GPU set), restart time R, failure-free compute T.
[[nodiscard]] inline checkpoint_plan checkpoint_interval(seconds compute, seconds checkpoint_write, seconds mtbf,
                                                         seconds restart) {
    constexpr std::string_view w = "checkpoint_interval";
    detail::require_positive(compute.value(), w, "compute");
    detail::require_positive(checkpoint_write.value(), w, "checkpoint_write");
    detail::require_positive(mtbf.value(), w, "mtbf");
    detail::require_non_negative(restart.value(), w, "restart");
    const double d = checkpoint_write.value(), M = mtbf.value(), R = restart.value(), T = compute.value();
    checkpoint_plan p;
    p.young_interval = seconds(std::sqrt(2 * d * M));
    // Daly's higher-order estimate, valid for delta < 2M; beyond it the optimum is M
    const double x = d / (2 * M);
    p.interval = d < 2 * M ? seconds(std::sqrt(2 * d * M) * (1 + std::sqrt(x) / 3 + x / 9) - d) : seconds(M);
    const double tau = p.interval.value();
    // Daly's expected wall time: M e^{R/M} (e^{(tau+delta)/M} - 1) T / tau
    p.expected_wall = seconds(M * std::exp(R / M) * std::expm1((tau + d) / M) * T / tau);
    p.overhead = p.expected_wall.value() / T - 1;
    return p;
}

// ------------------------------------------------------------------ serving pools (M/M/c)

struct pool_plan {
    int gpus = 0;                   ///< servers (each serves one request at a time)
    double utilisation = 0;         ///< offered load / servers
    double probability_wait = 0;    ///< Erlang C
    seconds mean_wait{};            ///< mean time in queue
    seconds p95_wait{};             ///< 95th-percentile time in queue
};

/// Erlang C for `servers` servers at offered load `a` (Erlangs), from Erlang B via
/// Boost.Math's Poisson distribution: B = pdf(c) / cdf(c), C = B / (1 - rho (1 - B)).
[[nodiscard]] inline double erlang_c(int servers, double a) {
    if (servers <= 0 || !(a >= 0)) detail::raise(errc::out_of_range, "erlang_c", "need servers > 0 and load >= 0");
    if (a >= servers) return 1.0;
    if (a == 0) return 0.0;
    const boost::math::poisson_distribution<double> pois(a);
    const double b = boost::math::pdf(pois, servers) / boost::math::cdf(pois, servers);
    const double rho = a / servers;
    return b / (1 - rho * (1 - b));
}

/// The smallest pool that serves `requests_per_hour` jobs of `service` time
/// each with a mean queueing delay no longer than `max_mean_wait`.
[[nodiscard]] inline pool_plan size_pool(double requests_per_hour, seconds service, seconds max_mean_wait,
                                         int gpus_per_request = 1) {
    constexpr std::string_view w = "size_pool";
    detail::require_positive(requests_per_hour, w, "requests_per_hour");
    detail::require_positive(service.value(), w, "service_time");
    detail::require_non_negative(max_mean_wait.value(), w, "max_wait_s");
    detail::require_positive(gpus_per_request, w, "gpus_per_request");
    const double lambda = requests_per_hour / units::seconds_per_hour;
    const double mu = 1 / service.value();
    const double a = lambda / mu;
    int c = static_cast<int>(std::floor(a)) + 1;
    for (;; ++c) {
        const double pw = erlang_c(c, a);
        const double rate = c * mu - lambda;
        const double wq = pw / rate;
        if (c > 1000000)
            detail::raise(errc::out_of_range, "--max-wait-s",
                          "no pool of up to a million servers keeps the mean wait within " +
                              detail::number_text(max_mean_wait.value()) + " s at " +
                              detail::number_text(requests_per_hour) + " requests per hour");
        if (wq <= max_mean_wait.value()) {
            pool_plan p;
            p.gpus = c * gpus_per_request;
            p.utilisation = a / c;
            p.probability_wait = pw;
            p.mean_wait = seconds(wq);
            // P(Wq > t) = C e^{-rate t}  ->  t95 = ln(C / 0.05) / rate when C > 0.05
            p.p95_wait = seconds(pw > 0.05 ? std::log(pw / 0.05) / rate : 0.0);
            return p;
        }
    }
}

} // namespace vidperf
