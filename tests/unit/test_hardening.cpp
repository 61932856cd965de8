#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <vidperf/calibration/fit.hpp>
#include <vidperf/io/calibration_json.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/io/storage_json.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
// a GPU based on the H100 entry, with one field replaced
std::string gpu_with(const std::string& field) {
    return R"({"schema": "vidperf.gpu/1", "base": "h100-sxm5-80gb", "slug": "mine", "architecture": "hopper", )" +
           field + "}";
}
std::string calibration_with(const std::string& constant, const std::string& value) {
    return R"({"schema": "vidperf.calibration/1", "profile": "mine", "gpu": "h100-sxm5-80gb", "constants": {")" +
           constant + R"(": {"value": )" + value + R"(, "provenance": "measured", "source": "test"}}})";
}
} // namespace

TEST_CASE("JSON readers refuse what nlohmann would let through or abort on: 1e400, duplicate keys") {
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 1e400)")), doctest::Contains("malformed JSON"),
                         parse_error);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 132, "sm_count": 66)")),
                         doctest::Contains("key 'sm_count' appears twice"), schema_error);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("hbm_efficiency", "1e400")),
                         doctest::Contains("malformed JSON"), parse_error);
    // the same key in sibling objects is fine ("value" in each constant)
    const auto two = calibration_from_json(
        R"({"schema": "vidperf.calibration/1", "profile": "mine", "gpu": "h100-sxm5-80gb", "constants": {
            "hbm_efficiency": {"value": 0.9, "provenance": "measured", "source": "a"},
            "pcie_efficiency": {"value": 0.8, "provenance": "measured", "source": "b"}}})");
    CHECK(two.cal.hbm_efficiency.value == 0.9);
    CHECK(two.cal.pcie_efficiency.value == 0.8);
}

TEST_CASE("counts in files are whole numbers: SM counts, link generations, storage readers") {
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 1.9)")),
                         doctest::Contains("'sm_count' must be a whole number"), schema_error);
    CHECK_THROWS_WITH_AS((void)gpu_from_json(gpu_with(R"("sm_count": 0)")), doctest::Contains("sm_count"), schema_error);
    CHECK(gpu_from_json(gpu_with(R"("sm_count": 66)")).spec.sm_count == 66);
    CHECK_THROWS_WITH_AS((void)storage_from_json(R"({"schema": "vidperf.storage/1", "points": [{"gpus": 0.5, "read_GBps": 2}]})"),
                         doctest::Contains("'gpus' must be a whole number"), schema_error);
}

TEST_CASE("calibrations outside what hardware can do are refused, naming the constant") {
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("hbm_efficiency", "50")),
                         doctest::Contains("hbm_efficiency' must be in [0, 1]"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("combine_exponent", "1e-300")),
                         doctest::Contains("combine_exponent"), invalid_argument);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(calibration_with("allocator_overhead", "0.5")),
                         doctest::Contains("allocator_overhead"), invalid_argument);
    CHECK(calibration_from_json(calibration_with("hbm_efficiency", "0.9")).cal.hbm_efficiency.value == 0.9);
    // every built-in profile passes its own check
    for (const auto& c : literature_calibrations) CHECK_NOTHROW(validate(c, c.gpu_slug));
    CHECK_NOTHROW(validate(datasheet_calibration, "datasheet"));
}

TEST_CASE("files: a directory or a device is not read as a file") {
    CHECK_THROWS_WITH_AS((void)load_gpu_file(VIDPERF_SOURCE_DIR "/tests"), doctest::Contains("not a regular file"),
                         schema_error);
    if (std::filesystem::exists("/dev/zero"))
        CHECK_THROWS_WITH_AS((void)load_calibration_file("/dev/zero"), doctest::Contains("not a regular file"),
                             schema_error);
    CHECK_THROWS_WITH_AS((void)load_gpu_file("/no/such/file.json"), doctest::Contains("does not exist"), not_found);
}

TEST_CASE("the fitter refuses times it cannot fit and flags of the wrong type") {
    const std::string meta = R"({"kind": "meta", "schema": "vidperf.calibration-raw/1", "slug": "h100-sxm5-80gb"})";
    CHECK_THROWS_WITH_AS(
        (void)parse_raw(meta + "\n" + R"({"kind": "gemm", "dtype": "bf16", "m": 8192, "n": 8192, "k": 8192, "time_s": -1e-3})"),
        doctest::Contains("'time_s' must be a finite time > 0"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)parse_raw(meta + "\n" + R"({"kind": "gemm", "dtype": "bf16", "m": 8, "n": 8, "k": 8, "time_s": 0})"),
        doctest::Contains("time_s"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)parse_raw(meta + "\n" +
                        R"({"kind": "gemm", "dtype": "bf16", "m": 8, "n": 8, "k": 8, "time_s": 1e-5, "throttled": "yes"})"),
        doctest::Contains("'throttled' must be true or false"), schema_error);
    CHECK_THROWS_WITH_AS((void)parse_raw(meta + "\n" + R"({"kind": "gemm", "time_s": 1e400})"),
                         doctest::Contains("malformed JSON line"), parse_error);
}
