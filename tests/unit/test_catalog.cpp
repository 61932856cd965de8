#include <doctest/doctest.h>

#include <set>
#include <string>

#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
double tflops(const gpu_spec& g, compute_class c) { return g.peak(c).value() / 1e12; }
} // namespace

TEST_CASE("the catalog has every required slug, each valid and unique") {
    const std::set<std::string> required{"a100-pcie-40gb", "a100-sxm4-40gb", "a100-pcie-80gb", "a100-sxm4-80gb",
                                         "h100-pcie-80gb", "h100-sxm5-80gb", "h100-nvl-94gb",  "h200-sxm-141gb",
                                         "h800-sxm5-80gb", "l40s-48gb",      "l4-24gb",        "rtx4090-24gb",
                                         "rtx6000ada-48gb", "b200-sxm-180gb", "mi300x-192gb"};
    std::set<std::string> seen;
    for (const auto& g : gpu_catalog) {
        CAPTURE(g.slug);
        CHECK(seen.insert(std::string(g.slug)).second);
        CHECK_NOTHROW(g.validate());
        CHECK_FALSE(g.source.empty());
        CHECK(g.supports(compute_class::bf16));
    }
    for (const auto& s : required) {
        CAPTURE(s);
        CHECK(try_find_gpu(s) != nullptr);
    }
}

TEST_CASE("key datasheet values (dense peaks)") {
    const auto& h100 = find_gpu("h100-sxm5-80gb");
    CHECK(tflops(h100, compute_class::bf16) == doctest::Approx(989.4).epsilon(0.001));
    CHECK(h100.hbm_bandwidth.value() == doctest::Approx(3.35e12));
    CHECK(h100.hbm_capacity.value() == doctest::Approx(80e9));
    CHECK(h100.sm_count == 132);
    CHECK(tflops(h100, compute_class::fp8) == doctest::Approx(1978.9).epsilon(0.001));

    const auto& a100 = find_gpu("a100-sxm4-80gb");
    CHECK(tflops(a100, compute_class::bf16) == doctest::Approx(312.0));
    CHECK(a100.hbm_bandwidth.value() == doctest::Approx(2.039e12));
    CHECK(a100.sm_count == 108);
    CHECK_FALSE(a100.supports(compute_class::fp8));

    const auto& h200 = find_gpu("h200-sxm-141gb");
    CHECK(tflops(h200, compute_class::bf16) == doctest::Approx(989.4).epsilon(0.001));
    CHECK(h200.hbm_bandwidth.value() == doctest::Approx(4.8e12));
    CHECK(h200.hbm_capacity.value() == doctest::Approx(141e9));

    CHECK(find_gpu("a100-sxm4-40gb").hbm_bandwidth.value() == doctest::Approx(1.555e12));
    CHECK(find_gpu("h100-pcie-80gb").hbm_bandwidth.value() == doctest::Approx(2.0e12));
}

TEST_CASE("dense, not sparse: tensor peaks are consistent across the catalog") {
    for (const auto& g : gpu_catalog) {
        CAPTURE(g.slug);
        // no datasheet dense BF16 peak exceeds 2.5 PFLOP/s in this generation; a sparse figure would
        CHECK(tflops(g, compute_class::bf16) < 2500.0);
        if (g.supports(compute_class::fp8)) {
            // FP8 runs at twice the BF16 rate on every part listed
            CHECK(tflops(g, compute_class::fp8) == doctest::Approx(2 * tflops(g, compute_class::bf16)).epsilon(0.02));
        }
        CHECK(tflops(g, compute_class::tf32) <= tflops(g, compute_class::bf16));
    }
}

TEST_CASE("an unknown slug is an error listing the closest slugs") {
    try {
        (void)find_gpu("h100-sxm");
        FAIL("expected not_found");
    } catch (const not_found& e) {
        const std::string what = e.what();
        CHECK(e.code() == errc::unknown_gpu);
        CHECK(what.find("h100-sxm") != std::string::npos);
        CHECK(what.find("h100-sxm5-80gb") != std::string::npos);
    }
    CHECK(try_find_gpu("nope") == nullptr);
#ifndef VIDPERF_SANITIZE // GCC's -fsanitize=undefined makes the pointer test non-constant
    static_assert(try_find_gpu("h200-sxm-141gb") != nullptr, "lookup works at compile time");
#endif
}

TEST_CASE("fp8 on a GPU without it, and storage-only dtypes, are errors") {
    CHECK_THROWS_AS((void)find_gpu("a100-sxm4-80gb").peak_for(dtype::fp8_e4m3), unsupported);
    CHECK_THROWS_AS((void)find_gpu("h100-sxm5-80gb").peak_for(dtype::nf4), unsupported);
    CHECK_THROWS_AS((void)find_gpu("h100-sxm5-80gb").peak_for(dtype::int4), unsupported);
    CHECK(find_gpu("a100-sxm4-80gb").peak_for(dtype::int4).value() > 0);
}

TEST_CASE("rebinding a spec to float keeps its values") {
    const auto f = rebind<float>(find_gpu("h100-sxm5-80gb"));
    CHECK(static_cast<double>(f.hbm_bandwidth.value()) == doctest::Approx(3.35e12));
    CHECK(f.slug == "h100-sxm5-80gb");
}
