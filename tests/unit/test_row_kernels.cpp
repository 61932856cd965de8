#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <vidperf/calibration/fit_ops.hpp>
#include <vidperf/io/op_json.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/vidperf.hpp>

#include "public_corpus.hpp"

using namespace vidperf;

namespace {
/// A literature calibration with a chosen LayerNorm spill half-point.
calibration with_spill(double half_bytes) {
    calibration c = *builtin_calibration("literature", "a100-pcie-80gb").cal;
    c.pointwise_spill_bytes[static_cast<std::size_t>(pointwise_kind::layernorm)].value = half_bytes;
    c.pointwise_spill_bytes[static_cast<std::size_t>(pointwise_kind::softmax)].value = half_bytes;
    return c;
}

pointwise_op rows_of(pointwise_kind kind, extent rows, extent row) {
    pointwise_op p;
    p.kind = kind;
    p.elements = rows * row;
    p.row_length = row;
    p.type = dtype::fp32;
    return p;
}
} // namespace

TEST_CASE("row-wise kernels: rows past the spill size read their input again") {
    const auto& gpu = find_gpu("a100-pcie-80gb");
    const calibration cal = with_spill(16384);
    // the same 2^28 values as short rows (4 KiB, far inside) and as long ones (256 KiB, far past the half-point)
    const extent n = extent{1} << 28;
    for (const auto& kind_extra : {std::pair{pointwise_kind::layernorm, 1}, std::pair{pointwise_kind::softmax, 2}}) {
        const pointwise_kind kind = kind_extra.first;
        const int extra = kind_extra.second;
        const std::string_view kind_name = name(kind);
        CAPTURE(kind_name);
        const auto short_rows = predict(rows_of(kind, n / 1024, 1024), gpu, cal);
        const auto long_rows = predict(rows_of(kind, n / 65536, 65536), gpu, cal);
        // fp32 in and out: 8 bytes a value; each extra pass reads 4 more
        const double want = (8.0 + 4.0 * extra) / 8.0;
        CHECK(long_rows.memory_time.value() / short_rows.memory_time.value() == doctest::Approx(want).epsilon(0.01));
        // at the half-point itself half of the extra read is paid
        const auto half = predict(rows_of(kind, n / 4096, 4096), gpu, cal);
        CHECK(half.memory_time.value() / short_rows.memory_time.value() ==
              doctest::Approx((8.0 + 2.0 * extra) / 8.0).epsilon(0.01));
    }
    // no row length, no spill calibration, or an elementwise kernel: no spill term
    pointwise_op unknown = rows_of(pointwise_kind::layernorm, n / 65536, 65536);
    unknown.row_length = 0;
    const auto base = predict(rows_of(pointwise_kind::layernorm, n / 1024, 1024), gpu, cal).memory_time.value();
    CHECK(predict(unknown, gpu, cal).memory_time.value() == doctest::Approx(base).epsilon(1e-3));
    CHECK(predict(rows_of(pointwise_kind::layernorm, n / 65536, 65536), gpu, with_spill(0)).memory_time.value() ==
          doctest::Approx(base).epsilon(1e-3));
}

TEST_CASE("row_length: JSON round trip and refusals") {
    const pointwise_op p = rows_of(pointwise_kind::softmax, 64, 4096);
    const op back = op_from_json(op_to_json(op{p}), "t");
    CHECK(std::get<pointwise_op>(back).row_length == 4096);
    auto j = op_to_json(op{p});
    j["row_length"] = 64 * 4096 + 1;
    CHECK_THROWS_WITH_AS((void)op_from_json(j, "r"), doctest::Contains("row_length"), vidperf::error);
    pointwise_op bad = p;
    bad.row_length = -1;
    CHECK_THROWS_WITH_AS((void)predict(bad, find_gpu("a100-pcie-80gb"), with_spill(16384)),
                         doctest::Contains("row_length"), vidperf::error);
}

TEST_CASE("fit_constants: a harness offset in the timings is fitted apart from the efficiency") {
    // synthetic LayerNorm timings: the engine at efficiency 0.7 and spill 15 KB, plus 40 us of host dispatch
    const auto& gpu = find_gpu("a100-pcie-80gb");
    calibration truth = with_spill(15000);
    truth.pointwise_efficiency[static_cast<std::size_t>(pointwise_kind::layernorm)].value = 0.7;
    std::vector<timed_ops> pts;
    int i = 0;
    for (extent row : {512, 1024, 2048, 3072, 4096, 6144, 8192, 16384})
        for (extent rows : {4096, 16384, 65536}) {
            const pointwise_op p = rows_of(pointwise_kind::layernorm, rows, row);
            const double noise = 1.0 + 0.01 * std::sin(12.9898 * ++i);
            pts.push_back({{p}, (predict(p, gpu, truth).time.value() + 40e-6) * noise, 0});
        }
    calibration start = with_spill(16384);
    const std::vector<std::string_view> keys{"pointwise_layernorm_efficiency", "pointwise_layernorm_spill_bytes"};
    const ops_fit f = fit_constants(pts, gpu, start, keys, {provenance_kind::literature, "test"}, 0);
    CHECK(f.constants[0].value == doctest::Approx(0.7).epsilon(0.05));
    CHECK(f.constants[1].value == doctest::Approx(15000).epsilon(0.15));
    REQUIRE(f.harness_s.size() == 1);
    CHECK(f.harness_s[0] == doctest::Approx(40e-6).epsilon(0.15));
    CHECK(f.median_abs_error < 0.02);
    // without the group the same points leave the offset in the efficiency, and fit worse
    for (auto& p : pts) p.harness = -1;
    const ops_fit g = fit_constants(pts, gpu, start, keys, {provenance_kind::literature, "test"}, 0);
    CHECK(g.harness_s.empty());
    CHECK(g.median_abs_error > 2 * f.median_abs_error);
}

