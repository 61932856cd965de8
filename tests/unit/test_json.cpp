#include <doctest/doctest.h>

#include <string>

#include <vidperf/json.hpp>

using namespace vidperf;

TEST_CASE("a user GPU from JSON with unit-suffixed keys") {
    const auto g = gpu_from_json(R"({
        "schema": "vidperf.gpu/1", "slug": "my-gpu", "name": "Lab GPU", "vendor": "nvidia",
        "architecture": "hopper", "sm_version": 90, "sm_count": 100, "boost_clock_MHz": 1700,
        "dense_peak_TFLOPps": {"fp32": 50, "tf32": 300, "bf16": 600, "fp16": 600, "fp8": 1200, "int8": 1200, "int4": 0},
        "hbm_capacity_GB": 64, "hbm_bandwidth_GBps": 2500, "l2_size_MiB": 40,
        "nvlink_generation": 0, "nvlink_bandwidth_GBps": 0, "pcie_generation": 5, "pcie_bandwidth_GBps": 64,
        "tdp_W": 500, "source": "our lab sheet"})");
    CHECK(g.spec.slug == "my-gpu");
    CHECK(g.spec.hbm_bandwidth.value() == doctest::Approx(2.5e12));
    CHECK(g.spec.peak(compute_class::bf16).value() == doctest::Approx(600e12));
    CHECK(g.spec.l2_size.value() == doctest::Approx(40.0 * 1024 * 1024));
    // usable at once with the datasheet profile
    const auto p = predict(gemm_op{8192, 8192, 8192}, g.spec, datasheet_calibration);
    CHECK(p.achieved_flops_per_second().value() == doctest::Approx(600e12));
}

TEST_CASE("a GPU JSON based on a catalog entry overrides fields - round trip") {
    const auto g = gpu_from_json(
        R"({"schema": "vidperf.gpu/1", "base": "h100-sxm5-80gb", "slug": "h100-slow-hbm", "hbm_bandwidth_GBps": 3000})");
    CHECK(g.spec.hbm_bandwidth.value() == doctest::Approx(3e12));
    CHECK(g.spec.sm_count == 132);
    const auto back = gpu_from_json(to_json(g.spec).dump());
    CHECK(back.spec.slug == "h100-slow-hbm");
    CHECK(back.spec.hbm_bandwidth.value() == doctest::Approx(3e12));
    CHECK(back.spec.peak(compute_class::fp8).value() == doctest::Approx(g.spec.peak(compute_class::fp8).value()));
    for (const auto& c : gpu_catalog) {
        const auto r = gpu_from_json(to_json(c).dump());
        CHECK(r.spec.hbm_capacity.value() == doctest::Approx(c.hbm_capacity.value()));
        CHECK(r.spec.nvlink_bandwidth.value() == doctest::Approx(c.nvlink_bandwidth.value()));
    }
}

TEST_CASE("malformed GPU JSON: line and column, missing field, wrong type, unknown key, bad value") {
    try {
        (void)gpu_from_json("{\n  \"schema\": \"vidperf.gpu/1\",\n  \"slug\": oops\n}");
        FAIL("expected parse_error");
    } catch (const parse_error& e) {
        CHECK(e.line() == 3);
        CHECK(e.column() >= 11);
        CHECK(std::string(e.what()).find("line 3") != std::string::npos);
    }
    CHECK_THROWS_WITH_AS((void)gpu_from_json(R"({"schema": "vidperf.gpu/1", "slug": "x"})"),
                         doctest::Contains("missing field"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)gpu_from_json(R"({"schema": "vidperf.gpu/1", "base": "h100-sxm5-80gb", "slug": "x", "sm_count": "many"})"),
        doctest::Contains("'sm_count' must be a number"), schema_error);
    CHECK_THROWS_WITH_AS(
        (void)gpu_from_json(R"({"schema": "vidperf.gpu/1", "base": "h100-sxm5-80gb", "hbm_bandwith_GBps": 1})"),
        doctest::Contains("hbm_bandwidth_GBps"), schema_error);
    CHECK_THROWS_AS(
        (void)gpu_from_json(R"({"schema": "vidperf.gpu/1", "base": "h100-sxm5-80gb", "hbm_bandwidth_GBps": -1})"),
        invalid_argument);
    CHECK_THROWS_AS((void)gpu_from_json(R"({"schema": "vidperf.gpu/9", "slug": "x"})"), schema_error);
    CHECK_THROWS_AS((void)gpu_from_json(R"({"schema": "vidperf.gpu/1", "base": "h1000"})"), not_found);
}

