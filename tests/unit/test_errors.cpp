#include <doctest/doctest.h>

#include <string>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

TEST_CASE("error messages carry a stable id, the place and the field") {
    try {
        detail::raise(errc::not_positive, "gemm", "field 'm' must be > 0, got -1");
        FAIL("expected a throw");
    } catch (const invalid_argument& e) {
        CHECK(std::string(e.what()) == "[vidperf.invalid_argument.101] gemm: field 'm' must be > 0, got -1");
        CHECK(e.id() == 101);
    }
    CHECK_THROWS_AS(detail::raise(errc::unknown_gpu, "x", "y"), not_found);
    CHECK_THROWS_AS(detail::raise(errc::dtype_not_supported, "x", "y"), unsupported);
    CHECK_THROWS_AS(detail::raise(errc::json_missing_field, "x", "y"), schema_error);
    CHECK_THROWS_AS(detail::raise(errc::unknown_gpu, "x", "y"), error); // all derive from vidperf::error
}

TEST_CASE("NaN and infinity are named, never passed on") {
    CHECK_THROWS_WITH_AS(detail::require_positive(std::numeric_limits<double>::quiet_NaN(), "spec", "hbm"),
                         doctest::Contains("NaN"), invalid_argument);
    CHECK_THROWS_WITH_AS(detail::require_positive(std::numeric_limits<double>::infinity(), "spec", "hbm"),
                         doctest::Contains("'hbm'"), invalid_argument);
    CHECK_THROWS_AS(detail::require_non_negative(-1.0, "spec", "l2"), invalid_argument);
    CHECK_NOTHROW(detail::require_non_negative(0.0, "spec", "l2"));
    CHECK_THROWS_AS(detail::require_in_range(1.5, 0.0, 1.0, "cost", "utilisation"), invalid_argument);
}

TEST_CASE("a GPU spec with a zero bandwidth is refused") {
    gpu_spec g = find_gpu("h100-sxm5-80gb");
    g.hbm_bandwidth = bytes_per_second(0);
    CHECK_THROWS_WITH_AS(g.validate(), doctest::Contains("hbm_bandwidth_GBps"), invalid_argument);
}
