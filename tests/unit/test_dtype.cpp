#include <doctest/doctest.h>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

TEST_CASE("dtype sizes") {
    CHECK(size_bytes(dtype::fp32) == 4.0);
    CHECK(size_bytes(dtype::tf32) == 4.0); // stored as fp32
    CHECK(size_bytes(dtype::bf16) == 2.0);
    CHECK(size_bytes(dtype::fp16) == 2.0);
    CHECK(size_bytes(dtype::fp8_e4m3) == 1.0);
    CHECK(size_bytes(dtype::fp8_e5m2) == 1.0);
    CHECK(size_bytes(dtype::int8) == 1.0);
    CHECK(size_bytes(dtype::int4) == 0.5);
    CHECK(size_bytes(dtype::nf4) == 0.5);
}

TEST_CASE("dtype names parse back") {
    for (dtype t : all_dtypes) CHECK(try_parse<dtype>(name(t)) == t);
    CHECK(try_parse<dtype>("fp8") == dtype::fp8_e4m3);
    CHECK(try_parse<dtype>("bfloat16") == dtype::bf16);
    CHECK_FALSE(try_parse<dtype>("fp12").has_value());
}

TEST_CASE("compute classes") {
    CHECK(compute_class_of(dtype::tf32) == compute_class::tf32);
    CHECK(compute_class_of(dtype::fp8_e5m2) == compute_class::fp8);
    CHECK(compute_class_of(dtype::fp8_e4m3) == compute_class::fp8);
    CHECK_FALSE(compute_class_of(dtype::nf4).has_value()); // storage only
}
