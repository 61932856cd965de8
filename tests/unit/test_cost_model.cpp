#include <doctest/doctest.h>

#include <cmath>

#include <vidperf/cost/cost.hpp>
#include <vidperf/cost/sensitivity.hpp>

using namespace vidperf;
using namespace vidperf::literals;

namespace {
cost_inputs<double> job(double hours, double price) {
    cost_inputs<double> c;
    c.runtime = seconds(hours * 3600);
    c.price_per_gpu_hour = dollars(price);
    return c;
}
} // namespace

TEST_CASE("the worked example: A100 8 h at $1.50 vs H100 3 h at $3.50, break-even $4.00/h") {
    const auto a100 = job(8, 1.50);
    const auto h100 = job(3, 3.50);
    CHECK(cost_per_job(a100).total.value() == doctest::Approx(12.00));
    CHECK(cost_per_job(h100).total.value() == doctest::Approx(10.50));
    CHECK(break_even_price(a100, h100).value() == doctest::Approx(4.00));

    // with 10 reruns per 100 and 70 % utilisation both move by 1.1 / 0.7
    auto a = a100, h = h100;
    a.reruns_per_100 = h.reruns_per_100 = 10;
    a.utilisation = h.utilisation = 0.7;
    CHECK(cost_per_job(a).total.value() == doctest::Approx(12.00 * 1.1 / 0.7));
    CHECK(cost_per_job(h).total.value() == doctest::Approx(10.50 * 1.1 / 0.7));
    CHECK(break_even_price(a, h).value() == doctest::Approx(4.00)); // same factors on both sides
    // a utilisation only the A100 reaches changes the break-even price
    a.utilisation = 0.9;
    CHECK(break_even_price(a, h).value() == doctest::Approx(4.00 * 0.7 / 0.9));
}

TEST_CASE("waiting costs, jobs per day, GPUs per job") {
    auto c = job(2, 3.0);
    c.gpus = 4;
    c.queue_delay = seconds(3600);
    c.value_per_hour_of_waiting = dollars(10);
    const auto b = cost_per_job(c);
    CHECK(b.compute.value() == doctest::Approx(2 * 4 * 3.0));
    CHECK(b.waiting.value() == doctest::Approx(10.0 * (1 + 2)));
    CHECK(b.total.value() == doctest::Approx(24 + 30));
    CHECK(b.jobs_per_day_per_gpu == doctest::Approx(24.0 / (2 * 4)));
    c.utilisation = 0;
    CHECK_THROWS_AS((void)cost_per_job(c), invalid_argument);
    c.utilisation = 1.2;
    CHECK_THROWS_WITH_AS((void)cost_per_job(c), doctest::Contains("utilisation"), invalid_argument);
}

TEST_CASE("sensitivities by autodiff match the formula's derivatives") {
    auto c = job(8, 1.5);
    c.utilisation = 0.7;
    c.reruns_per_100 = 10;
    c.queue_delay = seconds(2 * 3600);
    c.value_per_hour_of_waiting = dollars(5);
    const auto s = cost_sensitivities(c);
    // d total / d price = runtime * attempts / util
    CHECK(s[1].derivative == doctest::Approx(8 * 1.1 / 0.7));
    // d total / d runtime_h = price * attempts / util + value * attempts
    CHECK(s[0].derivative == doctest::Approx(1.5 * 1.1 / 0.7 + 5 * 1.1));
    // d total / d util = -price * runtime * attempts / util^2
    CHECK(s[2].derivative == doctest::Approx(-1.5 * 8 * 1.1 / (0.7 * 0.7)));
    // d total / d reruns = (price * runtime / util + value * runtime) / 100
    CHECK(s[3].derivative == doctest::Approx((1.5 * 8 / 0.7 + 5 * 8) / 100));
    CHECK(s[4].derivative == doctest::Approx(5.0));
    CHECK(s[5].derivative == doctest::Approx(2 + 8 * 1.1));
    CHECK(s[1].elasticity == doctest::Approx(cost_per_job(c).compute.value() / cost_per_job(c).total.value()));
}

TEST_CASE("checkpoint interval: Young's sqrt(2 delta M) and Daly's correction, overhead falls as MTBF grows") {
    const auto p = checkpoint_interval(seconds(100 * 3600), seconds(60), seconds(24 * 3600), seconds(300));
    CHECK(p.young_interval.value() == doctest::Approx(std::sqrt(2 * 60.0 * 86400)));
    CHECK(p.interval < p.young_interval * 1.1);
    CHECK(p.interval > p.young_interval * 0.9);
    CHECK(p.overhead > 0);
    const auto q = checkpoint_interval(seconds(100 * 3600), seconds(60), seconds(240 * 3600), seconds(300));
    CHECK(q.overhead < p.overhead);
    CHECK_THROWS_AS((void)checkpoint_interval(seconds(1), seconds(0), seconds(1), seconds(0)), invalid_argument);
}

TEST_CASE("Erlang C against hand values - pool sizing meets the waiting target with the fewest GPUs") {
    // two servers at load 1 Erlang: C = (1/2! * 2/(2-1)) / (1 + 1 + 1/2! * 2) = 1/3
    CHECK(erlang_c(2, 1.0) == doctest::Approx(1.0 / 3.0));
    // one server: C = rho
    CHECK(erlang_c(1, 0.6) == doctest::Approx(0.6));
    CHECK(erlang_c(3, 3.5) == 1.0); // overloaded
    const auto p = size_pool(100, seconds(120), seconds(30));
    // load = 100/h * 120 s = 3.33 Erlangs: at least 4 GPUs
    CHECK(p.gpus >= 4);
    CHECK(p.mean_wait.value() <= 30.0);
    const double a = 100.0 / 3600 * 120;
    const int fewer = p.gpus - 1;
    if (fewer > a) {
        const double wq = erlang_c(fewer, a) / (fewer / 120.0 - 100.0 / 3600);
        CHECK(wq > 30.0); // one GPU fewer misses the target
    }
}
