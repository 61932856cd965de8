#include <doctest/doctest.h>

#include <vidperf/pipeline/error_band.hpp>
#include <vidperf/models/implementation.hpp>

using namespace vidperf;

TEST_CASE("likely range: the measured value for a prediction p lies in [p / (1 + p90), p / (1 + p10)]") {
    for (const auto& b : detail::error_bands) {
        CAPTURE(b.basis);
        CHECK(b.p10 <= b.p90);
        CHECK(b.rows > 0);
        if (b.basis == "all" || b.rows < detail::error_band_min_rows) continue;
        const auto r = likely_range_of(100.0, b.basis);
        CHECK(r.basis == b.basis);
        CHECK(r.low == doctest::Approx(100.0 / (1 + b.p90)));
        CHECK(r.high == doctest::Approx(100.0 / (1 + b.p10)));
        CHECK(r.low <= r.high);
    }
}

TEST_CASE("an architecture with too few published rows, or none, gets the pooled band") {
    const auto& pooled = detail::error_bands[0];
    REQUIRE(pooled.basis == "all");
    const auto none = likely_range_of(50.0, "cdna3"); // no published MI300X row
    CHECK(none.basis == "all");
    CHECK(none.rows == pooled.rows);
    for (const auto& b : detail::error_bands)
        if (b.basis != "all" && b.rows < detail::error_band_min_rows) CHECK(likely_range_of(1.0, b.basis).basis == "all");
}

TEST_CASE("weights default to what the implementation holds: Wan2.1's own code keeps its DiT in fp32") {
    CHECK(weight_storage(implementation::official, true, dtype::bf16) == dtype::fp32);
    CHECK(weight_storage(implementation::official, true, dtype::fp8_e4m3) == dtype::fp8_e4m3); // fp8 needs fp8 weights
    CHECK(weight_storage(implementation::diffusers, true, dtype::bf16) == dtype::bf16);
    CHECK(weight_storage(implementation::official, false, dtype::bf16) == dtype::bf16);
}
