#include <doctest/doctest.h>

#include <string>

#include <vidperf/calibration/fit.hpp>
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
/// A100 PCIe 80GB literature constants with chosen k ramps (tensor-core and SIMT).
calibration with_ramps(double ramp, double ramp_fp32) {
    calibration c = *builtin_calibration("literature", "a100-pcie-80gb").cal;
    c.gemm_ramp_dim.value = ramp;
    c.gemm_ramp_dim_fp32.value = ramp_fp32;
    return c;
}

gemm_op gemm(extent m, extent n, extent k, dtype t, extent batch = 1) {
    gemm_op g{m, n, k};
    g.batch = batch;
    g.a = g.b = g.c = t;
    return g;
}
} // namespace

TEST_CASE("SIMT FP32 GEMMs: a thin output loses operand reuse, tensor-core GEMMs do not") {
    const auto& gpu = find_gpu("a100-pcie-80gb");
    const calibration cal = with_ramps(64, 16);
    REQUIRE(cal.gemm_tile_m.value == 128);
    REQUIRE(cal.gemm_tile_n.value == 128);
    // reuse = [t_m t_n / (t_m + t_n)] / [128 * 128 / 256] for the narrowed tile
    CHECK(detail::simt_tile_reuse(gemm(4096, 4096, 4096, dtype::fp32), cal) == doctest::Approx(1.0));
    CHECK(detail::simt_tile_reuse(gemm(4096, 64, 4096, dtype::fp32), cal) == doctest::Approx(2.0 / 3.0));
    CHECK(detail::simt_tile_reuse(gemm(4096, 32, 4096, dtype::fp32), cal) == doctest::Approx(0.4));
    CHECK(detail::simt_tile_reuse(gemm(16, 16, 4096, dtype::fp32), cal) == doctest::Approx(0.125));

    // the same batched shapes, n = 64 against n = 128: wave quantisation alone prices them per FLOP alike
    const extent batch = 512;
    auto eta = [&](extent n, dtype t) { return predict(gemm(2048, n, 2048, t, batch), gpu, cal).compute_efficiency; };
    CHECK(eta(64, dtype::fp32) / eta(128, dtype::fp32) == doctest::Approx(2.0 / 3.0).epsilon(1e-9));
    CHECK(eta(64, dtype::bf16) / eta(128, dtype::bf16) == doctest::Approx(1.0).epsilon(1e-9));
    // so the FP32 n = 64 product takes longer per FLOP, and a thin SIMT GEMM is never faster than the datasheet allows
    const auto thin = predict(gemm(2048, 64, 2048, dtype::fp32, batch), gpu, cal);
    const auto full = predict(gemm(2048, 128, 2048, dtype::fp32, batch), gpu, cal);
    CHECK(thin.time.value() / thin.flops.value() > 1.4 * full.time.value() / full.flops.value());
    // convolutions keep the plain implicit-GEMM efficiency: 64 output channels price per FLOP as 128 do
    auto conv_eta = [&](extent c_out) {
        conv_op cv;
        cv.c_in = 512;
        cv.c_out = c_out;
        cv.input = {8, 64, 64};
        cv.kernel = {3, 3, 3};
        cv.pad_before = cv.pad_after = {1, 1, 1};
        cv.type = dtype::fp32;
        return predict(cv, gpu, cal).compute_efficiency;
    };
    CHECK(conv_eta(64) / conv_eta(128) == doctest::Approx(1.0).epsilon(1e-9));
}