TEST_CASE("corpus harness offsets: fitted on fit rows, carried to test rows and to GPUs without fit rows") {
    using validation::corpus_result;
    using validation::corpus_row;
    auto row = [](std::string gpu, std::string split, double measured) {
        corpus_row r;
        r.source = "neusight";
        r.timing = "events around one call";
        r.family = "layernorm";
        r.gpu = std::move(gpu);
        r.split = std::move(split);
        r.measured_s = measured;
        return r;
    };
    // predicted 100 us everywhere; A100 fit rows measured 130/140/150 us (offset 40 us), L4 fit rows 110/120 (20 us,
    // the upper median of two), a test row far off that must not move the offset, and an H100 with test rows only
    std::vector<corpus_row> rows{row("a100-pcie-80gb", "fit", 130e-6), row("a100-pcie-80gb", "fit", 140e-6),
                                 row("a100-pcie-80gb", "fit", 150e-6), row("a100-pcie-80gb", "test", 900e-6),
                                 row("l4-24gb", "fit", 110e-6),        row("l4-24gb", "fit", 120e-6),
                                 row("h100-sxm5-80gb", "test", 100e-6)};
    corpus_row other = row("a100-pcie-80gb", "fit", 500e-6);
    other.source = "elsewhere"; // not harness-timed: untouched, and not part of any offset
    rows.push_back(other);
    std::vector<corpus_result> res;
    for (const auto& r : rows) {
        corpus_result c;
        c.row = &r;
        c.best = 100e-6;
        res.push_back(c);
    }
    validation::add_harness_offsets(res, &corpus_result::best, &corpus_result::harness_best);
    CHECK(res[0].harness_best == doctest::Approx(40e-6));
    CHECK(res[3].best == doctest::Approx(140e-6)); // the test row takes the fit rows' offset
    CHECK(res[4].harness_best == doctest::Approx(20e-6));
    CHECK(res[6].harness_best == doctest::Approx(30e-6)); // H100: the median of the other GPUs' offsets
    CHECK(res[7].harness_best == 0);
    CHECK(res[7].best == doctest::Approx(100e-6));
}

TEST_CASE("GroupNorm: a row is one group, so PyTorch's second read of it is priced past the spill size") {
    // HunyuanVideo's VAE decoder: 4 latent frames of 8 x 8 decode at 512 channels in the mid block
    const auto st = lower_vae_decode(presets_detail::hunyuan_vae(), {4, 8, 8, 0}, 1, dtype::bf16, {});
    int group_norms = 0;
    for (const auto& u : st.ops)
        if (const auto* p = std::get_if<pointwise_op>(&u.op); p && p->kind == pointwise_kind::layernorm) {
            ++group_norms;
            REQUIRE(p->row_length > 0);
            // elements = voxels x channels; a group = channels / 32 x voxels, so the row is 1/32 of the tensor
            CHECK(p->row_length * vae_norm_groups == p->elements);
            CHECK(p->param_elements % 2 == 0);
        }
    CHECK(group_norms > 10);

    // the builder: 2 videos of 16 x 32 x 32 positions, 256 channels in 32 groups: rows of 8 x 16384 values
    stage_builder b("gn", "gn", dtype::bf16, dtype::bf16);
    b.group_norm(2, 16 * 32 * 32, 256, 32, 2);
    const stage s = b.finish(1);
    REQUIRE(s.ops.size() == 1);
    const auto& gn = std::get<pointwise_op>(s.ops.front().op);
    CHECK(gn.elements == 2 * 16 * 32 * 32 * 256);
    CHECK(gn.row_length == 8 * 16 * 32 * 32);
    CHECK(s.parameters == 512);
    // priced: the second read of a 256 KiB group against the same values normalised over rows of 256 channels
    const auto& gpu = find_gpu("a100-pcie-80gb");
    const calibration cal = with_spill(16384);
    pointwise_op per_channel_rows = gn;
    per_channel_rows.row_length = 256;
    const double ratio =
        predict(gn, gpu, cal).memory_time.value() / predict(per_channel_rows, gpu, cal).memory_time.value();
    CHECK(ratio > 1.45);
    CHECK(ratio < 1.55);
}
