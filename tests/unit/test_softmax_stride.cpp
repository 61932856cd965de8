#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <vidperf/vidperf.hpp>

#include "public_fit.hpp"

using namespace vidperf;

namespace {
pointwise_op softmax_rows(extent rows, extent row, dtype t = dtype::fp32) {
    pointwise_op p;
    p.kind = pointwise_kind::softmax;
    p.elements = rows * row;
    p.row_length = row;
    p.type = t;
    return p;
}

calibration with_ratio(double ratio, provenance_kind kind = provenance_kind::literature) {
    calibration c = *builtin_calibration("literature", "a100-pcie-80gb").cal;
    c.softmax_single_stride_ratio = {ratio, {kind, "test"}, 0};
    c.pointwise_spill_bytes[static_cast<std::size_t>(pointwise_kind::softmax)].value = 0; // no spill term here
    return c;
}
} // namespace

TEST_CASE("PyTorch's softmax launch rule: rows with fewer than two vectorised strides") {
    // FP32 (4 values a 16-byte load): up to 1024 the warp softmax; (row / 4) / 2 in integers rounded up to a power
    // of two gives 128 threads (stride 512) to rows 1025-1031, 256 (stride 1024) to 1032-2055 and 512 (stride
    // 2048) to 2056-4095 and on: one whole stride for 1032-2047 and 2056-4095
    CHECK_FALSE(pytorch_softmax_single_stride(512, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(1024, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(1025, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(1031, 4));
    CHECK(pytorch_softmax_single_stride(1032, 4));
    CHECK(pytorch_softmax_single_stride(1600, 4));
    CHECK(pytorch_softmax_single_stride(2047, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(2048, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(2055, 4));
    CHECK(pytorch_softmax_single_stride(2056, 4));
    CHECK(pytorch_softmax_single_stride(3072, 4));
    CHECK(pytorch_softmax_single_stride(4095, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(4096, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(5120, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(100000, 4));
    // BF16/FP16 (8 values a load): 1500 -> 93 -> 128 threads, stride 1024: one; 2048 -> 128 threads: two
    CHECK(pytorch_softmax_single_stride(1500, 2));
    CHECK_FALSE(pytorch_softmax_single_stride(2048, 2));
    // FP64: 600 values are 4800 bytes, past the warp softmax's 4096: 2 a load, 256 threads, stride 512: one
    CHECK(pytorch_softmax_single_stride(600, 8));
    // no row length: no claim
    CHECK_FALSE(pytorch_softmax_single_stride(0, 4));
    CHECK_FALSE(pytorch_softmax_single_stride(-5, 4));
}

TEST_CASE("softmax single-stride ratio: only single-stride softmax rows pay it, with its provenance") {
    const auto& gpu = find_gpu("a100-pcie-80gb");
    const calibration off = with_ratio(0);
    const calibration on = with_ratio(0.75, provenance_kind::assumed);
    const extent n = extent{1} << 26;
    // 3072 values a row: one stride; the memory time grows by 1 / 0.75
    const auto single_off = predict(softmax_rows(n / 3072, 3072), gpu, off);
    const auto single_on = predict(softmax_rows(n / 3072, 3072), gpu, on);
    CHECK(single_on.memory_time.value() / single_off.memory_time.value() == doctest::Approx(1 / 0.75).epsilon(1e-9));
    CHECK(single_on.memory_basis == provenance_kind::assumed);
    CHECK(single_off.memory_basis != provenance_kind::assumed);
    // 4096 values (two strides) and 1024 (warp softmax): unchanged, provenance untouched
    for (const extent row : {extent{4096}, extent{1024}}) {
        CAPTURE(row);
        const auto a = predict(softmax_rows(n / row, row), gpu, off);
        const auto b = predict(softmax_rows(n / row, row), gpu, on);
        CHECK(b.memory_time.value() == doctest::Approx(a.memory_time.value()).epsilon(1e-12));
        CHECK(b.memory_basis == a.memory_basis);
    }
    // a LayerNorm of single-stride length is not a softmax
    pointwise_op ln = softmax_rows(n / 3072, 3072);
    ln.kind = pointwise_kind::layernorm;
    CHECK(predict(ln, gpu, on).memory_time.value() == doctest::Approx(predict(ln, gpu, off).memory_time.value()));
}

TEST_CASE("softmax single-stride ratio: the literature profiles carry their fit, bounded like a ratio") {
    const calibration& a100 = *builtin_calibration("literature", "a100-pcie-80gb").cal;
    CHECK(a100.softmax_single_stride_ratio.from.kind == provenance_kind::literature);
    CHECK(a100.softmax_single_stride_ratio.value > 0.6);
    CHECK(a100.softmax_single_stride_ratio.value < 0.95);
    CHECK(datasheet_calibration.softmax_single_stride_ratio.value == 0);
    calibration bad = a100;
    bad.softmax_single_stride_ratio.value = 1e6;
    CHECK_THROWS_AS(validate(bad, "test"), vidperf::error);
}

namespace {
/// Synthetic softmax rows of `gpu` timed by the engine itself under `truth` (not harness-timed: a plain source).
std::vector<validation::corpus_row> synthetic_rows(const std::string& gpu, const calibration& truth,
                                                   const std::vector<extent>& lengths) {
    std::vector<validation::corpus_row> out;
    int i = 0;
    for (const extent row : lengths)
        for (const extent rows : {extent{16384}, extent{65536}}) {
            validation::corpus_row r;
            r.id = gpu + "-" + std::to_string(i++);
            r.source = "synthetic";
            r.gpu = gpu;
            r.family = "softmax";
            r.dtype = "fp32";
            r.split = "fit";
            r.ops = {softmax_rows(rows, row)};
            r.measured_s = predict(r.ops.front(), find_gpu(gpu), truth).time.value();
            out.push_back(std::move(r));
        }
    return out;
}
} // namespace

TEST_CASE("public fit: a spill half-point the rows cannot fit is carried from a GPU with the same SM") {
    using validation::public_fit_gpu;
    // the A100 PCIe 80GB fitted its softmax spill and single-stride ratio; the 40GB board's rows stopped short of
    // the half-point, so its fit ran without the spill (what NeuSight's train-set rows do)
    public_fit_gpu big;
    big.gpu = "a100-pcie-80gb";
    validation::public_fit_step step;
    step.what = "softmax";
    step.source = "fit to validation/public (test): softmax, 9 rows of synthetic";
    step.fit.constants = {{"pointwise_softmax_efficiency", 0.8, 0.01},
                          {"pointwise_softmax_spill_bytes", 51200, 900},
                          {"softmax_single_stride_ratio", 0.8, 0.02}};
    big.steps.push_back(step);
    public_fit_gpu small;
    small.gpu = "a100-pcie-40gb";
    step.what = "softmax without spill";
    step.fit.constants = {{"pointwise_softmax_efficiency", 0.7, 0.01}, {"softmax_single_stride_ratio", 0.9, 0.02}};
    small.steps.push_back(step);
    // an sm_89 GPU accepted without spill and has no sibling: its spill is recorded as none
    public_fit_gpu ada = small;
    ada.gpu = "l4-24gb";

    // the 40GB board's rows, timed with efficiency 0.75, ratio 0.7 and the 80GB board's half-point
    calibration truth = *detail::find_literature_base("a100-pcie-40gb");
    truth.pointwise_efficiency[static_cast<std::size_t>(pointwise_kind::softmax)].value = 0.75;
    truth.pointwise_spill_bytes[static_cast<std::size_t>(pointwise_kind::softmax)].value = 51200;
    truth.softmax_single_stride_ratio.value = 0.7;
    const auto rows = synthetic_rows("a100-pcie-40gb", truth, {512, 1024, 1600, 2048, 2560, 3072, 4094});
    std::map<std::string, std::vector<const validation::corpus_row*>> by_gpu;
    for (const auto& r : rows) by_gpu["a100-pcie-40gb"].push_back(&r);

    std::vector<public_fit_gpu> fits{big, small, ada};
    validation::carry_from_siblings(fits, by_gpu);
    validation::record_no_spill(fits);

    const public_fit_gpu& refit = fits[1];
    REQUIRE(refit.carried.size() == 1); // the spill; the ratio its own rows fit (both kinds of row are present)
    CHECK(refit.carried[0].key == "pointwise_softmax_spill_bytes");
    CHECK(refit.carried[0].value == 51200);
    CHECK(refit.carried[0].source.find("carried from a100-pcie-80gb (same SM, compute capability 8.0)") !=
          std::string::npos);
    CHECK(refit.cal.spill(pointwise_kind::softmax).value == 51200);
    CHECK(refit.cal.spill(pointwise_kind::softmax).from.source == refit.carried[0].source);
    // refitted with the half-point held: the efficiency and the ratio come back
    CHECK(refit.cal.pointwise(pointwise_kind::softmax).value == doctest::Approx(0.75).epsilon(0.01));
    CHECK(refit.cal.softmax_single_stride_ratio.value == doctest::Approx(0.7).epsilon(0.01));
    for (const auto& s : refit.steps)
        for (const auto& c : s.fit.constants) CHECK(c.key != "pointwise_softmax_spill_bytes");
    // the 80GB board keeps its own fit; the sm_89 GPU records no spill
    CHECK(fits[0].carried.empty());
    REQUIRE(fits[2].carried.size() == 1);
    CHECK(fits[2].carried[0].value == 0);
    CHECK(fits[2].carried[0].source.find("no spill term") != std::string::npos);
    // both reach the table of accepted constants
    const auto table = validation::accepted(fits);
    int carried = 0;
    for (const auto& e : table) carried += e.source.find("carried from") != std::string::npos ? 1 : 0;
    CHECK(carried == 1);
}