TEST_CASE("SIMT FP32 GEMMs take their own k ramp where one is calibrated, gemm_ramp_dim where not") {
    const auto& gpu = find_gpu("a100-pcie-80gb");
    const gemm_op small_k = gemm(8192, 8192, 64, dtype::fp32);
    const gemm_op big_k = gemm(8192, 8192, 8192, dtype::fp32);
    auto ratio = [&](const calibration& c) {
        return predict(small_k, gpu, c).compute_efficiency / predict(big_k, gpu, c).compute_efficiency;
    };
    // own ramp 16: 64 / (64 + 16) against 8192 / (8192 + 16)
    CHECK(ratio(with_ramps(64, 16)) == doctest::Approx((64.0 / 80.0) / (8192.0 / 8208.0)).epsilon(1e-9));
    // unset: the tensor-core ramp, 64
    CHECK(ratio(with_ramps(64, 0)) == doctest::Approx((64.0 / 128.0) / (8192.0 / 8256.0)).epsilon(1e-9));
    // BF16 never takes the FP32 ramp
    const gemm_op bf_small = gemm(8192, 8192, 64, dtype::bf16), bf_big = gemm(8192, 8192, 8192, dtype::bf16);
    const calibration c = with_ramps(64, 16);
    CHECK(predict(bf_small, gpu, c).compute_efficiency / predict(bf_big, gpu, c).compute_efficiency ==
          doctest::Approx((64.0 / 128.0) / (8192.0 / 8256.0)).epsilon(1e-9));
    // the ramp's provenance goes with the one used
    calibration marked = with_ramps(64, 16);
    marked.gemm_ramp_dim_fp32.from = {provenance_kind::assumed, "test"};
    marked.gemm_efficiency[static_cast<std::size_t>(compute_class::fp32)].from = {provenance_kind::literature, "t"};
    CHECK(predict(small_k, gpu, marked).compute_basis == provenance_kind::assumed);
    CHECK(predict(bf_small, gpu, marked).compute_basis != provenance_kind::assumed);
}

TEST_CASE("SIMT GEMM time never falls as m or n grows") {
    const auto& gpu = find_gpu("l4-24gb");
    const calibration& c = *builtin_calibration("literature", "l4-24gb").cal;
    double last = 0;
    for (extent n = 1; n <= 3000; n += 7) {
        const double t = predict(gemm(4096, n, 1024, dtype::fp32), gpu, c).time.value();
        CHECK(t >= last * (1 - 1e-12));
        last = t;
    }
    last = 0;
    for (extent m = 1; m <= 3000; m += 7) {
        const double t = predict(gemm(m, 2048, 2048, dtype::fp32), gpu, c).time.value();
        CHECK(t >= last * (1 - 1e-12));
        last = t;
    }
}

TEST_CASE("the calibration fit recovers a SIMT FP32 k ramp and efficiency from synthetic measurements") {
    const auto& gpu = find_gpu("a100-pcie-80gb");
    calibration truth = *builtin_calibration("literature", "a100-pcie-80gb").cal;
    truth.gemm_efficiency[static_cast<std::size_t>(compute_class::fp32)].value = 0.9;
    truth.gemm_ramp_dim_fp32.value = 32;
    const std::string meta =
        R"({"kind": "meta", "schema": "vidperf.calibration-raw/1", "gpu": "synthetic", "slug": "a100-pcie-80gb"})";
    std::string text = meta + "\n";
    auto line = [&](const gemm_op& g) {
        return R"({"kind": "gemm", "dtype": "fp32", "m": )" + std::to_string(g.m) + R"(, "n": )" + std::to_string(g.n) +
               R"(, "k": )" + std::to_string(g.k) + R"(, "time_s": )" +
               std::to_string(predict(g, gpu, truth).time.value()) + R"(, "throttled": false})" + "\n";
    };
    for (extent k : {64, 128, 256, 1024, 4096})
        for (extent n : {64, 1024, 8192}) text += line(gemm(8192, n, k, dtype::fp32));
    const auto fit =
        fit_calibration(parse_raw(text), gpu, *builtin_calibration("literature", "a100-pcie-80gb").cal, "fp32.jsonl");
    CHECK(fit.cal.cal.gemm_ramp_dim_fp32.value == 32);
    CHECK(fit.cal.cal.gemm_ramp_dim_fp32.from.kind == provenance_kind::measured);
    CHECK(fit.cal.cal.gemm(compute_class::fp32).value == doctest::Approx(0.9).epsilon(0.01));
    // the tensor-core ramp is not touched by FP32 points
    CHECK(fit.cal.cal.gemm_ramp_dim.value == truth.gemm_ramp_dim.value);
}
