#include <doctest/doctest.h>

#include <boost/math/differentiation/autodiff.hpp>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

TEST_CASE_TEMPLATE("quantities combine by dimension", Real, float, double) {
    const bytes_t<Real> b(Real(4e9));
    const bytes_per_second_t<Real> bw(Real(2e9));
    const seconds_t<Real> t = b / bw;
    CHECK(t.value() == doctest::Approx(2.0));
    const flops_t<Real> f(Real(3e12));
    const flops_per_second_t<Real> r(Real(1.5e12));
    CHECK((f / r).value() == doctest::Approx(2.0));
    CHECK((r * t).value() == doctest::Approx(3e12));
    const Real ratio = b / bytes_t<Real>(Real(1e9)); // same dimension: a plain number
    CHECK(ratio == doctest::Approx(4.0));
    CHECK((b + b).value() == doctest::Approx(8e9));
    CHECK((b - bytes_t<Real>(Real(1e9))).value() == doctest::Approx(3e9));
    CHECK((b * Real(0.5)).value() == doctest::Approx(2e9));
    CHECK((Real(2) * b).value() == doctest::Approx(8e9));
    CHECK(bytes_t<Real>(Real(1)) < bytes_t<Real>(Real(2)));
    CHECK(bytes_t<Real>(Real(2)) >= bytes_t<Real>(Real(2)));
}

TEST_CASE("literals and money") {
    using namespace vidperf::literals;
    CHECK((1_GiB).value() == doctest::Approx(1073741824.0));
    CHECK((80_GB).value() == doctest::Approx(80e9));
    CHECK((3.35_TBps).value() == doctest::Approx(3.35e12));
    CHECK((989.4_TFLOPps).value() == doctest::Approx(989.4e12));
    CHECK((2_h).value() == doctest::Approx(7200.0));
    const dollars_per_second rate = per_hour(3.5_usd);
    const dollars cost = rate * (3_h);
    CHECK(cost.value() == doctest::Approx(10.5));
}

TEST_CASE("scalar conversion is explicit and keeps the value") {
    const bytes d(1.5e9);
    const bytes_t<float> f(d);
    CHECK(static_cast<double>(f.value()) == doctest::Approx(1.5e9));
}

TEST_CASE("quantities instantiate with Boost.Math autodiff: d(time)/d(bandwidth)") {
    using boost::math::differentiation::make_fvar;
    using ad = boost::math::differentiation::autodiff_fvar<double, 1>;
    const ad bw = make_fvar<double, 1>(2e12); // the variable
    const bytes_t<ad> b(ad(6e9));
    const seconds_t<ad> t = b / bytes_per_second_t<ad>(bw);
    CHECK(static_cast<double>(t.value()) == doctest::Approx(3e-3));
    // d(b / bw)/d bw = -b / bw^2
    CHECK(t.value().derivative(1) == doctest::Approx(-6e9 / (2e12 * 2e12)));
}

TEST_CASE("the roofline engine runs on autodiff numbers: sensitivity to HBM bandwidth") {
    using boost::math::differentiation::make_fvar;
    using ad = boost::math::differentiation::autodiff_fvar<double, 1>;
    auto gpu = rebind<ad>(find_gpu("h100-sxm5-80gb"));
    gpu.hbm_bandwidth = bytes_per_second_t<ad>(make_fvar<double, 1>(3.35e12));
    const auto cal = rebind<ad>(datasheet_calibration);
    pointwise_op p;
    p.elements = 1 << 28;
    p.inputs = 1;
    p.outputs = 1;
    const auto pr = predict(p, gpu, cal);
    const double bytes_moved = 2.0 * (1 << 28) * 2.0;
    CHECK(static_cast<double>(pr.time.value()) == doctest::Approx(bytes_moved / 3.35e12));
    CHECK(pr.time.value().derivative(1) == doctest::Approx(-bytes_moved / (3.35e12 * 3.35e12)));
    // a compute-bound GEMM does not depend on HBM bandwidth at all
    const auto g = predict(gemm_op{8192, 8192, 8192}, gpu, cal);
    CHECK(g.time.value().derivative(1) == doctest::Approx(0.0));
}