TEST_CASE("calibration JSON round trip for every built-in profile") {
    auto check = [](const calibration& c) {
        CAPTURE(c.gpu_slug);
        const auto back = calibration_from_json(to_json(c).dump());
        for_each_constant(c, [&](std::string_view key, const auto& k) {
            CAPTURE(key);
            bool seen = false;
            for_each_constant(back.cal, [&](std::string_view key2, const auto& k2) {
                if (key2 != key) return;
                seen = true;
                CHECK(constant_value(k2) == doctest::Approx(constant_value(k)));
                CHECK(k2.from.kind == k.from.kind);
                CHECK(k2.from.source == k.from.source);
            });
            CHECK(seen);
        });
        const auto p1 = predict(gemm_op{4096, 4096, 4096}, find_gpu(c.gpu_slug.empty() ? "h100-sxm5-80gb" : c.gpu_slug),
                                c);
        calibration b = back.cal;
        if (c.gpu_slug.empty()) b.gpu_slug = "";
        const auto p2 = predict(gemm_op{4096, 4096, 4096}, find_gpu(c.gpu_slug.empty() ? "h100-sxm5-80gb" : c.gpu_slug),
                                b);
        CHECK(p1.time.value() == doctest::Approx(p2.time.value()));
    };
    check(datasheet_calibration);
    for (const auto& c : literature_calibrations) check(c);
}

TEST_CASE("a partial calibration file takes missing constants from its base") {
    const auto c = calibration_from_json(R"({
        "schema": "vidperf.calibration/1", "profile": "lab", "gpu": "h100-sxm5-80gb", "base": "literature",
        "constants": {"gemm_efficiency_bf16": {"value": 0.75, "provenance": "measured",
                                                "source": "calibration/data/h100-sxm5-80gb/x/gemm.jsonl",
                                                "std_error": 0.003}},
        "flags": {"attention_sage_available": true}})");
    CHECK(c.cal.profile == "lab");
    CHECK(c.cal.gemm(compute_class::bf16).value == doctest::Approx(0.75));
    CHECK(c.cal.gemm(compute_class::bf16).from.kind == provenance_kind::measured);
    CHECK(c.cal.gemm(compute_class::bf16).std_error == doctest::Approx(0.003));
    CHECK(c.cal.hbm_efficiency.value == doctest::Approx(2.90 / 3.35)); // from the literature base
    CHECK(c.cal.attn(attention_kernel::sage).available);
}

TEST_CASE("bad calibration files are errors naming what is wrong") {
    CHECK_THROWS_WITH_AS((void)calibration_from_json(R"({"schema": "vidperf.calibration/1", "profile": "x",
        "gpu": "h100-sxm5-80gb", "constants": {"gemm_eficiency_bf16": {"value": 1, "provenance": "measured", "source": "f"}}})"),
                         doctest::Contains("gemm_efficiency_bf16"), schema_error);
    CHECK_THROWS_WITH_AS((void)calibration_from_json(R"({"schema": "vidperf.calibration/1", "profile": "x",
        "gpu": "h100-sxm5-80gb", "constants": {"hbm_efficiency": {"value": 1, "provenance": "vibes", "source": "f"}}})"),
                         doctest::Contains("provenance"), schema_error);
    CHECK_THROWS_AS((void)calibration_from_json(R"({"schema": "vidperf.calibration/1", "profile": "x",
        "gpu": "h100-sxm5-80gb", "constants": {"hbm_efficiency": {"value": -0.5, "provenance": "measured", "source": "f"}}})"),
                    invalid_argument);
    CHECK_THROWS_AS((void)calibration_from_json(R"({"schema": "vidperf.calibration/1", "profile": "x",
        "gpu": "rtx6000ada-48gb", "base": "literature"})"),
                    unsupported);
    CHECK_THROWS_AS((void)calibration_from_json("{\"schema\": \"vidperf.calibration/1\", "), parse_error);
}
